"""Document numbers, defined once: how each series is written (SO-2026-000123, PO-2026-000007,
WO-2026-000031, CR-12), the counter each draws from, and how a typed number is read back (case and the
dashes are forgiving: so2026123, SO-2026-123)."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True)
class Series:
    prefix: str
    yearly: bool  # SO/PO/WO restart each year and carry it; change requests count on for ever

    @property
    def pattern(self) -> re.Pattern[str]:
        body = r"([0-9]{4})-?([0-9]{1,6})" if self.yearly else r"([0-9]{1,9})"
        return re.compile(rf"^{self.prefix}-?{body}$", re.IGNORECASE)

    def counter(self, year: int) -> str:
        """The name of the counter (``UnitOfWork.next_number``) a new number of ``year`` draws from."""
        return f"{self.prefix}-{year}" if self.yearly else self.prefix

    def format(self, seq: int, year: int = 0) -> str:
        return f"{self.prefix}-{year}-{seq:06d}" if self.yearly else f"{self.prefix}-{seq}"

    def issue(self, next_number: Callable[[str], int], year: int = 0) -> str:
        """A new number of ``year``: ``next_number`` is the unit of work's counter (one per series and year)."""
        return self.format(next_number(self.counter(year)), year)

    def read(self, token: str) -> str | None:
        """The number as stored, or None when ``token`` is not one of this series."""
        m = self.pattern.match(token.strip())
        if not m:
            return None
        return self.format(int(m.group(2)), int(m.group(1))) if self.yearly else self.format(int(m.group(1)))

    @property
    def example(self) -> str:
        return self.format(1, 2026) if self.yearly else self.format(12)


ORDER = Series("SO", yearly=True)
PURCHASE_ORDER = Series("PO", yearly=True)
WORK_ORDER = Series("WO", yearly=True)
CHANGE_REQUEST = Series("CR", yearly=False)
