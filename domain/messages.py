"""The two kinds of message the core takes — commands (change something) and queries (read something) —
and the inputs several of them share. Dates arrive resolved to calendar dates, except shifts of an order's
due date (``DueShift``), which only the handler can resolve against the order it loads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class DueShift:
    """A due date expressed as a shift of the order's current due date (提前两周 = -14)."""

    days: int
    phrase: str


DueInput = date | DueShift


class Command:
    """Base: something that changes state and writes history."""


class Query:
    """Base: something that only reads."""


@dataclass(frozen=True)
class LineInput:
    sku: str
    quantity: Decimal
    unit_price: Decimal | None = None
    requested_date: date | None = None
