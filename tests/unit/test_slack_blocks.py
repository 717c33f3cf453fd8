"""Slack Block Kit rendering and modals, without Slack: every payload stays within Slack's limits, and every
form submission reads back into command text the shared parser turns into the expected command."""

from __future__ import annotations

import json
import shlex
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from adapters.slack import blocks as sb
from adapters.slack import forms
from adapters.slack import home as slack_home
from bot.i18n import Translator
from bot.language.dates import DateReader
from bot.language.tokens import tokenize
from bot.language.verbs import CommandParser
from bot.replies.message import Button, Message, Table
from domain import commands as c
from domain.bus import MessageBus
from domain.changes import CRStatus
from domain.commands import ChangeInput, DueShift, LineInput
from domain.parties import MakeOrBuy
from domain.results import ChangesView, ChangeView, OrderPage
from domain.users import Role
from tests.fakes import TODAY, FakeUnitOfWork, ctx, customer, product, user

D = Decimal
ZONE = ZoneInfo("Asia/Shanghai")
EN, ZH = Translator("en", ZONE), Translator("zh", ZONE)
DUE = TODAY + timedelta(days=28)
NOW = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)
LILY, WANG, CHEN = user("lily", "sales"), user("wang", "sales_manager"), user("chen", "finance")
ZHAO, SUN = user("zhao", "production"), user("sun", "tech")


@pytest.fixture(scope="module")
def parser() -> CommandParser:
    return CommandParser(DateReader())


def parse(parser: CommandParser, text: str | None) -> Any:
    assert text is not None
    return parser.parse(text, date(2026, 11, 22), "lily")


# ---------------------------------------------------------------- limits


def walk(node: Any) -> Iterator[dict[str, Any]]:
    if isinstance(node, dict):
        yield node
        for value in node.values():
            yield from walk(value)
    elif isinstance(node, list):
        for value in node:
            yield from walk(value)


def assert_within_limits(blocks: list[dict[str, Any]], max_blocks: int = 50) -> None:
    assert len(blocks) <= max_blocks
    action_ids: list[str] = []
    for block in blocks:
        if block["type"] == "section":
            assert "text" in block or block.get("fields")
            if "text" in block:
                assert 0 < len(block["text"]["text"]) <= 3000 and block["text"]["text"].strip()
            assert len(block.get("fields", [])) <= 10
            assert all(len(f["text"]) <= 2000 for f in block.get("fields", []))
        if block["type"] == "actions":
            assert 0 < len(block["elements"]) <= 25
        if block["type"] == "context":
            assert 0 < len(block["elements"]) <= 10
    for node in walk(blocks):
        if node.get("type") == "button":
            assert len(node["text"]["text"]) <= 75 and len(node.get("value", "")) <= 2000
        if "action_id" in node and node.get("type") == "button":
            action_ids.append(node["action_id"])
    runs = [a for a in action_ids if a.startswith(sb.ACTION_RUN)]
    assert len(runs) == len(set(runs))


def texts(blocks: list[dict[str, Any]]) -> str:
    return "\n".join(str(node["text"]) for node in walk(blocks) if isinstance(node.get("text"), str))


def big_message() -> Message:
    rows = [
        [f"SO-2026-{i:06d}", "上海精密机械有限公司", "confirmed", "2026-12-05", f"{i * 1000:,}.00"] for i in range(300)
    ]
    return Message(
        title="订单列表 <all> & more",
        lines=[f"第 {i} 行 — line {i} <@U123>" for i in range(40)] + ["x" * 5000],
        fields=[(f"字段 {i}", f"值 {i}") for i in range(23)] + [("long", "y" * 5000)],
        tables=[Table(["订单", "客户", "状态", "交期", "金额"], rows), Table(["a"], [["1"]])],
        buttons=[
            Button(f"按钮 {i} " + "z" * (80 if i == 0 else 0), f"show SO-2026-{i:06d}", "primary") for i in range(60)
        ],
        error=True,
    )


