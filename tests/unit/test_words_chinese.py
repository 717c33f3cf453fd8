"""Chinese replies are Chinese (issue 13, item 10): a working day of a sales office talked through the real desk on
the in-memory unit of work in Chinese — orders through their whole life, refusals, change requests approved and
rejected, history and diff, stock, purchase and work orders, the admin's views, help, typing mistakes — and every
notification it sent, every message of the catalogs and every configuration problem; nothing may show an English
word that is not a code (SO-…, CR-…, a SKU, a customer code), a number, a person's name, a unit, or what one types
(shown as `…`).

What is allowed besides is listed below, each with its reason."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.app.cli import demo_summary_text
from bot.app.clock import FixedClock
from bot.app.config import ConfigError, load_settings
from bot.app.demo import DemoSummary
from bot.conversation.chat import Chat
from bot.conversation.i18n import Translator, catalog
from bot.conversation.language.verbs import VERBS
from bot.conversation.replies import render_batch, render_customer_event, render_error, render_help
from domain.parties import MakeOrBuy
from domain.users import Front
from tests.conftest import T0, make_fake_desk
from tests.fakes import FakeUnitOfWork, customer, product, user
from tests.unit.test_words_samples import ECHOED, event_classes, params_for, placeholders, sample_event, stored

ZH = Translator("zh", ZoneInfo("Asia/Shanghai"))
WORD = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-.:/#@+×…]*")
CODE_SPAN = re.compile(r"`[^`\n]*`")
URL = re.compile(r"https?://\S+")
SLASH_COMMAND = re.compile(r"(?<![\w/])/[a-z]+\b")  # a Telegram command (/orders, /help): typed as is
VERSION = re.compile(r"^v\d+$")

# Latin words a Chinese reply may hold, each with its reason.
ALLOWED: dict[str, str] = {
    "Slack": "the chat platform's name",
    "Telegram": "the chat platform's name",
    "orderbot": "the product's name (and its command line's)",
    **dict.fromkeys(
        ("pcs", "set", "pair", "box", "bag", "roll", "kg", "g", "t", "m", "l"),
        "a unit of measure as the product list writes it",
    ),
}
PEOPLE = {"admin", "lily", "wang", "zhao", "liu", "fay", "root", "system"}  # users' names: data, as they were given


def english_in(text: str, also: frozenset[str] | set[str] = frozenset()) -> list[str]:
    """The words of ``text`` that are English and none of: a code (no lower-case letter: SO-…, BOLT-M8X30, SKU), a
    version (v2), what one types (`…`), a link, a name, an allowed word, or one of ``also``."""
    plain = SLASH_COMMAND.sub(" ", URL.sub(" ", CODE_SPAN.sub(" ", text)))
    found = []
    for word in WORD.findall(plain):
        bare = word.strip(".:/#@+-…")
        if not re.search(r"[a-z]", bare) or VERSION.match(bare):
            continue
        if bare in ALLOWED or bare in PEOPLE or bare in also or bare.lower() in also:
            continue
        found.append(word)
    return found


def test_the_scan_finds_what_the_issue_saw() -> None:
    for seen in ("不能变为「resume」", "需要以下角色之一才能submit", "缺少reason", "to in_production",
                 "才能manage_delivery", "create", "销售经理, sales", "name 为空", "shell"):  # fmt: skip
        assert english_in(seen), seen
    assert not english_in("SO-2026-000123（CUST-001）BOLT-M8X30 1000 pcs · v2 · `help cancel` · lily（命令行）")


# -- a day at the desk, in Chinese -----------------------------------------------------------------------------
N1, N2, N3, N4, N5 = (f"SO-2026-00000{i}" for i in range(1, 6))
SCRIPT: list[tuple[str, str, set[str]]] = [
    ("admin", "whoami", set()),
    ("admin", "admin grant zhao finance", set()),
    ("admin", "admin revoke zhao finance", set()),
    ("admin", "admin users", set()),
    ("lily", "new CUST-001 BOLT-M8X30 1000 @0.25 NUT-M8 2000 @0.05 due 下周五 po PO-7781", set()),
    ("lily", f"show {N1}", set()),
    ("lily", f"confirm {N1}", set()),
    ("lily", f"暂停 {N1} 等客户图纸", set()),
    ("lily", f"resume {N1}", set()),
    ("lily", f"resume {N1}", set()),  # not on hold: refused
    ("lily", f"advance {N1}", set()),  # sales may not start production: refused, and recorded
    ("liu", f"advance {N1}", set()),  # ready while a line waits for stock: refused
    ("zhao", f"advance {N1}", set()),
    ("zhao", "po new NUT-M8 3000 supplier 华东五金 eta 下周五", set()),
    ("wang", "po approve PO-2026-000001", set()),
    ("wang", "po list", set()),
    ("liu", "收货 PO-2026-000001", set()),
    ("wang", "po show PO-2026-000001", set()),
    ("zhao", f"advance {N1}", set()),
    ("liu", f"发货 {N1} 顺丰 SF1234567890", set()),
    ("liu", f"deliver {N1}", set()),
    ("wang", f"close {N1}", set()),
    ("wang", f"history {N1}", set()),
    ("lily", "new CUST-001 BOLT-M8X30 1000 NUT-M8 100 due 下个月底", set()),
    ("lily", f"confirm {N2}", set()),
    ("lily", f"change {N2} qty BOLT-M8X30 800 date 提前两周 reason 客户预算削减 evidence 邮件", set()),
    ("lily", "approve CR-1", set()),  # one's own request: refused
    ("liu", "approve CR-1", set()),  # not an approver: refused
    ("wang", "pending", set()),
    ("wang", "同意 CR-1", set()),
    ("zhao", "approve CR-1", set()),
    ("zhao", f"diff {N2} v1 v2", set()),
    ("zhao", "cr CR-1", set()),
    ("zhao", f"changes {N2}", set()),
    ("zhao", f"history {N2}", set()),
    ("wang", "report changes this", set()),
    ("lily", "new CUST-001 BOLT-M8X30 100 due 下个月底", set()),
    ("lily", f"confirm {N3}", set()),
    ("lily", f"qty {N3} BOLT-M8X30 80 原因 客户减量", set()),
    ("wang", "驳回 CR-2 已排产", set()),
    ("lily", "new CUST-002 BOLT-M8X30 5000 @0.10 due 下周五", set()),
    ("lily", f"confirm {N4}", set()),  # over the credit limit, far under list price: refused with the reasons
    ("lily", "new CUST-001 BOLT-M8X30 10", set()),
    ("lily", f"add {N5} NUT-M8 20", set()),
    ("lily", f"remove {N5} 2", set()),
    ("lily", f"set {N5} due 下周五 rush", set()),
    ("lily", f"set {N5} line 1 qty 20", set()),
    ("lily", f"submit {N5}", set()),
    ("lily", f"history {N5}", set()),
    ("lily", f"cancel {N5} 客户取消", set()),
    ("lily", "list", set()),
    ("lily", "find PO-7781", set()),
    ("lily", "customers 永年", set()),
    ("lily", "products M8", set()),
    ("lily", "stock BOLT-M8X30", set()),
    ("lily", "stock NUT-M8", set()),
    ("lily", "atp NUT-M8 5000", set()),
    ("lily", "ledger NUT-M8", {"opening", "count"}),  # the fake's opening count: its actor and reason, as given
    ("liu", "adjust BOLT-M8X30 -10 盘亏", set()),
    ("liu", "盘点 PIN-M3 50 月度盘点", set()),
    ("lily", "ledger PIN-M3", set()),
    ("zhao", "po new NUT-M8 1000 supplier 华东五金 eta 12月20日", set()),
    ("wang", "po approve PO-2026-000002", set()),
    ("lily", "stock NUT-M8", set()),  # with what is coming in, under its own title
    ("zhao", "po suggest", set()),
    ("lily", "new CUST-001 PIN-M3 500 due 下个月底", set()),  # more than the shelf has of an item we make
    ("lily", "confirm SO-2026-000006", set()),
    ("zhao", "wo list all", set()),
    ("zhao", "wo show WO-2026-000001", set()),
    ("zhao", "wo release WO-2026-000001", set()),
    ("zhao", "wo start WO-2026-000001", set()),
    ("zhao", "wo report WO-2026-000001 100 scrap 2", set()),
    ("zhao", "wo start WO-2026-000001", set()),  # already started: refused
    ("wang", "delegate fay until 下周五", set()),
    ("wang", "delegations", set()),
    ("lily", "invite CUST-001", set()),
    ("lily", "contacts CUST-001", set()),
    ("admin", "admin alerts", set()),
    ("admin", "admin scan", set()),
    ("admin", "admin outbox", set()),
    # what a newcomer gets wrong
    ("lily", f"shwo {N1}", {"shwo"}),
    ("lily", f"cancel {N2}", set()),
    ("lily", "new CUST-001 BOLT-M8X30 五千多", set()),
    ("lily", "show SO-2026-999999", set()),
    ("lily", f"set {N3} due 下下周八", set()),
    ("lily", "admin grant wang finance", set()),
    ("lily", "list status 搞定", set()),
    ("lily", "lang 法语", set()),
    ("lily", f"ship {N2} 顺丰", set()),
    ("lily", "admin outbox", set()),
    ("zhao", "wo report WO-2026-000009 10", set()),
    ("lily", "approve CR-1 as 老板", set()),
]  # fmt: skip


Said = list[tuple[str, str, set[str]]]


@pytest.fixture
def day() -> tuple[Said, FakeUnitOfWork]:
    return talk_through_the_day()


def talk_through_the_day() -> tuple[Said, FakeUnitOfWork]:
    """The script, typed at the real desk; each line with the reply's text and what the line itself typed."""
    fake = FakeUnitOfWork().seed(
        customer("CUST-001", "永年宏达建筑工程有限公司", credit_limit="100000"),
        customer("CUST-002", "沈阳鑫源机械", credit_limit="500"),
        product("BOLT-M8X30", "0.25", "六角螺栓 M8×30", make_or_buy=MakeOrBuy.make, lead_time_days=10,
                safety_stock=Decimal(100)),
        product("NUT-M8", "0.05", "六角螺母 M8", lead_time_days=20, safety_stock=Decimal(1000)),
        product("PIN-M3", "0.02", "圆柱销 M3", make_or_buy=MakeOrBuy.make, safety_stock=Decimal(80)),
        user("lily", "sales"), user("wang", "sales_manager"), user("zhao", "production"), user("liu", "warehouse"),
        user("fay", "finance"),
    )  # fmt: skip
    fake.opening("BOLT-M8X30", 5000)
    fake.opening("NUT-M8", 500)
    desk = make_fake_desk(FixedClock(T0), fake)
    chat = Chat(desk)
    said = [(f"{who}> {line}", chat.handle(Front.shell, who, line).text(), echo) for who, line, echo in SCRIPT]
    return said, fake


