"""Reading the situation a change request is assessed on, and applying an approved one everywhere at
once: the order's lines and dates, its reservations and backorders, its work orders' quantities and
due dates — then free stock goes to whoever waits for it."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from domain.changes import ChangeKind, RequestedChange
from domain.handlers import fulfilment
from domain.handlers.stock import settle, trim_work_orders, who
from domain.impact import Production, Situation, Supply
from domain.lifecycle import Status
from domain.numbers import WORK_ORDER
from domain.orders import Order, OrderLine
from domain.parties import MakeOrBuy, Product
from domain.ports import Context, UnitOfWork
from domain.promising import earliest, open_works, without
from domain.stock import StockItem
from domain.supply import WorkOrder, WOStatus

ZERO = Decimal(0)
K = ChangeKind
ALLOCATING = (Status.confirmed, Status.in_production, Status.ready)


def month_start(day: date) -> date:
    return day.replace(day=1)


def products_of(uow: UnitOfWork, order: Order, changes: Sequence[RequestedChange]) -> dict[str, Product]:
    found = {ln.product.sku: ln.product for ln in order.lines}
    for ch in changes:
        if ch.kind is K.add_line and ch.sku not in found:
            product = uow.products.get(ch.sku)
            assert product is not None, ch.sku  # resolve() checked it
            found[ch.sku] = product
    return found


def situation(uow: UnitOfWork, order: Order, changes: Sequence[RequestedChange], ctx: Context,
              stored: bool = False) -> Situation:  # fmt: skip
    """Everything the impact analysis reads, in the caller's transaction (no locks: it only looks).
    ``stored``: the request being assessed is already saved (and so already counted this month)."""
    products = products_of(uow, order, changes)
    ids = [p.id for p in products.values() if p.id is not None]
    # incoming supply matters only where the order will wait: what is backordered, raised or added — a
    # date move of a line that holds its stock needs no purchase or work order to be read
    short = {ln.product.sku for ln in order.lines if ln.backorder_qty > 0}
    short |= {ch.sku for ch in changes if ch.kind is K.add_line or (ch.kind is K.quantity and _more(ch))}
    arriving = uow.supply.incoming_many([pid for pid in (products[sku].id for sku in short) if pid is not None])
    free, waiting = uow.stock.available(ids), uow.stock.waiting_qtys(ids)
    wos = [wo for wo in uow.supply.wos(open_only=False, order_number=order.number, limit=1000)
           if wo.line_no is not None and wo.status is not WOStatus.cancelled]  # fmt: skip
    works = open_works(wos)
    supply: dict[str, Supply] = {}
    for sku, product in products.items():
        assert product.id is not None
        own = [w for ln in order.lines if ln.product.id == product.id for w in works.get(ln.line_no, [])]
        incoming = without(arriving.get(product.id, ()), own)
        supply[sku] = Supply(product, free[product.id], waiting[product.id], incoming)
    production: dict[int, Production] = {}
    started = order.status in (Status.in_production, Status.ready)
    for wo in wos:
        assert wo.line_no is not None
        started = started or wo.started
        p = production.get(wo.line_no, Production())
        running = wo.remaining if wo.status is WOStatus.in_progress else ZERO
        queued = wo.remaining if wo.status in (WOStatus.planned, WOStatus.released) else ZERO
        production[wo.line_no] = Production(p.done + wo.done, p.in_progress + running, p.planned + queued,
                                            tuple(works.get(wo.line_no, ())))  # fmt: skip
    customer = order.customer
    added = [ch.sku for ch in changes if ch.kind is K.add_line]
    before: frozenset[str] = frozenset()
    if added and customer.id is not None:
        before = frozenset(uow.orders.skus_ordered(customer.id, added, order.number))
    elsewhere = ZERO
    if customer.credit_limit is not None and customer.id is not None:
        elsewhere = uow.orders.open_value(customer.id, order.number)
    count = uow.changes.count_for_customer(customer.code, month_start(ctx.today)) + (0 if stored else 1)
    return Situation(ctx.today, supply, production, before, elsewhere, count, started)


def _more(ch: RequestedChange) -> bool:
    return ch.new_qty is not None and ch.old_qty is not None and ch.new_qty > ch.old_qty


# -- applying --------------------------------------------------------------------------------------
def apply_terms(order: Order, changes: Sequence[RequestedChange], products: dict[str, Product],
                ctx: Context, reason: str, through_change: bool) -> tuple[list[OrderLine], bool]:  # fmt: skip
    """The order's own part of the change; returns the lines whose quantity moved (or are new) and
    whether any date moved. Hold and resume come last so the terms change first."""
    moved: list[OrderLine] = []
    dated = False
    for ch in changes:
        if ch.kind is K.quantity:
            order.set_line(ch.line or 0, ch.new_qty, None, through_change=through_change)
            moved.append(order.line(ch.line or 0))
        elif ch.kind is K.price:
            order.set_line(ch.line or 0, None, ch.new_price, through_change=through_change)
        elif ch.kind is K.line_date:
            order.set_line(ch.line or 0, None, None, requested_date=ch.new_date, through_change=through_change)
            dated = True
        elif ch.kind is K.due_date:
            order.set_terms(through_change=through_change, due_date=ch.new_date)
            dated = True
        elif ch.kind is K.add_line:
            line = order.add_line(products[ch.sku], ch.new_qty or ZERO, ch.new_price, ch.new_date,
                                  through_change=through_change)  # fmt: skip
            moved.append(line)
        elif ch.kind is K.remove_line:
            order.remove_line(ch.line or 0, through_change=through_change)
    for ch in changes:
        if ch.kind is K.hold:
            order.hold(ctx.user.name, ctx.now, reason)
        elif ch.kind is K.resume:
            order.resume(ctx.user.name, ctx.now)
    return moved, dated


def apply_with_stock(uow: UnitOfWork, order: Order, changes: Sequence[RequestedChange], ctx: Context,
                     reason: str, cr: str) -> None:  # fmt: skip
    """An approved change to an order that holds stock: terms, reservations, work orders, dates.

    Only the stock rows of lines whose quantity moves are locked (and settled afterwards): a date or a
    price change of a 50-line order does not queue behind every receipt of its 50 products. A resume
    takes the whole order's rows at once, in product order, because catching up may touch any of them."""
    if any(ch.kind is K.cancel for ch in changes):
        order.cancel(ctx.user.name, ctx.now, reason)
        fulfilment.release(uow, order, ctx)
        return
    products = products_of(uow, order, changes)
    moving = {ch.sku for ch in changes if ch.kind in (K.quantity, K.add_line, K.remove_line)}
    if any(ch.kind is K.resume for ch in changes):
        moving = set(products)
    ids = [pid for pid in (products[sku].id for sku in sorted(moving)) if pid is not None]
    stock = uow.stock.lock(ids) if ids else {}
    uow.orders.refresh_lines(order)  # what the lines hold may have moved before the lock
    note = who(ctx, f"change {cr}")
    for ch in changes:
        if ch.kind is K.remove_line:
            line = order.line(ch.line or 0)
            item = _item(stock, line)
            item.release(line.reserved_qty, note, order.number, line.line_no)
            line.reserved_qty = line.backorder_qty = ZERO
            _match_work_orders(uow, order, line, item, ctx)
    moved, dated = apply_terms(order, changes, products, ctx, reason, through_change=True)
    for line in moved:
        _rebalance(uow, order, line, _item(stock, line), ctx, cr)
    _repromise(uow, order, order.lines if dated else moved, stock, ctx.today)
    if any(ch.kind is K.resume for ch in changes) and order.status in ALLOCATING:
        fulfilment.catch_up(uow, order, ctx)
    settle(uow, stock.values(), ctx, f"change {cr}")


