"""Alerts: conditions the scheduler watches (an order late or stuck in a stage, an approval waiting too
long), each raised once while it holds, escalated at most once per level, cleared when it is gone —
and raised again if it comes back.

The scans find what holds *now* (``Finding``); ``reconcile`` compares that with the alerts already
raised and says what is new, what got worse and what is over. The state lives in the database, so a
restart, a second scheduler or a scan run twice never says the same thing twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, time
from typing import Any, Protocol

from domain.lifecycle import Status
from domain.users import Role

SCANS = ("overdue", "due_soon", "at_risk", "stages", "approvals", "stock", "summary", "delivery")


@dataclass(frozen=True)
class StageSla:
    """How long an order may stay in a stage, and which role owns getting it out."""

    hours: float
    role: Role


# A new order should be confirmed within a day; the rest is what a small factory calls "stuck".
DEFAULT_STAGES: dict[Status, StageSla] = {
    Status.pending_confirmation: StageSla(24, Role.sales_manager),
    Status.confirmed: StageSla(72, Role.production),  # confirmed, production not started
    Status.ready: StageSla(48, Role.warehouse),  # finished, not shipped
    Status.on_hold: StageSla(120, Role.sales_manager),
}
DEFAULT_ESCALATION: dict[Role, Role] = {
    Role.sales_manager: Role.admin,
    Role.finance: Role.sales_manager,
    Role.production: Role.sales_manager,
    Role.tech: Role.sales_manager,
}


@dataclass(frozen=True)
class AlertPolicy:
    """From orderbot.toml [alerts]."""

    due_soon_days: int = 3  # heads-up this many days before the due date (0: none)
    stages: Mapping[Status, StageSla] = field(default_factory=lambda: dict(DEFAULT_STAGES))
    approval_remind_hours: float = 8
    approval_escalate_hours: float = 24
    escalate_to: Mapping[Role, Role] = field(default_factory=lambda: dict(DEFAULT_ESCALATION))
    summary_at: time | None = time(18, 0)  # local time of the daily summary (None: none)
    summary_channels: Mapping[str, str] = field(default_factory=lambda: {"orders": "*"})  # channel -> customer|*
    stock_digest_at: time | None = time(8, 30)  # local time of the morning low-stock digest (None: none)
    timezone: str = "Asia/Shanghai"

    def escalation_for(self, role: Role) -> Role:
        return self.escalate_to.get(role, Role.admin)


@dataclass
class Alert:
    """The stored state of one alert."""

    key: str
    kind: str
    subject: str
    level: int
    active: bool
    raised_at: datetime
    cleared_at: datetime | None = None
    times: int = 1
    detail: dict[str, Any] = field(default_factory=dict)
    escalated_at: datetime | None = None  # when it reached its level above 1 (to whom: detail["escalate_to"])


@dataclass(frozen=True)
class Finding:
    """A condition that holds now: ``level`` 1 for the alert, 2 (or more) once it should be escalated."""

    key: str
    subject: str
    level: int = 1
    detail: Mapping[str, Any] = field(default_factory=dict)


class AlertStore(Protocol):
    def active(self, kind: str) -> dict[str, Alert]: ...
    def raise_alert(self, key: str, kind: str, subject: str, level: int, now: datetime, detail: dict[str, Any]) -> bool:
        """Mark it raised; True only for the call that raised it (new, or back after a clear)."""
        ...

    def escalate(self, key: str, level: int, now: datetime) -> bool:
        """True only for the call that moved it up to ``level`` (and stamped ``escalated_at``; an alert raised
        at a level above 1 is stamped when raised)."""
        ...

    def clear(self, key: str, now: datetime) -> bool: ...
    def mark_once(self, key: str, kind: str, now: datetime) -> bool:
        """For things done once (a day's summary): True for the first call only, ever."""
        ...


@dataclass
class Outcome:
    raised: list[Finding] = field(default_factory=list)
    escalated: list[Finding] = field(default_factory=list)
    cleared: list[Alert] = field(default_factory=list)


def reconcile(store: AlertStore, kind: str, found: Mapping[str, Finding], now: datetime) -> Outcome:
    """What changed since the last scan of ``kind``: raised, escalated, cleared. Every step is a
    conditional write, so of two scans running at once only one reports each change."""
    active = store.active(kind)
    out = Outcome()
    for key, finding in found.items():
        current = active.get(key)
        if current is None:
            if store.raise_alert(key, kind, finding.subject, finding.level, now, dict(finding.detail)):
                out.raised.append(finding)
        elif finding.level > current.level and store.escalate(key, finding.level, now):
            out.escalated.append(finding)
    for key, alert in active.items():
        if key not in found and store.clear(key, now):
            out.cleared.append(alert)
    return out