def test_render_of_a_message_with_everything_stays_within_slack_limits() -> None:
    text, blocks = sb.render(big_message())
    assert_within_limits(blocks)
    assert len(text) <= 3000 and text.startswith("✖ 订单列表 &lt;all&gt; &amp; more")
    assert blocks[0]["text"]["text"] == "*✖ 订单列表 &lt;all&gt; &amp; more*"
    field_sections = [b for b in blocks if b["type"] == "section" and "fields" in b]
    assert [len(b["fields"]) for b in field_sections] == [10, 10, 4]
    assert field_sections[0]["fields"][0]["text"] == "*字段 0*\n值 0"
    assert field_sections[-1]["fields"][-1]["text"].endswith("…")
    assert "第 0 行 — line 0 &lt;@U123&gt;" in texts(blocks)
    table = next(b for b in blocks if b["type"] == "section" and b.get("text", {}).get("text", "").startswith("```"))
    body = table["text"]["text"]
    assert len(body) <= 2900 and body.endswith("\n…\n```") and "上海精密机械有限公司" in body
    assert body.splitlines()[1].startswith("订单")  # headers, without the terminal's indent
    actions = [b for b in blocks if b["type"] == "actions"]
    assert [len(a["elements"]) for a in actions] == [25, 25, 10]
    first = actions[0]["elements"][0]
    assert first["action_id"] == "orderbot_run:0" and first["value"] == "show SO-2026-000000"
    assert first["style"] == "primary" and first["text"]["text"].endswith("…")


def test_more_than_fifty_blocks_keep_the_first_49_and_say_so() -> None:
    msg = Message(title="t", tables=[Table(["n"], [[str(i)]]) for i in range(80)])
    _, blocks = sb.render(msg)
    assert len(blocks) == 50 and blocks[-1] == {"type": "context", "elements": [{"type": "mrkdwn", "text": "…"}]}
    assert_within_limits(blocks)


def test_render_of_a_small_message_in_chinese() -> None:
    msg = Message(
        title="SO-2026-000001 · 已确认",
        fields=[("客户", "CUST-001 上海精密")],
        lines=["  第 1 行 BOLT-M8X30：欠货 300"],
        buttons=[
            Button("发货", "ship SO-2026-000001 CARRIER TRACKING", "primary"),
            Button("暂停", "hold SO-2026-000001"),
        ],
    )
    text, blocks = sb.render(msg)
    assert text == msg.text()
    assert [b["type"] for b in blocks] == ["section", "section", "section", "actions"]
    assert blocks[0]["text"]["text"] == "*SO-2026-000001 · 已确认*"
    assert blocks[1]["fields"] == [{"type": "mrkdwn", "text": "*客户*\nCUST-001 上海精密"}]
    buttons = blocks[3]["elements"]
    assert [(b["action_id"], b["value"], b.get("style")) for b in buttons] == [
        ("orderbot_run:0", "ship SO-2026-000001 CARRIER TRACKING", "primary"),
        ("orderbot_run:1", "hold SO-2026-000001", None),
    ]
    assert sb.render(Message())[1] == []


# ---------------------------------------------------------------- change requests


@pytest.fixture
def bus() -> MessageBus:
    fake = FakeUnitOfWork().seed(
        customer("CUST-001", "Acme Machining"),
        product("BOLT-M8X30", "300", make_or_buy=MakeOrBuy.make, unit_cost=D(200), lead_time_days=10),
        product("NUT-M8", "0.05", lead_time_days=20),
        *(user(u.name, *u.roles) for u in (LILY, WANG, CHEN, ZHAO, SUN)),
    )
    fake.opening("BOLT-M8X30", 700)
    fake.opening("NUT-M8", 100000)
    return MessageBus(fake.factory)