def _change_view(text: str) -> bool:
    return ZH("lbl_base") in text and ZH("lbl_evidence") in text


def test_a_day_at_the_desk_is_said_in_chinese(day: tuple[Said, FakeUnitOfWork]) -> None:
    said, _ = day
    found = {}
    for typed, text, echo in said:
        words = english_in(text, echo)
        if words:
            found[typed] = words
    assert not found
    replies = "\n".join(text for _, text, _ in said)
    # the day really went where the script says (a typo in it would leave whole stories untold)
    for words in ("已确认", "转入生产", "被拒绝的操作", "我方承诺交期", "即将到货", "已驳回", "库存流水", "工单"):
        assert words in replies, words


def test_a_change_request_view_is_chinese_too(day: tuple[Said, FakeUnitOfWork]) -> None:
    said, _ = day
    views = [text for _, text, _ in said if _change_view(text)]
    assert views and not [english_in(text) for text in views if english_in(text)]


def test_every_notification_of_the_day_is_said_in_chinese(
    day: tuple[Said, FakeUnitOfWork],
) -> None:
    _, fake = day
    kinds = {e.kind for e in fake.outbox}
    assert {"order_backordered", "po_received", "cr_created", "order_changed"} <= kinds
    for event in fake.outbox:
        payload = stored(event)
        for text in (render_batch(event.kind, [payload], ZH), render_customer_event(event.kind, payload, ZH)):
            assert not english_in(text, {"orders", "approvals"}), text


