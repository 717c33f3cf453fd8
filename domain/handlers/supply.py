"""Purchase orders and work orders: the supply that fills backorders and keeps stock above safety."""

from __future__ import annotations

from decimal import Decimal

from domain import commands as c
from domain.errors import InvalidInput, NotFound
from domain.events import OrderStockComplete, PurchaseOrderReceived
from domain.handlers.stock import product, settle, suggestions, who
from domain.history import AuditEntry
from domain.money import plain
from domain.numbers import PURCHASE_ORDER, WORK_ORDER, Series
from domain.ports import Context, UnitOfWork
from domain.results import Done, PurchaseOrdersView, PurchaseOrderView, WorkOrdersView, WorkOrderView
from domain.stock import StockItem
from domain.supply import POStatus, PurchaseOrder, WorkOrder, WOStatus
from domain.users import require


def _number(uow: UnitOfWork, series: Series, ctx: Context) -> str:
    year = ctx.today.year
    return series.issue(uow.next_number, year)


def _audit(uow: UnitOfWork, ctx: Context, action: str, subject: str, detail: str = "") -> None:
    uow.history.audit(AuditEntry(ctx.now, ctx.user.name, ctx.front.value, action, subject, detail=detail))


def _po(uow: UnitOfWork, number: str, lock: bool = False) -> PurchaseOrder:
    found = uow.supply.po(number.strip().upper(), lock)
    if found is None:
        raise NotFound("purchase_order", number)
    return found


def _wo(uow: UnitOfWork, number: str, lock: bool = False) -> WorkOrder:
    found = uow.supply.wo(number.strip().upper(), lock)
    if found is None:
        raise NotFound("work_order", number)
    return found


def _locked_po(uow: UnitOfWork, number: str) -> tuple[PurchaseOrder, dict[int, StockItem]]:
    """The purchase order's stock rows locked first, then the document re-read under its own lock:
    one lock order everywhere, so no two commands wait on each other in a circle."""
    ids = [ln.product.id for ln in _po(uow, number).lines if ln.product.id is not None]
    stock = uow.stock.lock(ids)
    return _po(uow, number, lock=True), stock


def _locked_wo(uow: UnitOfWork, number: str) -> tuple[WorkOrder, StockItem]:
    product_id = _wo(uow, number).product.id
    assert product_id is not None
    item = uow.stock.lock([product_id])[product_id]
    return _wo(uow, number, lock=True), item


def _new_po(uow: UnitOfWork, ctx: Context, lines: list[tuple[str, Decimal]], supplier: str, eta: object) -> Done:
    if not lines:
        raise InvalidInput("po_no_lines", number="-")
    po = PurchaseOrder(_number(uow, PURCHASE_ORDER, ctx), supplier.strip(), ctx.now, ctx.user.name, eta)  # type: ignore[arg-type]
    for sku, qty in lines:
        po.add_line(product(uow, sku), qty)
    uow.supply.add_po(po)
    _audit(uow, ctx, "po_create", po.number, ", ".join(f"{s} {plain(q)}" for s, q in lines))
    return Done("po_created", {"number": po.number, "lines": len(po.lines)})


def create_purchase_order(cmd: c.CreatePurchaseOrder, uow: UnitOfWork, ctx: Context) -> Done:
    require(ctx.user, "purchase")
    return _new_po(uow, ctx, list(cmd.lines), cmd.supplier, cmd.eta)


def purchase_from_suggestions(cmd: c.PurchaseFromSuggestions, uow: UnitOfWork, ctx: Context) -> Done:
    require(ctx.user, "purchase")
    wanted = {s.upper() for s in cmd.skus}
    picked = [(s.product.sku, s.quantity) for s in suggestions(uow, ctx) if not wanted or s.product.sku in wanted]
    if not picked:
        raise InvalidInput("no_suggestions")
    return _new_po(uow, ctx, picked, cmd.supplier, cmd.eta)


def approve_purchase_order(cmd: c.ApprovePurchaseOrder, uow: UnitOfWork, ctx: Context) -> Done:
    """Approved means ordered from the supplier: the quantities count as on order (in transit) from now."""
    require(ctx.user, "approve_purchase")
    po, stock = _locked_po(uow, cmd.number)
    po.approve()
    for ln in po.lines:
        assert ln.product.id is not None
        stock[ln.product.id].on_order += ln.quantity
    _audit(uow, ctx, "po_approve", po.number)
    settle(uow, stock.values(), ctx)
    return Done("po_approved", {"number": po.number})


