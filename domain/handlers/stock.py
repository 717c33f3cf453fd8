"""Stock use cases: what is there, what can be promised, the ledger, counts and adjustments."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal

from domain import commands as c
from domain.allocation import available_to_promise, fill_backorders, take_back
from domain.errors import InvalidInput, NotFound
from domain.history import AuditEntry
from domain.parties import MakeOrBuy, Product
from domain.ports import Context, UnitOfWork
from domain.results import AtpAnswer, Done, LedgerView, StockSummary, Suggestion, SuggestionsView
from domain.stock import StockItem, Who
from domain.supply import WOStatus
from domain.users import require

ZERO = Decimal(0)


def product(uow: UnitOfWork, sku: str) -> Product:
    found = uow.products.get(sku)
    if found is None or found.id is None:
        raise NotFound("product", sku)
    return found


def who(ctx: Context, reason: str = "") -> Who:
    return Who(ctx.user.name, ctx.now, reason)


def settle(uow: UnitOfWork, items: Iterable[StockItem], ctx: Context, reason: str = "") -> None:
    """After stock was freed or used: waiting backorders get what is free, then safety stock is checked."""
    for item in items:
        assert item.product.id is not None
        if item.available > 0:
            fills = fill_backorders(item, uow.stock.waiting_orders(item.product.id), who(ctx, reason))
            for order, line, taken in fills:
                trim_work_orders(uow, item, order.number, line.line_no, taken)
        safety = item.product.safety_stock
        if (safety > 0 and item.available < safety) != item.low:
            item.check_safety(ctx.stock.reorder_factor, uow.stock.waiting_qty(item.product.id))


def trim_work_orders(uow: UnitOfWork, item: StockItem, order_number: str, line_no: int, covered: Decimal) -> None:
    """Stock reached a line another way (a receipt, a cancelled order's release): its work orders that
    have not started make that much less, so the floor does not build what nobody waits for any more."""
    for found in uow.supply.wos(open_only=True, order_number=order_number, limit=100):
        if covered <= 0:
            return
        # only this line's work orders, before locking: a work order is locked only under its own
        # product's stock lock, or a receipt and a report of two products deadlock
        if found.line_no != line_no or found.product.id != item.product.id:
            continue
        wo = uow.supply.wo(found.number, lock=True)
        if wo is None or wo.line_no != line_no or wo.status not in (WOStatus.planned, WOStatus.released):
            continue
        cut = min(covered, wo.remaining)
        wo.quantity -= cut
        item.planned = max(ZERO, item.planned - cut)
        covered -= cut
        if wo.remaining <= 0:
            wo.move(WOStatus.cancelled)


def stock_view(q: c.StockView, uow: UnitOfWork, ctx: Context) -> StockSummary:
    p = product(uow, q.sku)
    assert p.id is not None
    item = uow.stock.get(p.id) or StockItem(p, product_id=p.id)
    waiting = uow.stock.waiting_qty(p.id)
    return StockSummary(
        item, list(uow.stock.holders(p.id)), waiting, uow.supply.incoming(p.id),
        item.to_replenish(ctx.stock.reorder_factor, waiting),
    )  # fmt: skip


def available_to_promise_query(q: c.AvailableToPromise, uow: UnitOfWork, ctx: Context) -> AtpAnswer:
    if not q.quantity.is_finite() or q.quantity <= 0:
        raise InvalidInput("quantity_not_positive", quantity=str(q.quantity))
    p = product(uow, q.sku)
    assert p.id is not None
    item = uow.stock.get(p.id) or StockItem(p, product_id=p.id)
    when = available_to_promise(
        q.quantity, item.available, uow.stock.waiting_qty(p.id), uow.supply.incoming(p.id), p.lead_time_days, ctx.today
    )
    return AtpAnswer(p.sku, q.quantity, when, item.available, ctx.today)


def ledger(q: c.StockLedger, uow: UnitOfWork, ctx: Context) -> LedgerView:
    p = product(uow, q.sku)
    assert p.id is not None
    item = uow.stock.get(p.id) or StockItem(p, product_id=p.id)
    return LedgerView(item, list(uow.stock.moves(p.id, order_number=q.order_number)))


def low_stock(q: c.StockLowList, uow: UnitOfWork, ctx: Context) -> SuggestionsView:
    out = []
    for item in uow.stock.low():
        assert item.product.id is not None
        waiting = uow.stock.waiting_qty(item.product.id)
        out.append(
            Suggestion(
                item.product,
                item.available,
                item.on_order,
                waiting,
                item.to_replenish(ctx.stock.reorder_factor, waiting),
            )
        )
    return SuggestionsView(out, "low_title")


def suggestions(uow: UnitOfWork, ctx: Context, buy_only: bool = True) -> list[Suggestion]:
    """What to buy: what ``StockItem.to_replenish`` says for the products below safety stock or waited
    for (the same rule `stock SKU` asks), up to the reorder level plus the backorders."""
    out = []
    for pid in uow.stock.short_product_ids():
        p = uow.products.by_id(pid)
        if p is None or (buy_only and p.make_or_buy is not MakeOrBuy.buy):
            continue
        item = uow.stock.get(pid) or StockItem(p, product_id=pid)
        waiting = uow.stock.waiting_qty(pid)
        qty = item.to_replenish(ctx.stock.reorder_factor, waiting)
        if qty > 0:
            out.append(Suggestion(p, item.available, item.on_order, waiting, qty))
    return out


def purchase_suggestions(q: c.PurchaseSuggestions, uow: UnitOfWork, ctx: Context) -> SuggestionsView:
    return SuggestionsView(suggestions(uow, ctx))


def adjust_stock(cmd: c.AdjustStock, uow: UnitOfWork, ctx: Context) -> Done:
    require(ctx.user, "adjust_stock")
    if (cmd.delta is None) == (cmd.counted is None):
        raise InvalidInput("adjust_needs_quantity")
    if not cmd.reason.strip():
        raise InvalidInput("reason_required")
    p = product(uow, cmd.sku)
    assert p.id is not None
    item = uow.stock.lock([p.id])[p.id]
    if cmd.counted is not None:
        if not cmd.counted.is_finite() or cmd.counted < 0:
            raise InvalidInput("bad_count", value=str(cmd.counted))
        delta = cmd.counted - item.on_hand
    else:
        assert cmd.delta is not None
        delta = cmd.delta
    if delta == 0:
        return Done("stock_unchanged", {"sku": p.sku, "on_hand": item.on_hand})
    taken = item.adjust(
        delta, who(ctx, cmd.reason), ref="count" if cmd.counted is not None else "", override=cmd.override
    )
    if taken > 0:
        take_back(item, taken, uow.stock.holding_orders(p.id))
    detail = f"{delta:+} override={cmd.override}"
    uow.history.audit(
        AuditEntry(ctx.now, ctx.user.name, ctx.front.value, "adjust", p.sku, detail=detail, reason=cmd.reason)
    )
    settle(uow, [item], ctx, cmd.reason)
    return Done(
        "stock_adjusted", {"sku": p.sku, "delta": f"{delta:+}", "on_hand": item.on_hand, "available": item.available}
    )
