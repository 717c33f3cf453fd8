"""One decision counts for one role, and nobody's will counts twice — on the in-memory unit of work.

Without ``as`` an approval counts for the first pending role the approver holds or stands in for; a second click
is "already approved"; ``approve CR-… as ROLE`` decides that role and shows as such; an admin holding none of the
pending roles must name one; over the distinct-approvers amount every role needs a different person (through a
backup too); a backup standing in for the requester decides nothing of the request. Refusals are audited and
show in the order's history."""

from __future__ import annotations

import dataclasses
from datetime import timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

from bot.conversation.i18n import Translator
from bot.conversation.replies import render, render_error
from bot.conversation.replies.changes import approvals_table
from domain import commands as c
from domain.alert_events import ApprovalWaiting
from domain.approval import ApprovalPolicy
from domain.bus import MessageBus
from domain.changes import BackupOfRequester, DistinctApprovers
from domain.commands import ChangeInput, DueShift
from domain.errors import Conflict, InvalidInput, PermissionDenied, SelfApproval
from domain.events import ChangeApprovalRecorded
from domain.ports import Context
from domain.users import Front, Role, User
from tests.fakes import TODAY, FakeUnitOfWork, ctx, events_of, user
from tests.unit.change_support import CHEN, LILY, LIU, SUN, WANG, ZHAO, D, cut_and_pull_in, order_of, seeded_uow

ZONE = ZoneInfo("Asia/Shanghai")
EN, ZH = Translator("en", ZONE), Translator("zh", ZONE)
ROOT = user("root", "admin")
BOSS = user("boss", "sales_manager", "production")  # one person holding two approving roles
MO = user("mo", "finance", "production")
MGR2 = user("mgr2", "sales_manager")


@pytest.fixture
def uow() -> FakeUnitOfWork:
    fake = seeded_uow()
    fake.seed(*(user(u.name, *u.roles) for u in (ROOT, BOSS, MO, MGR2)))
    return fake


@pytest.fixture
def bus(uow: FakeUnitOfWork) -> MessageBus:
    return MessageBus(uow.factory)


def big(bus: MessageBus) -> tuple[str, str]:
    """1000 bolts at 300 (an order of 300 000, over the finance threshold), cut and pulled in: sales manager,
    finance and production must approve."""
    number = order_of(bus, ("BOLT-M8X30", 1000))
    cr = bus.handle(cut_and_pull_in(number), ctx(LILY)).cr
    assert cr.required_roles == [Role.sales_manager, Role.finance, Role.production] and cr.amount == D(300000)
    return number, cr.number


def small(bus: MessageBus, by: User = LILY) -> tuple[str, str]:
    """1000 nuts at 0.05 (an order of 50) pulled in a week: sales manager and production must approve."""
    number = order_of(bus, ("NUT-M8", 1000))
    cmd = c.RequestChange(number, (ChangeInput("due_date", when=DueShift(-7, "提前一周")),), "line moved")
    cr = bus.handle(cmd, ctx(by)).cr
    assert cr.required_roles == [Role.sales_manager, Role.production] and cr.amount == D(50)
    return number, cr.number


def with_policy(context: Context, policy: ApprovalPolicy) -> Context:
    return dataclasses.replace(context, changes=policy)


def denied(uow: FakeUnitOfWork, cr: str) -> list[tuple[str, str, str]]:
    return [(e.actor, e.action, e.detail) for e in uow.audit_entries(cr) if e.outcome == "denied"]


# ---------------------------------------------------------------- one decision, one role


