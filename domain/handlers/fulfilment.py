"""What an order's lifecycle does to stock: reserve and promise on confirm, release on cancel,
consume on ship, and catch up on backorders when a held order resumes."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from domain.allocation import available_to_promise, fill_backorders, release_order, reserve_order, ship_order
from domain.handlers.stock import settle, trim_work_orders, who
from domain.numbers import WORK_ORDER
from domain.orders import Order
from domain.parties import MakeOrBuy
from domain.ports import Context, UnitOfWork
from domain.stock import StockItem
from domain.supply import WorkOrder, WOStatus


def lock_for(uow: UnitOfWork, order: Order) -> dict[int, StockItem]:
    """Lock the order's stock rows, then re-read its lines: what they hold may have moved meanwhile."""
    stock = uow.stock.lock([ln.product.id for ln in order.lines if ln.product.id is not None])
    uow.orders.refresh_lines(order)
    return stock


def promised_dates(uow: UnitOfWork, order: Order, stock: dict[int, StockItem], today: date) -> dict[int, date]:
    """Per line: the requested date (or the order's due date), or later when stock cannot make it —
    the earliest date available-to-promise gives for what is short."""
    left = {pid: item.available for pid, item in stock.items()}
    dates: dict[int, date] = {}
    for ln in sorted(order.lines, key=lambda ln: ln.line_no):
        wanted = ln.requested_date or order.due_date or today
        pid = ln.product.id
        assert pid is not None
        if left[pid] >= ln.quantity:
            dates[ln.line_no] = wanted
        else:
            when = available_to_promise(
                ln.quantity, left[pid], uow.stock.waiting_qty(pid), uow.supply.incoming(pid),
                ln.product.lead_time_days, today,
            )  # fmt: skip
            dates[ln.line_no] = max(wanted, when)
        left[pid] = max(Decimal(0), left[pid] - ln.quantity)
    return dates


def promise(uow: UnitOfWork, order: Order, stock: dict[int, StockItem], ctx: Context) -> dict[int, date]:
    """The promise per line, on stock locked by ``lock_for``; the caller confirms, then ``reserve`` runs."""
    return promised_dates(uow, order, stock, ctx.today)


def reserve(uow: UnitOfWork, order: Order, stock: dict[int, StockItem], ctx: Context) -> list[WorkOrder]:
    """Reserve per line; a short make line gets a planned work order, a short buy line becomes a
    purchase suggestion (see `po suggest`)."""
    short = reserve_order(order, stock, who(ctx, "order confirmed"))
    made: list[WorkOrder] = []
    for ln in short:
        if ln.product.make_or_buy is MakeOrBuy.make:
            year = ctx.today.year
            wo = WorkOrder(
                WORK_ORDER.issue(uow.next_number, year), ln.product, ln.backorder_qty, ctx.now,
                order.number, ln.line_no, ln.confirmed_date,
            )  # fmt: skip
            uow.supply.add_wo(wo)
            assert ln.product.id is not None
            stock[ln.product.id].planned += wo.quantity
            made.append(wo)
    settle(uow, stock.values(), ctx, "order confirmed")
    return made


def release(uow: UnitOfWork, order: Order, ctx: Context) -> None:
    """A cancelled order gives its stock back (to whoever waits for it) and its unstarted work orders stop."""
    stock = lock_for(uow, order)
    release_order(order, stock, who(ctx, "order cancelled"))
    for found in uow.supply.wos(open_only=True, order_number=order.number, limit=1000):
        wo = uow.supply.wo(found.number, lock=True)
        if wo is not None and wo.status in (WOStatus.planned, WOStatus.released):
            assert wo.product.id is not None
            item = stock.get(wo.product.id) or uow.stock.lock([wo.product.id])[wo.product.id]
            item.planned = max(Decimal(0), item.planned - wo.remaining)
            wo.move(WOStatus.cancelled)
    settle(uow, stock.values(), ctx, "order cancelled")


def ship(uow: UnitOfWork, order: Order, ctx: Context) -> None:
    stock = lock_for(uow, order)
    ship_order(order, stock, who(ctx, "shipped"))
    settle(uow, stock.values(), ctx, "shipped")


def catch_up(uow: UnitOfWork, order: Order, ctx: Context) -> None:
    """A resumed order takes free stock for what it still waits for."""
    if not any(ln.backorder_qty > 0 for ln in order.lines):
        return
    stock = lock_for(uow, order)
    short = {ln.product.id for ln in order.lines if ln.backorder_qty > 0 and ln.product.id is not None}
    for pid in sorted(short):
        for _, line, taken in fill_backorders(stock[pid], [order], who(ctx, "order resumed")):
            trim_work_orders(uow, stock[pid], order.number, line.line_no, taken)
    settle(uow, stock.values(), ctx, "order resumed")
