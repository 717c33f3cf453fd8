"""Reading change requests (my approvals, an order's changes, one request, the monthly report) and
naming a backup approver while away."""

from __future__ import annotations

import calendar
from datetime import date

from domain import commands as c
from domain.changes import ChangeRequest, CRStatus, Delegation
from domain.errors import Conflict, InvalidInput, NotFound
from domain.handlers.change_apply import ZERO
from domain.handlers.changes import delegations_today, load_change
from domain.handlers.common import load_order
from domain.history import AuditEntry
from domain.impact import Impact
from domain.ports import Context, UnitOfWork
from domain.results import ChangeReportView, ChangesView, ChangeView, CustomerChanges, DelegationsView
from domain.users import APPROVING, Role


def waiting_for(uow: UnitOfWork, ctx: Context, cr: ChangeRequest) -> bool:
    """What `pending` lists: the requests ``cr.asks`` this user to decide — and, for an admin, those they could
    decide by naming the role."""
    return cr.asks(ctx.user, delegations_today(uow, ctx), ctx.changes, admins=True)


def pending_approvals(q: c.PendingApprovals, uow: UnitOfWork, ctx: Context) -> ChangesView:
    """Oldest first: the request that has waited longest is the one to decide next."""
    crs = sorted(uow.changes.pending(), key=lambda cr: (cr.requested_at, cr.id or 0))
    if not q.everyone:
        crs = [cr for cr in crs if waiting_for(uow, ctx, cr)]
    title = "pending_all_title" if q.everyone else "pending_title"
    return ChangesView(crs, title, {"count": len(crs)}, ctx.now, ctx.user.name)


def order_changes(q: c.OrderChanges, uow: UnitOfWork, ctx: Context) -> ChangesView:
    order = load_order(uow, q.number)
    crs = sorted(uow.changes.of_order(order.number), key=lambda cr: cr.id or 0, reverse=True)
    return ChangesView(crs, "changes_title", {"number": order.number, "count": len(crs)}, ctx.now)


def show_change(q: c.ShowChange, uow: UnitOfWork, ctx: Context) -> ChangeView:
    cr = load_change(uow, q.number)
    refused = [e for e in uow.history.audit_of(cr.number) if e.outcome != "ok"]
    return ChangeView("cr_show", cr, load_order(uow, cr.order_number), refused=refused)


def _month(text: str) -> tuple[date, date]:
    try:
        year, month = (int(x) for x in text.strip().split("-"))
        first = date(year, month, 1)
    except ValueError:
        raise InvalidInput("bad_month", value=text) from None
    return first, first.replace(day=calendar.monthrange(year, month)[1])


def change_report(q: c.ChangeReport, uow: UnitOfWork, ctx: Context) -> ChangeReportView:
    """Per customer: how many changes, of which kinds, what they cost — who changes most comes first."""
    first, last = _month(q.month)
    rows: dict[str, CustomerChanges] = {}
    for cr in uow.changes.requested_between(first, last):
        row = rows.get(cr.customer)
        if row is None:
            customer = uow.customers.get(cr.customer)
            name = customer.name if customer else cr.customer
            row = rows[cr.customer] = CustomerChanges(cr.customer, name, 0, {}, 0, 0, 0, ZERO, ZERO, ZERO)
        impact = Impact.from_dict(cr.impact)
        row.count += 1
        for kind in cr.kinds:
            row.kinds[kind] = row.kinds.get(kind, 0) + 1
        if cr.status is CRStatus.approved:
            row.approved += 1
            row.sunk_cost += impact.sunk_cost
            row.penalty += impact.penalty
            row.amount_delta += impact.amount_delta
        elif cr.status is CRStatus.rejected:
            row.rejected += 1
        elif cr.status is CRStatus.pending:
            row.open += 1
    ordered = sorted(rows.values(), key=lambda r: (-r.count, -(r.sunk_cost + r.penalty), r.customer))
    return ChangeReportView(f"{first:%Y-%m}", ordered)


# -- delegation --------------------------------------------------------------------------------
def delegate(cmd: c.Delegate, uow: UnitOfWork, ctx: Context) -> DelegationsView:
    me = ctx.user
    backup = uow.users.get(cmd.backup.strip().lstrip("@"))
    if backup is None:
        raise NotFound("user", cmd.backup)
    if backup.name == me.name:
        raise InvalidInput("delegate_self")
    if cmd.ends < ctx.today:
        raise InvalidInput("date_in_past", date=cmd.ends.isoformat())
    if cmd.role is not None:
        try:
            roles = [Role(cmd.role)]
        except ValueError:
            raise InvalidInput("unknown_role", role=cmd.role, allowed=", ".join(r.value for r in APPROVING)) from None
        if roles[0] not in me.roles:
            raise Conflict("delegate_role_not_held", role=roles[0].value)
    else:
        roles = [r for r in APPROVING if r in me.roles]
    if not roles:
        raise Conflict("delegate_nothing", roles=", ".join(r.value for r in APPROVING))
    for role in roles:
        uow.changes.add_delegation(Delegation(me.name, backup.name, role, ctx.today, cmd.ends, ctx.now))
    detail = f"{backup.name}: {', '.join(r.value for r in roles)} until {cmd.ends.isoformat()}"
    uow.history.audit(AuditEntry(ctx.now, me.name, ctx.front.value, "delegate", me.name, "ok", None, detail))
    return DelegationsView([d for d in uow.changes.delegations(ctx.today) if d.delegator == me.name])


def end_delegation(cmd: c.EndDelegation, uow: UnitOfWork, ctx: Context) -> DelegationsView:
    me = ctx.user.name
    mine = [d for d in uow.changes.delegations() if d.delegator == me]
    if cmd.backup:
        mine = [d for d in mine if d.backup == cmd.backup.strip().lstrip("@")]
    if not mine:
        raise Conflict("no_delegation")
    for d in mine:
        d.active = False
    detail = ", ".join(sorted({d.backup for d in mine}))
    uow.history.audit(AuditEntry(ctx.now, me, ctx.front.value, "delegate_end", me, "ok", None, detail))
    return DelegationsView([d for d in uow.changes.delegations(ctx.today) if d.delegator == me])


def list_delegations(q: c.ListDelegations, uow: UnitOfWork, ctx: Context) -> DelegationsView:
    return DelegationsView(list(uow.changes.delegations(ctx.today)))