def test_an_admin_click_never_satisfies_every_role(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    number, cr = big(bus)
    with pytest.raises(InvalidInput) as unnamed:
        bus.handle(c.ApproveChange(cr), ctx(ROOT))
    assert unnamed.value.code == "cr_name_role"
    assert unnamed.value.params["roles"] == "sales_manager, finance, production"
    assert "approve CR-" in render_error(unnamed.value, EN).title and "\n" not in render_error(unnamed.value, EN).title
    assert "作为" in render_error(unnamed.value, ZH).title
    assert uow.change(cr).decisions == []

    view = bus.handle(c.ApproveChange(cr, "finance"), ctx(ROOT))
    assert view.code == "cr_approval_recorded" and view.cr.pending_roles() == [Role.sales_manager, Role.production]
    (decision,) = uow.change(cr).decisions
    assert (decision.role, decision.approver, decision.by_admin, decision.on_behalf_of) == (
        Role.finance, "root", True, "",
    )  # fmt: skip
    assert [e.detail for e in uow.audit_entries(cr) if e.action == "cr_approve"] == ["admin as finance"]
    recorded = events_of(uow.outbox, ChangeApprovalRecorded)[-1]
    assert (recorded.roles, recorded.by) == (("finance",), "root")
    table = approvals_table(EN, uow.change(cr))
    assert any("approved by root (admin, as finance)" in cell for row in table.rows for cell in row)
    assert any("管理员" in cell for row in approvals_table(ZH, uow.change(cr)).rows for cell in row)

    # a double click, with or without the role: nothing more
    assert bus.handle(c.ApproveChange(cr), ctx(ROOT)).code == "cr_already_approved"
    assert bus.handle(c.ApproveChange(cr, "finance"), ctx(ROOT)).code == "cr_already_approved"
    # over the finance threshold every role needs a different person: the admin cannot add a second one
    with pytest.raises(DistinctApprovers):
        bus.handle(c.ApproveChange(cr, "production"), ctx(ROOT))
    assert len(uow.change(cr).decisions) == 1
    assert denied(uow, cr) == [("root", "approve", "cr_distinct_approvers")]
    assert bus.handle(c.ApproveChange(cr), ctx(WANG)).code == "cr_approval_recorded"
    assert bus.handle(c.ApproveChange(cr), ctx(ZHAO)).code == "cr_applied"
    assert uow.order(number).version == 2


def test_a_person_with_two_roles_decides_one_per_approval(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    number, cr = small(bus)
    view = bus.handle(c.ApproveChange(cr), ctx(BOSS))
    assert view.code == "cr_approval_recorded" and view.cr.pending_roles() == [Role.production]
    assert bus.handle(c.ApproveChange(cr), ctx(BOSS)).code == "cr_already_approved"  # a double click
    assert bus.handle(c.ApproveChange(cr), ctx(BOSS)).code == "cr_already_approved"
    assert uow.order(number).version == 1 and len(uow.change(cr).decisions) == 1
    # under the distinct-approvers amount, naming the second role decides it
    done = bus.handle(c.ApproveChange(cr, "production"), ctx(BOSS))
    assert done.code == "cr_applied"
    assert [(d.role, d.approver) for d in uow.change(cr).decisions] == [
        (Role.sales_manager, "boss"), (Role.production, "boss"),
    ]  # fmt: skip


def test_a_named_role_someone_else_decided_is_refused_in_one_line(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    _, cr = small(bus)
    bus.handle(c.ApproveChange(cr), ctx(WANG))
    with pytest.raises(Conflict) as done:
        bus.handle(c.ApproveChange(cr, "sales_manager"), ctx(BOSS))
    assert done.value.code == "cr_role_done" and "wang" in render_error(done.value, EN).title


def test_over_the_amount_one_person_cannot_approve_two_roles(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    _, cr = big(bus)
    bus.handle(c.ApproveChange(cr), ctx(BOSS))  # as sales manager
    with pytest.raises(DistinctApprovers) as refused:
        bus.handle(c.ApproveChange(cr, "production"), ctx(BOSS))
    assert refused.value.params == {"number": cr, "limit": "50000", "person": "boss", "role": "sales_manager"}
    assert "boss" in render_error(refused.value, ZH).title and "50000" in render_error(refused.value, ZH).title
    assert [d.role for d in uow.change(cr).decisions] == [Role.sales_manager]
    assert denied(uow, cr) == [("boss", "approve", "cr_distinct_approvers")]
    # boss is not asked again: the request waits for someone else
    assert bus.handle(c.PendingApprovals(), ctx(BOSS)).crs == []
    deciders = {u.name for u in bus.handle(c.ChangeDeciders(cr), ctx(WANG)).users}
    assert "boss" not in deciders and {"chen", "zhao", "mo"} <= deciders


def test_the_policy_key_sets_the_amount(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    _, cr = small(bus)  # 50: under the default limit
    strict = ApprovalPolicy(distinct_approvers_over=Decimal(0))
    bus.handle(c.ApproveChange(cr), with_policy(ctx(BOSS), strict))
    with pytest.raises(DistinctApprovers):
        bus.handle(c.ApproveChange(cr, "production"), with_policy(ctx(BOSS), strict))
    _, other = big(bus)  # 300 000: over the default limit, but this desk never requires distinct people
    lax = ApprovalPolicy(distinct_approvers_over=None)
    bus.handle(c.ApproveChange(other), with_policy(ctx(MO), lax))
    assert bus.handle(c.ApproveChange(other, "production"), with_policy(ctx(MO), lax)).code == "cr_approval_recorded"


# ---------------------------------------------------------------- delegation: separation of duties


def test_a_backup_standing_in_for_the_requester_cannot_decide_the_request(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    number, cr = small(bus, by=WANG)  # the sales manager files it himself ...
    bus.handle(c.Delegate("sun", TODAY + timedelta(days=7), "sales_manager"), ctx(WANG))  # ... and names a backup
    for cmd in (c.ApproveChange(cr), c.ApproveChange(cr, "sales_manager"), c.RejectChange(cr, "no")):
        with pytest.raises(BackupOfRequester) as refused:
            bus.handle(cmd, ctx(SUN))
        assert isinstance(refused.value, SelfApproval) and refused.value.params["requester"] == "wang"
    assert uow.change(cr).decisions == [] and uow.order(number).version == 1
    assert denied(uow, cr) == [("sun", "approve", "cr_backup_of_requester")] * 2 + [
        ("sun", "reject", "cr_backup_of_requester")
    ]
    assert "wang" in render_error(refused.value, EN).title and "代理" in render_error(refused.value, ZH).title
    # sun is not asked for it, and `pending` does not list it
    assert bus.handle(c.PendingApprovals(), ctx(SUN)).crs == []
    assert "sun" not in {u.name for u in bus.handle(c.ChangeDeciders(cr), ctx(WANG)).users}
    # another sales manager's delegation to the same backup is a will of its own: that one counts
    bus.handle(c.Delegate("sun", TODAY + timedelta(days=7), "sales_manager"), ctx(MGR2))
    view = bus.handle(c.ApproveChange(cr), ctx(SUN))
    assert view.code == "cr_approval_recorded"
    (decision,) = uow.change(cr).decisions
    assert (decision.role, decision.approver, decision.on_behalf_of) == (Role.sales_manager, "sun", "mgr2")


def test_one_will_does_not_count_twice_through_a_backup(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    """mo holds finance and production and gave finance to sun: sun approves finance for mo, and mo cannot add
    production on a request over the amount — nor can chen's backup wang add finance after his own approval."""
    _, cr = big(bus)
    bus.handle(c.Delegate("sun", TODAY + timedelta(days=7), "finance"), ctx(MO))
    assert bus.handle(c.ApproveChange(cr, "finance"), ctx(SUN)).code == "cr_approval_recorded"
    with pytest.raises(DistinctApprovers) as refused:
        bus.handle(c.ApproveChange(cr), ctx(MO))  # production: but mo's word already counts (through sun)
    assert refused.value.params["person"] == "mo"

    _, other = big(bus)
    bus.handle(c.Delegate("wang", TODAY + timedelta(days=7), "finance"), ctx(CHEN))
    assert bus.handle(c.ApproveChange(other), ctx(WANG)).cr.approvals().keys() == {Role.sales_manager}
    with pytest.raises(DistinctApprovers):
        bus.handle(c.ApproveChange(other, "finance"), ctx(WANG))  # for chen: still wang deciding twice
    assert list(uow.change(other).approvals()) == [Role.sales_manager]


def test_the_requester_is_refused_and_audited_whatever_the_role(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    _, cr = small(bus, by=WANG)
    for role in (None, "production"):
        with pytest.raises(SelfApproval):
            bus.handle(c.ApproveChange(cr, role), ctx(WANG))
    with pytest.raises(SelfApproval):
        bus.handle(c.RejectChange(cr, "changed my mind"), ctx(WANG))
    assert [a for _, a, _ in denied(uow, cr)] == ["approve", "approve", "reject"]


# ---------------------------------------------------------------- refusals in the order's history


def test_refused_approvals_show_in_the_orders_history_in_time_order(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    number, cr = small(bus)
    later = lambda who, hours: dataclasses.replace(  # noqa: E731
        ctx(who), now=ctx(who).now + timedelta(hours=hours)
    )
    with pytest.raises(PermissionDenied):
        bus.handle(c.ApproveChange(cr), later(LIU, 1))
    with pytest.raises(PermissionDenied):  # refused on the order itself
        bus.handle(c.RequestChange(number, (ChangeInput("quantity", "NUT", quantity=D(5)),), "x"), later(LIU, 2))
    with pytest.raises(SelfApproval):
        bus.handle(c.ApproveChange(cr), later(LILY, 3))
    view = bus.handle(c.OrderHistory(number), ctx(WANG))
    assert [(e.actor, e.action, e.subject) for e in view.refused] == [
        ("liu", "approve", cr), ("liu", "request_change", number), ("lily", "approve", cr),
    ]  # fmt: skip
    assert all(e.outcome == "denied" for e in view.refused) and all(e.outcome == "ok" for e in view.entries)
    shown = render(view, EN, TODAY)
    refused_rows = shown.tables[-1].rows
    assert [row[2] for row in refused_rows] == [f"approve {cr}", "request a change", f"approve {cr}"]  # in words
    ids = [e.id for e in view.refused]
    assert len(set(ids)) == 3 and [e.id for e in bus.handle(c.OrderHistory(number), ctx(WANG)).refused] == ids


def test_pending_shows_an_admin_what_they_could_decide_but_nobody_asks_them(bus: MessageBus) -> None:
    _, cr = small(bus)
    assert [x.number for x in bus.handle(c.PendingApprovals(), ctx(ROOT)).crs] == [cr]
    assert "root" not in {u.name for u in bus.handle(c.ChangeDeciders(cr), ctx(WANG)).users}
    bus.handle(c.ApproveChange(cr, "production"), ctx(ROOT))
    assert bus.handle(c.PendingApprovals(), ctx(ROOT)).crs == []  # decided once in this round: not asked again
    assert [x.number for x in bus.handle(c.PendingApprovals(), ctx(WANG)).crs] == [cr]
    assert CHEN.name not in {u.name for u in bus.handle(c.ChangeDeciders(cr), ctx(WANG)).users}


def test_reminders_go_to_whoever_may_decide_never_to_the_requesters_backup(
    bus: MessageBus, uow: FakeUnitOfWork
) -> None:
    _, mine = small(bus, by=WANG)
    bus.handle(c.Delegate("sun", TODAY + timedelta(days=7), "sales_manager"), ctx(WANG))
    _, other = small(bus)
    bus.handle(c.ApproveChange(other), ctx(BOSS))  # sales manager: boss; production is still waited for
    bot = ctx(User("orderbot", roles={Role.admin}), front=Front.system)
    before = len(uow.outbox)
    bus.handle(c.RunScans(("approvals",)), dataclasses.replace(bot, now=bot.now + timedelta(hours=9)))
    waiting = events_of(uow.outbox[before:], ApprovalWaiting)
    # wang's own request: never wang, nor sun standing in for him
    assert sorted((e.role, e.approver) for e in waiting if e.cr == mine) == [
        ("production", "boss"), ("production", "mo"), ("production", "zhao"),
        ("sales_manager", "boss"), ("sales_manager", "mgr2"),
    ]  # fmt: skip
    # boss already approved the other one in this round: his click would be "already approved"
    assert sorted((e.role, e.approver) for e in waiting if e.cr == other) == [
        ("production", "mo"), ("production", "zhao"),
    ]  # fmt: skip
