"""``uow.stock``: stock rows (locked, created when missing), free stock, the ledger, and who holds or waits for a
product — the statuses that count, the order they come in, and the limit of a chat message."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from domain.lifecycle import Status
from domain.orders import number_for
from domain.parties import Tier
from domain.ports import Holder
from domain.stock import MAIN, MoveKind, Who
from tests.contract.world import TODAY, Line, Store, at, build_order, pid, seed_parties

S = Status
BOLT, NUT, WASHER = "BOLT-M8X30", "NUT-M8", "WASHER-M8"


def n(seq: int) -> str:
    return number_for(2026, seq)


def who(reason: str = "count", minutes: int = 0) -> Who:
    return Who("liu", at(minutes), reason)


@pytest.fixture
def ids(store: Store) -> dict[str, int]:
    seed_parties(store)
    return {sku: pid(store, sku) for sku in (BOLT, NUT, WASHER)}


def count_in(store: Store, counts: dict[int, int], reserve: dict[int, int] | None = None) -> None:
    """An opening count of these products (and a reservation on some), committed with their ledger."""
    with store() as uow:
        items = uow.stock.lock(list(counts))
        for product_id, qty in counts.items():
            items[product_id].adjust(Decimal(qty), who("opening"))
        for product_id, qty in (reserve or {}).items():
            items[product_id].reserve(Decimal(qty), who("order"), n(1), 1)
        uow.commit()


def test_lock_makes_missing_rows_with_zeros_and_keeps_counted_ones(store: Store, ids: dict[str, int]) -> None:
    count_in(store, {ids[BOLT]: 500})
    with store() as uow:
        assert uow.stock.lock([]) == {}
        items = uow.stock.lock([ids[WASHER], ids[BOLT], ids[WASHER]])
        assert sorted(items) == sorted({ids[WASHER], ids[BOLT]})
        bolt, washer = items[ids[BOLT]], items[ids[WASHER]]
        assert (bolt.on_hand, bolt.reserved, bolt.warehouse, bolt.product.sku) == (500, 0, MAIN, BOLT)
        assert (washer.on_hand, washer.reserved, washer.on_order, washer.planned, washer.low) == (0, 0, 0, 0, False)
        assert washer.product_id == ids[WASHER] and washer.product.sku == WASHER
        other = uow.stock.lock([ids[BOLT]], "EAST")[ids[BOLT]]  # another warehouse: a row of its own
        assert (other.warehouse, other.on_hand) == ("EAST", 0)
        uow.commit()
    with store(readonly=True) as uow:
        washer_row = uow.stock.get(ids[WASHER])
        assert washer_row is not None and washer_row.on_hand == 0
        east = uow.stock.get(ids[BOLT], "EAST")
        assert east is not None and east.warehouse == "EAST"
        assert uow.stock.get(ids[NUT]) is None  # never locked, never counted
        assert uow.stock.get(ids[NUT], "EAST") is None


def test_a_locked_row_is_not_kept_without_commit(store: Store, ids: dict[str, int]) -> None:
    with store() as uow:
        uow.stock.lock([ids[NUT]])[ids[NUT]].adjust(Decimal(7), who())
    with store(readonly=True) as uow:
        assert uow.stock.get(ids[NUT]) is None and uow.stock.moves(ids[NUT]) == []


def test_available_is_free_stock_and_nothing_for_a_product_never_counted(store: Store, ids: dict[str, int]) -> None:
    count_in(store, {ids[BOLT]: 500, ids[WASHER]: 20}, reserve={ids[BOLT]: 120})
    with store(readonly=True) as uow:
        free = uow.stock.available([ids[BOLT], ids[NUT], ids[WASHER]])
        assert free == {ids[BOLT]: Decimal(380), ids[NUT]: Decimal(0), ids[WASHER]: Decimal(20)}
        assert all(isinstance(v, Decimal) for v in free.values())
        assert uow.stock.available([ids[NUT]]) == {ids[NUT]: 0}
        assert uow.stock.available([]) == {}
        assert uow.stock.available([ids[BOLT]], "EAST") == {ids[BOLT]: 0}
        bolt = uow.stock.get(ids[BOLT])
        assert bolt is not None and (bolt.on_hand, bolt.reserved) == (500, 120)


def test_the_ledger_is_oldest_first_the_latest_few_and_by_order(store: Store, ids: dict[str, int]) -> None:
    bolt = ids[BOLT]
    with store() as uow:
        item = uow.stock.lock([bolt])[bolt]
        item.adjust(Decimal(100), who("opening", 0), ref="COUNT-1")
        item.reserve(Decimal(30), who("order", 1), n(1), 1)
        item.reserve(Decimal(20), who("order", 2), n(2), 3)
        assert uow.stock.moves(bolt) == []  # written on commit
        uow.commit()
    with store() as uow:
        item = uow.stock.lock([bolt])[bolt]
        item.release(Decimal(10), who("cancel", 3), n(1), 1)
        item.ship(Decimal(20), who("ship", 4), n(1), 1)
        uow.commit()
    with store(readonly=True) as uow:
        moves = uow.stock.moves(bolt)
        assert [(m.kind, m.on_hand_delta, m.reserved_delta, m.order_number, m.line_no) for m in moves] == [
            (MoveKind.adjustment, 100, 0, "", None),
            (MoveKind.reservation, 0, 30, n(1), 1),
            (MoveKind.reservation, 0, 20, n(2), 3),
            (MoveKind.release, 0, -10, n(1), 1),
            (MoveKind.shipment, -20, -20, n(1), 1),
        ]
        first = moves[0]
        assert (first.product_id, first.warehouse, first.at, first.actor, first.reason, first.ref) == (
            bolt, MAIN, at(0), "liu", "opening", "COUNT-1",
        )  # fmt: skip
        assert all(m.id is not None for m in moves) and [m.at for m in moves] == [at(i) for i in range(5)]
        assert [m.kind for m in uow.stock.moves(bolt, limit=2)] == [MoveKind.release, MoveKind.shipment]
        assert [m.reserved_delta for m in uow.stock.moves(bolt, order_number=n(1))] == [30, -10, -20]
        assert [m.line_no for m in uow.stock.moves(bolt, limit=1, order_number=n(2))] == [3]
        assert uow.stock.moves(ids[NUT]) == [] and uow.stock.moves(bolt, order_number=n(9)) == []


def test_low_lists_the_rows_flagged_low_in_product_order(store: Store, ids: dict[str, int]) -> None:
    with store() as uow:
        items = uow.stock.lock([ids[WASHER], ids[BOLT], ids[NUT]])
        items[ids[WASHER]].low = True
        items[ids[BOLT]].low = True
        uow.commit()
    with store(readonly=True) as uow:
        low = uow.stock.low()
        assert [i.product_id for i in low] == sorted([ids[WASHER], ids[BOLT]])
        assert {i.product.sku for i in low} == {WASHER, BOLT}


@pytest.fixture
def holders(store: Store, ids: dict[str, int]) -> dict[str, int]:
    """Orders holding (reserved) or waiting for (backordered) the bolt, in every status; and a low washer.

    1 confirmed      due +5   bolt reserved 100, and a second bolt line backordered 40
    2 in_production  due +2   bolt reserved 50, backordered 25
    3 ready          due +9   bolt backordered 10 (and a nut, reserved)
    4 on_hold        due +1   bolt reserved 30, backordered 5  (held: keeps what it holds, gets nothing new)
    5 draft          due +1   bolt backordered 99              (not holding: a draft holds nothing)
    6 shipped        due +1   bolt reserved 70                 (gone)
    7 cancelled      due +1   bolt reserved 60
    8 confirmed      due +3   bolt neither reserved nor backordered (nothing to hold)
    9 confirmed      due +2   nut backordered 7 (another product)
    """

    def in_days(days: int) -> date:
        return TODAY + timedelta(days=days)

    with store() as uow:
        build_order(uow, 1, "CUST-001", [Line(BOLT, "140", reserved="100"), Line(BOLT, "40", backorder="40")],
                    S.confirmed, due=in_days(5))  # fmt: skip
        build_order(uow, 2, "CUST-002", [Line(BOLT, "75", reserved="50", backorder="25")], S.in_production,
                    due=in_days(2))  # fmt: skip
        build_order(uow, 3, "CUST-003", [Line(NUT, "5", reserved="5"), Line(BOLT, "10", backorder="10")], S.ready,
                    due=in_days(9))  # fmt: skip
        build_order(uow, 4, "CUST-001", [Line(BOLT, "35", reserved="30", backorder="5")], S.on_hold, due=in_days(1))
        build_order(uow, 5, "CUST-001", [Line(BOLT, "99", backorder="99")], S.draft, due=in_days(1))
        build_order(uow, 6, "CUST-001", [Line(BOLT, "70", reserved="70")], S.shipped, due=in_days(1))
        build_order(uow, 7, "CUST-001", [Line(BOLT, "60", reserved="60")], S.cancelled, due=in_days(1))
        build_order(uow, 8, "CUST-001", [Line(BOLT, "60")], S.confirmed, due=in_days(3))
        build_order(uow, 9, "CUST-002", [Line(NUT, "7", backorder="7")], S.confirmed, due=in_days(2))
        uow.stock.lock([ids[WASHER]])[ids[WASHER]].low = True
        uow.commit()
    return ids


def test_holders_are_open_lines_holding_or_waiting_earliest_due_first(store: Store, holders: dict[str, int]) -> None:
    with store(readonly=True) as uow:
        found = list(uow.stock.holders(holders[BOLT]))
    assert [h.number for h in found] == [n(4), n(2), n(1), n(1), n(3)]  # the lines of one order: in any order
    assert sorted(found, key=lambda h: (h.number, h.line_no)) == [
        Holder(n(1), "CUST-001", Tier.key, S.confirmed, TODAY + timedelta(5), 1, Decimal(100), Decimal(0)),
        Holder(n(1), "CUST-001", Tier.key, S.confirmed, TODAY + timedelta(5), 2, Decimal(0), Decimal(40)),
        Holder(n(2), "CUST-002", Tier.normal, S.in_production, TODAY + timedelta(2), 1, Decimal(50), Decimal(25)),
        Holder(n(3), "CUST-003", Tier.strategic, S.ready, TODAY + timedelta(9), 2, Decimal(0), Decimal(10)),
        Holder(n(4), "CUST-001", Tier.key, S.on_hold, TODAY + timedelta(1), 1, Decimal(30), Decimal(5)),
    ]
    with store(readonly=True) as uow:
        assert [(h.number, h.reserved) for h in uow.stock.holders(holders[NUT])] == [(n(9), 0), (n(3), 5)]
        assert uow.stock.holders(holders[WASHER]) == []


def test_holders_without_a_due_date_come_last(
    request: pytest.FixtureRequest, store: Store, ids: dict[str, int]
) -> None:
    with store() as uow:
        build_order(uow, 1, lines=[Line(NUT, "1", reserved="1")], status=S.confirmed, due=None)
        build_order(uow, 2, lines=[Line(NUT, "1", reserved="1")], status=S.confirmed, due=TODAY + timedelta(60))
        uow.commit()
    with store(readonly=True) as uow:
        assert [h.number for h in uow.stock.holders(ids[NUT])] == [n(2), n(1)]


def test_holders_are_the_thirty_most_urgent(store: Store, ids: dict[str, int]) -> None:
    with store() as uow:
        for seq in range(32, 0, -1):  # entered latest-due first: the most urgent are the newest
            build_order(uow, seq, lines=[Line(BOLT, "1", reserved="1")], status=S.confirmed,
                        due=TODAY + timedelta(days=seq))  # fmt: skip
        uow.commit()
    with store(readonly=True) as uow:
        found = uow.stock.holders(ids[BOLT])
    assert len(found) == 30
    assert [h.number for h in found] == [n(seq) for seq in range(1, 31)]


def test_orders_that_wait_and_hold_and_how_much_waits(store: Store, holders: dict[str, int]) -> None:
    bolt, nut, washer = holders[BOLT], holders[NUT], holders[WASHER]
    with store(readonly=True) as uow:
        waiting = uow.stock.waiting_orders(bolt)  # new stock goes to these: allocating, and waiting for it
        assert sorted(o.number for o in waiting) == [n(1), n(2), n(3)]  # the held one waits until resumed
        three = next(o for o in waiting if o.number == n(3))
        assert sorted(ln.product.sku for ln in three.lines) == [BOLT, NUT]  # with all their lines
        holding = uow.stock.holding_orders(bolt)  # a count that takes stock back takes it from these
        assert sorted(o.number for o in holding) == [n(1), n(2), n(4)]
        assert all(len(o.lines) >= 1 for o in holding)
        assert sorted(o.number for o in uow.stock.holding_orders(nut)) == [n(3)]
        assert uow.stock.waiting_orders(washer) == [] and uow.stock.holding_orders(washer) == []
        assert uow.stock.waiting_qty(bolt) == Decimal(40 + 25 + 10 + 5)  # the held order's wait counts here
        assert uow.stock.waiting_qty(washer) == 0
        assert uow.stock.waiting_qtys([bolt, nut, washer]) == {bolt: Decimal(80), nut: Decimal(7), washer: 0}
        assert uow.stock.waiting_qtys([]) == {}
        assert uow.stock.short_product_ids() == sorted([bolt, nut, washer])  # waited for, or low


def test_short_products_are_none_when_nothing_waits_or_is_below_safety(store: Store, ids: dict[str, int]) -> None:
    # bolt: safety 500, washer: safety 20, nut: none; a low flag left over from before counts for nothing
    count_in(store, {ids[BOLT]: 510, ids[WASHER]: 20}, reserve={ids[BOLT]: 10})
    with store() as uow:
        build_order(uow, 1, lines=[Line(BOLT, "5", reserved="5")], status=S.confirmed)
        build_order(uow, 2, lines=[Line(NUT, "5", backorder="5")], status=S.cancelled)
        uow.stock.lock([ids[WASHER]])[ids[WASHER]].low = True
        uow.commit()
    with store(readonly=True) as uow:
        assert uow.stock.short_product_ids() == []
        assert uow.stock.waiting_qty(ids[NUT]) == 0


def test_short_products_are_those_below_safety_stock_by_the_figures(store: Store, ids: dict[str, int]) -> None:
    # bolt: 499 available of a safety stock of 500, its low flag not (yet) set; washer: safety 20, no stock row
    count_in(store, {ids[BOLT]: 509}, reserve={ids[BOLT]: 10})
    with store(readonly=True) as uow:
        assert uow.stock.short_product_ids() == sorted([ids[BOLT], ids[WASHER]])
