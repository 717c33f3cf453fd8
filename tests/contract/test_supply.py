"""``uow.supply``: purchase and work orders read back, listed (open ones, newest first, a limit), and the supply on
its way to a product: what is still to arrive, summed per date."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from domain.ports import UnitOfWork
from domain.supply import POStatus, PurchaseOrder, WorkOrder, WOStatus
from tests.contract.world import TODAY, Store, at, pid, seed_parties

BOLT, NUT, WASHER = "BOLT-M8X30", "NUT-M8", "WASHER-M8"


def po(uow: UnitOfWork, number: str, status: POStatus, eta: date | None, *lines: tuple[str, str, str]) -> None:
    """A purchase order with (sku, quantity, received) lines, in ``status``."""
    order = PurchaseOrder(number, "宁波紧固件厂", at(0), "liu", eta)
    for sku, qty, received in lines:
        product = uow.products.get(sku)
        assert product is not None
        order.add_line(product, Decimal(qty)).received = Decimal(received)
    order.status = status
    uow.supply.add_po(order)


def wo(uow: UnitOfWork, number: str, status: WOStatus, due: date | None, qty: str, done: str = "0",
       scrap: str = "0", order: str = "", sku: str = BOLT) -> None:  # fmt: skip
    product = uow.products.get(sku)
    assert product is not None
    line = 1 if order else None
    work = WorkOrder(number, product, Decimal(qty), at(0), order, line, due, status, Decimal(done), Decimal(scrap))
    uow.supply.add_wo(work)


def test_a_purchase_order_reads_back_with_its_lines(store: Store) -> None:
    seed_parties(store)
    with store() as uow:
        po(uow, "PO-2026-0001", POStatus.partially_received, TODAY, (NUT, "5000", "1200"), (WASHER, "12.5", "0"))
        uow.commit()
    for lock in (False, True):
        with store() as uow:
            found = uow.supply.po("PO-2026-0001", lock=lock)
            assert found is not None and found.id is not None
            assert (found.supplier, found.created_at, found.created_by, found.eta, found.status) == (
                "宁波紧固件厂", at(0), "liu", TODAY, POStatus.partially_received,
            )  # fmt: skip
            assert [(ln.line_no, ln.product.sku, ln.quantity, ln.received) for ln in found.lines] == [
                (1, NUT, 5000, 1200), (2, WASHER, Decimal("12.5"), 0),
            ]  # fmt: skip
            assert uow.supply.po("PO-2026-0009", lock=lock) is None


def test_a_received_line_is_kept_on_commit(store: Store) -> None:
    seed_parties(store)
    with store() as uow:
        po(uow, "PO-2026-0001", POStatus.approved, None, (NUT, "100", "0"), (BOLT, "50", "0"))
        uow.commit()
    with store() as uow:
        found = uow.supply.po("PO-2026-0001", lock=True)
        assert found is not None
        found.receive(found.line_for(NUT), Decimal(100))
        uow.commit()
    with store(readonly=True) as uow:
        again = uow.supply.po("PO-2026-0001")
        assert again is not None and again.status is POStatus.partially_received
        assert [ln.received for ln in again.lines] == [100, 0]


def test_purchase_orders_are_listed_newest_first_open_ones_by_default(store: Store) -> None:
    seed_parties(store)
    statuses = [POStatus.draft, POStatus.received, POStatus.approved, POStatus.cancelled, POStatus.partially_received]
    with store() as uow:
        for i, status in enumerate(statuses, start=1):
            po(uow, f"PO-2026-000{i}", status, None, (NUT, "10", "0"))
        uow.commit()
    with store(readonly=True) as uow:
        assert [p.number for p in uow.supply.pos()] == ["PO-2026-0005", "PO-2026-0003", "PO-2026-0001"]
        assert [p.number for p in uow.supply.pos(limit=2)] == ["PO-2026-0005", "PO-2026-0003"]
        assert [p.number for p in uow.supply.pos(open_only=False)] == [f"PO-2026-000{i}" for i in range(5, 0, -1)]
        assert [p.number for p in uow.supply.pos(open_only=False, limit=1)] == ["PO-2026-0005"]


def test_work_orders_read_back_and_are_listed_per_order(store: Store) -> None:
    seed_parties(store)
    so1, so2 = "SO-2026-000001", "SO-2026-000002"
    with store() as uow:
        wo(uow, "WO-2026-0001", WOStatus.planned, TODAY, "1000", order=so1)
        wo(uow, "WO-2026-0002", WOStatus.done, TODAY, "500", "480", "20", order=so1)
        wo(uow, "WO-2026-0003", WOStatus.in_progress, None, "300", "100", order=so2)
        wo(uow, "WO-2026-0004", WOStatus.released, TODAY, "200", order=so1)
        wo(uow, "WO-2026-0005", WOStatus.cancelled, TODAY, "50")
        wo(uow, "WO-2026-0006", WOStatus.planned, None, "70")
        uow.commit()
    with store() as uow:
        for lock in (False, True):
            found = uow.supply.wo("WO-2026-0002", lock=lock)
            assert found is not None and found.id is not None
            assert (found.product.sku, found.quantity, found.done, found.scrap, found.status) == (
                BOLT, 500, 480, 20, WOStatus.done,
            )  # fmt: skip
            assert (found.order_number, found.line_no, found.due_date, found.created_at) == (so1, 1, TODAY, at(0))
        lone = uow.supply.wo("WO-2026-0006")
        assert lone is not None and (lone.order_number, lone.line_no, lone.due_date) == ("", None, None)
        assert uow.supply.wo("WO-2026-0009") is None

        def listed(**kw: object) -> list[str]:
            return [w.number[-1] for w in uow.supply.wos(**kw)]  # type: ignore[arg-type]

        assert listed() == ["6", "4", "3", "1"]
        assert listed(open_only=False) == ["6", "5", "4", "3", "2", "1"]
        assert listed(limit=2) == ["6", "4"]
        assert listed(order_number=so1) == ["4", "1"]
        assert listed(order_number=so1, open_only=False) == ["4", "2", "1"]
        assert listed(order_number=so1, open_only=False, limit=2) == ["4", "2"]
        assert listed(order_number="SO-2026-000009") == []


def arrivals(found: list[tuple[date | None, Decimal]]) -> list[tuple[date | None, Decimal]]:
    """In date order (no date last): the store's own order is not part of the contract."""
    return sorted(found, key=lambda x: (x[0] is None, x[0] or date.min, x[1]))


