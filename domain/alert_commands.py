"""Commands and queries of the scheduler's scans and of delivery administration."""

from __future__ import annotations

from dataclasses import dataclass

from domain.alerts import SCANS
from domain.messages import Command, Query


@dataclass(frozen=True)
class RunScans(Command):
    """Run these scans now (the scheduler runs each on its own; an admin may ask in chat)."""

    kinds: tuple[str, ...] = SCANS


@dataclass(frozen=True)
class ListAlerts(Query):
    """Alerts raised and not yet cleared, and who runs the scheduler."""


@dataclass(frozen=True)
class ListDeadLetters(Query):
    limit: int = 20


@dataclass(frozen=True)
class RetryDeadLetters(Command):
    """Send dead-lettered notifications again: these ids, or every one when empty."""

    ids: tuple[int, ...] = ()
