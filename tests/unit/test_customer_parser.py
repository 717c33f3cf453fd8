"""What a customer's contact may type: chat text -> the customer's commands, each carrying the chat."""

from __future__ import annotations

import contextlib
import unicodedata
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.conversation.language.customer_parser import CUSTOMER_VERBS, CustomerParser, command_word
from bot.conversation.language.dates import DateReader
from bot.conversation.language.errors import ParseError
from bot.conversation.language.parser import HelpRequest
from domain import commands as c
from domain.commands import ChangeInput, DueShift
from domain.errors import OrderbotError

TODAY = date(2026, 11, 22)  # a Sunday
CHAT = "-100123"
N1 = "SO-2026-000001"
CI = ChangeInput


@pytest.fixture(scope="module")
def parser() -> CustomerParser:
    return CustomerParser(DateReader())


TABLE: list[tuple[str, object]] = [
    ("/orders", c.MyOrders(CHAT)),
    ("orders 2", c.MyOrders(CHAT, 2)),
    ("/orders page 3", c.MyOrders(CHAT, 3)),
    ("/orders@orderbot_bot 2", c.MyOrders(CHAT, 2)),
    ("我的订单", c.MyOrders(CHAT)),
    ("订单 第 2", c.MyOrders(CHAT, 2)),
    ("/orders 0", c.MyOrders(CHAT, 1)),
    ("/status SO-2026-1", c.MyOrder(CHAT, N1)),
    ("/status@orderbot_bot so2026000001", c.MyOrder(CHAT, N1)),
    ("/STATUS SO-2026-1", c.MyOrder(CHAT, N1)),
    ("状态 SO-2026-1", c.MyOrder(CHAT, N1)),
    ("查询 ＳＯ－２０２６－１", c.MyOrder(CHAT, N1)),
    (
        '/change SO-2026-1 qty BOLT-M8 800 date 提前两周 reason "budget cut" evidence "mail 11-21"',
        c.CustomerChange(
            CHAT,
            N1,
            (CI("quantity", "BOLT-M8", quantity=Decimal(800)), CI("due_date", when=DueShift(-14, "提前两周"))),
            "budget cut",
            "mail 11-21",
        ),
    ),
    (
        "/change@orderbot_bot SO-2026-1 date 2026-12-30",
        c.CustomerChange(CHAT, N1, (CI("due_date", when=date(2026, 12, 30)),)),
    ),
    (
        "变更 SO-2026-1 加行 NUT-M8 100 删行 line 2 取消",
        c.CustomerChange(
            CHAT, N1, (CI("add_line", "NUT-M8", quantity=Decimal(100)), CI("remove_line", line=2), CI("cancel"))
        ),
    ),
    ("change SO-2026-1 hold 原因 工地停工", c.CustomerChange(CHAT, N1, (CI("hold"),), "工地停工")),
    (
        "/change SO-2026-1 resume price NUT-M8 0.04",
        c.CustomerChange(CHAT, N1, (CI("resume"), CI("price", "NUT-M8", unit_price=Decimal("0.04")))),
    ),
    ("/unlink", c.Unlink(CHAT)),
    ("解绑", c.Unlink(CHAT)),
    ("解除绑定", c.Unlink(CHAT)),
    ("/lang en", c.SetContactLanguage(CHAT, "en")),
    ("语言 中文", c.SetContactLanguage(CHAT, "zh")),
    ("language english", c.SetContactLanguage(CHAT, "en")),
    ("/help", HelpRequest(None)),
    ("/help change", HelpRequest(None)),
    ("帮助", HelpRequest(None)),
    ("?", HelpRequest(None)),
    ("？", HelpRequest(None)),
    ("/start", HelpRequest(None)),
    ("/start@orderbot_bot", HelpRequest(None)),
    ("/start Ab3_-xY", c.BindContact("Ab3_-xY", CHAT, "", "", None)),
    ("绑定 Ab3_-xY", c.BindContact("Ab3_-xY", CHAT, "", "", None)),
    ("bind Ab3_-xY", c.BindContact("Ab3_-xY", CHAT, "", "", None)),
]


@pytest.mark.parametrize(("text", "expected"), TABLE, ids=[t for t, _ in TABLE])
def test_parse(parser: CustomerParser, text: str, expected: object) -> None:
    assert parser.parse(text, TODAY, CHAT) == expected


def test_the_table_covers_every_verb_and_alias() -> None:
    raw = {command_word(t.split()[0]) for t, _ in TABLE}
    used = raw | {unicodedata.normalize("NFKC", w).lower() for w in raw}
    assert {w for name, (aliases, _) in CUSTOMER_VERBS.items() for w in (name, *aliases)} <= used


def test_start_with_a_code_carries_who_sent_it(parser: CustomerParser) -> None:
    bind = parser.parse("/start CODE123", TODAY, CHAT, telegram_user="4242", name="Mr Li", language="zh")
    assert bind == c.BindContact("CODE123", CHAT, "4242", "Mr Li", "zh")


BAD: list[tuple[str, str]] = [
    ("", "empty_command"),
    ("/", "unknown_verb"),
    ("show SO-2026-1", "unknown_verb"),  # staff verbs are not the customer's
    ("approve CR-1", "unknown_verb"),
    ("list", "unknown_verb"),
    ("/status", "missing_argument"),
    ("/status SO-26-1", "bad_order_number"),
    ("/status SO-2026-1 extra", "unexpected_word"),
    ("/orders x", "bad_number"),
    ("/orders 2 3", "unexpected_word"),
    ("/change SO-2026-1", "missing_argument"),
    ("/change SO-2026-1 reason only words", "missing_argument"),
    ("/change SO-2026-1 teleport", "unexpected_word"),
    ("/change SO-2026-1 qty BOLT-M8 zero", "bad_quantity"),
    ("/change SO-2026-1 date someday", "date_not_understood"),
    ("/unlink now", "unexpected_word"),
    ("/lang", "missing_argument"),
    ("/lang zh en", "unexpected_word"),
    ("/start a b", "unexpected_word"),
    ('/status "SO-2026-1', "unbalanced_quotes"),
]


@pytest.mark.parametrize(("text", "code"), BAD, ids=[f"{t[:40]}->{code}" for t, code in BAD])
def test_bad_input_is_a_parse_error(parser: CustomerParser, text: str, code: str) -> None:
    with pytest.raises(ParseError) as err:
        parser.parse(text, TODAY, CHAT)
    assert err.value.code == code


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=80))
def test_any_text_is_a_command_or_an_orderbot_error(parser: CustomerParser, text: str) -> None:
    with contextlib.suppress(OrderbotError):
        parsed = parser.parse(text, TODAY, CHAT)
        chat = getattr(parsed, "chat_id", CHAT)
        assert chat == CHAT  # whatever was typed, the command is about this chat only
