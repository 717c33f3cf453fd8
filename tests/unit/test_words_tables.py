"""Tables (issue 13, item 11): a table's label goes with its table — right above it in the shell, in its own Slack
section — never one table too early; columns line up by display width (wcwidth: Chinese, full-width brackets,
emoji); and `diff` keeps the dates we promise apart from what the customer changed, with amounts as money."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from wcwidth import wcswidth

from adapters.slack import blocks as sb
from bot.conversation.i18n import Translator
from bot.conversation.replies import render
from bot.conversation.replies.message import Message, Table, display_width, render_table
from domain.history import AuditEntry, diff_snapshots
from domain.results import DiffView, OrderHistoryView, StockSummary
from domain.stock import StockItem
from tests.fakes import customer, product
from tests.unit.order_support import seeded_uow

ZONE = ZoneInfo("Asia/Shanghai")
EN, ZH = Translator("en", ZONE), Translator("zh", ZONE)
TODAY = date(2026, 12, 1)
AT = datetime(2026, 12, 1, 2, 0, tzinfo=UTC)


def order_of(number: str = "SO-2026-000001"):  # type: ignore[no-untyped-def]
    from domain.orders import Order

    return Order(number=number, customer=customer("CUST-001", "永年宏达建筑工程有限公司"), owner="lily", created_at=AT)


# ---------------------------------------------------------------- a label goes with its table
def two_tables() -> Message:
    return Message(
        title="t",
        lines=["a line"],
        tables=[Table(["A", "B"], [["1", "2"]]), Table(["C"], [["3"]], title="被拒绝的操作")],
    )


def test_a_tables_title_is_right_above_it_not_above_the_table_before() -> None:
    lines = two_tables().text().splitlines()
    title = lines.index("被拒绝的操作")
    assert lines[title + 1].strip() == "C" and lines[title - 1].strip() == "1  2"
    assert lines.index("a line") < lines.index("  A  B")


def test_slack_puts_a_tables_title_in_the_tables_own_section_in_order() -> None:
    _, blocks = sb.render(two_tables())
    texts = [b["text"]["text"] for b in blocks if b.get("type") == "section" and "text" in b]
    tables = [t for t in texts if "```" in t]
    assert len(tables) == 2 and "被拒绝的操作" not in tables[0]
    assert tables[1].startswith("*被拒绝的操作*\n```") and not any(t == "*被拒绝的操作*" for t in texts)


def test_history_labels_its_refused_attempts_above_their_own_table() -> None:
    entries = [AuditEntry(AT, "lily", "shell", "create", "SO-2026-000001", version=1)]
    refused = [AuditEntry(AT, "liu", "slack", "in_production", "SO-2026-000001", "denied", detail="needs production")]
    msg = render(OrderHistoryView(order_of(), entries, refused), ZH, TODAY)
    lines = msg.text().splitlines()
    at = lines.index("被拒绝的操作")
    assert "创建" in lines[at - 1]  # the last row of the history table, then the label, then the refused table
    assert lines[at + 1].split() == ["时间", "操作人", "操作", "原因"]
    assert "转入生产" in lines[at + 3] and "需要生产角色" in lines[at + 3] and "liu（Slack）" in lines[at + 3]
    assert [t.title for t in msg.tables] == ["", "被拒绝的操作"]


def test_stock_labels_what_is_incoming_above_its_own_table() -> None:
    item = StockItem(product("NUT-M8", name="六角螺母 M8"), product_id=1, on_hand=Decimal(500))
    view = StockSummary(item, [], Decimal(0), [(date(2026, 12, 20), Decimal(1000))], Decimal(0))
    msg = render(view, ZH, TODAY)
    lines = msg.text().splitlines()
    at = lines.index("即将到货")
    assert lines[at + 1].split() == ["预计到货", "数量"] and lines[at + 3].split() == ["2026-12-20", "1000"]
    assert not any(line.rstrip().endswith("即将到货:") for line in lines)


# ---------------------------------------------------------------- columns by display width
@pytest.mark.parametrize(
    "cells",
    [
        ["✅ 已通过", "x"],  # an emoji two columns wide below U+2E80
        ["SO-2026-000001（CUST-001）", "x"],  # full-width brackets
        ["e\u0301", "x"],  # e + a combining accent: one column
        ["Ｍ８ 螺栓", "x"],  # full-width Latin
    ],
)
def test_columns_line_up_by_display_width(cells: list[str]) -> None:
    table = Table(["名称", "数量"], [cells, ["plain", "y"], ["计划生产", "z"]])
    lines = render_table(table)
    starts = {wcswidth(line[: line.rindex(" ") + 1]) for line in lines if line.rstrip()[-1] in "xyz量"}
    assert len(starts) == 1, lines
    assert display_width(cells[0]) == wcswidth(cells[0])


def test_the_fields_line_up_by_display_width() -> None:
    msg = Message(fields=[("在库", "5000 pcs"), ("计划生产", "0"), ("Slack", "#orders")])
    pairs = zip(msg.text().splitlines(), msg.fields, strict=True)
    starts = {wcswidth(line[: line.index(value)]) for line, (_, value) in pairs}
    assert starts == {2 + 8 + 2}


def test_a_control_character_counts_as_nothing_rather_than_breaking_the_table() -> None:
    assert display_width("a\tb") == 2 and render_table(Table(["h"], [["a\tb"]]))


# ---------------------------------------------------------------- diff: the customer's terms, and our promise apart
def diff_view(lang: Translator) -> Message:
    old = {"number": "SO-2026-000001", "customer": "CUST-001", "status": "confirmed", "due_date": "2026-12-31",
           "amount": "3420", "rush": False, "lines": [
               {"line": 1, "sku": "BOLT-M8X30", "quantity": "1000", "unit_price": "2.5", "requested_date": None,
                "confirmed_date": None},
               {"line": 2, "sku": "NUT-M8", "quantity": "1000", "unit_price": "0.92", "requested_date": None,
                "confirmed_date": "2026-12-24"}]}  # fmt: skip
    new = {**old, "due_date": "2026-12-17", "amount": "2904.00", "lines": [
        {**old["lines"][0], "quantity": "800.000", "confirmed_date": "2026-12-17"},
        {**old["lines"][1], "confirmed_date": "2026-12-17"}]}  # fmt: skip
    return render(DiffView(order_of(), diff_snapshots("SO-2026-000001", 1, old, 2, new)), lang, TODAY)


def test_diff_shows_amounts_as_money_and_quantities_plain() -> None:
    terms = diff_view(EN).tables[0]
    rows = {row[1]: row[2:] for row in terms.rows}
    assert rows["Amount"] == ["3,420.00", "2,904.00"] and rows["Qty"] == ["1000", "800"]


def test_diff_keeps_the_dates_we_promise_out_of_the_customers_changes() -> None:
    msg = diff_view(ZH)
    terms, promised = msg.tables
    assert ZH("lbl_confirmed") not in {row[1] for row in terms.rows}  # not shown as a change of the customer's
    assert promised.title == ZH("diff_promised_title") and "并非客户要求的变更" in promised.title
    assert promised.rows == [["1 BOLT-M8X30", "尚未承诺", "2026-12-17"], ["2 NUT-M8", "2026-12-24", "2026-12-17"]]
    text = msg.text()
    assert text.index(promised.title) > text.index("2026-12-31")  # below the customer's terms, with its table


def test_a_diff_with_no_promise_change_has_no_promise_table() -> None:
    base = {"number": "SO-1", "amount": "10", "lines": [{"line": 1, "sku": "A", "quantity": "1", "unit_price": "10",
                                                          "requested_date": None, "confirmed_date": None}]}  # fmt: skip
    changed = {**base, "notes": "加急"}
    msg = render(DiffView(order_of(), diff_snapshots("SO-1", 1, base, 2, changed)), ZH, TODAY)
    assert len(msg.tables) == 1 and not msg.tables[0].title


def test_a_real_diff_on_the_desk_reads_the_same(tmp_path: object) -> None:
    """The desk's own versions: a draft edited twice (v1 → v3) shows money with separators."""
    from domain import commands as c
    from domain.bus import MessageBus
    from domain.commands import LineInput
    from tests.unit.order_support import ANN, DUE, create

    uow = seeded_uow()
    bus = MessageBus(uow.factory)
    number = create(bus, LineInput("BOLT-M8", Decimal("3000")), due_date=DUE)
    from tests.fakes import ctx

    bus.handle(c.SetLine(number, 1, Decimal("4000"), None), ctx(ANN))
    shown = render(bus.handle(c.DiffOrder(number, 1, 2), ctx(ANN)), EN, TODAY).text()
    assert "1,500.00" in shown and "2,000.00" in shown
