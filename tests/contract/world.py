"""A small known world for the repository contract, written through the repositories of whichever store a test
runs on: three customers, three products, and orders walked through the lifecycle to the status asked for."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import pytest

from domain.lifecycle import Status
from domain.orders import Order, number_for
from domain.parties import Customer, MakeOrBuy, Product, Tier
from domain.ports import UnitOfWork
from tests.conftest import T0

TODAY = date(2026, 11, 22)  # T0's business day
S = Status


@dataclass
class Store:
    """One backend: ``store()`` opens a unit of work on it, as the bus's factory does."""

    kind: str
    factory: Callable[..., UnitOfWork]

    def __call__(self, readonly: bool = False) -> Any:
        return self.factory(readonly=readonly)


def known_gap(request: pytest.FixtureRequest, store: Store, kinds: tuple[str, ...], reason: str) -> None:
    """On the stores ``kinds``, the test is expected to fail: a disagreement found by this contract where the SQL
    adapter (the truth otherwise) looks wrong, reported rather than changed. Strict: once mended, the test passes
    there and the marker must go."""
    if store.kind in kinds:
        request.applymarker(pytest.mark.xfail(strict=True, reason=reason))


def at(minutes: int = 0) -> datetime:
    return T0 + timedelta(minutes=minutes)


def customers() -> list[Customer]:
    return [
        Customer("CUST-001", "华东机械有限公司", Tier.key, Decimal("100000"), "NET30", "zh", "王经理 13800000000"),
        Customer("CUST-002", "Acme Tools Ltd", Tier.normal, Decimal("500"), "NET60", "en"),
        Customer("CUST-003", "Zenith Bolts", Tier.strategic, None),
    ]


def products() -> list[Product]:
    return [
        Product(
            "BOLT-M8X30", "六角螺栓 M8x30", "pcs", Decimal("0.12"), Decimal("0.07"), Decimal(500), 10, MakeOrBuy.make
        ),
        Product("NUT-M8", "六角螺母 M8", "pcs", Decimal("0.05"), Decimal("0.03")),
        Product("WASHER-M8", "Flat washer M8", "kg", Decimal("13.5"), Decimal("9.25"), Decimal(20)),
    ]


def seed_parties(store: Store) -> None:
    with store() as uow:
        for c in customers():
            uow.customers.add(c)
        for p in products():
            uow.products.add(p)
        uow.commit()


def pid(store: Store, sku: str) -> int:
    with store(readonly=True) as uow:
        found = uow.products.get(sku)
        assert found is not None and found.id is not None
        return int(found.id)


def cid(store: Store, code: str) -> int:
    with store(readonly=True) as uow:
        found = uow.customers.get(code)
        assert found is not None and found.id is not None
        return int(found.id)


# The legal walk from draft to each status (the lifecycle refuses any other).
WALK: dict[Status, tuple[Status, ...]] = {
    S.draft: (),
    S.pending_confirmation: (S.pending_confirmation,),
    S.confirmed: (S.confirmed,),
    S.in_production: (S.confirmed, S.in_production),
    S.ready: (S.confirmed, S.ready),
    S.shipped: (S.confirmed, S.ready, S.shipped),
    S.delivered: (S.confirmed, S.ready, S.shipped, S.delivered),
    S.closed: (S.confirmed, S.ready, S.shipped, S.delivered, S.closed),
    S.on_hold: (S.confirmed, S.on_hold),
    S.cancelled: (S.cancelled,),
}


@dataclass(frozen=True)
class Line:
    sku: str
    quantity: str = "100"
    price: str | None = None
    reserved: str = "0"
    backorder: str = "0"


def build_order(
    uow: UnitOfWork,
    seq: int,
    customer: str = "CUST-001",
    lines: Sequence[Line] = (Line("BOLT-M8X30"),),
    status: Status = S.draft,
    due: date | None = TODAY + timedelta(days=14),
    owner: str = "lily",
    po_ref: str = "",
    notes: str = "",
    tracking: str = "SF0000000000",
    minutes: int = 0,
) -> Order:
    """An order added in ``uow`` (not committed), walked through the lifecycle to ``status``; lines hold the
    given reservations and backorders (set after the walk: a ready order waiting for stock is a state a change
    or a count can leave it in, though `advance` never moves it there)."""
    found = uow.customers.get(customer)
    assert found is not None
    when = at(minutes)
    order = Order(number_for(2026, seq), found, owner, when, due_date=due, po_ref=po_ref, notes=notes)
    for ln in lines:
        product = uow.products.get(ln.sku)
        assert product is not None
        order.add_line(product, Decimal(ln.quantity), None if ln.price is None else Decimal(ln.price))
    for step in WALK[status]:
        if step is S.confirmed:
            order.confirm(owner, when, {ln.line_no: due or TODAY for ln in order.lines})
        elif step is S.shipped:
            order.ship(owner, when, "顺丰", tracking)
        elif step is S.on_hold:
            order.hold(owner, when, "waiting for drawing")
        elif step is S.cancelled:
            order.cancel(owner, when, "customer withdrew")
        elif step is S.pending_confirmation:
            order.submit(owner, when)
        else:
            order.advance_to(step, owner, when)
    for added, ln in zip(order.lines, lines, strict=True):
        added.reserved_qty, added.backorder_qty = Decimal(ln.reserved), Decimal(ln.backorder)
    order.version = 1
    order.events.clear()
    uow.orders.add(order)
    return order
