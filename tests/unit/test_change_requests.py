"""Change requests through the one door (MessageBus) on the in-memory unit of work: capture, impact,
who must approve, delegation, staleness, applying everywhere at once, and refusals that change nothing."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from domain import commands as c
from domain.bus import MessageBus
from domain.changes import CRStatus
from domain.commands import ChangeInput, DueShift, LineInput
from domain.errors import Conflict, InvalidInput, NotFound, PermissionDenied, SelfApproval
from domain.events import ChangeApproved, ChangeRejected, ChangeRequested, OrderChanged
from domain.impact import Impact
from domain.lifecycle import Status
from domain.parties import MakeOrBuy
from domain.results import ChangeView, Done
from domain.users import Role
from tests.fakes import TODAY, FakeUnitOfWork, ctx, customer, events_of, product, user

D = Decimal
DUE = TODAY + timedelta(days=28)
WO1 = "WO-2026-000001"
LILY, WANG, CHEN = user("lily", "sales"), user("wang", "sales_manager"), user("chen", "finance")
ZHAO, LIU, SUN = user("zhao", "production"), user("liu", "warehouse"), user("sun", "tech")
PEOPLE = (LILY, WANG, CHEN, ZHAO, LIU, SUN)


@pytest.fixture
def uow() -> FakeUnitOfWork:
    fake = FakeUnitOfWork().seed(
        customer("CUST-001", "Acme Machining"),
        customer("CUST-002", "Small Co"),
        product("BOLT-M8X30", "300", make_or_buy=MakeOrBuy.make, unit_cost=D(200), lead_time_days=10),
        product("NUT-M8", "0.05", lead_time_days=20),
        product("WASHER-M8", "0.02"),
        *(user(u.name, *u.roles) for u in PEOPLE),
    )
    fake.opening("BOLT-M8X30", 700)
    fake.opening("NUT-M8", 100000)
    return fake


@pytest.fixture
def bus(uow: FakeUnitOfWork) -> MessageBus:
    return MessageBus(uow.factory)


def order_of(bus: MessageBus, *lines: tuple[str, int], cust: str = "CUST-001", due: date = DUE) -> str:
    cmd = c.CreateOrder(cust, tuple(LineInput(sku, D(q)) for sku, q in lines), due)
    number = str(bus.handle(cmd, ctx(LILY)).params["number"])
    bus.handle(c.ConfirmOrder(number), ctx(LILY))
    return number


def the_story(bus: MessageBus) -> str:
    """1000 bolts confirmed with 700 on the shelf; the work order for the other 300 ran and reported."""
    number = order_of(bus, ("BOLT-M8X30", 1000))
    for step in ("released", "in_progress"):
        bus.handle(c.MoveWorkOrder(WO1, step), ctx(ZHAO))
    bus.handle(c.ReportWorkOrder(WO1, D(300)), ctx(ZHAO))
    return number


def cut_and_pull_in(number: str) -> c.RequestChange:
    return c.RequestChange(
        number,
        (ChangeInput("quantity", "BOLT-M8", quantity=D(800)), ChangeInput("due_date", when=DueShift(-14, "提前两周"))),
        "customer budget cut",
        "mail 11-21",
    )


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


def snapshot(uow: FakeUnitOfWork, number: str) -> tuple[object, ...]:
    order = uow.order(number)
    return (order.version, order.status, [(ln.quantity, ln.reserved_qty, ln.backorder_qty) for ln in order.lines],
            order.due_date, len(uow.outbox), uow.item("BOLT-M8X30").reserved)  # fmt: skip


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
    assert bus.handle(c.ApproveChange(cr.number), ctx(admin)).code == "cr_applied"