def _item(stock: dict[int, StockItem], line: OrderLine) -> StockItem:
    assert line.product.id is not None
    return stock[line.product.id]


def _rebalance(uow: UnitOfWork, order: Order, line: OrderLine, item: StockItem, ctx: Context, cr: str) -> None:
    """The line's new quantity: give back what it no longer needs, take free stock for what it needs
    more (unless the order is on hold), wait for the rest — and make production match."""
    note = who(ctx, f"change {cr}")
    need = line.quantity - line.shipped_qty
    if line.reserved_qty > need:
        item.release(line.reserved_qty - need, note, order.number, line.line_no)
        line.reserved_qty = need
    line.backorder_qty = need - line.reserved_qty
    if line.backorder_qty > 0 and order.status in ALLOCATING:
        taken = item.reserve(line.backorder_qty, note, order.number, line.line_no)
        line.reserved_qty += taken
        line.backorder_qty -= taken
    _match_work_orders(uow, order, line, item, ctx)


def _match_work_orders(uow: UnitOfWork, order: Order, line: OrderLine, item: StockItem, ctx: Context) -> None:
    """Work orders for a line should make what it still waits for: plan more, or cut those not started.
    Started ones are left to the floor — the impact analysis showed what they make beyond the need."""
    if line.product.make_or_buy is not MakeOrBuy.make:
        return
    open_wos = [
        w for w in uow.supply.wos(open_only=True, order_number=order.number, limit=1000) if w.line_no == line.line_no
    ]
    coming = sum((w.remaining for w in open_wos), ZERO)
    if line.backorder_qty > coming:
        year = ctx.today.year
        wo = WorkOrder(
            WORK_ORDER.issue(uow.next_number, year), line.product, line.backorder_qty - coming, ctx.now,
            order.number, line.line_no, line.confirmed_date or order.due_date,
        )  # fmt: skip
        uow.supply.add_wo(wo)
        item.planned += wo.quantity
    elif line.backorder_qty < coming:
        trim_work_orders(uow, item, order.number, line.line_no, coming - line.backorder_qty)


