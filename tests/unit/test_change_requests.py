"""Change requests through the one door (MessageBus) on the in-memory unit of work, the story of a request:
capture, impact, who must approve, rejection, delegation, staleness, and applying everywhere at once
(stock, work orders, due dates). Refusals, views, and the facts of impact and policy are in
test_change_request_rules.py."""

from __future__ import annotations

from datetime import timedelta

import pytest

from domain import commands as c
from domain.bus import MessageBus
from domain.changes import CRStatus
from domain.commands import ChangeInput, LineInput
from domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied, SelfApproval
from domain.events import ChangeApproved, ChangeRejected, ChangeRequested, OrderChanged
from domain.impact import Impact
from domain.lifecycle import Status
from domain.results import ChangeView, Done
from domain.users import Role
from tests.fakes import TODAY, FakeUnitOfWork, ctx, events_of
from tests.unit.change_support import (
    CHEN,
    DUE,
    LILY,
    LIU,
    SUN,
    WANG,
    WO1,
    ZHAO,
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


def approve_all(bus: MessageBus, number: str) -> ChangeView:
    """Every pending role approves, one person each."""
    by_role = {Role.sales_manager: WANG, Role.finance: CHEN, Role.production: ZHAO, Role.tech: SUN}
    view = None
    for _ in range(5):
        view = bus.handle(c.ShowChange(number), ctx(WANG))
        if not view.cr.pending_roles() or view.cr.is_decided:
            break
        view = bus.handle(c.ApproveChange(number), ctx(by_role[view.cr.pending_roles()[0]]))
    assert view is not None and view.cr.status is CRStatus.approved, view
    return view


# ---------------------------------------------------------------- the story


def test_cut_and_pull_in_is_assessed_approved_by_three_roles_and_applied_everywhere(
    bus: MessageBus, uow: FakeUnitOfWork
) -> None:
    number = the_story(bus)
    order = uow.order(number)
    assert (order.version, order.lines[0].reserved_qty, order.lines[0].backorder_qty) == (1, D(1000), D(0))

    view = bus.handle(cut_and_pull_in(number), ctx(LILY))
    assert isinstance(view, ChangeView) and view.code == "cr_created"
    cr = view.cr
    impact = Impact.from_dict(cr.impact)
    assert (impact.amount_before, impact.amount_after) == (D(300000), D(240000))
    (line,) = impact.lines
    assert (line.released, line.done, line.made_beyond) == (D(200), D(300), D(200))
    assert impact.sunk_cost == D(40000)  # 200 bolts made for nobody, at cost 200
    assert impact.due_after == DUE - timedelta(days=14) and impact.notice_days == 28
    assert impact.risk == "high"
    assert cr.required_roles == [Role.sales_manager, Role.finance, Role.production]
    assert cr.evidence == "mail 11-21" and cr.requested_by == "lily"
    assert uow.order(number).version == 1  # nothing applied yet
    assert events_of(uow.outbox, ChangeRequested)[-1].required == ("sales_manager", "finance", "production")

    with pytest.raises(SelfApproval):
        bus.handle(c.ApproveChange(cr.number), ctx(LILY))
    with pytest.raises(PermissionDenied):
        bus.handle(c.ApproveChange(cr.number), ctx(LIU))
    refused = [(e.actor, e.outcome) for e in uow.audit_entries(cr.number) if e.outcome == "denied"]
    assert refused == [("lily", "denied"), ("liu", "denied")]

    assert bus.handle(c.ApproveChange(cr.number), ctx(WANG)).code == "cr_approval_recorded"
    assert bus.handle(c.ApproveChange(cr.number), ctx(WANG)).code == "cr_already_approved"  # a double click
    assert bus.handle(c.ApproveChange(cr.number), ctx(CHEN)).code == "cr_approval_recorded"
    done = bus.handle(c.ApproveChange(cr.number), ctx(ZHAO))
    assert done.code == "cr_applied"

    order = uow.order(number)
    assert order.version == 2 and order.due_date == DUE - timedelta(days=14)
    assert (order.lines[0].quantity, order.lines[0].reserved_qty, order.amount) == (D(800), D(800), D(240000))
    assert order.lines[0].confirmed_date == order.due_date
    assert uow.item("BOLT-M8X30").available == D(200)  # the 200 went back to free stock
    changed = events_of(uow.outbox, OrderChanged)[-1]
    assert changed.version == 2 and ("quantity", "BOLT-M8X30", "1000", "800") in changed.changes
    assert events_of(uow.outbox, ChangeApproved)[-1].cr == cr.number
    diff = bus.handle(c.DiffOrder(number), ctx(LILY)).diff
    assert {(ch.field, ch.old, ch.new) for ch in diff.changes} >= {("quantity", "1000", "800")}

    again = bus.handle(c.ApproveChange(cr.number), ctx(ZHAO))  # a retry after it applied
    assert again.code == "cr_already_approved" and uow.order(number).version == 2


def test_rejection_ends_the_request_and_changes_nothing(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    number = the_story(bus)
    cr = bus.handle(cut_and_pull_in(number), ctx(LILY)).cr
    bus.handle(c.ApproveChange(cr.number), ctx(WANG))
    before = snapshot(uow, number)
    with pytest.raises(InvalidInput):
        bus.handle(c.RejectChange(cr.number, "  "), ctx(CHEN))
    view = bus.handle(c.RejectChange(cr.number, "line already set up for 1000"), ctx(CHEN))
    assert view.code == "cr_rejected" and view.cr.status is CRStatus.rejected
    assert events_of(uow.outbox, ChangeRejected)[-1].reason == "line already set up for 1000"
    after = snapshot(uow, number)
    assert after[:4] == before[:4] and after[5] == before[5]
    with pytest.raises(Conflict) as decided:
        bus.handle(c.ApproveChange(cr.number), ctx(ZHAO))
    assert decided.value.code == "cr_already_decided"


def test_a_backup_approves_for_the_manager_while_the_delegation_lasts(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    number = order_of(bus, ("NUT-M8", 1000))
    cr = bus.handle(c.RequestChange(number, (ChangeInput("quantity", "NUT-M8", delta=D(-100)),), "less"), ctx(LILY)).cr
    assert cr.required_roles == [Role.sales_manager]
    with pytest.raises(PermissionDenied):
        bus.handle(c.ApproveChange(cr.number), ctx(SUN))
    bus.handle(c.Delegate("sun", TODAY + timedelta(days=3)), ctx(WANG))
    later = ctx(SUN, TODAY + timedelta(days=4))
    with pytest.raises(PermissionDenied):  # the delegation is over
        bus.handle(c.ApproveChange(cr.number), later)
    view = bus.handle(c.ApproveChange(cr.number), ctx(SUN, TODAY + timedelta(days=1)))
    assert view.code == "cr_applied"
    (decision,) = view.cr.decisions
    assert (decision.approver, decision.on_behalf_of, decision.role) == ("sun", "wang", Role.sales_manager)
    assert uow.order(number).lines[0].quantity == D(900)


def test_delegation_refuses_yourself_a_role_you_lack_and_an_unknown_user(bus: MessageBus) -> None:
    with pytest.raises(InvalidInput):
        bus.handle(c.Delegate("wang", TODAY), ctx(WANG))
    with pytest.raises(Conflict):
        bus.handle(c.Delegate("sun", TODAY, "finance"), ctx(WANG))
    with pytest.raises(NotFound):
        bus.handle(c.Delegate("nobody", TODAY), ctx(WANG))
    with pytest.raises(Conflict):
        bus.handle(c.Delegate("sun", TODAY), ctx(LILY))  # sales approves nothing


def test_an_approval_on_an_older_version_reassesses_instead_of_applying(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    number = order_of(bus, ("NUT-M8", 1000), ("WASHER-M8", 500))
    first = bus.handle(c.RequestChange(number, (ChangeInput("quantity", "NUT", delta=D(-100)),), "less"), ctx(LILY)).cr
    other = bus.handle(c.RequestChange(number, (ChangeInput("price", "WASHER", unit_price=D("0.03")),), "p"), ctx(LILY))
    bus.handle(c.ApproveChange(other.cr.number), ctx(WANG))
    assert uow.order(number).version == 2

    stale = bus.handle(c.ApproveChange(first.number), ctx(WANG))
    assert stale.code == "cr_stale" and stale.cr.round == 2 and stale.cr.base_version == 2
    assert stale.cr.pending_roles() == [Role.sales_manager]  # the earlier round's approvals no longer count
    assert uow.order(number).lines[0].quantity == D(1000)
    assert bus.handle(c.ApproveChange(first.number), ctx(WANG)).code == "cr_applied"
    order = uow.order(number)
    assert (order.version, order.lines[0].quantity, order.lines[1].unit_price) == (3, D(900), D("0.03"))


def test_a_request_the_order_outgrew_goes_stale(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    number = order_of(bus, ("NUT-M8", 1000))
    first = bus.handle(c.RequestChange(number, (ChangeInput("quantity", "NUT", delta=D(-100)),), "less"), ctx(LILY)).cr
    cancel = bus.handle(c.CancelOrder(number, "customer went bust"), ctx(LILY))
    assert isinstance(cancel, ChangeView)
    bus.handle(c.ApproveChange(cancel.cr.number), ctx(WANG))
    assert uow.order(number).status is Status.cancelled
    view = bus.handle(c.ApproveChange(first.number), ctx(WANG))
    assert view.code == "cr_went_stale" and view.cr.status is CRStatus.stale


def test_production_starting_before_the_last_approval_calls_in_production(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    number = order_of(bus, ("BOLT-M8X30", 1000))  # 300 short: a planned work order
    cr = bus.handle(c.RequestChange(number, (ChangeInput("quantity", "BOLT", quantity=D(900)),), "less"), ctx(LILY)).cr
    assert cr.required_roles == [Role.sales_manager]
    bus.handle(c.MoveWorkOrder(WO1, "released"), ctx(ZHAO))
    bus.handle(c.MoveWorkOrder(WO1, "in_progress"), ctx(ZHAO))
    view = bus.handle(c.ApproveChange(cr.number), ctx(WANG))
    assert view.code == "cr_needs_more" and view.cr.pending_roles() == [Role.production]
    assert bus.handle(c.ApproveChange(cr.number), ctx(ZHAO)).code == "cr_applied"
    line = uow.order(number).lines[0]
    assert (line.quantity, line.reserved_qty, line.backorder_qty) == (D(900), D(700), D(200))


def test_a_cut_trims_work_orders_not_started_and_a_rise_plans_more(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    number = order_of(bus, ("BOLT-M8X30", 1000))  # 700 reserved, WO-1 planned for 300
    cr = bus.handle(c.RequestChange(number, (ChangeInput("quantity", "BOLT", quantity=D(800)),), "cut"), ctx(LILY)).cr
    approve_all(bus, cr.number)
    assert uow.work(WO1).quantity == D(100)
    cr = bus.handle(c.RequestChange(number, (ChangeInput("quantity", "BOLT", quantity=D(1500)),), "up"), ctx(LILY)).cr
    assert Impact.from_dict(cr.impact).lines[0].extra == D(700)
    approve_all(bus, cr.number)
    line = uow.order(number).lines[0]
    assert (line.reserved_qty, line.backorder_qty) == (D(700), D(800))
    planned = sum((w.remaining for w in uow.saved.wos.values() if w.order_number == number), D(0))
    assert planned == D(800)
    assert uow.item("BOLT-M8X30").planned == D(800)


def test_cancelling_a_confirmed_order_is_a_change_request_that_releases_its_stock(
    bus: MessageBus, uow: FakeUnitOfWork
) -> None:
    number = order_of(bus, ("NUT-M8", 1000))
    view = bus.handle(c.CancelOrder(number, "customer withdrew"), ctx(LILY))
    assert isinstance(view, ChangeView) and view.cr.kinds == ["cancel"]
    assert uow.order(number).status is Status.confirmed
    bus.handle(c.ApproveChange(view.cr.number), ctx(WANG))
    order = uow.order(number)
    assert (order.status, order.version, order.lines[0].reserved_qty) == (Status.cancelled, 2, D(0))
    assert uow.item("NUT-M8").reserved == D(0)


def test_a_draft_is_simply_edited(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    cmd = c.CreateOrder("CUST-001", (LineInput("NUT-M8", D(1000)),), DUE)
    number = bus.handle(cmd, ctx(LILY)).params["number"]
    done = bus.handle(c.RequestChange(number, (ChangeInput("quantity", "NUT-M8", quantity=D(800)),)), ctx(LILY))
    assert isinstance(done, Done) and done.code == "order_updated"
    assert (uow.order(number).version, uow.order(number).lines[0].quantity) == (2, D(800))
    assert uow.saved.crs == {}


def test_a_reschedule_clears_the_overdue_flag_at_once(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    number = order_of(bus, ("NUT-M8", 10), due=TODAY + timedelta(days=2))
    late = TODAY + timedelta(days=5)
    assert [o.number for o in bus.handle(c.ListOrders(overdue=True), ctx(LILY, late)).orders] == [number]
    new_due = ChangeInput("due_date", when=late + timedelta(days=7))
    cr = bus.handle(c.RequestChange(number, (new_due,), "customer site not ready"), ctx(LILY, late)).cr
    bus.handle(c.ApproveChange(cr.number), ctx(WANG, late))
    assert bus.handle(c.ListOrders(overdue=True), ctx(LILY, late)).orders == []
