"""The fixed days the date tests read against (never the clock)."""

from __future__ import annotations

from datetime import date

SUNDAY = date(2026, 11, 22)
WEDNESDAY = date(2026, 11, 18)