def _repromise(uow: UnitOfWork, order: Order, lines: Sequence[OrderLine], stock: dict[int, StockItem],
               today: date) -> None:  # fmt: skip
    """New confirmed dates for the lines the change touched — the wanted date, or later when what production can
    still do (``domain.promising``, as the impact analysis said) cannot make it — and their work orders follow:
    one not started is re-planned for the new date; a started one keeps its date unless the new one is later."""
    touched = {ln.line_no for ln in lines}
    works = open_works(uow.supply.wos(open_only=True, order_number=order.number, limit=1000))
    short = [ln for ln in lines if ln.quantity - ln.shipped_qty - ln.reserved_qty > 0 and ln.product.id is not None]
    pids = sorted({ln.product.id for ln in short if ln.product.id is not None})
    free = uow.stock.available([p for p in pids if p not in stock]) if pids else {}
    free |= {pid: stock[pid].available for pid in pids if pid in stock}
    waiting = uow.stock.waiting_qtys(pids) if pids else {}
    incoming = uow.supply.incoming_many(pids) if pids else {}
    for ln in sorted(order.lines, key=lambda ln: ln.line_no):
        if ln.line_no not in touched:
            continue
        wanted = ln.requested_date or order.due_date or today
        left = ln.quantity - ln.shipped_qty - ln.reserved_qty
        when = wanted
        if left > 0 and ln.product.id is not None:
            pid = ln.product.id
            own = [w for other in order.lines if other.product.id == pid for w in works.get(other.line_no, [])]
            promise = earliest(
                left, works.get(ln.line_no, []), free[pid], max(ZERO, waiting[pid] - ln.backorder_qty),
                without(incoming[pid], own), ln.product.lead_time_days, ln.product.make_or_buy is MakeOrBuy.make,
                today,
            )  # fmt: skip
            when = max(wanted, promise.earliest)
        ln.confirmed_date = when
    for line_no, line_works in works.items():
        if line_no not in touched:
            continue
        promised = order.line(line_no).confirmed_date
        for work in line_works:
            if promised is None or work.due == promised or (work.started and work.due and work.due > promised):
                continue
            wo = uow.supply.wo(work.number, lock=True)
            if wo is not None:
                wo.due_date = promised
