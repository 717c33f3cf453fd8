"""Order use cases through the one door (MessageBus) on the in-memory unit of work: walking the main line to
shipped, delivered and closed, each stage by its owner, refusals audited in their own transaction and
keeping none of their changes, and the admin granting and revoking roles."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from domain import commands as c
from domain.bus import MessageBus
from domain.errors import Conflict, IllegalTransition, InvalidInput, NotFound, PermissionDenied
from domain.events import OrderConfirmed, OrderCreated, OrderShipped, OrderStatusChanged, OrderUpdated, RoleChanged
from domain.handlers import HANDLERS
from domain.lifecycle import MAIN_LINE as MAIN
from domain.lifecycle import Status
from domain.users import Role, User
from tests.fakes import FakeUnitOfWork, ctx, events_of
from tests.unit.order_support import ANN, FIN, MGR, PETE, ROOT, WANG, create, seeded_uow


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return seeded_uow()


@pytest.fixture
def bus(uow: FakeUnitOfWork) -> MessageBus:
    return MessageBus(lambda readonly=False: uow)


# ---------------------------------------------------------------- advance and ship

MAIN_LINE = [
    (ANN, Status.pending_confirmation),
    (ANN, Status.confirmed),
    (PETE, Status.in_production),
    (PETE, Status.ready),
]


def test_advance_walks_the_main_line_with_the_right_roles(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    number = create(bus)
    for who, expected in MAIN_LINE:
        assert bus.handle(c.AdvanceOrder(number), ctx(who)).order.status is expected
        assert uow.order(number).status is expected
    with pytest.raises(InvalidInput) as err:
        bus.handle(c.AdvanceOrder(number), ctx(WANG))
    assert err.value.code == "ship_needs_tracking"
    assert uow.order(number).status is Status.ready
    done = bus.handle(c.ShipOrder(number, "SF Express", "SF100"), ctx(WANG))
    assert done.params == {"number": number, "carrier": "SF Express", "tracking": "SF100"}
    assert bus.handle(c.AdvanceOrder(number), ctx(WANG)).order.status is Status.delivered
    assert bus.handle(c.AdvanceOrder(number), ctx(FIN)).order.status is Status.closed
    with pytest.raises(IllegalTransition):
        bus.handle(c.AdvanceOrder(number), ctx(ROOT))
    order = uow.order(number)
    assert order.version == 1  # the terms never changed: one version, eight entries in the audit trail
    assert [v.action for v in uow.versions_of(number)] == ["create"]
    assert [e.action for e in uow.audit_entries(number)] == [
        "create", "submit", "confirm", "in_production", "ready", "ship", "delivered", "closed",
    ]  # fmt: skip
    assert [type(e) for e in uow.outbox] == [
        OrderCreated, OrderStatusChanged, OrderConfirmed, OrderStatusChanged,
        OrderStatusChanged, OrderShipped, OrderStatusChanged, OrderStatusChanged,
    ]  # fmt: skip
    bolts = uow.item("BOLT-M8")
    assert (bolts.on_hand, bolts.reserved) == (Decimal(9000), 0)  # reserved on confirm, consumed on ship
    assert [(m.kind.value, m.on_hand_delta, m.reserved_delta) for m in uow.moves_of("BOLT-M8")][1:] == [
        ("reservation", 0, 1000), ("shipment", -1000, -1000),
    ]  # fmt: skip


# The main line, each step by someone allowed to take it.
STEPS = [
    (c.SubmitOrder, ANN),
    (c.ConfirmOrder, ANN),
    (c.AdvanceOrder, PETE),
    (c.AdvanceOrder, PETE),
    (lambda n: c.ShipOrder(n, "SF", "SF1"), WANG),
    (c.DeliverOrder, WANG),
    (c.CloseOrder, FIN),
]
ROLE_CASES = [  # (steps taken, command tried, a user refused, a user allowed)
    (0, c.AdvanceOrder, PETE, ANN),
    (1, c.AdvanceOrder, WANG, MGR),
    (2, c.AdvanceOrder, ANN, PETE),
    (3, c.AdvanceOrder, FIN, WANG),
    (4, lambda n: c.ShipOrder(n, "SF", "SF1"), ANN, WANG),
    (5, c.AdvanceOrder, PETE, ANN),
    (6, c.AdvanceOrder, ANN, FIN),
]


@pytest.mark.parametrize(("taken", "make", "denied", "allowed"), ROLE_CASES)
def test_each_stage_needs_its_owner(
    bus: MessageBus, uow: FakeUnitOfWork, taken: int, make: Any, denied: User, allowed: User
) -> None:
    number = create(bus)
    for step, who in STEPS[:taken]:
        bus.handle(step(number), ctx(who))
    status = uow.order(number).status
    with pytest.raises(PermissionDenied):
        bus.handle(make(number), ctx(denied))
    assert uow.order(number).status is status
    bus.handle(make(number), ctx(allowed))
    assert uow.order(number).status is MAIN[taken + 1]


def test_refusal_is_audited_in_its_own_transaction(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    number = create(bus)
    bus.handle(c.ConfirmOrder(number), ctx(ANN))
    commits, outbox = uow.commits, list(uow.outbox)
    with pytest.raises(PermissionDenied) as err:
        bus.handle(c.AdvanceOrder(number.lower()), ctx(ANN))
    assert (err.value.action, err.value.roles) == ("in_production", ("production", "sales_manager"))
    denied = [e for e in uow.audit_entries(number) if e.outcome == "denied"]
    assert [(e.actor, e.action, e.subject, e.detail) for e in denied] == [
        ("ann", "in_production", number, "needs production, sales_manager")
    ]
    assert uow.commits == commits + 1 and uow.outbox == outbox
    assert uow.order(number).status is Status.confirmed and len(uow.audit_entries(number)) == 3


@dataclass(frozen=True)
class Sneaky(c.Command):
    number: str


def test_a_refused_command_keeps_none_of_its_own_changes(
    bus: MessageBus, uow: FakeUnitOfWork, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = create(bus)

    def sneaky(cmd: Sneaky, u: FakeUnitOfWork, cx: object) -> None:
        order = u.orders.get(cmd.number)
        assert order is not None
        order.notes = "changed before the check"
        order.events.append(OrderUpdated(order.number, "ACME", 9, "notes", "ann"))
        raise PermissionDenied("sneak", ("admin",))

    monkeypatch.setitem(HANDLERS, Sneaky, sneaky)
    with pytest.raises(PermissionDenied):
        bus.handle(Sneaky(number), ctx(ANN))
    assert uow.order(number).notes == ""
    assert events_of(uow.outbox, OrderUpdated) == []
    assert [e.outcome for e in uow.audit_entries(number)] == ["ok", "denied"]


# ---------------------------------------------------------------- roles


def test_admin_grants_and_revokes_roles(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    done = bus.handle(c.GrantRole("bob", "Sales"), ctx(ROOT))
    assert (done.code, done.params) == ("role_granted", {"user": "bob", "role": "sales", "new": True})
    assert uow.saved.users["bob"].roles == {Role.sales}
    assert bus.handle(c.GrantRole("bob", "sales"), ctx(ROOT)).code == "role_already"
    assert bus.handle(c.RevokeRole("bob", "sales"), ctx(ROOT)).code == "role_revoked"
    assert uow.saved.users["bob"].roles == set()
    assert uow.outbox == [RoleChanged("bob", "sales", True, "root"), RoleChanged("bob", "sales", False, "root")]
    assert [(e.action, e.detail) for e in uow.audit_entries("bob")] == [("grant", "sales"), ("revoke", "sales")]


def test_only_admin_manages_roles(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    with pytest.raises(PermissionDenied):
        bus.handle(c.GrantRole("ann", "admin"), ctx(ANN))
    assert uow.saved.users["ann"].roles == {Role.sales}
    assert [(e.outcome, e.action) for e in uow.audit_entries("ann")] == [("denied", "manage_users")]


def test_roles_cannot_be_misused(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    with pytest.raises(Conflict) as err:
        bus.handle(c.RevokeRole("root", "admin"), ctx(ROOT))
    assert err.value.code == "cannot_revoke_own_admin"
    assert uow.saved.users["root"].roles == {Role.admin}
    with pytest.raises(InvalidInput) as bad:
        bus.handle(c.GrantRole("ann", "boss"), ctx(ROOT))
    assert bad.value.code == "unknown_role" and "sales_manager" in bad.value.params["allowed"]
    with pytest.raises(NotFound):
        bus.handle(c.RevokeRole("ghost", "sales"), ctx(ROOT))
    assert uow.outbox == []