def requested(bus: MessageBus) -> ChangeView:
    """1000 bolts (700 on the shelf, 300 produced), cut to 800 and pulled in two weeks."""
    cmd = c.CreateOrder("CUST-001", (LineInput("BOLT-M8X30", D(1000)),), DUE)
    number = str(bus.handle(cmd, ctx(LILY)).params["number"])
    bus.handle(c.ConfirmOrder(number), ctx(LILY))
    for step in ("released", "in_progress"):
        bus.handle(c.MoveWorkOrder("WO-2026-000001", step), ctx(ZHAO))
    bus.handle(c.ReportWorkOrder("WO-2026-000001", D(300)), ctx(ZHAO))
    change = c.RequestChange(
        number,
        (ChangeInput("quantity", "BOLT-M8", quantity=D(800)), ChangeInput("due_date", when=DueShift(-14, "提前两周"))),
        "customer budget cut <urgent>",
        "mail 11-21",
    )
    view = bus.handle(change, ctx(LILY))
    assert isinstance(view, ChangeView) and view.cr.status is CRStatus.pending
    return view


def decide_all(bus: MessageBus, number: str) -> ChangeView:
    by_role = {Role.sales_manager: WANG, Role.finance: CHEN, Role.production: ZHAO, Role.tech: SUN}
    view: ChangeView = bus.handle(c.ShowChange(number), ctx(WANG))
    while not view.cr.is_decided:
        view = bus.handle(c.ApproveChange(number), ctx(by_role[view.cr.pending_roles()[0]]))
    return view


def test_approval_card_shows_impact_and_buttons_while_pending(bus: MessageBus) -> None:
    view = requested(bus)
    cr = view.cr.number
    text, blocks = sb.approval(EN, view)
    assert_within_limits(blocks)
    body = texts(blocks)
    assert cr in text and "quantity BOLT-M8X30: 1000 → 800" in text
    assert "customer budget cut &lt;urgent&gt;" in body and "mail 11-21" in body
    assert "*Money*  300,000.00 → 240,000.00 (-60,000.00)" in body
    assert "released from reservation" in body and "estimated sunk cost 40,000.00" in body
    assert "🔴 HIGH — " in body
    assert "⏳ sales manager — pending" in body and "⏳ finance — pending" in body
    actions = [b for b in blocks if b["type"] == "actions"]
    assert len(actions) == 1
    assert [(e["action_id"], e["value"], e["style"]) for e in actions[0]["elements"]] == [
        ("orderbot_approve", cr, "primary"),
        ("orderbot_reject", cr, "danger"),
    ]

    partly = bus.handle(c.ApproveChange(cr), ctx(WANG))
    _, blocks = sb.approval(ZH, partly)
    body = texts(blocks)
    assert "✅ 销售经理 — wang 2026-11-22 09:00" in body and "⏳ 财务 — 待审批" in body
    assert any(b["type"] == "actions" for b in blocks)
    assert "变更内容" in body


def test_approval_card_after_the_decision_has_no_buttons_and_says_who(bus: MessageBus) -> None:
    view = requested(bus)
    done = decide_all(bus, view.cr.number)
    assert done.cr.status is CRStatus.approved
    _, blocks = sb.approval(EN, done)
    assert not any(b["type"] == "actions" for b in blocks)
    last = blocks[-1]
    assert last["type"] == "context" and "Approved and applied by" in last["elements"][0]["text"]
    assert "2026-11-22 09:00" in last["elements"][0]["text"]


def test_rejected_card_says_why(bus: MessageBus) -> None:
    view = requested(bus)
    rejected = bus.handle(c.RejectChange(view.cr.number, "too late & too costly"), ctx(CHEN))
    _, blocks = sb.approval(EN, rejected)
    assert not any(b["type"] == "actions" for b in blocks)
    assert "⛔ finance — rejected by chen 2026-11-22 09:00: too late &amp; too costly" in texts(blocks)
    assert blocks[-1]["elements"][0]["text"] == "⛔ Rejected by chen · 2026-11-22 09:00: too late &amp; too costly"


