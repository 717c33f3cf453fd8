"""Allocation in the domain alone, no bus, no unit of work: reserving orders and backordering the shortage,
filling backorders by tier then due date, taking stock back from the lowest priority first, releasing and
shipping orders, available-to-promise dates, and a state machine showing the ledger never drifts."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from domain.allocation import available_to_promise, fill_backorders, release_order, reserve_order, ship_order, take_back
from domain.errors import Conflict
from domain.events import OrderBackordered, OrderStockComplete
from domain.lifecycle import Status
from domain.orders import Order
from domain.parties import Customer, Product, Tier
from domain.stock import StockItem
from tests.unit.stock_support import NOW, TODAY, WHO, D, nut, stocked, sums

_ids = iter(range(100, 10_000))


def order(tier: Tier = Tier.normal, due: date | None = None, *lines: tuple[Product, str]) -> Order:
    oid = next(_ids)
    o = Order(f"SO-2026-{oid:06d}", Customer(f"C{oid}", "c", tier), "ann", NOW, due_date=due, id=oid)
    for prod, qty in lines or ((nut(), "100"),):
        o.add_line(prod, D(qty))
    o.status = Status.confirmed
    return o


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
