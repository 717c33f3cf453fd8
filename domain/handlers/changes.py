"""Change requests: capture with evidence, assess, approve by every required role, apply at once.

Locks: a decision locks the request's row first, so of two last approvals arriving together one
applies and the other sees a decided request; applying then takes the stock rows (as every other
stock-moving use case does) and the order's optimistic version catches any other writer.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from domain import commands as c
from domain.changes import Acting, ChangeKind, ChangeRequest, CRStatus, Delegation, RequestedChange
from domain.contacts import CUSTOMER_PREFIX
from domain.errors import Conflict, InvalidInput, NotFound
from domain.events import (
    ChangeApprovalRecorded,
    ChangeApproved,
    ChangeReassessed,
    ChangeRejected,
    ChangeRequested,
    ChangeWithdrawn,
    CustomerChangeDecided,
    OrderChanged,
    OrderUpdated,
)
from domain.handlers.change_apply import apply_terms, apply_with_stock, products_of, situation
from domain.handlers.common import load_order, record, revise
from domain.history import AuditEntry
from domain.impact import Impact, assess
from domain.lifecycle import EDITABLE
from domain.money import plain
from domain.numbers import CHANGE_REQUEST
from domain.orders import Order
from domain.ports import Context, UnitOfWork
from domain.resolve import resolve
from domain.results import ChangeView, Done
from domain.users import Front, Role, require

TELEGRAM_EVIDENCE = "customer via Telegram"


def _audit(uow: UnitOfWork, ctx: Context, action: str, subject: str, version: int | None = None,
           detail: str = "", reason: str = "") -> None:  # fmt: skip
    uow.history.audit(
        AuditEntry(ctx.now, ctx.user.name, ctx.front.value, action, subject, "ok", version, detail, reason)
    )


def _assessed(uow: UnitOfWork, order: Order, changes: list[RequestedChange], ctx: Context,
              stored: bool = True) -> tuple[Impact, dict[str, list[list[Any]]]]:  # fmt: skip
    impact = assess(order, changes, situation(uow, order, changes, ctx, stored), ctx.changes)
    return impact, ctx.changes.required(impact.facts())


def summary(changes: list[RequestedChange]) -> tuple[tuple[str, str, str, str], ...]:
    """(kind, sku, old, new) per change: what a customer or a channel is told changed."""
    out = []
    for ch in changes:
        if ch.kind in (ChangeKind.quantity, ChangeKind.remove_line, ChangeKind.add_line):
            old, new = ch.old_qty, ch.new_qty
            out.append(
                (ch.kind.value, ch.sku, plain(old) if old is not None else "", plain(new) if new is not None else "")
            )
        elif ch.kind is ChangeKind.price:
            out.append((ch.kind.value, ch.sku, plain(ch.old_price or Decimal(0)), plain(ch.new_price or Decimal(0))))
        elif ch.kind in (ChangeKind.due_date, ChangeKind.line_date):
            old_d = ch.old_date.isoformat() if ch.old_date else ""
            out.append((ch.kind.value, ch.sku, old_d, ch.new_date.isoformat() if ch.new_date else ""))
        else:
            out.append((ch.kind.value, "", "", ""))
    return tuple(out)


# -- requesting --------------------------------------------------------------------------------
def request_change(cmd: c.RequestChange, uow: UnitOfWork, ctx: Context) -> Done | ChangeView:
    require(ctx.user, "request_change")
    order = load_order(uow, cmd.number)
    return file_change(uow, ctx, order, cmd.changes, cmd.reason, cmd.evidence)


def file_change(uow: UnitOfWork, ctx: Context, order: Order, inputs: tuple[c.ChangeInput, ...], reason: str,
                evidence: str) -> Done | ChangeView:  # fmt: skip
    """The one way a change is filed, by staff or by a customer's contact (``ctx.user`` is the requester):
    resolve it against the order; a draft is simply edited, a confirmed order gets an assessed request."""
    changes = resolve(order, inputs, uow.products.get, ctx.today)
    if order.status in EDITABLE:
        return _edit_draft(uow, order, changes, reason, ctx)
    reason = reason.strip()
    if not reason:
        raise InvalidInput("reason_required")
    evidence = evidence.strip() or (TELEGRAM_EVIDENCE if ctx.front is Front.telegram else "")
    impact, required = _assessed(uow, order, changes, ctx, stored=False)
    cr = ChangeRequest(
        number=CHANGE_REQUEST.issue(uow.next_number), order_number=order.number, customer=order.customer.code,
        requested_by=ctx.user.name, requested_at=ctx.now, requested_on=ctx.today, front=ctx.front.value,
        round_started_at=ctx.now,
        reason=reason, evidence=evidence, base_version=order.version,
        changes=[ch.to_dict() for ch in changes], inputs=[i.to_dict() for i in inputs],
        impact=impact.to_dict(), required=required,
    )  # fmt: skip
    uow.changes.add(cr)
    _audit(uow, ctx, "change_request", order.number, order.version, cr.number, reason)
    cr.events.append(
        ChangeRequested(cr.number, order.number, cr.customer, tuple(cr.kinds), impact.risk,
                        tuple(r.value for r in cr.required_roles), ctx.user.name, reason)
    )  # fmt: skip
    return ChangeView("cr_created", cr, order)


def _edit_draft(uow: UnitOfWork, order: Order, changes: list[RequestedChange], reason: str,
                ctx: Context) -> Done:  # fmt: skip
    """Before confirmation nothing was promised: the change is simply an edit (or a plain cancel)."""
    if any(ch.kind is ChangeKind.cancel for ch in changes):
        reason = reason.strip()
        if not reason:
            raise InvalidInput("reason_required")
        require(ctx.user, "cancel")
        order.cancel(ctx.user.name, ctx.now, reason)
        record(uow, order, ctx, "cancel", reason=reason)
        return Done("order_moved", {"number": order.number, "status": order.status.value}, order)
    require(ctx.user, "edit")
    apply_terms(order, changes, products_of(uow, order, changes), ctx, reason, through_change=False)
    what = ", ".join(" ".join(x for x in row if x) for row in summary(changes))
    revise(uow, order, ctx, "edit", reason, what)
    order.events.append(OrderUpdated(order.number, order.customer.code, order.version, what, ctx.user.name))
    return Done("order_updated", {"number": order.number, "version": order.version}, order)


def cancel_through_change(cmd: c.CancelOrder, uow: UnitOfWork, ctx: Context) -> Done | ChangeView:
    """`cancel SO-…` on a confirmed order is a customer's change: it becomes a change request."""
    return request_change(c.RequestChange(cmd.number, (c.ChangeInput("cancel"),), cmd.reason), uow, ctx)


