"""Order queries through the one door (MessageBus) on the in-memory unit of work: list with its filters and
pages, find, an order's history (versions and refusals) and the diff between versions."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain import commands as c
from domain.bus import MessageBus
from domain.commands import LineInput
from domain.errors import InvalidInput, NotFound, PermissionDenied
from domain.history import Change
from tests.fakes import FakeUnitOfWork, ctx
from tests.unit.order_support import ANN, MGR, PETE, create, seeded_uow


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return seeded_uow()


@pytest.fixture
def bus(uow: FakeUnitOfWork) -> MessageBus:
    return MessageBus(lambda readonly=False: uow)


# ---------------------------------------------------------------- queries


@pytest.fixture
def three(bus: MessageBus) -> list[str]:
    a = create(bus, po_ref="PO-77")
    b = create(bus, cust="GLOBEX", due_date=date(2026, 11, 25))
    bus.handle(c.SubmitOrder(b), ctx(ANN))
    cmd = c.CreateOrder("GLOBEX", (LineInput("NUT-M8", Decimal("5")),), notes="rush job")
    d = str(bus.handle(cmd, ctx(MGR)).params["number"])
    return [a, b, d]


def test_list_filters(bus: MessageBus, uow: FakeUnitOfWork, three: list[str]) -> None:
    a, b, d = three
    commits = uow.commits

    def numbers(q: c.ListOrders, today: date = date(2026, 11, 22)) -> list[str]:
        return [o.number for o in bus.handle(q, ctx(ANN, today=today)).orders]

    assert numbers(c.ListOrders()) == [d, b, a]
    assert numbers(c.ListOrders(customer="globex")) == [d, b]
    assert numbers(c.ListOrders(status="pending_confirmation")) == [b]
    assert numbers(c.ListOrders(owner="mia")) == [d]
    assert numbers(c.ListOrders(overdue=True), today=date(2026, 11, 30)) == [b]
    page = bus.handle(c.ListOrders(limit=2, offset=2), ctx(ANN))
    assert ([o.number for o in page.orders], page.total) == ([a], 3)
    assert uow.commits == commits  # queries never commit
    for q, err in [
        (c.ListOrders(status="lost"), InvalidInput),
        (c.ListOrders(customer="nobody"), NotFound),
        (c.ListOrders(owner="ghost"), NotFound),
    ]:
        with pytest.raises(err):
            bus.handle(q, ctx(ANN))


def test_find(bus: MessageBus, three: list[str]) -> None:
    a, b, d = three
    assert [o.number for o in bus.handle(c.FindOrders("po-77"), ctx(ANN)).orders] == [a]
    assert [o.number for o in bus.handle(c.FindOrders("Globex"), ctx(ANN)).orders] == [d, b]
    assert [o.number for o in bus.handle(c.FindOrders("RUSH"), ctx(ANN)).orders] == [d]
    with pytest.raises(InvalidInput) as err:
        bus.handle(c.FindOrders(" x "), ctx(ANN))
    assert err.value.code == "search_too_short"


def test_history_shows_versions_and_refusals(bus: MessageBus, three: list[str]) -> None:
    b = three[1]
    with pytest.raises(PermissionDenied):
        bus.handle(c.CancelOrder(b, "no"), ctx(PETE))
    view = bus.handle(c.OrderHistory(b.lower()), ctx(ANN))
    assert [(e.version, e.action) for e in view.entries] == [(1, "create"), (1, "submit")]
    assert [(v.version, v.action) for v in view.versions] == [(1, "create")]
    assert [(e.actor, e.action, e.outcome) for e in view.refused] == [("pete", "cancel", "denied")]
    with pytest.raises(NotFound):
        bus.handle(c.OrderHistory("SO-2026-000099"), ctx(ANN))


def test_diff(bus: MessageBus, three: list[str]) -> None:
    a = three[0]
    bus.handle(c.SetLine(a, 1, Decimal("800")), ctx(ANN))
    diff = bus.handle(c.DiffOrder(a), ctx(ANN)).diff
    assert (diff.old_version, diff.new_version) == (1, 2)
    assert diff.changes == [Change("amount", "500", "400"), Change("quantity", "1000", "800", 1, "BOLT-M8")]
    with pytest.raises(InvalidInput) as same:
        bus.handle(c.DiffOrder(a, 2, 2), ctx(ANN))
    assert same.value.code == "diff_same_version"
    with pytest.raises(NotFound) as missing:
        bus.handle(c.DiffOrder(a, 1, 9), ctx(ANN))
    assert missing.value.params == {"kind": "version", "key": f"{a} v9 (1..2)"}
