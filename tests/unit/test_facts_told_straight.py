"""Facts the desk states must be true (issue 13, item 12), on the in-memory unit of work: one rule for "should we
buy" that `stock SKU` and `po suggest` both ask; an escalated approval shown as such in `admin alerts`; an order
promised after the date asked for said at confirmation and marked at risk; ready only once every line has its
stock; and the warehouse moving an in-stock order to ready as its permission says."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bot.conversation.i18n import Translator
from bot.conversation.replies import render
from domain import commands as c
from domain.alerts import AlertPolicy
from domain.bus import MessageBus
from domain.commands import ChangeInput, LineInput
from domain.errors import Conflict, PermissionDenied
from domain.events import OrderAtRisk
from domain.lifecycle import Status
from domain.parties import MakeOrBuy
from domain.ports import Context
from domain.stock import StockItem
from domain.users import Front, Role, User
from tests.fakes import TODAY, FakeUnitOfWork, ctx, customer, events_of, product, user

D = Decimal
ZONE = ZoneInfo("Asia/Shanghai")
EN, ZH = Translator("en", ZONE), Translator("zh", ZONE)
T0 = datetime.combine(TODAY, time(1, 0), tzinfo=UTC)
LILY, WANG, ZHAO, LIU = (
    user("lily", "sales"),
    user("wang", "sales_manager"),
    user("zhao", "production"),
    user("liu", "warehouse"),
)
BOT = User("orderbot", roles={Role.admin})
DUE = TODAY + timedelta(days=5)


@pytest.fixture
def uow() -> FakeUnitOfWork:
    fake = FakeUnitOfWork().seed(
        customer("CUST-001", "Acme"),
        product("NUT-M8", "0.05", safety_stock=D(100), make_or_buy=MakeOrBuy.buy, lead_time_days=20),
        product("BOLT-M8", "0.50", make_or_buy=MakeOrBuy.make, lead_time_days=10),
        product("WASHER-M8", "0.02", safety_stock=D(500)),  # bought; never counted: no stock row at all
        product("PIN-M3", "0.02", safety_stock=D(50), make_or_buy=MakeOrBuy.make),
        *(user(u.name, *u.roles) for u in (LILY, WANG, ZHAO, LIU)),
    )
    fake.opening("NUT-M8", 1000)
    fake.opening("BOLT-M8", 1000)
    return fake


@pytest.fixture
def bus(uow: FakeUnitOfWork) -> MessageBus:
    return MessageBus(uow.factory)


def order(bus: MessageBus, *lines: tuple[str, int], due: date = DUE, rush: bool = False) -> str:
    cmd = c.CreateOrder("CUST-001", tuple(LineInput(sku, D(q)) for sku, q in lines), due, rush=rush)
    return str(bus.handle(cmd, ctx(LILY)).params["number"])


def text(result: object, t: Translator = EN) -> str:
    return render(result, t, TODAY).text()


# ---------------------------------------------------------------- (a) one rule for "should we buy"


@pytest.mark.parametrize(
    ("available", "expected"),
    [(150, 0), (100, 0), (99, 101), (0, 200)],  # safety 100, reorder level 2 × 100
)
def test_to_replenish_only_below_safety_stock_or_when_orders_wait(available: int, expected: int) -> None:
    item = StockItem(product("NUT-M8", safety_stock=D(100)), product_id=1, on_hand=D(available))
    assert item.suggestion(D(2)) == max(0, 200 - available)  # the top-up figure alone would say "buy" at 150
    assert item.to_replenish(D(2)) == expected
    assert StockItem(product("X"), product_id=2).to_replenish(D(2), waiting=D(30)) == 30  # waited for: buy


def test_stock_and_po_suggest_agree_above_safety_stock(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    # 1000 on hand, 880 reserved: 120 available, above the safety stock of 100 but below the reorder level 200
    bus.handle(c.ConfirmOrder(order(bus, ("NUT-M8", 880))), ctx(LILY))
    view = bus.handle(c.StockView("NUT-M8"), ctx(LILY))
    assert (view.item.available, view.suggestion) == (120, 0)
    assert "Suggest" not in text(view) and "⚠" not in text(view)
    assert "NUT-M8" not in {s.product.sku for s in bus.handle(c.PurchaseSuggestions(), ctx(LILY)).suggestions}


def test_stock_and_po_suggest_agree_below_safety_stock(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    bus.handle(c.ConfirmOrder(order(bus, ("NUT-M8", 920))), ctx(LILY))  # 80 available
    view = bus.handle(c.StockView("NUT-M8"), ctx(LILY))
    suggested = {s.product.sku: s.quantity for s in bus.handle(c.PurchaseSuggestions(), ctx(LILY)).suggestions}
    assert view.suggestion == suggested["NUT-M8"] == 120  # 2 × 100 − 80
    assert re.search(r"Suggest buying +120", text(view)) and re.search(r"Available +80  ⚠", text(view))


def test_a_product_never_counted_is_suggested_by_both(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    view = bus.handle(c.StockView("WASHER-M8"), ctx(LILY))
    suggested = {s.product.sku: s.quantity for s in bus.handle(c.PurchaseSuggestions(), ctx(LILY)).suggestions}
    assert view.suggestion == suggested["WASHER-M8"] == 1000


def test_a_made_item_below_safety_stock_is_to_be_made_not_bought(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    view = bus.handle(c.StockView("PIN-M3"), ctx(LILY))
    assert view.suggestion == 100
    assert re.search(r"Suggest making +100", text(view)) and "Suggest buying" not in text(view)
    assert re.search(r"Available +0  ⚠", text(view))  # below safety stock, though no move ever said so
    assert "建议生产" in text(view, ZH)
    assert "PIN-M3" not in {s.product.sku for s in bus.handle(c.PurchaseSuggestions(), ctx(LILY)).suggestions}


# ---------------------------------------------------------------- (b) escalation shown in admin alerts


def at(now: datetime, who: User = BOT) -> Context:
    return Context(who, Front.system, now, now.astimezone(ZONE).date(), alerts=AlertPolicy())


def test_admin_alerts_show_to_whom_and_when_an_approval_was_escalated(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    number = order(bus, ("BOLT-M8", 10), due=TODAY + timedelta(days=30))
    bus.handle(c.ConfirmOrder(number), at(T0, LILY))
    change = c.RequestChange(number, (ChangeInput("quantity", "BOLT-M8", quantity=D(8)),), "less")
    cr = bus.handle(change, at(T0, LILY)).cr.number
    bus.handle(c.RunScans(("approvals",)), at(T0 + timedelta(hours=9)))  # a reminder: not escalated
    view = bus.handle(c.ListAlerts(), at(T0 + timedelta(hours=9)))
    assert [(a.level, a.escalated_at) for a in view.alerts] == [(1, None)]
    assert "Admin" not in text(view)
    escalated_at = T0 + timedelta(hours=25)
    bus.handle(c.RunScans(("approvals",)), at(escalated_at))
    view = bus.handle(c.ListAlerts(), at(escalated_at + timedelta(hours=1)))
    (alert,) = view.alerts
    assert (alert.subject, alert.level, alert.escalated_at) == (cr, 2, escalated_at)
    assert alert.detail["escalate_to"] == "admin"
    when = escalated_at.astimezone(ZONE).strftime("%Y-%m-%d %H:%M")
    assert f"to {EN.name('role_', 'admin')}, {when}" in text(view)
    assert f"{when} 升级给{ZH.name('role_', 'admin')}" in text(view, ZH)


def test_an_alert_raised_escalated_is_stamped_when_raised(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    number = order(bus, ("BOLT-M8", 10), due=TODAY + timedelta(days=30))
    bus.handle(c.ConfirmOrder(number), at(T0, LILY))
    change = c.RequestChange(number, (ChangeInput("quantity", "BOLT-M8", quantity=D(8)),), "less")
    bus.handle(change, at(T0, WANG))  # the only sales manager asked: nobody can approve it
    bus.handle(c.RunScans(("approvals",)), at(T0 + timedelta(hours=9)))
    (alert,) = bus.handle(c.ListAlerts(), at(T0 + timedelta(hours=9))).alerts
    assert (alert.level, alert.escalated_at, alert.detail["escalate_to"]) == (2, T0 + timedelta(hours=9), "admin")


# ---------------------------------------------------------------- (c) promised late: said, and marked at risk


def test_a_rush_order_promised_after_its_due_date_says_so_and_is_at_risk(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    number = order(bus, ("BOLT-M8", 500), ("NUT-M8", 5000), rush=True)  # 1000 nuts on hand, 20 days' lead time
    done = bus.handle(c.ConfirmOrder(number), ctx(LILY))
    promised = TODAY + timedelta(days=20)
    assert done.params["late"] == [(2, "NUT-M8", promised, DUE)]
    said = text(done)
    assert f"Line 2 NUT-M8 can only be promised for {promised}, after the {DUE} asked for" in said
    assert f"{number} is marked at risk" in said
    assert "晚于要求的" in text(done, ZH)
    saved = uow.order(number)
    assert saved.at_risk and [ln.line_no for ln in saved.late_lines()] == [2]
    (event,) = events_of(uow.outbox, OrderAtRisk)
    assert event == OrderAtRisk(number, "CUST-001", "lily", ((2, "NUT-M8", str(promised), str(DUE)),), "lily")
    shown = text(bus.handle(c.ShowOrder(number), ctx(WANG)))
    assert "⚠ At risk" in shown and f"line 2 NUT-M8 promised {promised} (asked {DUE})" in shown
    listed = text(bus.handle(c.ListOrders(), ctx(WANG)))
    assert f"{DUE} ⚠ At risk" in listed


def test_an_order_promised_on_time_is_not_at_risk(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    number = order(bus, ("NUT-M8", 10), rush=True)
    done = bus.handle(c.ConfirmOrder(number), ctx(LILY))
    assert done.params["late"] == [] and "at risk" not in text(done)
    assert not uow.order(number).at_risk and events_of(uow.outbox, OrderAtRisk) == []
    assert "At risk" not in text(bus.handle(c.ShowOrder(number), ctx(WANG)))


def test_the_scheduler_holds_an_at_risk_order_until_it_ships(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    number = order(bus, ("NUT-M8", 1500))
    bus.handle(c.ConfirmOrder(number), ctx(LILY))
    report = bus.handle(c.RunScans(("at_risk",)), at(T0))
    assert report.counts == {"at_risk": (1, 0, 0)}
    assert bus.handle(c.RunScans(("at_risk",)), at(T0 + timedelta(minutes=1))).counts == {"at_risk": (0, 0, 0)}
    alerts = bus.handle(c.ListAlerts(), at(T0)).alerts
    assert [(a.kind, a.subject) for a in alerts] == [("at_risk", number)]
    assert "At risk" in text(bus.handle(c.ListAlerts(), at(T0)))
    bus.handle(c.AdjustStock("NUT-M8", "found on the shelf", delta=D(500)), ctx(LIU))  # the backorder is filled
    assert uow.order(number).at_risk  # still promised late: the customer was told a later date
    bus.handle(c.AdvanceOrder(number), ctx(LIU))
    bus.handle(c.ShipOrder(number, "SF", "SF1"), ctx(LIU))
    assert not uow.order(number).at_risk
    assert bus.handle(c.RunScans(("at_risk",)), at(T0 + timedelta(hours=1))).counts == {"at_risk": (0, 0, 1)}


# ---------------------------------------------------------------- (d) ready only with every line's stock


def test_production_cannot_make_an_order_ready_while_a_line_waits(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    number = order(bus, ("BOLT-M8", 1600), ("NUT-M8", 10))  # 600 bolts to make
    bus.handle(c.ConfirmOrder(number), ctx(LILY))
    bus.handle(c.AdvanceOrder(number), ctx(ZHAO))
    with pytest.raises(Conflict) as refused:
        bus.handle(c.AdvanceOrder(number), ctx(ZHAO))
    assert refused.value.code == "ready_short" and refused.value.params["lines"] == "1 BOLT-M8 −600"
    assert uow.order(number).status is Status.in_production
    message = EN(refused.value.code, **refused.value.params)
    assert "1 BOLT-M8 −600" in message and "{" not in message
    bus.handle(c.AdjustStock("BOLT-M8", "found", delta=D(600)), ctx(LIU))
    assert bus.handle(c.AdvanceOrder(number), ctx(ZHAO)).order.status is Status.ready


# ---------------------------------------------------------------- (e) the warehouse hands over what is in stock


def test_the_warehouse_moves_an_in_stock_order_to_ready(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    number = order(bus, ("BOLT-M8", 100), ("NUT-M8", 100))
    bus.handle(c.ConfirmOrder(number), ctx(LILY))
    done = bus.handle(c.AdvanceOrder(number), ctx(LIU))
    assert done.order.status is Status.ready and done.params["status"] == "ready"
    assert [e.action for e in uow.audit_entries(number)][-1] == "ready"


def test_the_warehouse_is_told_why_an_order_waiting_for_stock_is_not_ready(
    bus: MessageBus, uow: FakeUnitOfWork
) -> None:
    number = order(bus, ("NUT-M8", 1200))
    bus.handle(c.ConfirmOrder(number), ctx(LILY))
    with pytest.raises(Conflict) as refused:
        bus.handle(c.AdvanceOrder(number), ctx(LIU))
    assert (refused.value.code, refused.value.params["lines"]) == ("ready_short", "1 NUT-M8 −200")
    assert uow.order(number).status is Status.confirmed


def test_who_may_start_production_still_walks_the_main_line(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    number = order(bus, ("BOLT-M8", 100))
    bus.handle(c.ConfirmOrder(number), ctx(LILY))
    with pytest.raises(PermissionDenied) as refused:  # sales may do neither
        bus.handle(c.AdvanceOrder(number), ctx(LILY))
    assert refused.value.action == "in_production"
    assert bus.handle(c.AdvanceOrder(number), ctx(ZHAO)).order.status is Status.in_production
    assert bus.handle(c.AdvanceOrder(number), ctx(LIU)).order.status is Status.ready  # in production → ready


def test_list_at_risk_lists_the_orders_promised_late(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    from bot.conversation.language.dates import DateReader
    from bot.conversation.language.verbs import CommandParser

    parser = CommandParser(DateReader())
    for typed in ("list at-risk", "列表 风险", "list risk mine"):
        assert parser.parse(typed, TODAY, "lily").at_risk is True
    late = order(bus, ("NUT-M8", 1500))
    on_time = order(bus, ("BOLT-M8", 10))
    for number in (late, on_time):
        bus.handle(c.ConfirmOrder(number), ctx(LILY))
    page = bus.handle(c.ListOrders(at_risk=True), ctx(WANG))
    assert ([o.number for o in page.orders], page.total) == ([late], 1)


def test_a_due_date_moved_past_the_promise_takes_the_risk_away(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    number = order(bus, ("NUT-M8", 1500))  # promised 20 days out, due in 5
    bus.handle(c.ConfirmOrder(number), ctx(LILY))
    assert uow.order(number).at_risk
    later = TODAY + timedelta(days=25)
    view = bus.handle(c.RequestChange(number, (ChangeInput("due_date", when=later),), "customer agreed"), ctx(LILY))
    while view.code != "cr_applied":
        (role,) = view.cr.pending_roles()[:1]
        who = {Role.sales_manager: WANG, Role.production: ZHAO}[role]
        view = bus.handle(c.ApproveChange(view.cr.number), ctx(who))
    saved = uow.order(number)
    assert (saved.due_date, saved.at_risk, saved.late_lines()) == (later, False, [])