def receive_purchase_order(cmd: c.ReceivePurchaseOrder, uow: UnitOfWork, ctx: Context) -> Done:
    require(ctx.user, "receive")
    po, stock = _locked_po(uow, cmd.number)
    todo = [(po.line_for(product(uow, sku).sku), qty) for sku, qty in cmd.lines] or [
        (ln, ln.open_qty) for ln in po.lines if ln.open_qty > 0
    ]
    if not todo:
        raise InvalidInput("po_nothing_open", number=po.number)
    for ln, qty in todo:
        po.receive(ln, qty)
        assert ln.product.id is not None
        stock[ln.product.id].receive(qty, who(ctx, f"received on {po.number}"), po.number)
    _audit(uow, ctx, "po_receive", po.number, ", ".join(f"{ln.product.sku} {plain(q)}" for ln, q in todo))
    settle(uow, stock.values(), ctx, f"received on {po.number}")
    received = tuple((ln.product.sku, plain(q)) for ln, q in todo)
    po.events.append(
        PurchaseOrderReceived(po.number, po.supplier, received, po.status is POStatus.received, ctx.user.name)
    )
    return Done("po_received", {"number": po.number, "po_status": po.status.value})


def cancel_purchase_order(cmd: c.CancelPurchaseOrder, uow: UnitOfWork, ctx: Context) -> Done:
    require(ctx.user, "approve_purchase")
    po, stock = _locked_po(uow, cmd.number)
    was_approved = po.status is POStatus.approved
    po.cancel()
    if was_approved:
        for ln in po.lines:
            assert ln.product.id is not None
            item = stock[ln.product.id]
            item.on_order = max(Decimal(0), item.on_order - ln.open_qty)
        settle(uow, stock.values(), ctx)
    _audit(uow, ctx, "po_cancel", po.number)
    return Done("po_cancelled", {"number": po.number})


def show_purchase_order(q: c.ShowPurchaseOrder, uow: UnitOfWork, ctx: Context) -> PurchaseOrderView:
    return PurchaseOrderView(_po(uow, q.number))


def list_purchase_orders(q: c.ListPurchaseOrders, uow: UnitOfWork, ctx: Context) -> PurchaseOrdersView:
    return PurchaseOrdersView(list(uow.supply.pos(open_only=not q.all)))


# -- work orders -------------------------------------------------------------------------------
def show_work_order(q: c.ShowWorkOrder, uow: UnitOfWork, ctx: Context) -> WorkOrderView:
    return WorkOrderView(_wo(uow, q.number))


def list_work_orders(q: c.ListWorkOrders, uow: UnitOfWork, ctx: Context) -> WorkOrdersView:
    return WorkOrdersView(list(uow.supply.wos(open_only=not q.all, order_number=q.order_number)))


def move_work_order(cmd: c.MoveWorkOrder, uow: UnitOfWork, ctx: Context) -> Done:
    require(ctx.user, "work_orders")
    try:
        target = WOStatus(cmd.target)
    except ValueError:
        raise InvalidInput("unknown_status", status=cmd.target, allowed=", ".join(s.value for s in WOStatus)) from None
    wo, item = _locked_wo(uow, cmd.number)
    before = wo.remaining
    wo.move(target, ctx.user.name)
    if wo.remaining != before:  # done early or cancelled: what was still to come is no longer planned
        item.planned = max(Decimal(0), item.planned - (before - wo.remaining))
        settle(uow, [item], ctx)
    _audit(uow, ctx, f"wo_{target.value}", wo.number)
    return Done("wo_moved", {"number": wo.number, "wo_status": wo.status.value})


def report_work_order(cmd: c.ReportWorkOrder, uow: UnitOfWork, ctx: Context) -> Done:
    """Good units go into stock, reserved for the work order's own order line first."""
    require(ctx.user, "work_orders")
    wo, item = _locked_wo(uow, cmd.number)
    before = wo.remaining
    wo.report(cmd.good, cmd.scrap)
    item.planned = max(Decimal(0), item.planned - (before - wo.remaining))
    for_line = Decimal(0)
    order = uow.orders.get(wo.order_number) if wo.order_number else None
    line = next((ln for ln in order.lines if ln.line_no == wo.line_no), None) if order else None
    if order is not None and line is not None and order.is_open:
        for_line = min(cmd.good, line.backorder_qty)
        line.reserved_qty += for_line
        line.backorder_qty -= for_line
        if for_line > 0 and all(ln.backorder_qty <= 0 for ln in order.lines):
            order.events.append(OrderStockComplete(order.number, order.customer.code, ctx.user.name))
    if cmd.good > 0:
        item.produce(cmd.good, for_line, who(ctx, f"output of {wo.number}"), wo.number, wo.order_number, wo.line_no)
    if wo.remaining <= 0 and wo.status is WOStatus.in_progress:
        wo.move(WOStatus.done, ctx.user.name)
        if line is not None and order is not None and order.is_open and line.backorder_qty > 0:
            # scrap left the line short: plan the rest at once rather than let the order stall
            again = WorkOrder(
                _number(uow, WORK_ORDER, ctx), wo.product, line.backorder_qty, ctx.now, wo.order_number, wo.line_no,
                wo.due_date,
            )  # fmt: skip
            uow.supply.add_wo(again)
            item.planned += again.quantity
    _audit(uow, ctx, "wo_report", wo.number, f"good {plain(cmd.good)} scrap {plain(cmd.scrap)}")
    settle(uow, [item], ctx, f"output of {wo.number}")
    return Done("wo_reported", {"number": wo.number, "done": wo.done, "scrap": wo.scrap, "wo_status": wo.status.value})