# -- every message, every event kind, every error, help ------------------------------------------------------
def test_every_message_of_the_catalog_is_chinese() -> None:
    found = {}
    for key, text in catalog("en").items():
        if key.startswith(("help_", "tg_command_", "customer_help", "shell_")):
            continue  # command syntax and platform words: test_help_is_chinese_but_for_what_one_types
        shown = ZH(key, **params_for(key, placeholders(text)))
        # the samples' data: a platform's error code, a Slack channel's name, a file's name, a process (host:pid)
        words = english_in(shown, ECHOED | {"channel_not_found", "orders", "csv", "orderbot-1:4242"})
        if words:
            found[key] = words
    assert not found


@pytest.mark.parametrize("cls", event_classes(), ids=lambda cls: cls.kind)
def test_every_event_kind_is_said_in_chinese(cls: type) -> None:
    payload = stored(sample_event(cls))
    for text in (render_batch(cls.kind, [payload], ZH), render_batch(cls.kind, [payload, payload], ZH),
                 render_customer_event(cls.kind, payload, ZH)):  # fmt: skip
        assert not english_in(text, {"orders", "channel_not_found", "approver"}), text


def test_help_is_chinese_but_for_what_one_types() -> None:
    """The command words themselves (`new`, `confirm`, the aliases) are the same in every language."""
    commands = {word for v in VERBS for alias in (v.name, *v.aliases) for word in alias.split()}
    assert not english_in(render_help(ZH, None).text(), commands)
    for verb in VERBS:
        assert not english_in(render_help(ZH, verb.name).text()), verb.name


