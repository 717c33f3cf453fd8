"""What the command-language tests share: the day they parse on, the document numbers they expect, and D."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

TODAY = date(2026, 11, 22)  # a Sunday
N1, N12 = "SO-2026-000001", "SO-2026-000012"
PO1, WO1 = "PO-2026-000001", "WO-2026-000001"


def D(text: str) -> Decimal:  # noqa: N802 - reads like the constructor it wraps
    return Decimal(text)
