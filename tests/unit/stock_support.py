"""What the stock-domain tests share: a fixed moment and actor, the nut they stock, a stock item with an
opening balance, and the sums of an item's moves."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from domain.parties import Product
from domain.stock import StockItem, Who

NOW = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)
TODAY = NOW.date()
WHO = Who("wang", NOW, "test")
D = Decimal


def nut(safety: str = "0", pid: int = 1) -> Product:
    return Product("NUT-M8", "nut", safety_stock=D(safety), lead_time_days=14, id=pid)


def stocked(on_hand: str | int = 0, product: Product | None = None) -> StockItem:
    item = StockItem(product or nut(), product_id=(product or nut()).id)
    if D(on_hand):
        item.adjust(D(on_hand), Who("wang", NOW, "opening"))
    return item


def sums(item: StockItem) -> tuple[Decimal, Decimal]:
    return sum((m.on_hand_delta for m in item.moves), D(0)), sum((m.reserved_delta for m in item.moves), D(0))