@pytest.mark.parametrize(
    "text",
    [
        "[delivery]\nretries = 3",
        '[delivery]\nquiet_hours = "late"',
        "[delivery]\nmax_attempts = 0",
        '[delivery]\nurgent = "alert_overdue"',
        "[alerts]\napproval_remind_hours = 10\napproval_escalate_hours = 5",
        '[alerts]\nescalate_to = { finance = "boss" }',
        "[alerts.stages]\nshipping = { hours = 3 }",
        '[[approval.rule]]\nroles = ["boss"]\nwhen = "always"\n',
        '[[approval.rule]]\nroles = ["finance"]\n',
        '[[approval.rule]]\nroles = ["finance"]\nwhen = "sometimes"\n',
        "[changes]\npenalty = [[7, 120]]\n",
        '[orderbot]\nlanguage = "fr"',
        '[orderbot]\ntimezone = "Mars/Olympus"',
        "[nonsense]\nx = 1",
        '[shell]\nnotifications = "loud"',
        "[policy]\nmax_discount_pct = 120",
        'routes = { order_created = ["x"] }',
        "this is = = not toml",
    ],
)
def test_a_configuration_problem_is_said_in_chinese(tmp_path: Path, text: str) -> None:
    path = tmp_path / "orderbot.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError) as refused:
        load_settings(path, env={})
    err = refused.value
    shown = ZH(err.code, **err.params)
    assert err.code != "config_error", str(err)  # a message of its own, not an English sentence in a frame
    assert not english_in(shown, {"boss", "sometimes", "fr", "nonsense", "loud", "x", "late", "alert_overdue",
                                  "Mars/Olympus"}), shown  # fmt: skip
    assert any("\u4e00" <= ch <= "\u9fff" for ch in shown)


def test_an_import_error_names_the_column_in_chinese() -> None:
    shown = ZH("import_missing_value", column="name")
    assert shown == "`name`（名称）为空。" and not english_in(shown)
    choice = ZH("import_bad_choice", column="tier", value="贵宾", allowed="normal, key, strategic")
    assert choice.startswith("`tier`（客户等级）：「贵宾」") and "`normal`、`key`、`strategic`" in choice
    assert Translator("en", ZH.zone)("import_missing_value", column="name") == "name is empty."


def test_the_demo_summary_is_said_in_chinese() -> None:
    text = demo_summary_text(ZH, DemoSummary(120, 201, 7, 400, 2000, (("draft", 4), ("closed", 17)), "SO-2026-000001",
                                             "SO-2026-000400"))  # fmt: skip
    assert not english_in(text) and "草稿 4、已关闭 17" in text


def test_an_error_with_its_parameters_is_said_in_chinese() -> None:
    from domain.errors import IllegalTransition, PermissionDenied

    cases: list[Any] = [
        PermissionDenied("manage_delivery", ("admin",)), PermissionDenied("in_production", ("production",)),
        IllegalTransition("SO-2026-000001", "confirmed", "resume", ("in_production", "on_hold")),
        IllegalTransition("WO-2026-000001", "in_progress", "released", ("done", "cancelled")),
        IllegalTransition("PO-2026-000001", "received", "receive", ()),
    ]  # fmt: skip
    for err in cases:
        shown = render_error(err, ZH).text()
        assert not english_in(shown), shown
    assert "不能「恢复」" in render_error(cases[2], ZH).text()
    assert "才能管理通知发送" in render_error(cases[0], ZH).text()
