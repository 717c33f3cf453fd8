"""Stock, purchasing and work orders: the commands and queries of the warehouse, buyers and production.
Every one is reachable from ``domain.commands`` too."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.messages import Command, Query


@dataclass(frozen=True)
class StockView(Query):
    sku: str


@dataclass(frozen=True)
class StockLowList(Query):
    pass


@dataclass(frozen=True)
class AvailableToPromise(Query):
    sku: str
    quantity: Decimal


@dataclass(frozen=True)
class StockLedger(Query):
    sku: str
    order_number: str | None = None


@dataclass(frozen=True)
class AdjustStock(Command):
    """delta: a correction (+/-); counted: the quantity found by a count (exactly one of the two)."""

    sku: str
    reason: str
    delta: Decimal | None = None
    counted: Decimal | None = None
    override: bool = False


@dataclass(frozen=True)
class CreatePurchaseOrder(Command):
    lines: tuple[tuple[str, Decimal], ...]
    supplier: str = ""
    eta: date | None = None


@dataclass(frozen=True)
class PurchaseFromSuggestions(Command):
    skus: tuple[str, ...] = ()  # empty: every current suggestion
    supplier: str = ""
    eta: date | None = None


@dataclass(frozen=True)
class ApprovePurchaseOrder(Command):
    number: str


@dataclass(frozen=True)
class ReceivePurchaseOrder(Command):
    number: str
    lines: tuple[tuple[str, Decimal], ...] = ()  # empty: everything still open


@dataclass(frozen=True)
class CancelPurchaseOrder(Command):
    number: str


@dataclass(frozen=True)
class ShowPurchaseOrder(Query):
    number: str


@dataclass(frozen=True)
class ListPurchaseOrders(Query):
    all: bool = False


@dataclass(frozen=True)
class PurchaseSuggestions(Query):
    pass


@dataclass(frozen=True)
class ShowWorkOrder(Query):
    number: str


@dataclass(frozen=True)
class ListWorkOrders(Query):
    order_number: str | None = None
    all: bool = False


@dataclass(frozen=True)
class MoveWorkOrder(Command):
    number: str
    target: str  # released | in_progress | done | cancelled


@dataclass(frozen=True)
class ReportWorkOrder(Command):
    number: str
    good: Decimal
    scrap: Decimal = Decimal(0)
