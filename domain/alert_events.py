"""Events the scheduler's scans record: alerts raised, escalated and cleared, and the daily digests.

Their fields are what the routes in orderbot.toml may name: ``user:{owner}``, ``role:{role}``,
``user:{approver}``, ``role:{escalate_to}``, ``channel:{channel}``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import ClassVar

from domain.events import Event


@dataclass(frozen=True)
class OrderOverdue(Event):
    kind: ClassVar[str] = "alert_overdue"
    number: str
    customer: str
    owner: str
    status: str
    due_date: date
    days: int  # days late


@dataclass(frozen=True)
class OrderDueSoon(Event):
    kind: ClassVar[str] = "alert_due_soon"
    number: str
    customer: str
    owner: str
    status: str
    due_date: date
    days: int  # days left


@dataclass(frozen=True)
class StageOverdue(Event):
    """An order stayed in a stage longer than its SLA: the stage's owner role is told."""

    kind: ClassVar[str] = "alert_stage_sla"
    number: str
    customer: str
    owner: str
    stage: str
    hours: int  # how long it has been there
    sla_hours: int
    role: str


@dataclass(frozen=True)
class ApprovalWaiting(Event):
    """A reminder to one approver: a change request waits for their role."""

    kind: ClassVar[str] = "alert_approval_waiting"
    cr: str
    number: str
    customer: str
    role: str
    approver: str
    hours: int


@dataclass(frozen=True)
class ApprovalEscalated(Event):
    """Nobody decided in time: the manager role (and the approvals channel) is told."""

    kind: ClassVar[str] = "alert_approval_escalated"
    cr: str
    number: str
    customer: str
    roles: tuple[str, ...]
    hours: int
    escalate_to: str


@dataclass(frozen=True)
class AlertCleared(Event):
    """A late or stuck order is moving again (shipped, rescheduled, cancelled, next stage)."""

    kind: ClassVar[str] = "alert_cleared"
    alert: str  # the alert's kind: overdue | stage
    number: str
    customer: str
    status: str  # where the order is now
    stage: str = ""


@dataclass(frozen=True)
class DailySummary(Event):
    kind: ClassVar[str] = "daily_summary"
    channel: str
    day: date
    customer: str  # "*" for every customer
    new: int
    confirmed: int
    shipped: int
    late: int

    def key(self) -> str:
        return self.channel


@dataclass(frozen=True)
class StockDigest(Event):
    """The morning list of products below safety stock, with what to buy or make."""

    kind: ClassVar[str] = "stock_digest"
    day: date
    items: tuple[tuple[str, str, str, str], ...]  # (sku, available, safety stock, suggested)

    def key(self) -> str:
        return "stock"


@dataclass(frozen=True)
class DeliveryFailed(Event):
    """Notifications were given up on after their tries: the admins hear it once per new failure, not only
    when someone happens to look at `admin outbox`."""

    kind: ClassVar[str] = "alert_delivery_failed"
    dead: int  # how many are given up on now
    audience: str  # where the newest was going
    error: str  # why it failed, as the platform said

    def key(self) -> str:
        return "outbox"