# -- deciding ----------------------------------------------------------------------------------
def load_change(uow: UnitOfWork, number: str, lock: bool = False) -> ChangeRequest:
    cr = uow.changes.get(number.strip().upper(), lock=lock)
    if cr is None:
        raise NotFound("change_request", number)
    return cr


def delegations_today(uow: UnitOfWork, ctx: Context) -> list[Delegation]:
    return list(uow.changes.delegations(ctx.today))


def _named_role(cr: ChangeRequest, name: str | None) -> Role | None:
    """``approve CR-… as ROLE``: a role the request requires (None: not named)."""
    if name is None:
        return None
    try:
        role = Role(name.strip().lower())
    except ValueError:
        raise InvalidInput("unknown_role", role=name, allowed=", ".join(r.value for r in Role)) from None
    if role not in cr.required_roles:
        raise InvalidInput("cr_role_not_required", number=cr.number, role=role.value,
                           roles=", ".join(r.value for r in cr.required_roles))  # fmt: skip
    return role


def _decided_as(acting: Acting) -> str:
    """What the decision counts for, for the audit trail: the role, and a backup's holder or an admin's standing
    (``finance``, ``sales_manager for wang``, ``admin as production``)."""
    if acting.behalf:
        return f"{acting.role.value} for {acting.behalf}"
    return f"admin as {acting.role.value}" if acting.by_admin else acting.role.value


def approve_change(cmd: c.ApproveChange, uow: UnitOfWork, ctx: Context) -> ChangeView:
    """One decision counts for one role: without ``as ROLE`` the first pending role the approver holds or stands
    in for; a second approve from someone who already approved in this round (a double click, a retry) is
    answered "already approved" and records nothing."""
    cr = load_change(uow, cmd.number, lock=True)
    mine = cr.approved_by(ctx.user.name)
    if cr.is_decided:
        if mine:  # a double click or a retry: already done
            return ChangeView("cr_already_approved", cr, load_order(uow, cr.order_number))
        raise Conflict("cr_already_decided", number=cr.number, cr_status=cr.status.value)
    role = _named_role(cr, cmd.role)
    if mine and (role is None or role in {d.role for d in mine}):
        return ChangeView("cr_already_approved", cr, load_order(uow, cr.order_number))
    if role is not None and role not in cr.pending_roles():
        done = cr.approvals()[role]
        raise Conflict("cr_role_done", number=cr.number, role=role.value, who=done.approver)
    if not cr.pending_roles():
        raise Conflict("cr_nothing_pending", number=cr.number)
    acting = cr.acting_for(ctx.user, delegations_today(uow, ctx), role, ctx.changes)
    order = load_order(uow, cr.order_number)
    if order.version != cr.base_version:
        return _reassess(uow, cr, order, ctx)
    cr.approve(acting, ctx.user.name, ctx.now, order.version)
    roles = (acting.role.value,)
    _audit(uow, ctx, "cr_approve", cr.number, order.version, _decided_as(acting))
    if cr.pending_roles():
        cr.events.append(ChangeApprovalRecorded(cr.number, order.number, roles, ctx.user.name,
                                                tuple(r.value for r in cr.pending_roles())))  # fmt: skip
        return ChangeView("cr_approval_recorded", cr, order, {"roles": ", ".join(roles)})
    # The last approval: assess again on the order as it is now. A stage move (production started)
    # may call for a role nobody asked yet; then it waits for that role instead of applying.
    impact, required = _assessed(uow, order, cr.requested, ctx)
    cr.impact = impact.to_dict()
    added = cr.add_required(required)
    if added:
        cr.events.append(ChangeApprovalRecorded(cr.number, order.number, roles, ctx.user.name,
                                                tuple(r.value for r in cr.pending_roles())))  # fmt: skip
        return ChangeView("cr_needs_more", cr, order, {"roles": ", ".join(r.value for r in added)})
    return _apply(uow, cr, order, ctx)


