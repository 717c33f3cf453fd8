"""Slack Block Kit rendering, without Slack: every payload stays within Slack's limits, and the approval card
and the home tab show what a decision needs. The modals are in test_slack_forms.py."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from adapters.slack import blocks as sb
from adapters.slack import home as slack_home
from bot.conversation import actions
from bot.conversation.i18n import Translator
from bot.conversation.replies.message import Button, Message, Table
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
    runs = [a for a in action_ids if a.startswith(sb.ACTION_DO)]
    assert len(runs) == len(set(runs)) and all(sb.ACTION_DO_PATTERN.match(a) for a in runs)


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
            Button(
                f"按钮 {i} " + "z" * (80 if i == 0 else 0),
                f"show SO-2026-{i:06d}",
                "primary",
                c.ShowOrder(f"SO-2026-{i:06d}"),
            )
            for i in range(60)
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
    action_blocks = [b for b in blocks if b["type"] == "actions"]
    assert [len(a["elements"]) for a in action_blocks] == [25, 25, 10]
    first = action_blocks[0]["elements"][0]
    assert first["action_id"] == "orderbot_do:0" and actions.decode(first["value"]) == c.ShowOrder("SO-2026-000000")
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
            Button(
                "发货",
                "ship SO-2026-000001 CARRIER TRACKING",
                "primary",
                c.ShipOrder("SO-2026-000001", "", ""),
                ("carrier", "tracking"),
            ),
            Button("暂停", "hold SO-2026-000001", "", c.HoldOrder("SO-2026-000001", "")),
            Button("说明", "help"),  # carries no command: a click could only guess, so Slack does not offer it
        ],
    )
    text, blocks = sb.render(msg)
    assert text == msg.text()
    assert [b["type"] for b in blocks] == ["section", "section", "section", "actions"]
    assert blocks[0]["text"]["text"] == "*SO-2026-000001 · 已确认*"
    assert blocks[1]["fields"] == [{"type": "mrkdwn", "text": "*客户*\nCUST-001 上海精密"}]
    buttons = blocks[3]["elements"]
    assert [(b["action_id"], actions.decode(b["value"]), b.get("style")) for b in buttons] == [
        ("orderbot_do:0:carrier,tracking", c.ShipOrder("SO-2026-000001", "", ""), "primary"),
        ("orderbot_do:1", c.HoldOrder("SO-2026-000001", ""), None),
    ]
    assert [sb.asked_fields(b["action_id"]) for b in buttons] == [("carrier", "tracking"), ()]
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
    action_blocks = [b for b in blocks if b["type"] == "actions"]
    assert len(action_blocks) == 1
    assert [(e["action_id"], actions.decode(e["value"]), e["style"]) for e in action_blocks[0]["elements"]] == [
        ("orderbot_approve", c.ApproveChange(cr), "primary"),
        ("orderbot_reject", c.RejectChange(cr, ""), "danger"),
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
    assert actions.decode(decisions[0]["elements"][1]["value"]) == c.RejectChange(view.cr.number, "")
    shows = [b["accessory"] for b in home["blocks"] if "accessory" in b]
    assert len(shows) == 16 and actions.decode(shows[0]["value"]) == c.ShowOrder(order.number)
    assert len({s["action_id"] for s in shows}) == 16

    empty = slack_home.home(ZH, ChangesView([], "pending_title"), OrderPage([], 0, 0), OrderPage([], 0, 0), NOW)
    body = texts(empty["blocks"])
    assert "没有等待您审批的变更。" in body and "您没有未结订单。" in body
    assert "没有逾期、暂停或交期风险的订单。" in body