def test_home_tab(bus: MessageBus) -> None:
    view = requested(bus)
    order = bus.handle(c.ShowOrder(view.cr.order_number), ctx(LILY))
    late = bus.handle(c.ShowOrder(view.cr.order_number), ctx(LILY))
    late.due_date = TODAY - timedelta(days=3)
    pending = ChangesView([view.cr], "pending_title", {"count": 1}, NOW + timedelta(hours=26))
    home = slack_home.home(EN, pending, OrderPage([order] * 20, 20, 0), OrderPage([late], 1, 0), NOW)
    assert home["type"] == "home" and len(home["blocks"]) <= 100
    assert_within_limits(home["blocks"], max_blocks=100)
    body = texts(home["blocks"])
    assert "Waiting for your approval (1)" in body and "1d 2h" in body
    assert "…and 5 more — type `list mine`" in body and "⚠ *OVERDUE*" in body
    decisions = [b for b in home["blocks"] if b["type"] == "actions"]
    assert [e["action_id"] for e in decisions[0]["elements"]] == ["orderbot_approve", "orderbot_reject"]
    shows = [b["accessory"] for b in home["blocks"] if "accessory" in b]
    assert len(shows) == 16 and shows[0]["value"] == f"show {order.number}"
    assert len({s["action_id"] for s in shows}) == 16

    empty = slack_home.home(ZH, ChangesView([], "pending_title"), OrderPage([], 0, 0), OrderPage([], 0, 0), NOW)
    body = texts(empty["blocks"])
    assert "没有等待您审批的变更。" in body and "您没有未结订单。" in body and "没有逾期或暂停的订单。" in body


# ---------------------------------------------------------------- forms


def text_input(value: str | None) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


def option(value: str) -> dict[str, Any]:
    return {
        "type": "external_select",
        "selected_option": {"text": {"type": "plain_text", "text": value}, "value": value},
    }


def picked(day: str | None) -> dict[str, Any]:
    return {"type": "datepicker", "selected_date": day}


