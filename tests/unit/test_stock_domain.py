"""Stock in the domain alone, no bus, no unit of work: a stock item's reservations, releases, shipments,
adjustments, receipts and production output, and the safety-stock warnings and suggestions. Allocation
across orders is in test_stock_allocation.py, purchase and work orders in test_supply_domain.py."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain.errors import Conflict, InvalidInput
from domain.events import StockLow, StockRecovered
from domain.stock import MAIN, MoveKind, StockItem, Who
from tests.unit.stock_support import NOW, WHO, D, nut, stocked, sums


def deltas(item: StockItem) -> list[tuple[str, Decimal, Decimal]]:
    return [(m.kind.value, m.on_hand_delta, m.reserved_delta) for m in item.moves]


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
