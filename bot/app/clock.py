"""Clocks: the real one, and a fixed one that tests and scripted demos move by hand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


@dataclass
class FixedClock:
    at: datetime

    def now(self) -> datetime:
        return self.at

    def advance(self, **delta: float) -> None:
        self.at += timedelta(**delta)


def parse_instant(text: str) -> datetime:
    """ISO date or date-time for ORDERBOT_NOW; a bare date means 09:00 UTC that day."""
    value = datetime.fromisoformat(text if "T" in text or " " in text else f"{text}T09:00:00")
    return value if value.tzinfo else value.replace(tzinfo=UTC)
