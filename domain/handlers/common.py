"""Helpers every order handler shares: loading, and writing a version with its audit entry."""

from __future__ import annotations

from domain.errors import NotFound
from domain.history import AuditEntry, OrderVersion
from domain.orders import Order
from domain.ports import Context, UnitOfWork


def load_order(uow: UnitOfWork, number: str) -> Order:
    order = uow.orders.get(number.strip().upper())
    if order is None:
        raise NotFound("order", number)
    return order


def revise(uow: UnitOfWork, order: Order, ctx: Context, action: str, reason: str = "", detail: str = "") -> None:
    """A change of the order's terms (lines, quantities, prices, dates, cancellation by change request):
    a new version with a full snapshot, plus an audit entry, in the same transaction.

    Version 1 is the order as entered; version 2 is its first revision. Stage moves are not revisions
    of what was agreed with the customer: they go to the audit trail only (see ``record``)."""
    order.version += 1
    order.updated_at = ctx.now
    order.reassess_risk()  # new dates or quantities may make or break a promise
    actor = ctx.user.name
    uow.history.add_version(
        OrderVersion(order.number, order.version, ctx.now, actor, ctx.front.value, action, reason, order.snapshot())
    )
    uow.history.audit(
        AuditEntry(ctx.now, actor, ctx.front.value, action, order.number, "ok", order.version, detail, reason)
    )


def record(uow: UnitOfWork, order: Order, ctx: Context, action: str, reason: str = "", detail: str = "") -> None:
    """A stage move (submit, confirm, hold, ship, ...): an audit entry at the order's current version."""
    order.updated_at = ctx.now
    uow.history.audit(
        AuditEntry(ctx.now, ctx.user.name, ctx.front.value, action, order.number, "ok", order.version, detail, reason)
    )
