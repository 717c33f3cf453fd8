"""Stock, allocation and supply in the domain alone: no bus, no unit of work."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from domain.allocation import available_to_promise, fill_backorders, release_order, reserve_order, ship_order, take_back
from domain.errors import Conflict, IllegalTransition, InvalidInput, NotFound
from domain.events import OrderBackordered, OrderStockComplete, StockLow, StockRecovered
from domain.lifecycle import Status
from domain.orders import Order
from domain.parties import Customer, Product, Tier
from domain.stock import MAIN, MoveKind, StockItem, Who
from domain.supply import POStatus, PurchaseOrder, WorkOrder, WOStatus

NOW = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)
TODAY = NOW.date()
WHO = Who("wang", NOW, "test")
D = Decimal


def nut(safety: str = "0", pid: int = 1) -> Product:
    return Product("NUT-M8", "nut", safety_stock=D(safety), lead_time_days=14, id=pid)


def stocked(on_hand: str | int = 0, product: Product | None = None) -> StockItem:
    item = StockItem(product or nut(), product_id=(product or nut()).id)
    if D(on_hand):
        item.adjust(D(on_hand), Who("wang", NOW, "opening"))
    return item


def deltas(item: StockItem) -> list[tuple[str, Decimal, Decimal]]:
    return [(m.kind.value, m.on_hand_delta, m.reserved_delta) for m in item.moves]


def sums(item: StockItem) -> tuple[Decimal, Decimal]:
    return sum((m.on_hand_delta for m in item.moves), D(0)), sum((m.reserved_delta for m in item.moves), D(0))


_ids = iter(range(100, 10_000))


def order(tier: Tier = Tier.normal, due: date | None = None, *lines: tuple[Product, str]) -> Order:
    oid = next(_ids)
    o = Order(f"SO-2026-{oid:06d}", Customer(f"C{oid}", "c", tier), "ann", NOW, due_date=due, id=oid)
    for prod, qty in lines or ((nut(), "100"),):
        o.add_line(prod, D(qty))
    o.status = Status.confirmed
    return o


# ---------------------------------------------------------------- StockItem


def test_reserve_takes_what_is_available_and_records_only_real_moves() -> None:
    item = stocked(100)
    assert item.reserve(D(30), WHO, "SO-1", 1) == 30
    assert item.reserve(D(100), WHO, "SO-2", 1) == 70
    assert item.reserve(D(5), WHO, "SO-3", 1) == 0
    assert (item.on_hand, item.reserved, item.available) == (100, 100, 0)
    assert deltas(item)[1:] == [("reservation", 0, 30), ("reservation", 0, 70)]
    assert [(m.order_number, m.line_no, m.actor) for m in item.moves[1:]] == [("SO-1", 1, "wang"), ("SO-2", 1, "wang")]


def test_release_and_ship() -> None:
    item = stocked(100)
    item.reserve(D(60), WHO, "SO-1", 1)
    item.release(D(20), WHO, "SO-1", 1)
    item.release(D(0), WHO, "SO-1", 1)
    with pytest.raises(Conflict) as err:
        item.ship(D(41), WHO, "SO-1", 1)
    assert err.value.code == "ship_more_than_reserved"
    item.ship(D(40), WHO, "SO-1", 1)
    assert (item.on_hand, item.reserved) == (60, 0)
    assert deltas(item)[1:] == [("reservation", 0, 60), ("release", 0, -20), ("shipment", -40, -40)]
    assert sums(item) == (item.on_hand, item.reserved)


def test_adjust_below_reserved_needs_override_and_then_returns_what_it_took_back() -> None:
    item = stocked(100)
    item.reserve(D(80), WHO, "SO-1", 1)
    with pytest.raises(Conflict) as err:
        item.adjust(D(-30), WHO)
    assert err.value.code == "adjust_below_reserved" and err.value.params["reserved"] == "80"
    assert (item.on_hand, item.reserved, len(item.moves)) == (100, 80, 2)
    assert item.adjust(D(-20), WHO) == 0  # down to exactly what is reserved is fine
    assert item.adjust(D(-30), WHO, ref="count", override=True) == 30
    assert (item.on_hand, item.reserved) == (50, 50)
    assert deltas(item)[-2:] == [("adjustment", -20, 0), ("adjustment", -30, -30)]
    assert (item.moves[-1].ref, item.moves[-1].reason) == ("count", "test")
    assert sums(item) == (50, 50)


def test_adjust_refuses_negative_stock_and_a_missing_reason() -> None:
    item = stocked(10)
    with pytest.raises(Conflict) as err:
        item.adjust(D(-11), WHO, override=True)
    assert err.value.code == "adjust_negative"
    with pytest.raises(InvalidInput) as bad:
        item.adjust(D(5), Who("wang", NOW, "  "))
    assert bad.value.code == "reason_required"
    assert (item.on_hand, len(item.moves)) == (10, 1)


def test_receive_and_produce() -> None:
    item = stocked(0)
    item.on_order = D(100)
    item.receive(D(60), WHO, "PO-2026-000001")
    item.receive(D(70), WHO, "PO-2026-000002")  # more than was on order: never below zero
    item.receive(D(5), WHO, "found", from_order=False)
    assert (item.on_hand, item.on_order) == (135, 0)
    item.produce(D(50), D(20), WHO, "WO-2026-000001", "SO-1", 2)
    assert (item.on_hand, item.reserved) == (185, 20)
    last = item.moves[-1]
    assert (last.kind, last.on_hand_delta, last.reserved_delta) == (MoveKind.production_output, 50, 20)
    assert (last.ref, last.order_number, last.line_no) == ("WO-2026-000001", "SO-1", 2)
    assert [m.ref for m in item.moves] == ["PO-2026-000001", "PO-2026-000002", "found", "WO-2026-000001"]


# ---------------------------------------------------------------- safety stock


def test_safety_stock_emits_one_event_per_crossing() -> None:
    item = stocked(150, nut(safety="100"))
    item.check_safety(D(2))
    assert item.events == []
    item.reserve(D(60), WHO, "SO-1", 1)  # available 90: below
    item.check_safety(D(2), waiting=D(10))
    item.reserve(D(10), WHO, "SO-2", 1)  # still below: no second warning
    item.check_safety(D(2))
    assert item.events == [StockLow("NUT-M8", D(90), D(100), D(120), MAIN)]  # 2×100 + 10 waiting − 90
    assert item.low
    item.release(D(70), WHO, "SO-1", 1)
    item.check_safety(D(2))
    item.check_safety(D(2))
    assert item.events[1:] == [StockRecovered("NUT-M8", D(150), D(100), MAIN)] and not item.low
    item.reserve(D(51), WHO, "SO-3", 1)
    item.check_safety(D(2))
    assert [type(e) for e in item.events] == [StockLow, StockRecovered, StockLow]


def test_without_safety_stock_nothing_is_ever_low() -> None:
    item = stocked(0)
    item.check_safety(D(2))
    assert (item.events, item.low) == ([], False)


@pytest.mark.parametrize(
    ("available", "on_order", "waiting", "expected"),
    [("80", "30", "50", "140"), ("0", "0", "0", "200"), ("500", "0", "0", "0"), ("150", "100", "0", "0")],
)
def test_suggestion_tops_up_to_the_reorder_level_plus_what_waits(
    available: str, on_order: str, waiting: str, expected: str
) -> None:
    item = stocked(available, nut(safety="100"))
    item.on_order = D(on_order)
    assert item.reorder_level(D(2)) == 200
    assert item.suggestion(D(2), D(waiting)) == D(expected)


# ---------------------------------------------------------------- allocation


def test_reserve_order_backorders_the_shortage() -> None:
    bolt = Product("BOLT-M8", "bolt", id=2)
    stock = {1: stocked(60), 2: stocked(100, bolt)}
    o = order(Tier.normal, None, (nut(), "100"), (bolt, "50"))
    short = reserve_order(o, stock, WHO)
    assert [ln.line_no for ln in short] == [1]
    assert [(ln.reserved_qty, ln.backorder_qty) for ln in o.lines] == [(60, 40), (50, 0)]
    assert o.events == [OrderBackordered(o.number, o.customer.code, ((1, "NUT-M8", "40"),))]
    full = order(Tier.normal, None, (bolt, "50"))
    assert reserve_order(full, stock, WHO) == [] and full.events == []


def test_fill_backorders_by_tier_then_due_date_and_completes_only_covered_orders() -> None:
    item = stocked(0)
    normal = order(Tier.normal, date(2026, 12, 1))
    key_late, key_early = order(Tier.key, date(2026, 12, 20)), order(Tier.key, date(2026, 12, 10))
    strategic = order(Tier.strategic, date(2027, 1, 31))
    bolt = Product("BOLT-M8", "bolt", id=2)
    also_short = order(Tier.strategic, date(2027, 2, 1), (nut(), "10"), (bolt, "5"))
    waiting = [normal, key_late, key_early, strategic, also_short]
    for o in waiting:
        reserve_order(o, {1: item, 2: stocked(0, bolt)}, WHO)
        o.events.clear()
    item.receive(D(260), WHO, "PO-1", from_order=False)
    fills = fill_backorders(item, waiting, WHO)
    got = [o.lines[0].reserved_qty for o in waiting]
    assert got == [0, 50, 100, 100, 10]  # strategic first despite its later date, then key by date
    assert [(o.number, q) for o, _, q in fills] == [
        (strategic.number, 100), (also_short.number, 10), (key_early.number, 100), (key_late.number, 50),
    ]  # fmt: skip
    # the notices ride on the stock item, in the order the stock was given; also_short still waits for bolts
    assert item.events == [
        OrderStockComplete(strategic.number, strategic.customer.code, "wang"),
        OrderStockComplete(key_early.number, key_early.customer.code, "wang"),
    ]
    assert also_short.lines[1].backorder_qty == 5
    assert item.available == 0 and item.reserved == sum(got)


def test_take_back_takes_from_the_lowest_priority_first() -> None:
    item = stocked(150)
    strategic, key, normal = order(Tier.strategic), order(Tier.key), order(Tier.normal)
    for o in (strategic, key, normal):
        o.lines[0].quantity = D(50)
        reserve_order(o, {1: item}, WHO)
    taken = item.adjust(D(-70), WHO, override=True)
    take_back(item, taken, [strategic, key, normal])
    assert [(o.lines[0].reserved_qty, o.lines[0].backorder_qty) for o in (strategic, key, normal)] == [
        (50, 0), (30, 20), (0, 50),
    ]  # fmt: skip
    assert item.reserved == 80


def test_release_and_ship_order() -> None:
    item = stocked(100)
    o = order(Tier.normal, None, (nut(), "150"))
    reserve_order(o, {1: item}, WHO)
    with pytest.raises(Conflict) as err:
        ship_order(o, {1: item}, WHO)
    assert err.value.code == "ship_short" and "−50" in err.value.params["lines"]
    release_order(o, {1: item}, WHO)
    assert (o.lines[0].reserved_qty, o.lines[0].backorder_qty, item.reserved) == (0, 0, 0)
    o.lines[0].quantity = D(80)
    reserve_order(o, {1: item}, WHO)
    ship_order(o, {1: item}, WHO)
    assert (o.lines[0].shipped_qty, o.lines[0].reserved_qty, item.on_hand, item.reserved) == (80, 0, 20, 0)


DEC = date(2026, 12, 1)


@pytest.mark.parametrize(
    ("qty", "available", "waiting", "incoming", "expected"),
    [
        ("50", "50", "0", [], TODAY),  # on the shelf: now
        ("50", "10", "0", [(date(2026, 12, 10), "80"), (DEC, "100")], DEC),  # the earliest arrival that covers it
        ("50", "10", "100", [(date(2026, 12, 10), "80"), (DEC, "100")], date(2026, 12, 10)),  # after the backorders
        ("500", "10", "0", [(DEC, "100")], date(2026, 12, 6)),  # not enough coming: lead time
        ("50", "0", "0", [(None, "100")], date(2026, 12, 6)),  # no ETA: lead time
        ("150", "0", "0", [(None, "100"), (DEC, "100")], date(2026, 12, 6)),  # dated first, undated last
        ("50", "0", "0", [(date(2026, 11, 1), "100")], TODAY),  # an overdue PO is promised from today
    ],
)
def test_available_to_promise(
    qty: str, available: str, waiting: str, incoming: list[tuple[date | None, str]], expected: date
) -> None:
    supply = [(when, D(q)) for when, q in incoming]
    assert available_to_promise(D(qty), D(available), D(waiting), supply, 14, TODAY) == expected


# ---------------------------------------------------------------- purchase and work orders


def test_purchase_order_lifecycle() -> None:
    po = PurchaseOrder("PO-2026-000001", "宁波五金", NOW, "wang")
    with pytest.raises(InvalidInput) as empty:
        po.approve()
    assert empty.value.code == "po_no_lines"
    with pytest.raises(InvalidInput):
        po.add_line(nut(), D(0))
    line = po.add_line(nut(), D(100))
    with pytest.raises(IllegalTransition):
        po.receive(line, D(10))  # not approved yet
    po.approve()
    assert po.status is POStatus.approved
    with pytest.raises(IllegalTransition):
        po.approve()
    with pytest.raises(Conflict) as late:
        po.add_line(nut(), D(1))
    assert late.value.code == "po_not_draft"
    with pytest.raises(Conflict) as more:
        po.receive(line, D(101))
    assert more.value.code == "receive_more_than_ordered" and line.received == 0
    po.receive(line, D(40))
    assert (po.status, line.open_qty) == (POStatus.partially_received, 60)
    with pytest.raises(IllegalTransition):
        po.cancel()  # goods already came in
    assert po.line_for("NUT-M8") is line
    po.receive(line, D(60))
    assert po.status is POStatus.received and not po.is_open
    with pytest.raises(NotFound):
        po.line_for("NUT-M8")  # nothing open any more


@pytest.mark.parametrize("approve", [False, True])
def test_draft_and_approved_purchase_orders_can_be_cancelled(approve: bool) -> None:
    po = PurchaseOrder("PO-2026-000001", "", NOW, "wang")
    po.add_line(nut(), D(5))
    if approve:
        po.approve()
    po.cancel()
    assert po.status is POStatus.cancelled
    with pytest.raises(IllegalTransition):
        po.cancel()


def test_work_order_transitions_and_reports() -> None:
    wo = WorkOrder("WO-2026-000001", nut(), D(1000), NOW, "SO-1", 1)
    with pytest.raises(IllegalTransition):
        wo.report(D(10), D(0))  # only while in progress
    with pytest.raises(IllegalTransition):
        wo.move(WOStatus.in_progress)  # must be released first
    wo.move(WOStatus.released)
    wo.move(WOStatus.in_progress)
    assert wo.started
    with pytest.raises(IllegalTransition) as err:
        wo.move(WOStatus.cancelled)  # started work is finished, not cancelled
    assert err.value.allowed == ("done",)
    for good, scrap in [("-1", "0"), ("0", "0"), ("NaN", "0")]:
        with pytest.raises(InvalidInput):
            wo.report(D(good), D(scrap))
    wo.report(D(800), D(12))
    assert (wo.done, wo.scrap, wo.remaining) == (800, 12, 188)
    wo.move(WOStatus.done)
    assert wo.remaining == 0
    with pytest.raises(IllegalTransition):
        wo.move(WOStatus.in_progress)


def test_an_unstarted_work_order_can_be_cancelled_and_then_plans_nothing() -> None:
    wo = WorkOrder("WO-2026-000002", nut(), D(500), NOW)
    assert (wo.remaining, wo.started) == (500, False)
    wo.move(WOStatus.cancelled)
    assert wo.remaining == 0


# ---------------------------------------------------------------- stateful: the ledger never drifts


class StockAndOrders(RuleBasedStateMachine):
    """Random reserve / release / ship / receive / adjust / produce on one item and three orders."""

    def __init__(self) -> None:
        super().__init__()
        self.item = StockItem(nut(), product_id=1)
        self.orders = [
            order(Tier.normal, date(2026, 12, 1), (nut(), "40")),
            order(Tier.key, date(2026, 12, 5), (nut(), "40"), (nut(), "25")),  # two lines of the same product
            order(Tier.strategic, date(2026, 12, 9), (nut(), "40")),
        ]
        self.stock = {1: self.item}

    pick = st.integers(0, 2)
    qty = st.integers(1, 120).map(D)

    @rule(i=pick)
    def reserve(self, i: int) -> None:
        reserve_order(self.orders[i], self.stock, WHO)

    @rule(i=pick)
    def release(self, i: int) -> None:
        release_order(self.orders[i], self.stock, WHO)

    @rule(i=pick)
    def ship(self, i: int) -> None:
        o = self.orders[i]
        if any(ln.backorder_qty > 0 for ln in o.lines):
            with pytest.raises(Conflict):
                ship_order(o, self.stock, WHO)
        else:
            before = self.item.on_hand
            reserved = sum((ln.reserved_qty for ln in o.lines), D(0))
            ship_order(o, self.stock, WHO)
            assert self.item.on_hand == before - reserved

    @rule(q=qty)
    def receive(self, q: Decimal) -> None:
        self.item.receive(q, WHO, "PO-X")
        fill_backorders(self.item, [o for o in self.orders if any(ln.backorder_qty for ln in o.lines)], WHO)

    @rule(delta=st.integers(-150, 150).filter(bool).map(D), override=st.booleans())
    def adjust(self, delta: Decimal, override: bool) -> None:
        new, moves = self.item.on_hand + delta, len(self.item.moves)
        if new < 0 or (new < self.item.reserved and not override):
            with pytest.raises(Conflict):
                self.item.adjust(delta, WHO, override=override)
            assert len(self.item.moves) == moves
            return
        taken = self.item.adjust(delta, WHO, override=override)
        assert taken == max(D(0), self.item.reserved + taken - new)
        take_back(self.item, taken, self.orders)

    @rule(q=qty, i=pick)
    def produce(self, q: Decimal, i: int) -> None:
        line = self.orders[i].lines[0]
        for_line = min(q, line.backorder_qty)
        line.reserved_qty += for_line
        line.backorder_qty -= for_line
        self.item.produce(q, for_line, WHO, "WO-X", self.orders[i].number, line.line_no)

    @invariant()
    def ledger_matches(self) -> None:
        assert sums(self.item) == (self.item.on_hand, self.item.reserved)
        assert 0 <= self.item.reserved <= self.item.on_hand

    @invariant()
    def lines_hold_what_the_item_says(self) -> None:
        lines = [ln for o in self.orders for ln in o.lines]
        assert sum((ln.reserved_qty for ln in lines), D(0)) == self.item.reserved
        assert all(ln.reserved_qty + ln.backorder_qty + ln.shipped_qty <= ln.quantity for ln in lines)
        assert all(min(ln.reserved_qty, ln.backorder_qty, ln.shipped_qty) >= 0 for ln in lines)


StockAndOrders.TestCase.settings = settings(max_examples=150, stateful_step_count=30, deadline=None)
TestStockAndOrders = StockAndOrders.TestCase
