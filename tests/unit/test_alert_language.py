"""The words for alerts and delivery: `admin alerts | scan | outbox`, and every alert and digest said in zh and en."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.conversation.i18n import Translator
from bot.conversation.language.dates import DateReader
from bot.conversation.language.errors import ParseError
from bot.conversation.language.verbs import CommandParser
from bot.conversation.replies import render, render_batch
from domain import commands as c
from domain.alert_events import (
    AlertCleared,
    ApprovalEscalated,
    ApprovalWaiting,
    DailySummary,
    DeliveryFailed,
    OrderDueSoon,
    OrderOverdue,
    StageOverdue,
    StockDigest,
)
from domain.alerts import Alert
from domain.events import Event, StockLow
from domain.ports import Backlog, DeadLetter, Lease
from domain.results import AlertsView, DeadLettersView, ScanReport

TODAY = date(2026, 11, 22)
AT = datetime.fromisoformat("2026-11-22T01:00:00+00:00")


@pytest.fixture(scope="module")
def parser() -> CommandParser:
    return CommandParser(DateReader("Asia/Shanghai"))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("admin alerts", c.ListAlerts()),
        ("管理 提醒", c.ListAlerts()),
        ("admin scan", c.RunScans()),
        ("admin scan all", c.RunScans()),
        ("admin scan overdue stock", c.RunScans(("overdue", "stock"))),
        ("管理 检查 逾期 审批 环节", c.RunScans(("overdue", "approvals", "stages"))),
        ("admin scan due sla summary", c.RunScans(("due_soon", "stages", "summary"))),
        ("admin scan delivery", c.RunScans(("delivery",))),
        ("管理 检查 投递", c.RunScans(("delivery",))),
        ("admin outbox", c.ListDeadLetters()),
        ("admin outbox retry 12 #13", c.RetryDeadLetters((12, 13))),
        ("admin outbox retry all", c.RetryDeadLetters()),
        ("管理 通知 重发 全部", c.RetryDeadLetters()),
    ],
)
def test_admin_words(parser: CommandParser, text: str, expected: object) -> None:
    assert parser.parse(text, TODAY, "me") == expected


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("admin scan weather", "unexpected_word"),
        ("admin outbox retry", "missing_argument"),
        ("admin outbox retry twelve", "bad_number"),
        ("admin outbox resend 3", "unexpected_word"),
        ("admin alerts now", "unexpected_word"),
    ],
)
def test_bad_admin_words_are_refused_with_a_reason(parser: CommandParser, text: str, code: str) -> None:
    with pytest.raises(ParseError) as err:
        parser.parse(text, TODAY, "me")
    assert err.value.code == code


EVENTS: list[Event] = [
    OrderOverdue("SO-2026-000001", "CUST-001", "lily", "in_production", TODAY, 3),
    OrderDueSoon("SO-2026-000001", "CUST-001", "lily", "confirmed", TODAY, 2),
    StageOverdue("SO-2026-000001", "CUST-001", "lily", "pending_confirmation", 25, 24, "sales_manager"),
    ApprovalWaiting("CR-7", "SO-2026-000001", "CUST-001", "finance", "chen", 9),
    ApprovalEscalated("CR-7", "SO-2026-000001", "CUST-001", ("finance",), 25, "sales_manager"),
    AlertCleared("overdue", "SO-2026-000001", "CUST-001", "shipped"),
    AlertCleared("stage", "SO-2026-000001", "CUST-001", "confirmed", "pending_confirmation"),
]


@pytest.mark.parametrize("lang", ["zh", "en"])
@pytest.mark.parametrize("event", EVENTS, ids=lambda e: e.kind)
def test_every_alert_is_said_in_both_languages(event: Event, lang: str) -> None:
    t = Translator(lang, ZoneInfo("Asia/Shanghai"))
    text = render_batch(event.kind, [event.payload()], t)
    assert "SO-2026-000001" in text and "ev_" not in text and "{" not in text
    if lang == "zh":
        assert any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_notifications_given_up_on_are_said_in_both_languages(lang: str) -> None:
    t = Translator(lang, ZoneInfo("Asia/Shanghai"))
    text = render_batch("alert_delivery_failed", [DeliveryFailed(3, "channel:gone", "channel_not_found").payload()], t)
    # the audience in words (issue 13 item 10): "#gone", not the routing address "channel:gone"
    assert "3" in text and "#gone" in text and "channel:" not in text and "admin outbox retry all" in text
    assert "{" not in text
    assert lang == "en" or any("\u4e00" <= ch <= "\u9fff" for ch in text)


def test_role_and_stage_names_are_translated() -> None:
    zh = Translator("zh", ZoneInfo("Asia/Shanghai"))
    text = render_batch("alert_stage_sla", [EVENTS[2].payload()], zh)
    assert "pending_confirmation" not in text and "sales_manager" not in text


def test_summary_and_stock_digest() -> None:
    en = Translator("en", ZoneInfo("Asia/Shanghai"))
    summary = render_batch("daily_summary", [DailySummary("orders", TODAY, "*", 4, 3, 2, 1).payload()], en)
    assert summary == "📊 2026-11-22 (all customers): 4 new, 3 confirmed, 2 shipped; 1 late now"
    digest = StockDigest(TODAY, (("NUT-M8", "10", "100", "190"), ("BOLT-M8", "0", "50", "100")))
    text = render_batch("stock_digest", [digest.payload()], en)
    assert text.splitlines() == [
        "📉 2026-11-22: 2 product(s) below safety stock",
        "• NUT-M8: 10 available, safety 100, suggest 190",
        "• BOLT-M8: 0 available, safety 50, suggest 100",
    ]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_forty_low_stock_items_read_as_one_message(lang: str) -> None:
    t = Translator(lang, ZoneInfo("Asia/Shanghai"))
    lows = [StockLow(f"SKU-{i:02d}", 1, 10, 20, "MAIN").payload() for i in range(40)]  # type: ignore[arg-type]
    text = render_batch("stock_low", lows, t)
    lines = text.splitlines()
    assert len(lines) == 41 and "40" in lines[0] and all(line.startswith("• ") for line in lines[1:])
    assert "SKU-39" in lines[-1]


def test_admin_views_render() -> None:
    en = Translator("en", ZoneInfo("Asia/Shanghai"))
    report = render(ScanReport({"overdue": (2, 0, 1)}), en, TODAY).text()
    assert "late orders: 2 raised, 0 escalated, 1 cleared" in report
    alert = Alert("overdue:SO-1", "overdue", "SO-1", 1, True, AT)
    lease = Lease("scheduler", "host:42:ab", AT, AT)
    shown = render(AlertsView([alert], 1, lease), en, TODAY).text()
    assert "SO-1" in shown and "host:42:ab" in shown and "2026-11-22 09:00" in shown
    assert "not running" in render(AlertsView([], 0, None), en, TODAY).text()
    dead = DeadLetter(7, "order_shipped", "channel:gone", "SO-1", 10, "undeliverable: channel_not_found", AT)
    listed = render(DeadLettersView([dead], Backlog(3, 1, AT)), en, TODAY).text()
    assert "channel_not_found" in listed and "1 dead, 3 waiting" in listed and "retry" in listed