def new_order_values(**over: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {
        "customer": {"customer": option("CUST-001")},
        "line1": {"product": option("BOLT-M8X30")},
        "qty1": {"qty": text_input("1,000")},
        "line2": {"product": {"type": "external_select", "selected_option": None}},
        "qty2": {"qty": text_input(None)},
        "line3": {"product": option("NUT-M8")},
        "qty3": {"qty": text_input("500件")},
        "due_pick": {"date": picked("2026-12-05")},
        "due_text": {"text": text_input(None)},
        "po": {"po": text_input("PO 7781")},
        "note": {"note": text_input('call "Mr. Li" first\nthe customer’s dock closes at 5')},
    }
    values.update(over)
    return values


def test_new_order_modal_is_valid_and_reads_back_into_create_order(parser: CommandParser) -> None:
    modal = forms.new_order_modal(ZH)
    assert modal["type"] == "modal" and modal["callback_id"] == "orderbot_new_order"
    ids = [b["block_id"] for b in modal["blocks"]]
    assert ids == ["customer", "line1", "qty1", "line2", "qty2", "line3", "qty3", "due_pick", "due_text", "po", "note"]
    assert modal["blocks"][0]["element"]["min_query_length"] == 1
    assert modal["blocks"][8]["element"]["placeholder"]["text"] == "下周五 / next friday / 2026-12-05"

    text, errors = forms.read_new_order(new_order_values())
    assert errors == {} and text is not None
    assert text.startswith('new CUST-001 BOLT-M8X30 1000 NUT-M8 500 due 2026-12-05 po "PO 7781" note ')
    assert parse(parser, text) == c.CreateOrder(
        "CUST-001",
        (LineInput("BOLT-M8X30", D(1000)), LineInput("NUT-M8", D(500))),
        date(2026, 12, 5),
        po_ref="PO 7781",
        notes='call "Mr. Li" first\nthe customer\'s dock closes at 5',
    )


def test_new_order_with_a_typed_date(parser: CommandParser) -> None:
    values = new_order_values(due_pick={"date": picked(None)}, due_text={"text": text_input("next friday")})
    text, errors = forms.read_new_order(values)
    assert errors == {} and 'due "next friday"' in str(text)
    assert parse(parser, text).due_date == date(2026, 11, 27)


def test_new_order_errors_are_keyed_by_block() -> None:
    values = new_order_values(
        customer={"customer": {"type": "external_select", "selected_option": None}},
        qty1={"qty": text_input("lots")},
        qty2={"qty": text_input("5")},
        qty3={"qty": text_input(None)},
        due_text={"text": text_input("下周五")},
    )
    text, errors = forms.read_new_order(values, lang="zh")
    assert text is None
    assert set(errors) == {"customer", "qty1", "line2", "qty3", "due_text"}
    assert errors["qty1"] == "“lots” 不是有效数量：需为正数，最多 3 位小数。"
    none_at_all = new_order_values(line1={}, qty1={}, line3={}, qty3={})
    assert forms.read_new_order(none_at_all) == (None, {"line1": "Add at least one product."})
    keyword = new_order_values(note={"note": text_input("rush")})
    assert set(forms.read_new_order(keyword)[1]) == {"note"}


CURRENT = {1: "1000", 2: "500", 3: "20"}


def change_values(**over: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "qty:1": {"qty": text_input("1000")},
        "qty:2": {"qty": text_input("800")},
        "qty:3": {"qty": text_input("20.000")},
        "due_pick": {"date": picked("2026-12-05")},
        "due_text": {"text": text_input(None)},
        "reason": {"reason": text_input("customer budget cut")},
        "evidence": {"evidence": text_input("mail 11-21")},
    }
    values.update(over)
    return values


def test_change_modal_is_valid() -> None:
    lines = [(n, f"SKU-{n}", "100") for n in range(1, 26)]
    modal = forms.change_modal(EN, "SO-2026-000001", lines)
    assert modal["callback_id"] == "orderbot_change" and modal["private_metadata"] == "SO-2026-000001"
    qty_blocks = [b for b in modal["blocks"] if b.get("block_id", "").startswith("qty:")]
    assert len(qty_blocks) == 20 and qty_blocks[1]["element"]["initial_value"] == "100"
    assert qty_blocks[1]["block_id"] == "qty:2" and qty_blocks[1]["label"]["text"] == "#2 SKU-2"
    ids = [b.get("block_id") for b in modal["blocks"]]
    assert ids[-4:] == ["due_pick", "due_text", "reason", "evidence"]
    reason = modal["blocks"][-2]
    assert not reason.get("optional") and modal["blocks"][-1]["optional"] is True
    assert any(b["type"] == "context" for b in modal["blocks"])  # 5 lines not shown, and how to change them


def test_read_change_builds_only_what_changed(parser: CommandParser) -> None:
    text, errors = forms.read_change(change_values(), "SO-2026-000001", CURRENT)
    assert errors == {}
    assert (
        text
        == 'change SO-2026-000001 qty line 2 800 date 2026-12-05 reason "customer budget cut" evidence "mail 11-21"'
    )
    assert parse(parser, text) == c.RequestChange(
        "SO-2026-000001",
        (ChangeInput("quantity", "", 2, quantity=D(800)), ChangeInput("due_date", when=date(2026, 12, 5))),
        "customer budget cut",
        "mail 11-21",
    )


def test_read_change_passes_a_typed_shift_through(parser: CommandParser) -> None:
    values = change_values(
        **{"qty:2": {"qty": text_input("500")}},
        due_pick={"date": picked(None)},
        due_text={"text": text_input("提前两周")},
        evidence={"evidence": text_input(None)},
    )
    cmd = parse(parser, forms.read_change(values, "SO-2026-000001", CURRENT)[0])
    assert cmd.changes == (ChangeInput("due_date", when=DueShift(-14, "提前两周")),)
    assert cmd.evidence == ""
    values["due_text"] = {"text": text_input("3 days later")}
    text = forms.read_change(values, "SO-2026-000001", CURRENT)[0]
    assert 'date "3 days later"' in str(text)
    assert parse(parser, text).changes == (ChangeInput("due_date", when=DueShift(3, "3 days later")),)


def test_read_change_errors() -> None:
    unchanged = change_values(**{"qty:2": {"qty": text_input("500")}}, due_pick={"date": picked(None)})
    assert forms.read_change(unchanged, "SO-2026-000001", CURRENT) == (
        None,
        {"qty:1": "Nothing changes: edit a quantity or the due date."},
    )
    bad = change_values(
        **{"qty:2": {"qty": text_input("-5")}, "qty:3": {"qty": text_input("0")}},
        reason={"reason": text_input(None)},
    )
    text, errors = forms.read_change(bad, "SO-2026-000001", CURRENT, lang="zh")
    assert text is None and set(errors) == {"qty:2", "qty:3", "reason"}
    assert errors["reason"] == "请填写原因。" and "remove line" in errors["qty:3"]
    word = change_values(reason={"reason": text_input("cancel")})
    assert set(forms.read_change(word, "SO-2026-000001", CURRENT)[1]) == {"reason"}


def test_reject_modal_and_reading_it(parser: CommandParser) -> None:
    modal = forms.reject_modal(ZH, "CR-3", origin="C123:1700000000.000100")
    assert modal["callback_id"] == "orderbot_reject" and len(modal["title"]["text"]) <= 24
    assert json.loads(modal["private_metadata"]) == {"cr": "CR-3", "origin": "C123:1700000000.000100"}
    assert [b["block_id"] for b in modal["blocks"]] == ["reason"] and not modal["blocks"][0].get("optional")
    values = {"reason": {"reason": text_input("价格不对, customer's fault")}}
    text, errors = forms.read_reject(values, modal["private_metadata"])
    assert errors == {}
    assert parse(parser, text) == c.RejectChange("CR-3", "价格不对, customer's fault")
    assert forms.read_reject({"reason": {"reason": text_input("  ")}}, {"cr": "CR-3"}, "en") == (
        None,
        {"reason": "Please give a reason."},
    )


def test_placeholders_and_fill(parser: CommandParser) -> None:
    assert forms.placeholders("ship SO-2026-000001 CARRIER TRACKING") == ["CARRIER", "TRACKING"]
    assert forms.placeholders("cancel SO-2026-000001 REASON") == ["REASON"]
    assert forms.placeholders("reject CR-3 REASON") == ["REASON"]
    assert forms.placeholders("show SO-2026-000001") == []
    modal = forms.fill_modal(EN, "ship SO-2026-000001 CARRIER TRACKING")
    assert (
        modal["callback_id"] == "orderbot_fill" and modal["private_metadata"] == "ship SO-2026-000001 CARRIER TRACKING"
    )
    assert [b.get("block_id") for b in modal["blocks"][1:]] == ["CARRIER", "TRACKING"]
    values = {"CARRIER": {"value": text_input("SF Express")}, "TRACKING": {"value": text_input("SF1234567890")}}
    text, errors = forms.read_fill(values, "ship SO-2026-000001 CARRIER TRACKING")
    assert errors == {} and text == 'ship SO-2026-000001 "SF Express" SF1234567890'
    assert parse(parser, text) == c.ShipOrder("SO-2026-000001", "SF Express", "SF1234567890")
    text, _ = forms.read_fill(
        {"REASON": {"value": text_input("customer's plant burned")}}, "cancel SO-2026-000001 REASON"
    )
    assert parse(parser, text) == c.CancelOrder("SO-2026-000001", "customer's plant burned")
    assert forms.read_fill({"CARRIER": {"value": text_input("")}}, "ship SO-2026-000001 CARRIER TRACKING") == (
        None,
        {"CARRIER": "Please fill this in.", "TRACKING": "Please fill this in."},
    )


@pytest.mark.parametrize(
    "value",
    [
        "plain",
        "two words",
        'say "hi"',
        "it's",
        'back\\slash \\" mixed',
        "“typographic” ‘quotes’",
        "  ",
        "＂全角＂ 引号",
    ],
)
def test_quote_keeps_any_value_one_token(value: str) -> None:
    tokens = tokenize(f"note {forms.quote(value)} end")
    assert len(tokens) == 3 and tokens[0] == "note" and tokens[2] == "end"
    assert tokens[1] == shlex.split(f"x {forms.quote(value)}")[1]
