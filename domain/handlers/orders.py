"""Use cases that change orders: each runs in one unit of work the caller commits."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from domain import commands as c
from domain.checks import confirmation_problems
from domain.errors import ConfirmationFailed, Conflict, IllegalTransition, InvalidInput, NotFound
from domain.events import OrderCreated, OrderUpdated
from domain.handlers import changes, fulfilment
from domain.handlers.common import load_order, record, revise
from domain.lifecycle import CHANGEABLE, Status
from domain.lookup import resolve_customer
from domain.numbers import ORDER
from domain.orders import Order
from domain.ports import Context, UnitOfWork
from domain.resolve import resolve_date as resolve_due
from domain.results import ChangeView, Done
from domain.users import may, require

# Statuses whose orders hold stock and receive it for their backorders.
ALLOCATING = (Status.confirmed, Status.in_production, Status.ready)


def _add_lines(uow: UnitOfWork, order: Order, lines: tuple[c.LineInput, ...], ctx: Context) -> None:
    products = {ln.sku: uow.products.get(ln.sku) for ln in lines}
    missing = [sku for sku, product in products.items() if product is None]
    if missing:
        raise NotFound("product", ", ".join(missing))
    for ln in lines:
        if ln.requested_date is not None and ln.requested_date < ctx.today:
            raise InvalidInput("date_in_past", date=ln.requested_date.isoformat())
        product = products[ln.sku]
        assert product is not None
        order.add_line(product, ln.quantity, ln.unit_price, ln.requested_date)


def create_order(cmd: c.CreateOrder, uow: UnitOfWork, ctx: Context) -> Done:
    require(ctx.user, "create")
    customer = resolve_customer(uow, cmd.customer)  # a code, a name or part of one, pinyin initials
    if cmd.due_date is not None and cmd.due_date < ctx.today:
        raise InvalidInput("date_in_past", date=cmd.due_date.isoformat())
    source, external_ref = _origin(cmd, uow, customer.id, ctx)
    year = ctx.today.year
    order = Order(
        number=ORDER.issue(uow.next_number, year),
        customer=customer,
        owner=ctx.user.name,
        created_at=ctx.now,
        source=source,
        external_ref=external_ref,
        due_date=cmd.due_date,
        rush=cmd.rush,
        po_ref=cmd.po_ref,
        notes=cmd.notes,
        status_changed_at=ctx.now,
    )
    _add_lines(uow, order, cmd.lines, ctx)
    uow.orders.add(order)
    revise(uow, order, ctx, "create")
    order.events.append(OrderCreated(order.number, customer.code, order.amount, ctx.user.name))
    return Done("order_created", {"number": order.number}, order)


IMPORT = "import"  # the source of orders the CSV import creates


def _origin(cmd: c.CreateOrder, uow: UnitOfWork, customer_id: int | None, ctx: Context) -> tuple[str, str | None]:
    """Where the order comes from (the front end, or the import) and its external reference, which the customer
    has at most one order under: an order already imported is refused, naming it, and no number is spent."""
    if cmd.source not in ("", IMPORT):
        raise InvalidInput("bad_source", source=cmd.source, allowed=IMPORT)
    ref = cmd.external_ref.strip()
    if len(ref) > 64:
        raise InvalidInput("external_ref_too_long", max=64)
    if ref and customer_id is not None:
        existing = uow.orders.by_external_ref(customer_id, ref)
        if existing is not None:
            raise Conflict("order_already_imported", ref=ref, number=existing)
    return (cmd.source or ctx.front.value), (ref or None)


def _edited(uow: UnitOfWork, order: Order, ctx: Context, what: str) -> Done:
    revise(uow, order, ctx, "edit", detail=what)
    order.events.append(OrderUpdated(order.number, order.customer.code, order.version, what, ctx.user.name))
    return Done("order_updated", {"number": order.number, "version": order.version}, order)


def add_lines(cmd: c.AddLines, uow: UnitOfWork, ctx: Context) -> Done:
    require(ctx.user, "edit")
    order = load_order(uow, cmd.number)
    _add_lines(uow, order, cmd.lines, ctx)
    return _edited(uow, order, ctx, "add " + ", ".join(f"{ln.sku} {ln.quantity}" for ln in cmd.lines))


def remove_line(cmd: c.RemoveLine, uow: UnitOfWork, ctx: Context) -> Done:
    require(ctx.user, "edit")
    order = load_order(uow, cmd.number)
    order.remove_line(cmd.line_no)
    return _edited(uow, order, ctx, f"remove line {cmd.line_no}")


def set_line(cmd: c.SetLine, uow: UnitOfWork, ctx: Context) -> Done:
    require(ctx.user, "edit")
    order = load_order(uow, cmd.number)
    order.set_line(cmd.line_no, cmd.quantity, cmd.unit_price)
    return _edited(uow, order, ctx, f"line {cmd.line_no}")


def set_terms(cmd: c.SetTerms, uow: UnitOfWork, ctx: Context) -> Done:
    require(ctx.user, "edit")
    order = load_order(uow, cmd.number)
    terms: dict[str, Any] = {}
    if cmd.due_date is not None:
        terms["due_date"] = resolve_due(cmd.due_date, order.due_date, ctx.today)
    for name in ("rush", "po_ref", "notes"):
        value = getattr(cmd, name)
        if value is not None:
            terms[name] = value
    changed = order.set_terms(**terms)
    if not changed:
        return Done("nothing_changed", {"number": order.number}, order)
    return _edited(uow, order, ctx, ", ".join(changed))


def submit_order(cmd: c.SubmitOrder, uow: UnitOfWork, ctx: Context) -> Done:
    require(ctx.user, "submit")
    order = load_order(uow, cmd.number)
    order.submit(ctx.user.name, ctx.now)
    record(uow, order, ctx, "submit")
    return Done("order_moved", {"number": order.number, "status": order.status.value}, order)


def confirm_order(cmd: c.ConfirmOrder, uow: UnitOfWork, ctx: Context) -> Done:
    require(ctx.user, "confirm")
    order = load_order(uow, cmd.number)
    if Status.confirmed not in order.allowed_next():
        raise IllegalTransition(
            order.number, order.status.value, Status.confirmed.value, tuple(s.value for s in order.allowed_next())
        )
    # No credit limit, no credit check: skip summing the customer's open orders.
    customer = order.customer
    checks_credit = customer.credit_limit is not None and customer.id is not None
    if checks_credit:
        uow.customers.lock(customer)  # before any stock lock: customer → stock → order, one order everywhere
    open_elsewhere = uow.orders.open_value(customer.id, order.number) if checks_credit else Decimal(0)  # type: ignore[arg-type]
    problems = confirmation_problems(order, ctx.today, ctx.policy, open_elsewhere)
    if problems:
        raise ConfirmationFailed(order.number, problems)
    stock = fulfilment.lock_for(uow, order)
    order.confirm(ctx.user.name, ctx.now, fulfilment.promise(uow, order, stock, ctx))
    work_orders = fulfilment.reserve(uow, order, stock, ctx)
    record(uow, order, ctx, "confirm")
    short = [(ln.line_no, ln.product.sku, ln.backorder_qty) for ln in order.lines if ln.backorder_qty > 0]
    # promised after the date asked for: said here, and the order is marked at risk (Order.confirm)
    late = [
        (ln.line_no, ln.product.sku, ln.confirmed_date, ln.requested_date or order.due_date)
        for ln in order.late_lines()
    ]
    return Done(
        "order_confirmed",
        {"number": order.number, "short": short, "work_orders": [w.number for w in work_orders], "late": late},
        order,
    )


def hold_order(cmd: c.HoldOrder, uow: UnitOfWork, ctx: Context) -> Done:
    require(ctx.user, "hold")
    order = load_order(uow, cmd.number)
    order.hold(ctx.user.name, ctx.now, cmd.reason)
    record(uow, order, ctx, "hold", reason=cmd.reason)
    return Done("order_moved", {"number": order.number, "status": order.status.value}, order)


def resume_order(cmd: c.ResumeOrder, uow: UnitOfWork, ctx: Context) -> Done:
    require(ctx.user, "resume")
    order = load_order(uow, cmd.number)
    order.resume(ctx.user.name, ctx.now)
    if order.status in ALLOCATING:
        fulfilment.catch_up(uow, order, ctx)
    record(uow, order, ctx, "resume")
    return Done("order_moved", {"number": order.number, "status": order.status.value}, order)


def _advance_plain(order: Order, target: Status, uow: UnitOfWork, ctx: Context) -> Done:
    require(ctx.user, target.value)
    order.advance_to(target, ctx.user.name, ctx.now)
    record(uow, order, ctx, target.value)
    return Done("order_moved", {"number": order.number, "status": order.status.value}, order)


def advance_order(cmd: c.AdvanceOrder, uow: UnitOfWork, ctx: Context) -> Done:
    """One step along the main line; confirming and shipping keep their own checks."""
    order = load_order(uow, cmd.number)
    target = order.next_stage()
    if target is Status.confirmed:
        return confirm_order(c.ConfirmOrder(order.number), uow, ctx)
    if target is Status.pending_confirmation:
        return submit_order(c.SubmitOrder(order.number), uow, ctx)
    if target is Status.shipped:
        raise InvalidInput("ship_needs_tracking")
    if target is Status.in_production and not may(ctx.user, "in_production") and may(ctx.user, "ready"):
        # whoever may not start production (the warehouse) hands over what is in stock: straight to ready,
        # which the lifecycle allows and Order.advance_to refuses while a line waits for stock
        target = Status.ready
    return _advance_plain(order, target, uow, ctx)


def ship_order(cmd: c.ShipOrder, uow: UnitOfWork, ctx: Context) -> Done:
    require(ctx.user, "shipped")
    order = load_order(uow, cmd.number)
    order.ship(ctx.user.name, ctx.now, cmd.carrier, cmd.tracking)
    fulfilment.ship(uow, order, ctx)
    record(uow, order, ctx, "ship", detail=f"{order.carrier} {order.tracking}")
    return Done("order_shipped", {"number": order.number, "carrier": order.carrier, "tracking": order.tracking}, order)


def deliver_order(cmd: c.DeliverOrder, uow: UnitOfWork, ctx: Context) -> Done:
    return _advance_plain(load_order(uow, cmd.number), Status.delivered, uow, ctx)


def close_order(cmd: c.CloseOrder, uow: UnitOfWork, ctx: Context) -> Done:
    return _advance_plain(load_order(uow, cmd.number), Status.closed, uow, ctx)


def cancel_order(cmd: c.CancelOrder, uow: UnitOfWork, ctx: Context) -> Done | ChangeView:
    require(ctx.user, "cancel")
    if not cmd.reason.strip():
        raise InvalidInput("reason_required")
    order = load_order(uow, cmd.number)
    if order.status in CHANGEABLE:
        # promised to the customer: cancelling is a change request, approved like any other
        return changes.cancel_through_change(cmd, uow, ctx)
    order.cancel(ctx.user.name, ctx.now, cmd.reason)  # a draft holds no stock
    record(uow, order, ctx, "cancel", reason=cmd.reason)
    return Done("order_moved", {"number": order.number, "status": order.status.value}, order)
