"""Order use cases through the one door (MessageBus) on the in-memory unit of work: creating an order (and
what it refuses), confirming it (every problem at once, the promised dates), and shifting its due date.
The stages after confirmation and the roles are in test_order_stages.py, the queries in
test_order_queries.py."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from domain import commands as c
from domain.bus import MessageBus
from domain.commands import DueShift, LineInput
from domain.errors import ConfirmationFailed, IllegalTransition, InvalidInput, NotFound
from domain.events import OrderConfirmed, OrderCreated, OrderUpdated
from domain.lifecycle import Status
from tests.fakes import FakeUnitOfWork, ctx, events_of
from tests.unit.order_support import ANN, DUE, N1, N2, create, seeded_uow


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return seeded_uow()


@pytest.fixture
def bus(uow: FakeUnitOfWork) -> MessageBus:
    return MessageBus(lambda readonly=False: uow)


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
