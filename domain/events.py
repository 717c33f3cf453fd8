"""Domain events: facts the core records; the outbox carries them to people.

Each event is a frozen dataclass with a ``kind``; ``payload()`` is what the outbox stores
(JSON-safe: dates and decimals as strings) and what renderers read back.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Any, ClassVar

from domain.money import plain


@dataclass(frozen=True)
class Event:
    kind: ClassVar[str] = "event"

    def key(self) -> str:
        """The aggregate the event is about (used to keep one order's messages in sequence)."""
        return str(getattr(self, "number", ""))

    def payload(self) -> dict[str, Any]:
        return {k: _plain(v) for k, v in dataclasses.asdict(self).items()}


def _plain(value: Any) -> Any:
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    return value


@dataclass(frozen=True)
class OrderCreated(Event):
    kind: ClassVar[str] = "order_created"
    number: str
    customer: str
    amount: Decimal
    by: str


@dataclass(frozen=True)
class OrderUpdated(Event):
    kind: ClassVar[str] = "order_updated"
    number: str
    customer: str
    version: int
    what: str
    by: str


@dataclass(frozen=True)
class OrderStatusChanged(Event):
    kind: ClassVar[str] = "order_status_changed"
    number: str
    customer: str
    old: str
    new: str
    by: str
    reason: str = ""


@dataclass(frozen=True)
class OrderConfirmed(Event):
    kind: ClassVar[str] = "order_confirmed"
    number: str
    customer: str
    amount: Decimal
    due_date: date | None
    confirmed_dates: tuple[tuple[int, str, str], ...]  # (line no, sku, date)
    by: str


@dataclass(frozen=True)
class OrderAtRisk(Event):
    """Confirmed with a line promised after the date the customer asked for: the order is marked at risk."""

    kind: ClassVar[str] = "order_at_risk"
    number: str
    customer: str
    owner: str
    lines: tuple[tuple[int, str, str, str], ...]  # (line no, sku, promised, asked for)
    by: str


@dataclass(frozen=True)
class OrderShipped(Event):
    kind: ClassVar[str] = "order_shipped"
    number: str
    customer: str
    carrier: str
    tracking: str
    by: str


@dataclass(frozen=True)
class RoleChanged(Event):
    kind: ClassVar[str] = "role_changed"
    user: str
    role: str
    granted: bool
    by: str

    def key(self) -> str:
        return self.user


@dataclass(frozen=True)
class StockLow(Event):
    kind: ClassVar[str] = "stock_low"
    sku: str
    available: Decimal
    safety_stock: Decimal
    suggested_qty: Decimal
    warehouse: str

    def key(self) -> str:
        return self.sku


@dataclass(frozen=True)
class StockRecovered(Event):
    kind: ClassVar[str] = "stock_recovered"
    sku: str
    available: Decimal
    safety_stock: Decimal
    warehouse: str

    def key(self) -> str:
        return self.sku


@dataclass(frozen=True)
class OrderBackordered(Event):
    kind: ClassVar[str] = "order_backordered"
    number: str
    customer: str
    short: tuple[tuple[int, str, str], ...]  # (line no, sku, quantity short)


@dataclass(frozen=True)
class OrderStockComplete(Event):
    """Every line of an order is now fully reserved: it can be shipped when it is ready."""

    kind: ClassVar[str] = "order_stock_complete"
    number: str
    customer: str
    by: str


@dataclass(frozen=True)
class PurchaseOrderReceived(Event):
    kind: ClassVar[str] = "po_received"
    number: str
    supplier: str
    lines: tuple[tuple[str, str], ...]  # (sku, quantity received now)
    complete: bool
    by: str


@dataclass(frozen=True)
class WorkOrderDone(Event):
    kind: ClassVar[str] = "wo_done"
    number: str
    sku: str
    done: Decimal
    scrap: Decimal
    order_number: str
    by: str


# -- change requests: ``number`` is the order's, so one order's messages stay in sequence --------
@dataclass(frozen=True)
class ChangeRequested(Event):
    kind: ClassVar[str] = "cr_created"
    cr: str
    number: str
    customer: str
    kinds: tuple[str, ...]
    risk: str
    required: tuple[str, ...]  # roles that must approve
    by: str
    reason: str


@dataclass(frozen=True)
class ChangeApprovalRecorded(Event):
    """One approver's approval, while others are still awaited."""

    kind: ClassVar[str] = "cr_approval"
    cr: str
    number: str
    roles: tuple[str, ...]
    by: str
    pending: tuple[str, ...]


@dataclass(frozen=True)
class ChangeApproved(Event):
    """The last approval: the change is applied in the same transaction."""

    kind: ClassVar[str] = "cr_approved"
    cr: str
    number: str
    customer: str
    version: int
    by: str
    requested_by: str


@dataclass(frozen=True)
class ChangeRejected(Event):
    kind: ClassVar[str] = "cr_rejected"
    cr: str
    number: str
    customer: str
    by: str
    reason: str
    requested_by: str


@dataclass(frozen=True)
class ChangeReassessed(Event):
    """The order moved on before the last approval: assessed again, approvals start over (or it went stale)."""

    kind: ClassVar[str] = "cr_reassessed"
    cr: str
    number: str
    version: int
    required: tuple[str, ...]
    stale: bool
    note: str = ""


@dataclass(frozen=True)
class ChangeWithdrawn(Event):
    kind: ClassVar[str] = "cr_withdrawn"
    cr: str
    number: str
    by: str


@dataclass(frozen=True)
class OrderChanged(Event):
    """Customer-facing: the order's terms changed (by an approved change request)."""

    kind: ClassVar[str] = "order_changed"
    number: str
    customer: str
    cr: str
    version: int
    changes: tuple[tuple[str, str, str, str], ...]  # (kind, sku, old, new)
    due_date: date | None
    amount: Decimal
    by: str


@dataclass(frozen=True)
class CustomerChangeDecided(Event):
    """A change request a customer's contact filed was decided: the customer is told."""

    kind: ClassVar[str] = "customer_change_decided"
    number: str
    customer: str
    cr: str
    outcome: str  # approved | rejected
    reason: str
    version: int | None
