"""Change requests through the one door (MessageBus) on the in-memory unit of work, the rules around them:
bad input refused with a reason and nothing changed, the views over requests (my pending approvals, the
monthly report), and the facts of impact and policy (a product new to the customer, who may withdraw,
approving as a named role)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain import commands as c
from domain.bus import MessageBus
from domain.changes import CRStatus
from domain.commands import ChangeInput, LineInput
from domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from domain.impact import Impact
from domain.users import Role
from tests.fakes import TODAY, FakeUnitOfWork, ctx, user
from tests.unit.change_support import (
    CHEN,
    DUE,
    LILY,
    LIU,
    WANG,
    D,
    cut_and_pull_in,
    order_of,
    seeded_uow,
    snapshot,
    the_story,
)


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return seeded_uow()


@pytest.fixture
def bus(uow: FakeUnitOfWork) -> MessageBus:
    return MessageBus(uow.factory)


# ---------------------------------------------------------------- bad input changes nothing


@pytest.mark.parametrize(
    ("change", "error", "code"),
    [
        (ChangeInput("quantity", "NOPE-1", quantity=D(5)), NotFound, "not_found"),
        (ChangeInput("add_line", "NOPE-1", quantity=D(5)), NotFound, "not_found"),
        (ChangeInput("due_date", when=TODAY - timedelta(days=1)), InvalidInput, "date_in_past"),
        (ChangeInput("quantity", "NUT", quantity=D(0)), InvalidInput, "qty_use_remove"),
        (ChangeInput("quantity", "NUT", delta=D(-5000)), InvalidInput, "qty_use_remove"),
        (ChangeInput("quantity", "NUT", quantity=D(1000)), InvalidInput, "nothing_to_change"),
        (ChangeInput("resume"), Conflict, "not_on_hold"),
        (ChangeInput("remove_line", "NUT"), InvalidInput, "remove_last_line"),
        (ChangeInput("teleport"), InvalidInput, "unknown_change"),
    ],
)
def test_bad_changes_are_refused_with_a_reason_and_change_nothing(
    bus: MessageBus, uow: FakeUnitOfWork, change: ChangeInput, error: type[Exception], code: str
) -> None:
    number = order_of(bus, ("NUT-M8", 1000))
    before = snapshot(uow, number)
    with pytest.raises(error) as refused:
        bus.handle(c.RequestChange(number, (change,), "because"), ctx(LILY))
    assert getattr(refused.value, "code", None) == code
    assert snapshot(uow, number) == before and uow.saved.crs == {}


def test_a_cancelled_or_closed_order_cannot_be_changed(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    cmd = c.CreateOrder("CUST-001", (LineInput("NUT-M8", D(10)),), DUE)
    number = bus.handle(cmd, ctx(LILY)).params["number"]
    bus.handle(c.CancelOrder(number, "duplicate"), ctx(LILY))
    with pytest.raises(Conflict) as refused:
        bus.handle(c.RequestChange(number, (ChangeInput("quantity", "NUT", quantity=D(5)),), "x"), ctx(LILY))
    assert refused.value.code == "order_not_changeable"


def test_a_request_needs_a_reason_and_a_sales_role(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    number = order_of(bus, ("NUT-M8", 1000))
    change = (ChangeInput("quantity", "NUT", quantity=D(5)),)
    with pytest.raises(InvalidInput):
        bus.handle(c.RequestChange(number, change, ""), ctx(LILY))
    with pytest.raises(PermissionDenied):
        bus.handle(c.RequestChange(number, change, "x"), ctx(LIU))
    assert uow.saved.crs == {}


def test_an_ambiguous_sku_start_asks_for_the_line(bus: MessageBus) -> None:
    number = order_of(bus, ("NUT-M8", 10), ("NUT-M8", 20))
    with pytest.raises(InvalidInput) as refused:
        bus.handle(c.RequestChange(number, (ChangeInput("quantity", "NUT-M8", quantity=D(5)),), "x"), ctx(LILY))
    assert refused.value.code == "ambiguous_line"
    view = bus.handle(c.RequestChange(number, (ChangeInput("quantity", line=2, quantity=D(5)),), "x"), ctx(LILY))
    assert view.cr.requested[0].line == 2


# ---------------------------------------------------------------- views


def test_pending_lists_my_approvals_oldest_first_and_never_my_own(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    a = order_of(bus, ("NUT-M8", 1000))
    b = order_of(bus, ("NUT-M8", 1000))
    first = bus.handle(c.RequestChange(a, (ChangeInput("quantity", "NUT", quantity=D(900)),), "x"), ctx(LILY)).cr
    second = bus.handle(c.RequestChange(b, (ChangeInput("quantity", "NUT", quantity=D(900)),), "x"), ctx(WANG)).cr
    mine = bus.handle(c.PendingApprovals(), ctx(WANG)).crs
    assert [cr.number for cr in mine] == [first.number]  # wang requested the second himself
    assert bus.handle(c.PendingApprovals(), ctx(CHEN)).crs == []  # nothing needs finance
    everyone = bus.handle(c.PendingApprovals(everyone=True), ctx(CHEN)).crs
    assert [cr.number for cr in everyone] == [first.number, second.number]
    assert [cr.number for cr in bus.handle(c.OrderChanges(a), ctx(LIU)).crs] == [first.number]


def test_the_monthly_report_shows_who_changes_most(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    a = order_of(bus, ("NUT-M8", 1000))
    b = order_of(bus, ("NUT-M8", 1000), cust="CUST-002")
    for qty in (900, 800, 700):
        cr = bus.handle(c.RequestChange(a, (ChangeInput("quantity", "NUT", quantity=D(qty)),), "x"), ctx(LILY)).cr
        bus.handle(c.ApproveChange(cr.number), ctx(WANG))
    cr = bus.handle(c.RequestChange(b, (ChangeInput("due_date", when=DUE + timedelta(days=3)),), "x"), ctx(LILY)).cr
    bus.handle(c.RejectChange(cr.number, "no"), ctx(WANG))
    report = bus.handle(c.ChangeReport(f"{TODAY:%Y-%m}"), ctx(CHEN))
    assert [(r.customer, r.count, r.approved, r.rejected) for r in report.rows] == [
        ("CUST-001", 3, 3, 0),
        ("CUST-002", 1, 0, 1),
    ]
    assert report.rows[0].kinds == {"quantity": 3} and report.rows[0].amount_delta == D(-15)
    assert bus.handle(c.ChangeReport("2026-10"), ctx(CHEN)).rows == []
    with pytest.raises(InvalidInput):
        bus.handle(c.ChangeReport("2026-13"), ctx(CHEN))


# ---------------------------------------------------------------- impact and policy facts


def test_a_product_new_to_the_customer_needs_tech_and_an_increase_past_stock_is_judged_on_its_date(
    bus: MessageBus, uow: FakeUnitOfWork
) -> None:
    number = order_of(bus, ("NUT-M8", 1000), due=TODAY + timedelta(days=5))
    add = ChangeInput("add_line", "WASHER-M8", quantity=D(10))
    more = ChangeInput("quantity", "NUT", quantity=D(200000))  # 100 000 on hand: the rest is 20 days away
    cr = bus.handle(c.RequestChange(number, (add, more), "bigger project"), ctx(LILY)).cr
    impact = Impact.from_dict(cr.impact)
    assert impact.new_products == ["WASHER-M8"]
    nut = next(ln for ln in impact.lines if ln.sku == "NUT-M8")
    assert nut.extra == D(199000) and nut.earliest == TODAY + timedelta(days=20) and not nut.feasible
    assert {"new_product", "stock_short", "schedule_infeasible", "quantity_up", "inside_window"} <= set(impact.flags)
    assert impact.risk == "high" and impact.penalty_pct == D(10)  # 5 days' notice: the 7-day tier
    assert impact.penalty == (impact.affected_value * D("0.10")).quantize(D("0.01"))
    assert Role.tech in cr.required_roles


def test_the_requester_can_withdraw_and_nobody_else_but_a_manager(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    number = order_of(bus, ("NUT-M8", 1000))
    cr = bus.handle(c.RequestChange(number, (ChangeInput("quantity", "NUT", quantity=D(900)),), "x"), ctx(LILY)).cr
    with pytest.raises(PermissionDenied):
        bus.handle(c.WithdrawChange(cr.number), ctx(CHEN))
    view = bus.handle(c.WithdrawChange(cr.number, "typo"), ctx(LILY))
    assert view.cr.status is CRStatus.withdrawn and uow.order(number).lines[0].quantity == D(1000)
    with pytest.raises(Conflict):
        bus.handle(c.ApproveChange(cr.number), ctx(WANG))


def test_approving_as_a_named_role_only_decides_that_role(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    admin = user("root", "admin")
    uow.seed(user("root", "admin"))
    number = the_story(bus)
    cr = bus.handle(cut_and_pull_in(number), ctx(LILY)).cr
    view = bus.handle(c.ApproveChange(cr.number, "finance"), ctx(admin))
    assert [r.value for r in view.cr.pending_roles()] == ["sales_manager", "production"]
    with pytest.raises(InvalidInput):
        bus.handle(c.ApproveChange(cr.number, "tech"), ctx(admin))  # not required for this request
    # one decision counts for one role: the admin's second click decides nothing more (it used to apply the lot)
    assert bus.handle(c.ApproveChange(cr.number), ctx(admin)).code == "cr_already_approved"
    assert [r.value for r in uow.saved.crs[cr.number].pending_roles()] == ["sales_manager", "production"]
