"""Stock, purchase and work orders through the one door (MessageBus) on the in-memory unit of work."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest

from domain import commands as c
from domain.bus import MessageBus
from domain.commands import LineInput
from domain.errors import Conflict, IllegalTransition, InvalidInput, PermissionDenied
from domain.events import (
    OrderBackordered,
    OrderStockComplete,
    PurchaseOrderReceived,
    StockLow,
    StockRecovered,
    WorkOrderDone,
)
from domain.lifecycle import Status
from domain.parties import MakeOrBuy, Tier
from domain.stock import MoveKind
from domain.supply import POStatus, WOStatus
from tests.fakes import TODAY, FakeUnitOfWork, ctx, customer, events_of, product, user

D = Decimal
DUE = date(2026, 12, 20)
PO1, WO1, WO2 = "PO-2026-000001", "WO-2026-000001", "WO-2026-000002"
ANN, MGR, FIN = user("ann", "sales"), user("mia", "sales_manager"), user("fay", "finance")
WANG, PETE = user("wang", "warehouse"), user("pete", "production")


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork().seed(
        customer("NORM", "Normal Co"),
        customer("KEYC", "Key Co", tier=Tier.key),
        customer("STRAT", "中车配套件集团", tier=Tier.strategic),
        product("BOLT-M8X30", "0.20", make_or_buy=MakeOrBuy.make, lead_time_days=10),
        product("NUT-M8", "0.05", safety_stock=D(100), lead_time_days=40),
        *(user(u.name, *u.roles) for u in (ANN, MGR, FIN, WANG, PETE)),
    )


@pytest.fixture
def bus(uow: FakeUnitOfWork) -> MessageBus:
    return MessageBus(uow.factory)


def confirmed(bus: MessageBus, cust: str, *lines: tuple[str, int], due: date = DUE) -> str:
    cmd = c.CreateOrder(cust, tuple(LineInput(sku, D(q)) for sku, q in lines), due)
    number = str(bus.handle(cmd, ctx(ANN)).params["number"])
    bus.handle(c.ConfirmOrder(number), ctx(ANN))
    return number


def cancel(bus: MessageBus, number: str, reason: str) -> None:
    """A confirmed order is cancelled by a change request; the manager (and whoever else it needs) approves."""
    view = bus.handle(c.CancelOrder(number, reason), ctx(ANN))
    for who in (MGR, FIN, PETE):
        if view.cr.pending_roles():
            view = bus.handle(c.ApproveChange(view.cr.number), ctx(who))
    assert view.code == "cr_applied", view.code


def held(uow: FakeUnitOfWork, number: str) -> list[tuple[Decimal, Decimal]]:
    """(reserved, backordered) per line of a committed order."""
    return [(ln.reserved_qty, ln.backorder_qty) for ln in uow.order(number).lines]


def figures(uow: FakeUnitOfWork, sku: str) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    item = uow.item(sku)
    return item.on_hand, item.reserved, item.on_order, item.planned


def assert_ledger_adds_up(uow: FakeUnitOfWork, sku: str) -> None:
    moves, item = uow.moves_of(sku), uow.item(sku)
    assert sum((m.on_hand_delta for m in moves), D(0)) == item.on_hand
    assert sum((m.reserved_delta for m in moves), D(0)) == item.reserved
    assert item.moves == []  # every move went to the ledger on commit


# ---------------------------------------------------------------- confirming short


def test_confirm_short_plans_make_lines_and_suggests_buy_lines(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    uow.opening("BOLT-M8X30", 200)
    uow.opening("NUT-M8", 30)
    cmd = c.CreateOrder("KEYC", (LineInput("BOLT-M8X30", D(1000)), LineInput("NUT-M8", D(500))), DUE)
    number = str(bus.handle(cmd, ctx(ANN)).params["number"])
    done = bus.handle(c.ConfirmOrder(number), ctx(ANN))
    assert done.params["short"] == [(1, "BOLT-M8X30", 800), (2, "NUT-M8", 470)]
    assert done.params["work_orders"] == [WO1]
    assert held(uow, number) == [(200, 800), (30, 470)]
    wo = uow.work(WO1)
    assert (wo.quantity, wo.order_number, wo.line_no, wo.status) == (800, number, 1, WOStatus.planned)
    order = uow.order(number)
    assert wo.due_date == order.lines[0].confirmed_date == DUE
    assert order.lines[1].confirmed_date == TODAY + timedelta(days=40)  # nothing coming: the buy lead time
    assert figures(uow, "BOLT-M8X30") == (200, 200, 0, 800)
    [suggestion] = bus.handle(c.PurchaseSuggestions(), ctx(ANN)).suggestions  # a make item is never bought
    assert (suggestion.product.sku, suggestion.quantity, suggestion.waiting) == ("NUT-M8", 670, 470)  # 2×100 + 470
    assert events_of(uow.outbox, OrderBackordered) == [
        OrderBackordered(number, "KEYC", ((1, "BOLT-M8X30", "800"), (2, "NUT-M8", "470")))
    ]
    assert events_of(uow.outbox, StockLow) == [StockLow("NUT-M8", D(0), D(100), D(670), "MAIN")]
    ledger = bus.handle(c.StockLedger("NUT-M8", number), ctx(ANN))
    assert [(m.kind, m.reserved_delta, m.line_no) for m in ledger.moves] == [(MoveKind.reservation, 30, 2)]
    assert_ledger_adds_up(uow, "BOLT-M8X30")


# ---------------------------------------------------------------- purchase story


def test_purchase_fills_backorders_strategic_first(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    key = confirmed(bus, "KEYC", ("NUT-M8", 300), due=date(2026, 12, 5))
    strategic = confirmed(bus, "STRAT", ("NUT-M8", 300), due=date(2026, 12, 30))  # later, and still first
    done = bus.handle(c.PurchaseFromSuggestions(("nut-m8",), "宁波五金", date(2026, 12, 1)), ctx(WANG))
    assert (done.code, done.params) == ("po_created", {"number": PO1, "lines": 1})
    po = uow.purchase(PO1)
    assert ([(ln.product.sku, ln.quantity) for ln in po.lines], po.status) == ([("NUT-M8", 800)], POStatus.draft)
    assert figures(uow, "NUT-M8")[2] == 0  # a draft is not on order yet

    bus.handle(c.ApprovePurchaseOrder(PO1), ctx(FIN))
    assert (uow.purchase(PO1).status, figures(uow, "NUT-M8")) == (POStatus.approved, (0, 0, 800, 0))
    with pytest.raises(InvalidInput) as none_left:
        bus.handle(c.PurchaseFromSuggestions(), ctx(WANG))  # what is on order covers the suggestion
    assert none_left.value.code == "no_suggestions"
    assert bus.handle(c.AvailableToPromise("NUT-M8", D(200)), ctx(ANN)).promise == date(2026, 12, 1)
    assert bus.handle(c.AvailableToPromise("NUT-M8", D(201)), ctx(ANN)).promise == TODAY + timedelta(days=40)

    bus.handle(c.ReceivePurchaseOrder(PO1, (("NUT-M8", D(400)),)), ctx(WANG))
    assert uow.purchase(PO1).status is POStatus.partially_received
    assert figures(uow, "NUT-M8") == (400, 400, 400, 0)
    assert (held(uow, strategic), held(uow, key)) == ([(300, 0)], [(100, 200)])
    assert events_of(uow.outbox, OrderStockComplete) == [OrderStockComplete(strategic, "STRAT", "wang")]

    done = bus.handle(c.ReceivePurchaseOrder(PO1.lower()), ctx(WANG))  # the rest
    assert done.params == {"number": PO1, "po_status": "received"}
    assert figures(uow, "NUT-M8") == (800, 600, 0, 0)
    assert held(uow, key) == [(300, 0)]
    assert [e.number for e in events_of(uow.outbox, OrderStockComplete)] == [strategic, key]
    assert [(e.lines, e.complete) for e in events_of(uow.outbox, PurchaseOrderReceived)] == [
        ((("NUT-M8", "400"),), False), ((("NUT-M8", "400"),), True),
    ]  # fmt: skip
    assert [type(e) for e in uow.outbox if isinstance(e, StockLow | StockRecovered)] == [StockLow, StockRecovered]
    receipts = uow.moves_of("NUT-M8", MoveKind.receipt)
    assert [(m.on_hand_delta, m.ref, m.actor) for m in receipts] == [(400, PO1, "wang"), (400, PO1, "wang")]
    assert_ledger_adds_up(uow, "NUT-M8")
    with pytest.raises(InvalidInput):
        bus.handle(c.ReceivePurchaseOrder(PO1), ctx(WANG))  # nothing open any more


def test_receiving_refuses_more_than_ordered_and_keeps_nothing(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    bus.handle(c.CreatePurchaseOrder((("NUT-M8", D(100)),)), ctx(WANG))
    with pytest.raises(IllegalTransition):
        bus.handle(c.ReceivePurchaseOrder(PO1), ctx(WANG))  # a draft is not ordered yet
    bus.handle(c.ApprovePurchaseOrder(PO1), ctx(MGR))
    with pytest.raises(Conflict) as err:
        bus.handle(c.ReceivePurchaseOrder(PO1, (("NUT-M8", D(101)),)), ctx(WANG))
    assert err.value.code == "receive_more_than_ordered"
    assert figures(uow, "NUT-M8") == (0, 0, 100, 0) and uow.moves_of("NUT-M8") == []
    assert uow.purchase(PO1).lines[0].received == 0


def test_cancelling_an_approved_purchase_order_takes_it_off_order(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    bus.handle(c.CreatePurchaseOrder((("NUT-M8", D(100)),), "宁波五金"), ctx(WANG))
    bus.handle(c.ApprovePurchaseOrder(PO1), ctx(MGR))
    bus.handle(c.CancelPurchaseOrder(PO1), ctx(FIN))
    assert (uow.purchase(PO1).status, figures(uow, "NUT-M8")[2]) == (POStatus.cancelled, 0)
    assert [e.action for e in uow.audit_entries(PO1)] == ["po_create", "po_approve", "po_cancel"]
    assert bus.handle(c.ListPurchaseOrders(), ctx(ANN)).pos == []
    assert [p.number for p in bus.handle(c.ListPurchaseOrders(all=True), ctx(ANN)).pos] == [PO1]


# ---------------------------------------------------------------- work order story


def test_work_order_output_goes_to_its_own_line_first(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    uow.opening("BOLT-M8X30", 200)
    key = confirmed(bus, "KEYC", ("BOLT-M8X30", 1000))
    strategic = confirmed(bus, "STRAT", ("BOLT-M8X30", 100))
    assert [uow.work(n).quantity for n in (WO1, WO2)] == [800, 100]
    assert figures(uow, "BOLT-M8X30") == (200, 200, 0, 900)
    for target in ("released", "in_progress"):
        bus.handle(c.MoveWorkOrder(WO1, target), ctx(PETE))
    bus.handle(c.ReportWorkOrder(WO1, D(500)), ctx(PETE))
    assert (held(uow, key), held(uow, strategic)) == ([(700, 300)], [(0, 100)])  # the strategic order waits
    assert figures(uow, "BOLT-M8X30") == (700, 700, 0, 400)
    assert uow.work(WO1).status is WOStatus.in_progress and events_of(uow.outbox, OrderStockComplete) == []

    bus.handle(c.AdvanceOrder(key), ctx(PETE))  # in production
    with pytest.raises(Conflict) as short:  # not ready while 300 are still to be made: nothing ships in part
        bus.handle(c.AdvanceOrder(key), ctx(PETE))
    assert short.value.code == "ready_short" and "−300" in short.value.params["lines"]
    assert uow.order(key).status is Status.in_production and figures(uow, "BOLT-M8X30")[0] == 700

    done = bus.handle(c.ReportWorkOrder(WO1, D(300)), ctx(PETE))
    assert done.params["wo_status"] == "done"  # nothing remains: done without being told
    assert events_of(uow.outbox, OrderStockComplete) == [OrderStockComplete(key, "KEYC", "pete")]
    assert events_of(uow.outbox, WorkOrderDone) == [WorkOrderDone(WO1, "BOLT-M8X30", D(800), D(0), key, "pete")]
    assert figures(uow, "BOLT-M8X30") == (1000, 1000, 0, 100)
    bus.handle(c.AdvanceOrder(key), ctx(PETE))  # every line has its stock now: ready
    assert uow.order(key).status is Status.ready
    outputs = uow.moves_of("BOLT-M8X30", MoveKind.production_output)
    assert [(m.on_hand_delta, m.reserved_delta, m.ref, m.order_number) for m in outputs] == [
        (500, 500, WO1, key), (300, 300, WO1, key),
    ]  # fmt: skip

    bus.handle(c.ShipOrder(key, "SF", "SF1"), ctx(WANG))
    assert figures(uow, "BOLT-M8X30") == (0, 0, 0, 100)
    assert held(uow, key) == [(0, 0)] and uow.order(key).lines[0].shipped_qty == 1000
    assert_ledger_adds_up(uow, "BOLT-M8X30")


def test_work_order_rules(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    confirmed(bus, "KEYC", ("BOLT-M8X30", 100))
    with pytest.raises(IllegalTransition):
        bus.handle(c.ReportWorkOrder(WO1, D(10)), ctx(PETE))  # not started
    with pytest.raises(InvalidInput) as bad:
        bus.handle(c.MoveWorkOrder(WO1, "finished"), ctx(PETE))
    assert bad.value.code == "unknown_status"
    bus.handle(c.MoveWorkOrder(WO1, "released"), ctx(PETE))
    bus.handle(c.MoveWorkOrder(WO1, "in_progress"), ctx(PETE))
    with pytest.raises(IllegalTransition):
        bus.handle(c.MoveWorkOrder(WO1, "cancelled"), ctx(PETE))
    bus.handle(c.ReportWorkOrder(WO1, D(40), D(5)), ctx(PETE))
    assert figures(uow, "BOLT-M8X30")[3] == 55
    bus.handle(c.MoveWorkOrder(WO1, "done"), ctx(PETE))  # closed early: the rest is no longer planned
    assert (uow.work(WO1).status, figures(uow, "BOLT-M8X30")[3]) == (WOStatus.done, 0)
    assert [e.action for e in uow.audit_entries(WO1)] == ["wo_released", "wo_in_progress", "wo_report", "wo_done"]


# ---------------------------------------------------------------- cancelling and holding


def test_cancel_releases_stock_to_waiting_orders_and_stops_planned_work(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    uow.opening("BOLT-M8X30", 500)
    normal = confirmed(bus, "NORM", ("BOLT-M8X30", 500))
    key = confirmed(bus, "KEYC", ("BOLT-M8X30", 300))  # WO-1
    strategic = confirmed(bus, "STRAT", ("BOLT-M8X30", 200))  # WO-2
    bus.handle(c.MoveWorkOrder(WO2, "released"), ctx(PETE))
    bus.handle(c.MoveWorkOrder(WO2, "in_progress"), ctx(PETE))
    cancel(bus, normal, "customer cancelled")
    assert (held(uow, normal), held(uow, strategic), held(uow, key)) == ([(0, 0)], [(200, 0)], [(300, 0)])
    # the notices go out in the order the stock was given: strategic first
    assert [e.number for e in events_of(uow.outbox, OrderStockComplete)] == [strategic, key]
    # the key order's unstarted work order is no longer needed; started work is not stopped by someone else's cancel
    assert uow.work(WO1).status is WOStatus.cancelled
    assert uow.work(WO2).status is WOStatus.in_progress
    assert figures(uow, "BOLT-M8X30") == (500, 500, 0, 200)
    cancel(bus, key, "duplicate")
    assert figures(uow, "BOLT-M8X30") == (500, 200, 0, 200)
    releases = uow.moves_of("BOLT-M8X30", MoveKind.release)
    assert [(m.order_number, m.reserved_delta) for m in releases] == [(normal, -500), (key, -300)]
    assert [w.number for w in bus.handle(c.ListWorkOrders(key, all=True), ctx(ANN)).wos] == [WO1]


def test_a_held_order_waits_and_catches_up_when_resumed(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    key = confirmed(bus, "KEYC", ("NUT-M8", 100))
    bus.handle(c.HoldOrder(key, "customer asked"), ctx(ANN))
    bus.handle(c.AdjustStock("NUT-M8", "found a box", delta=D(500)), ctx(WANG))
    assert held(uow, key) == [(0, 100)]  # on hold: new stock does not go to it
    assert [h.number for h in bus.handle(c.StockView("NUT-M8"), ctx(ANN)).holders] == [key]
    bus.handle(c.ResumeOrder(key), ctx(ANN))
    assert held(uow, key) == [(100, 0)]
    assert events_of(uow.outbox, OrderStockComplete) == [OrderStockComplete(key, "KEYC", "ann")]


def _two_nut_lines_resumed(bus: MessageBus, uow: FakeUnitOfWork, safety: int) -> str:
    uow.saved.products["NUT-M8"].safety_stock = D(safety)
    key = confirmed(bus, "KEYC", ("NUT-M8", 100), ("NUT-M8", 50))
    bus.handle(c.HoldOrder(key, "wait"), ctx(ANN))
    bus.handle(c.AdjustStock("NUT-M8", "found", delta=D(500)), ctx(WANG))
    bus.handle(c.ResumeOrder(key), ctx(ANN))
    assert held(uow, key) == [(100, 0), (50, 0)]
    return key


def test_resuming_announces_a_complete_order_once(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    key = _two_nut_lines_resumed(bus, uow, safety=0)
    assert events_of(uow.outbox, OrderStockComplete) == [OrderStockComplete(key, "KEYC", "ann")]


def test_resuming_below_safety_stock_warns_and_suggests(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    _two_nut_lines_resumed(bus, uow, safety=400)  # 500 found, 150 taken: 350 left, below 400
    assert [type(e) for e in uow.outbox if isinstance(e, StockLow | StockRecovered)][-1] is StockLow
    assert uow.item("NUT-M8").low
    assert [s.product.sku for s in bus.handle(c.PurchaseSuggestions(), ctx(ANN)).suggestions] == ["NUT-M8"]


# ---------------------------------------------------------------- adjustments and counts


def test_adjust_below_reserved_takes_back_from_the_lowest_priority(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    uow.opening("NUT-M8", 300)
    strategic, normal = confirmed(bus, "STRAT", ("NUT-M8", 100)), confirmed(bus, "NORM", ("NUT-M8", 100))
    with pytest.raises(Conflict) as err:
        bus.handle(c.AdjustStock("NUT-M8", "damaged", delta=D(-150)), ctx(WANG))
    assert err.value.code == "adjust_below_reserved" and figures(uow, "NUT-M8")[0] == 300
    done = bus.handle(c.AdjustStock("NUT-M8", "damaged", delta=D(-150), override=True), ctx(WANG))
    assert done.params == {"sku": "NUT-M8", "delta": "-150", "on_hand": 150, "available": 0}
    assert (held(uow, strategic), held(uow, normal)) == ([(100, 0)], [(50, 50)])
    [entry] = [e for e in uow.audit_entries("NUT-M8") if e.action == "adjust"]
    assert (entry.actor, entry.detail, entry.reason) == ("wang", "-150 override=True", "damaged")
    [adj] = uow.moves_of("NUT-M8", MoveKind.adjustment)[-1:]
    assert (adj.on_hand_delta, adj.reserved_delta, adj.reason) == (-150, -50, "damaged")

    done = bus.handle(c.AdjustStock("NUT-M8", "月度盘点", counted=D(200)), ctx(WANG))  # found 50 more
    assert done.params["delta"] == "+50" and held(uow, normal) == [(100, 0)]
    assert events_of(uow.outbox, OrderStockComplete) == [OrderStockComplete(normal, "NORM", "wang")]
    assert uow.moves_of("NUT-M8", MoveKind.adjustment)[-1].ref == "count"
    assert bus.handle(c.AdjustStock("NUT-M8", "recount", counted=D(200)), ctx(WANG)).code == "stock_unchanged"
    with pytest.raises(InvalidInput) as both:
        bus.handle(c.AdjustStock("NUT-M8", "x", delta=D(1), counted=D(1)), ctx(WANG))
    assert both.value.code == "adjust_needs_quantity"
    assert_ledger_adds_up(uow, "NUT-M8")


# ---------------------------------------------------------------- permissions


def _setup_po_and_wo(bus: MessageBus) -> None:
    confirmed(bus, "KEYC", ("BOLT-M8X30", 10))
    bus.handle(c.CreatePurchaseOrder((("NUT-M8", D(100)),)), ctx(WANG))


PERMISSION_CASES: list[tuple[Any, Any, str, str, Any, str]] = [  # command, refused, action, subject, allowed, done
    (c.ApprovePurchaseOrder(PO1), WANG, "approve_purchase", PO1, FIN, "po_approved"),
    (c.ApprovePurchaseOrder(PO1), PETE, "approve_purchase", PO1, MGR, "po_approved"),
    (c.ReceivePurchaseOrder(PO1), MGR, "receive", PO1, WANG, "po_received"),
    (c.MoveWorkOrder(WO1, "released"), WANG, "work_orders", WO1, PETE, "wo_moved"),
    (c.AdjustStock("NUT-M8", "found", delta=D(5)), PETE, "adjust_stock", "NUT-M8", WANG, "stock_adjusted"),
    (c.CreatePurchaseOrder((("NUT-M8", D(1)),)), ANN, "purchase", "CreatePurchaseOrder", WANG, "po_created"),
]


@pytest.mark.parametrize(("cmd", "denied", "action", "subject", "allowed", "code"), PERMISSION_CASES)
def test_each_supply_step_needs_its_role_and_refusals_are_audited(
    bus: MessageBus, uow: FakeUnitOfWork, cmd: Any, denied: Any, action: str, subject: str, allowed: Any, code: str
) -> None:
    _setup_po_and_wo(bus)
    if isinstance(cmd, c.ReceivePurchaseOrder):
        bus.handle(c.ApprovePurchaseOrder(PO1), ctx(FIN))

    def state() -> tuple[object, ...]:
        return len(uow.ledger), len(uow.outbox), len(uow.saved.pos), uow.purchase(PO1).status, uow.work(WO1).status

    before, commits = state(), uow.commits
    with pytest.raises(PermissionDenied) as err:
        bus.handle(cmd, ctx(denied))
    assert err.value.action == action
    refused = [e for e in uow.audit_entries(subject) if e.outcome == "denied"]
    assert [(e.actor, e.action, e.detail) for e in refused] == [
        (denied.name, action, f"needs {', '.join(err.value.roles)}")
    ]
    assert (state(), uow.commits) == (before, commits + 1)  # only the refusal was committed
    assert bus.handle(cmd, ctx(allowed)).code == code
    assert state() != before
