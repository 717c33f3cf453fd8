"""Issue 13 items 13 and 14 as a user sees them, through Chat on the real desk over the in-memory unit of work, in
both languages: the numbered choice when a customer name is ambiguous (and how to go on), `customers` and
`products`, `find` saying "20 of N", `show 398`, a suggestion for a mistyped verb, and a date hint whose example
follows the calendar."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest

from bot.app.bootstrap import Desk
from bot.conversation.chat import Chat
from bot.conversation.i18n import catalog
from domain.users import Front, User
from tests.conftest import T0
from tests.fakes import FakeUnitOfWork, customer, product, user

TODAY = T0.date()


@pytest.fixture
def chat(fake_desk: Desk, fake_uow: FakeUnitOfWork) -> Chat:
    fake_uow.seed(
        customer("CUST-001", "沈阳鑫源机械有限公司", credit_limit="100000"),
        customer("CUST-002", "大连鑫源五金有限公司"),
        customer("ACME", "Acme Machining"),
        product("BOLT-M8", "0.50", "六角螺栓 M8"),
        product("NUT-M8", "0.10", "六角螺母 M8"),
    )
    english = user("lily", "sales")
    english.language = "en"
    chinese: User = user("wang", "sales")
    chinese.language = "zh"
    fake_uow.seed(english, chinese)
    return Chat(fake_desk)


def reply(chat: Chat, who: str, line: str) -> tuple[bool, str]:
    msg = chat.handle(Front.shell, who, line)
    return msg.error, msg.text()


def test_an_ambiguous_customer_gets_a_numbered_choice_with_codes_and_how_to_go_on(chat: Chat) -> None:
    error, text = reply(chat, "lily", "new 鑫源 BOLT-M8 100")
    assert error
    assert text.splitlines() == [
        "✖ 2 customers match “鑫源”:",
        "  1. CUST-001  沈阳鑫源机械有限公司",
        "  2. CUST-002  大连鑫源五金有限公司",
        "Type the command again with the customer's code in place of “鑫源”, e.g. CUST-001.",
    ]
    error, text = reply(chat, "wang", "list customer 鑫源")
    assert error and "有 2 个客户匹配「鑫源」" in text and "  2. CUST-002  大连鑫源五金有限公司" in text
    assert "请把命令里的「鑫源」换成客户编号再输入一次，例如 CUST-001。" in text


def test_a_customer_typed_by_name_or_initials_makes_the_order(chat: Chat) -> None:
    error, text = reply(chat, "lily", "new syxy BOLT-M8 五千 due 下月初")
    assert not error, text
    assert "CUST-001 沈阳鑫源机械有限公司" in text and "2,500.00" in text  # 5000 × 0.50
    error, text = reply(chat, "wang", "新建 大连鑫源 NUT-M8 一万二")
    assert not error and "CUST-002 大连鑫源五金有限公司" in text and "1,200.00" in text


def test_customers_and_products_list_what_matches(chat: Chat) -> None:
    error, text = reply(chat, "lily", "customers 鑫源")
    assert not error
    assert text.splitlines()[0] == "Customers matching “鑫源” (2 of 2)"
    assert "CUST-001" in text and "CUST-002" in text and "ACME" not in text
    error, text = reply(chat, "wang", "产品 螺母")
    assert not error and text.splitlines()[0] == "匹配「螺母」的产品（显示 1 / 共 1）" and "NUT-M8" in text
    error, text = reply(chat, "lily", "customers zzz")
    assert not error and text.startswith("No customer matches “zzz”")


def test_find_says_20_of_n_and_how_to_see_more(chat: Chat) -> None:
    for _ in range(23):
        assert not reply(chat, "lily", "new ACME BOLT-M8 10 po PO-55")[0]
    error, text = reply(chat, "lily", "find PO-55")
    assert not error and text.splitlines()[0] == "Orders matching “PO-55” (20 of 23)"
    assert "More: add `page 2`." in text
    error, text = reply(chat, "wang", "搜索 PO-55 page 2")
    assert not error and text.splitlines()[0] == "匹配「PO-55」的订单（显示 3 / 共 23）"
    error, text = reply(chat, "lily", "find %%")
    assert not error and text == "No orders match."  # wildcards typed are taken literally


def test_show_398_is_this_years_order_398(chat: Chat) -> None:
    assert not reply(chat, "lily", "new ACME BOLT-M8 10")[0]
    error, text = reply(chat, "lily", "show 1")
    assert not error and text.startswith(f"SO-{TODAY.year}-000001 ")
    error, text = reply(chat, "lily", "show 398")
    assert error and f"SO-{TODAY.year}-000398" in text
    error, text = reply(chat, "lily", "show 0")
    assert (
        error
        and text == f"✖ “0” is not an order number (like SO-{TODAY.year}-000123, or 123 for this year's order 123)."
    )


@pytest.mark.parametrize(
    ("who", "line", "expected"),
    [
        (
            "lily",
            "shwo SO-2026-1",
            "✖ I don't know the command “shwo” — did you mean `show`? Type `help` for the list.",
        ),
        ("lily", "confrim 1", "did you mean `confirm`?"),
        ("lily", "help histroy", "did you mean `history`?"),
        ("wang", "确定 1", "你是不是想输入 `确认`？"),
        ("wang", "shwo 1", "不认识命令「shwo」，你是不是想输入 `show`？"),
        ("lily", "frobnicate", "✖ I don't know the command “frobnicate”. Type `help` for the list."),
    ],
)
def test_a_mistyped_verb_gets_a_suggestion_in_the_users_language(
    chat: Chat, who: str, line: str, expected: str
) -> None:
    error, text = reply(chat, who, line)
    assert error and expected in text


def test_the_date_hint_example_follows_the_calendar(chat: Chat) -> None:
    for lang, who in (("en", "lily"), ("zh", "wang")):
        assert not re.search(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", catalog(lang)["date_not_understood"])
        error, text = reply(chat, who, "new ACME BOLT-M8 10 due someday")
        ahead = TODAY + timedelta(days=14)
        assert error and ahead.isoformat() in text and f"{ahead.month}月{ahead.day}日" in text
        examples = [date.fromisoformat(x) for x in re.findall(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", text)]
        assert examples and all(x > TODAY for x in examples)
