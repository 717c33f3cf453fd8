"""Stock for orders: reserve on confirmation, backorder the shortage, release, ship, and fill
backorders from new stock — strategic customers first, then key, then normal; earliest due first."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, timedelta
from decimal import Decimal

from domain.errors import Conflict
from domain.events import OrderBackordered, OrderStockComplete
from domain.money import plain
from domain.orders import Order, OrderLine
from domain.parties import Tier
from domain.stock import StockItem, Who

ZERO = Decimal(0)
TIER_RANK = {Tier.strategic: 0, Tier.key: 1, Tier.normal: 2}


def _item(stock: Mapping[int, StockItem], line: OrderLine) -> StockItem:
    assert line.product.id is not None
    return stock[line.product.id]


def reserve_order(order: Order, stock: Mapping[int, StockItem], who: Who) -> list[OrderLine]:
    """Reserve what is available for every line still needing stock; returns the lines left short."""
    short: list[OrderLine] = []
    for ln in sorted(order.lines, key=lambda ln: ln.line_no):
        need = ln.quantity - ln.reserved_qty - ln.shipped_qty
        if need <= 0:
            continue
        taken = _item(stock, ln).reserve(need, who, order.number, ln.line_no)
        ln.reserved_qty += taken
        ln.backorder_qty = need - taken
        if ln.backorder_qty > 0:
            short.append(ln)
    if short:
        order.events.append(
            OrderBackordered(
                order.number,
                order.customer.code,
                tuple((ln.line_no, ln.product.sku, plain(ln.backorder_qty)) for ln in short),
            )
        )
    return short


def release_order(order: Order, stock: Mapping[int, StockItem], who: Who) -> None:
    """Give back every reservation and forget the backorders (a cancelled order needs nothing)."""
    for ln in order.lines:
        _item(stock, ln).release(ln.reserved_qty, who, order.number, ln.line_no)
        ln.reserved_qty = ZERO
        ln.backorder_qty = ZERO


def ship_order(order: Order, stock: Mapping[int, StockItem], who: Who) -> None:
    short = [ln for ln in order.lines if ln.backorder_qty > 0]
    if short:
        detail = ", ".join(f"{ln.line_no} {ln.product.sku} −{plain(ln.backorder_qty)}" for ln in short)
        raise Conflict("ship_short", number=order.number, lines=detail)
    for ln in order.lines:
        if ln.reserved_qty > 0:
            _item(stock, ln).ship(ln.reserved_qty, who, order.number, ln.line_no)
            ln.shipped_qty += ln.reserved_qty
            ln.reserved_qty = ZERO


def priority(order: Order) -> tuple[int, date, int]:
    return (TIER_RANK[order.customer.tier], order.due_date or date.max, order.id or 0)


Fill = tuple[Order, OrderLine, Decimal]


def fill_backorders(item: StockItem, waiting: Iterable[Order], who: Who) -> list[Fill]:
    """Give newly free stock of ``item`` to waiting order lines by priority; returns what each line got.

    An order whose every line is now covered is announced; the notice rides on the stock item so
    notices go out in the order the stock was given.
    """
    fills: list[Fill] = []
    for order in sorted(waiting, key=priority):
        if item.available <= 0:
            break
        got = False
        for ln in order.lines:
            if ln.product.id == item.product.id and ln.backorder_qty > 0:
                taken = item.reserve(ln.backorder_qty, who, order.number, ln.line_no)
                ln.reserved_qty += taken
                ln.backorder_qty -= taken
                if taken > 0:
                    fills.append((order, ln, taken))
                    got = True
        if got and all(ln.backorder_qty <= 0 for ln in order.lines):
            item.events.append(OrderStockComplete(order.number, order.customer.code, who.actor))
    return fills


def take_back(item: StockItem, amount: Decimal, holders: Iterable[Order]) -> None:
    """An audited count took ``amount`` of reservation back: the last in priority lose it first."""
    for order in sorted(holders, key=priority, reverse=True):
        for ln in order.lines:
            if amount <= 0:
                return
            if ln.product.id == item.product.id and ln.reserved_qty > 0:
                moved = min(amount, ln.reserved_qty)
                ln.reserved_qty -= moved
                ln.backorder_qty += moved
                amount -= moved


def available_to_promise(
    qty: Decimal,
    available: Decimal,
    waiting: Decimal,
    incoming: Iterable[tuple[date | None, Decimal]],
    lead_time_days: int,
    today: date,
) -> date:
    """The earliest date ``qty`` can be promised: now, when arriving supply covers it (after the
    backorders already waiting for it), or else the product's lead time from today."""
    if available >= qty:
        return today
    fallback = today + timedelta(days=lead_time_days)
    pool = available - waiting
    for when, arriving in sorted(incoming, key=lambda x: x[0] or fallback):
        pool += arriving
        if pool >= qty:
            return max(today, when or fallback)
    return fallback
