"""The order's life: its statuses and the only transitions allowed between them."""

from __future__ import annotations

import enum


class Status(enum.StrEnum):
    draft = "draft"
    pending_confirmation = "pending_confirmation"
    confirmed = "confirmed"
    in_production = "in_production"
    ready = "ready"
    shipped = "shipped"
    delivered = "delivered"
    closed = "closed"
    on_hold = "on_hold"
    cancelled = "cancelled"


S = Status

# The main line an order walks; `advance` moves one step along it.
MAIN_LINE: tuple[Status, ...] = (
    S.draft,
    S.pending_confirmation,
    S.confirmed,
    S.in_production,
    S.ready,
    S.shipped,
    S.delivered,
    S.closed,
)

# A salesperson may confirm a draft directly; a buy-only order may skip production.
TRANSITIONS: dict[Status, frozenset[Status]] = {
    S.draft: frozenset({S.pending_confirmation, S.confirmed, S.cancelled}),
    S.pending_confirmation: frozenset({S.confirmed, S.draft, S.on_hold, S.cancelled}),
    S.confirmed: frozenset({S.in_production, S.ready, S.on_hold, S.cancelled}),
    S.in_production: frozenset({S.ready, S.on_hold, S.cancelled}),
    S.ready: frozenset({S.shipped, S.on_hold, S.cancelled}),
    S.shipped: frozenset({S.delivered}),
    S.delivered: frozenset({S.closed}),
    S.closed: frozenset(),
    # Resuming goes back to where the order was; that target is checked against held_from.
    S.on_hold: frozenset({S.pending_confirmation, S.confirmed, S.in_production, S.ready, S.cancelled}),
    S.cancelled: frozenset(),
}

# Open orders count against the customer's credit and show in "my open orders".
OPEN: frozenset[Status] = frozenset(
    {S.pending_confirmation, S.confirmed, S.in_production, S.ready, S.shipped, S.on_hold}
)
# Still owed to the customer: an order in one of these past its due date is overdue.
NOT_SHIPPED: frozenset[Status] = frozenset(
    {S.draft, S.pending_confirmation, S.confirmed, S.in_production, S.ready, S.on_hold}
)
TERMINAL: frozenset[Status] = frozenset({S.closed, S.cancelled})
# Terms (lines, prices, dates) may be edited directly only before confirmation.
EDITABLE: frozenset[Status] = frozenset({S.draft, S.pending_confirmation})
# After confirmation, and until it ships, an order changes through a change request.
CHANGEABLE: frozenset[Status] = frozenset({S.confirmed, S.in_production, S.ready, S.on_hold})
# Orders that hold stock for their lines (or wait for it).
HOLDS_STOCK: frozenset[Status] = CHANGEABLE


def allowed_from(status: Status) -> tuple[Status, ...]:
    return tuple(s for s in Status if s in TRANSITIONS[status])


def next_on_main_line(status: Status) -> Status | None:
    if status not in MAIN_LINE:
        return None
    i = MAIN_LINE.index(status)
    return MAIN_LINE[i + 1] if i + 1 < len(MAIN_LINE) else None
