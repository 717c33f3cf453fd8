"""Use cases through the one door (MessageBus) on the in-memory unit of work."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from domain import commands as c
from domain.bus import MessageBus
from domain.commands import DueShift, LineInput
from domain.errors import ConfirmationFailed, Conflict, IllegalTransition, InvalidInput, NotFound, PermissionDenied
from domain.events import OrderConfirmed, OrderCreated, OrderShipped, OrderStatusChanged, OrderUpdated, RoleChanged
from domain.handlers import HANDLERS
from domain.history import Change
from domain.lifecycle import MAIN_LINE as MAIN
from domain.lifecycle import Status
from domain.users import Role, User
from tests.fakes import FakeUnitOfWork, ctx, customer, events_of, product, user

N1, N2 = "SO-2026-000001", "SO-2026-000002"
DUE = date(2026, 12, 20)
ANN, MGR, PETE = user("ann", "sales"), user("mia", "sales_manager"), user("pete", "production")
WANG, FIN, ROOT = user("wang", "warehouse"), user("fay", "finance"), user("root", "admin")


@pytest.fixture
def uow() -> FakeUnitOfWork:
    fake = FakeUnitOfWork().seed(
        customer("ACME", "Acme Machining", credit_limit="800"),
        customer("GLOBEX", "Globex Trading"),
        product("BOLT-M8", "0.50"),
        product("NUT-M8", "0.10"),
        *(user(u.name, *u.roles) for u in (ANN, MGR, PETE, WANG, FIN, ROOT)),
    )
    # Enough on the shelf that confirming reserves everything and shipping is never short:
    # these tests are about orders; shortages are tested in test_supply_handlers.py.
    fake.opening("BOLT-M8", 10_000)
    fake.opening("NUT-M8", 10_000)
    return fake


@pytest.fixture
def bus(uow: FakeUnitOfWork) -> MessageBus:
    return MessageBus(lambda readonly=False: uow)


def create(bus: MessageBus, *lines: LineInput, cust: str = "ACME", **kw: Any) -> str:
    cmd = c.CreateOrder(cust, lines or (LineInput("BOLT-M8", Decimal("1000")),), **{"due_date": DUE, **kw})
    return str(bus.handle(cmd, ctx(ANN)).params["number"])


# ---------------------------------------------------------------- create


def test_create_numbers_records_and_announces(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    done = bus.handle(c.CreateOrder("acme", (LineInput("BOLT-M8", Decimal("1000")),), DUE, po_ref="PO-77"), ctx(ANN))
    assert (done.code, done.params) == ("order_created", {"number": N1})
    order = uow.order(N1)
    assert (order.owner, order.version, order.status, order.customer.code) == ("ann", 1, Status.draft, "ACME")
    assert order.amount == Decimal("500")
    [v1] = uow.versions_of(N1)
    assert (v1.version, v1.actor, v1.front, v1.action, v1.snapshot) == (1, "ann", "shell", "create", order.snapshot())
    [entry] = uow.audit_entries(N1)
    assert (entry.action, entry.actor, entry.outcome, entry.version) == ("create", "ann", "ok", 1)
    assert uow.outbox == [OrderCreated(N1, "ACME", Decimal("500"), "ann")]
    assert uow.committed and uow.commits == 1
    assert create(bus) == N2


@pytest.mark.parametrize(
    ("cmd", "kind"),
    [
        (c.CreateOrder("NOBODY", (LineInput("BOLT-M8", Decimal("1")),)), "customer"),
        (c.CreateOrder("ACME", (LineInput("BOLT-M8", Decimal("1")), LineInput("GHOST-1", Decimal("1")))), "product"),
    ],
)
def test_create_with_unknown_master_data_commits_nothing(
    bus: MessageBus, uow: FakeUnitOfWork, cmd: c.CreateOrder, kind: str
) -> None:
    with pytest.raises(NotFound) as err:
        bus.handle(cmd, ctx(ANN))
    assert err.value.params["kind"] == kind
    assert (uow.saved.orders, uow.saved.versions, uow.saved.audit, uow.outbox) == ({}, [], [], [])
    assert not uow.committed and uow.commits == 0
    assert create(bus) == N1  # the failed attempt used no number


YESTERDAY = date(2026, 11, 21)


@pytest.mark.parametrize(
    "cmd",
    [
        c.CreateOrder("ACME", due_date=YESTERDAY),
        c.CreateOrder("ACME", (LineInput("BOLT-M8", Decimal("1"), None, YESTERDAY),)),
    ],
)
def test_create_refuses_past_dates(bus: MessageBus, uow: FakeUnitOfWork, cmd: c.CreateOrder) -> None:
    with pytest.raises(InvalidInput) as err:
        bus.handle(cmd, ctx(ANN))
    assert (err.value.code, err.value.params) == ("date_in_past", {"date": "2026-11-21"})
    assert uow.saved.orders == {}


def test_add_lines_refuses_a_past_line_date_and_keeps_nothing(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    number = create(bus)
    lines = (LineInput("NUT-M8", Decimal("5")), LineInput("BOLT-M8", Decimal("1"), None, YESTERDAY))
    with pytest.raises(InvalidInput):
        bus.handle(c.AddLines(number, lines), ctx(ANN))
    assert [ln.product.sku for ln in uow.order(number).lines] == ["BOLT-M8"]
    assert uow.order(number).version == 1


# ---------------------------------------------------------------- confirm


def test_confirm_reports_every_problem_at_once(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    other = create(bus)  # 500 open once submitted
    bus.handle(c.SubmitOrder(other), ctx(ANN))
    line = LineInput("BOLT-M8", Decimal("1000"), Decimal("0.40"), date(2026, 11, 25))
    number = create(bus, line, due_date=None)
    before = (uow.commits, len(uow.outbox), uow.order(number).version)
    with pytest.raises(ConfirmationFailed) as err:
        bus.handle(c.ConfirmOrder(number), ctx(ANN, today=date(2026, 11, 30)))
    assert err.value.problems == [
        ("check_no_due_date", {}),
        ("check_line_date_in_past", {"line": 1, "sku": "BOLT-M8", "date": "2026-11-25"}),
        (
            "check_discount",
            {"line": 1, "sku": "BOLT-M8", "price": "0.40", "list": "0.50", "discount": "20.0", "max": "15"},
        ),
        ("check_credit", {"customer": "ACME", "open": "500", "amount": "400", "limit": "800"}),
    ]
    assert err.value.params["count"] == 4
    assert uow.order(number).status is Status.draft
    assert (uow.commits, len(uow.outbox), uow.order(number).version) == before


def test_confirm_sets_the_promised_dates(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    dated = LineInput("BOLT-M8", Decimal("100"), None, date(2026, 12, 5))
    number = create(bus, dated, LineInput("NUT-M8", Decimal("5")))
    done = bus.handle(c.ConfirmOrder(number), ctx(ANN))
    assert done.code == "order_confirmed"
    order = uow.order(number)
    assert order.status is Status.confirmed and order.version == 1  # a stage move is not a new version
    assert [(e.action, e.version) for e in uow.audit_entries(number)] == [("create", 1), ("confirm", 1)]
    assert [ln.confirmed_date for ln in order.lines] == [date(2026, 12, 5), DUE]
    [event] = events_of(uow.outbox, OrderConfirmed)
    assert event.confirmed_dates == ((1, "BOLT-M8", "2026-12-05"), (2, "NUT-M8", "2026-12-20"))
    with pytest.raises(IllegalTransition):
        bus.handle(c.ConfirmOrder(number), ctx(ANN))


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


# ---------------------------------------------------------------- due date shifts


def test_set_due_with_a_shift_resolves_against_the_current_due_date(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    number = create(bus)
    done = bus.handle(c.SetTerms(number, due_date=DueShift(-14, "提前两周")), ctx(ANN))
    assert (done.code, done.params) == ("order_updated", {"number": number, "version": 2})
    assert uow.order(number).due_date == date(2026, 12, 6)
    assert events_of(uow.outbox, OrderUpdated) == [OrderUpdated(number, "ACME", 2, "due_date", "ann")]


@pytest.mark.parametrize(
    ("due", "shift", "code"),
    [(date(2026, 11, 30), -14, "date_in_past"), (None, 7, "date_needs_due")],
)
def test_set_due_refuses_what_cannot_be(
    bus: MessageBus, uow: FakeUnitOfWork, due: date | None, shift: int, code: str
) -> None:
    number = create(bus, due_date=due)
    with pytest.raises(InvalidInput) as err:
        bus.handle(c.SetTerms(number, due_date=DueShift(shift, "x")), ctx(ANN))
    assert err.value.code == code
    assert uow.order(number).due_date == due and uow.order(number).version == 1


def test_set_due_shift_beyond_the_calendar_is_invalid_input(bus: MessageBus) -> None:
    number = create(bus, due_date=date(9999, 12, 25))
    with pytest.raises(InvalidInput):
        bus.handle(c.SetTerms(number, due_date=DueShift(14, "推迟两周")), ctx(ANN))


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