def _reassess(uow: UnitOfWork, cr: ChangeRequest, order: Order, ctx: Context) -> ChangeView:
    """The order changed since the request was assessed: never apply blindly. Resolve what was typed
    against the new version; if it still makes sense, a new round of approvals on the new impact."""
    old_version = cr.base_version
    try:
        inputs = tuple(c.ChangeInput.from_dict(i) for i in cr.inputs)
        changes = resolve(order, inputs, uow.products.get, ctx.today)
        if order.status in EDITABLE:
            raise Conflict("order_not_changeable", number=order.number, status=order.status.value)
    except (InvalidInput, NotFound, Conflict) as gone:
        cr.close(CRStatus.stale, ctx.now, gone.code)
        cr.events.append(ChangeReassessed(cr.number, order.number, order.version, (), True, gone.code))
        _audit(uow, ctx, "cr_stale", cr.number, order.version, gone.code)
        return ChangeView("cr_went_stale", cr, order, {"old": old_version, "version": order.version})
    impact, required = _assessed(uow, order, changes, ctx)
    cr.reassess([ch.to_dict() for ch in changes], impact.to_dict(), required, order.version, ctx.now)
    roles = tuple(r.value for r in cr.required_roles)
    cr.events.append(ChangeReassessed(cr.number, order.number, order.version, roles, False))
    _audit(uow, ctx, "cr_reassess", cr.number, order.version, f"v{old_version} -> v{order.version}")
    return ChangeView("cr_stale", cr, order, {"old": old_version, "version": order.version})


def _apply(uow: UnitOfWork, cr: ChangeRequest, order: Order, ctx: Context) -> ChangeView:
    changes = cr.requested
    apply_with_stock(uow, order, changes, ctx, cr.reason, cr.number)
    revise(uow, order, ctx, "change", cr.reason, cr.number)
    cr.close(CRStatus.approved, ctx.now)
    cr.applied_version = order.version
    cr.events.append(ChangeApproved(cr.number, order.number, cr.customer, order.version, ctx.user.name,
                                    cr.requested_by))  # fmt: skip
    order.events.append(
        OrderChanged(order.number, order.customer.code, cr.number, order.version, summary(changes), order.due_date,
                     order.amount, ctx.user.name)
    )  # fmt: skip
    _tell_customer(cr, "approved", "", order.version)
    return ChangeView("cr_applied", cr, order, {"version": order.version})


def _tell_customer(cr: ChangeRequest, outcome: str, reason: str, version: int | None) -> None:
    """A request a customer's contact filed: the customer hears how it was decided."""
    if cr.requested_by.startswith(CUSTOMER_PREFIX):
        cr.events.append(CustomerChangeDecided(cr.order_number, cr.customer, cr.number, outcome, reason, version))


def reject_change(cmd: c.RejectChange, uow: UnitOfWork, ctx: Context) -> ChangeView:
    reason = cmd.reason.strip()
    if not reason:
        raise InvalidInput("reason_required")
    cr = load_change(uow, cmd.number, lock=True)
    cr.require_pending()
    if not cr.pending_roles():
        raise Conflict("cr_nothing_pending", number=cr.number)
    acting = cr.acting_for(ctx.user, delegations_today(uow, ctx), None, None, "reject")
    order = load_order(uow, cr.order_number)
    cr.reject(acting, ctx.user.name, ctx.now, reason, order.version)
    _audit(uow, ctx, "cr_reject", cr.number, order.version, _decided_as(acting), reason)
    cr.events.append(ChangeRejected(cr.number, order.number, cr.customer, ctx.user.name, reason, cr.requested_by))
    _tell_customer(cr, "rejected", reason, None)
    return ChangeView("cr_rejected", cr, order)


def withdraw_change(cmd: c.WithdrawChange, uow: UnitOfWork, ctx: Context) -> ChangeView:
    cr = load_change(uow, cmd.number, lock=True)
    cr.require_pending()
    if ctx.user.name != cr.requested_by:
        ctx.user.require("withdraw", Role.sales_manager)
    cr.close(CRStatus.withdrawn, ctx.now, cmd.reason.strip())
    _audit(uow, ctx, "cr_withdraw", cr.number, None, "", cmd.reason.strip())
    cr.events.append(ChangeWithdrawn(cr.number, cr.order_number, ctx.user.name))
    return ChangeView("cr_withdrawn", cr, load_order(uow, cr.order_number))
