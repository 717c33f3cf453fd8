"""Helpers every order handler shares: loading, and writing a version with its audit entry."""

from __future__ import annotations

from datetime import date

from domain.commands import DueInput, DueShift
from domain.errors import InvalidInput, NotFound
from domain.history import AuditEntry, OrderVersion
from domain.orders import Order
from domain.ports import Context, UnitOfWork


def load_order(uow: UnitOfWork, number: str) -> Order:
    order = uow.orders.get(number.strip().upper())
    if order is None:
        raise NotFound("order", number)
    return order


def record(uow: UnitOfWork, order: Order, ctx: Context, action: str, reason: str = "", detail: str = "") -> None:
    """Every change of an order: a new version (full snapshot) plus an audit entry, same transaction."""
    order.version += 1
    order.updated_at = ctx.now
    actor = ctx.user.name
    uow.history.add_version(
        OrderVersion(order.number, order.version, ctx.now, actor, ctx.front.value, action, reason, order.snapshot())
    )
    uow.history.audit(
        AuditEntry(ctx.now, actor, ctx.front.value, action, order.number, "ok", order.version, detail, reason)
    )


def resolve_due(value: DueInput, current: date | None, today: date) -> date:
    if isinstance(value, DueShift):
        shift = value
        if current is None:
            raise InvalidInput("date_needs_due", phrase=shift.phrase)
        try:
            value = date.fromordinal(current.toordinal() + shift.days)
        except (ValueError, OverflowError):
            raise InvalidInput("date_not_understood", phrase=shift.phrase) from None
    if value < today:
        raise InvalidInput("date_in_past", date=value.isoformat())
    return value
