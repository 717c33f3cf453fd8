"""What issue 13 added to ``uow.orders`` and ``uow.watch``, the same from every store: an imported order found by
its external reference (per customer, one at most: a second one is refused at commit), and the orders at risk —
a line promised after the date asked for — listed (`list at-risk`) and watched (the at-risk scan), only while
still owed."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain.errors import ConcurrentUpdate
from domain.lifecycle import Status
from domain.orders import number_for
from domain.ports import OrderFilter
from tests.contract.world import TODAY, Line, Store, build_order, cid, seed_parties

S = Status


def n(seq: int) -> str:
    return number_for(2026, seq)


def test_an_order_found_by_its_external_reference_per_customer(store: Store) -> None:
    seed_parties(store)
    with store() as uow:
        build_order(uow, 1, "CUST-001").external_ref = "A-1"
        build_order(uow, 2, "CUST-002").external_ref = "A-1"  # another customer's A-1
        build_order(uow, 3, "CUST-001")  # typed: no reference
        uow.commit()
    one, two, three = cid(store, "CUST-001"), cid(store, "CUST-002"), cid(store, "CUST-003")
    with store(readonly=True) as uow:
        assert uow.orders.by_external_ref(one, "A-1") == n(1)
        assert uow.orders.by_external_ref(two, "A-1") == n(2)
        assert uow.orders.by_external_ref(one, "A-2") is None
        assert uow.orders.by_external_ref(three, "A-1") is None
    with store() as uow:
        build_order(uow, 4, "CUST-001").external_ref = "A-1"
        with pytest.raises(ConcurrentUpdate):
            uow.commit()
    with store(readonly=True) as uow:
        assert uow.orders.get(n(4)) is None


def test_orders_at_risk_are_listed_and_watched_while_owed(store: Store) -> None:
    seed_parties(store)
    with store() as uow:
        for seq, status in enumerate((S.confirmed, S.on_hold, S.ready, S.shipped, S.confirmed), start=1):
            order = build_order(uow, seq, lines=[Line("NUT-M8", "5")], status=status, due=TODAY + timedelta(days=seq))
            order.at_risk = seq != 5  # 5: promised on time; 4: shipped, no longer owed
        uow.commit()
    with store(readonly=True) as uow:
        flt = OrderFilter(at_risk=True)
        assert [o.number for o in uow.orders.search(flt)] == [n(3), n(2), n(1)]  # newest first, as every list
        assert uow.orders.count(flt) == 3
        assert [b.number for b in uow.watch.at_risk()] == [n(1), n(2), n(3)]  # earliest due first