@pytest.fixture
def on_the_way(store: Store) -> dict[str, int]:
    seed_parties(store)
    soon, later = TODAY + timedelta(5), TODAY + timedelta(20)
    with store() as uow:
        po(uow, "PO-2026-0001", POStatus.approved, soon, (NUT, "1000", "0"), (WASHER, "10", "0"))
        po(uow, "PO-2026-0002", POStatus.partially_received, soon, (NUT, "500", "200"))  # the same day: summed
        po(uow, "PO-2026-0003", POStatus.approved, later, (NUT, "800", "0"), (NUT, "100", "100"))
        po(uow, "PO-2026-0004", POStatus.draft, soon, (NUT, "9999", "0"))  # not ordered yet
        po(uow, "PO-2026-0005", POStatus.received, soon, (NUT, "70", "70"))
        po(uow, "PO-2026-0006", POStatus.cancelled, soon, (NUT, "60", "0"))
        po(uow, "PO-2026-0007", POStatus.approved, None, (NUT, "40", "0"))  # no ETA given
        wo(uow, "WO-2026-0001", WOStatus.planned, soon, "300", sku=NUT)  # made, on the same day as bought: apart
        wo(uow, "WO-2026-0002", WOStatus.in_progress, later, "1000", "600", "50")
        wo(uow, "WO-2026-0003", WOStatus.released, later, "200")  # the same day: summed
        wo(uow, "WO-2026-0004", WOStatus.done, soon, "100", "100")
        wo(uow, "WO-2026-0005", WOStatus.cancelled, soon, "100")
        wo(uow, "WO-2026-0006", WOStatus.in_progress, soon, "100", "90", "10")  # nothing left to come
        uow.commit()
    return {sku: pid(store, sku) for sku in (BOLT, NUT, WASHER)}


def test_incoming_is_what_open_documents_still_bring_summed_per_date(store: Store, on_the_way: dict[str, int]) -> None:
    soon, later = TODAY + timedelta(5), TODAY + timedelta(20)
    bolt, nut, washer = on_the_way[BOLT], on_the_way[NUT], on_the_way[WASHER]
    with store(readonly=True) as uow:
        assert arrivals(uow.supply.incoming(nut)) == [
            (soon, Decimal(300)),  # the work order
            (soon, Decimal(1300)),  # two purchase orders due the same day: 1000 + (500 - 200)
            (later, Decimal(800)),  # the received line adds nothing
            (None, Decimal(40)),
        ]
        assert arrivals(uow.supply.incoming(bolt)) == [(later, Decimal(350 + 200))]
        assert uow.supply.incoming(washer) == [(soon, Decimal(10))]
        many = uow.supply.incoming_many([nut, bolt, washer, 10**6])
        assert set(many) == {nut, bolt, washer, 10**6}
        assert arrivals(many[nut]) == arrivals(uow.supply.incoming(nut)) and many[10**6] == []
        assert arrivals(many[bolt]) == [(later, Decimal(550))]
        assert uow.supply.incoming_many([]) == {}
