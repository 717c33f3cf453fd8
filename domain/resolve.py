"""What the requester typed -> changes resolved against one version of the order.

Every check that can refuse a change runs here, before anything is stored: a cancelled order, a
quantity below what shipped, a date in the past, an unknown SKU all come back as one clear reason.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from domain.changes import ChangeKind, RequestedChange
from domain.commands import ChangeInput, DueInput, DueShift
from domain.errors import Conflict, InvalidInput, NotFound
from domain.lifecycle import CHANGEABLE, EDITABLE, Status
from domain.orders import Order, OrderLine
from domain.parties import Product

ProductLookup = Callable[[str], Product | None]
K = ChangeKind


def find_line(order: Order, target: str, line_no: int | None) -> OrderLine:
    """By number, by SKU, or by the unique line whose SKU starts with ``target`` (BOLT-M8 → BOLT-M8X30)."""
    if line_no is not None:
        return order.line(line_no)
    wanted = target.strip().upper()
    exact = [ln for ln in order.lines if ln.product.sku == wanted]
    found = exact or [ln for ln in order.lines if ln.product.sku.startswith(wanted)] if wanted else []
    if len(found) == 1:
        return found[0]
    if not found:
        raise NotFound("line", f"{order.number} {target}")
    raise InvalidInput(
        "ambiguous_line", target=target, lines=", ".join(f"{ln.line_no} {ln.product.sku}" for ln in found)
    )


def resolve_date(value: DueInput, base: date | None, today: date) -> date:
    """A date, or a shift of ``base`` (提前两周 = 14 days before it); never in the past."""
    if isinstance(value, DueShift):
        shift = value
        if base is None:
            raise InvalidInput("date_needs_due", phrase=shift.phrase)
        try:
            value = date.fromordinal(base.toordinal() + shift.days)
        except (ValueError, OverflowError):
            raise InvalidInput("date_not_understood", phrase=shift.phrase) from None
    if value < today:
        raise InvalidInput("date_in_past", date=value.isoformat())
    return value


def check_changeable(order: Order) -> None:
    if order.status not in CHANGEABLE and order.status not in EDITABLE:
        raise Conflict("order_not_changeable", number=order.number, status=order.status.value)


def resolve(
    order: Order, inputs: tuple[ChangeInput, ...], product_of: ProductLookup, today: date
) -> list[RequestedChange]:
    check_changeable(order)
    if not inputs:
        raise InvalidInput("nothing_to_change", number=order.number)
    kinds = []
    for item in inputs:
        try:
            kinds.append(ChangeKind(item.kind))
        except ValueError:
            raise InvalidInput("unknown_change", kind=item.kind) from None
    if K.cancel in kinds and len(kinds) > 1:
        raise InvalidInput("cancel_alone")
    out: list[RequestedChange] = []
    seen: set[tuple[ChangeKind, int | None]] = set()
    for kind, item in zip(kinds, inputs, strict=True):
        change = _one(order, kind, item, product_of, today)
        if change is None:
            continue
        key = (change.kind, change.line)
        if change.kind is not K.add_line and key in seen:
            raise InvalidInput("change_twice", kind=change.kind.value, line=change.line or "")
        seen.add(key)
        out.append(change)
    if not out:
        raise InvalidInput("nothing_to_change", number=order.number)
    return out


def _one(order: Order, kind: ChangeKind, item: ChangeInput, product_of: ProductLookup,
         today: date) -> RequestedChange | None:  # fmt: skip
    """One resolved change, or None when it would change nothing (800 when it already is 800)."""
    if kind is K.cancel:
        return RequestedChange(kind)
    if kind is K.hold:
        if order.status is Status.on_hold:
            raise Conflict("already_on_hold", number=order.number)
        return RequestedChange(kind)
    if kind is K.resume:
        if order.status is not Status.on_hold:
            raise Conflict("not_on_hold", number=order.number)
        return RequestedChange(kind)
    if kind is K.due_date:
        if item.when is None:
            raise InvalidInput("date_missing")
        new = resolve_date(item.when, order.due_date, today)
        return None if new == order.due_date else RequestedChange(kind, old_date=order.due_date, new_date=new)
    if kind is K.add_line:
        return _add(item, product_of, today)
    line = find_line(order, item.target, item.line)
    sku = line.product.sku
    if kind is K.quantity:
        return _quantity(line, item)
    if kind is K.remove_line:
        if len(order.lines) == 1:
            raise InvalidInput("remove_last_line", number=order.number)
        if line.shipped_qty > 0:
            raise Conflict("line_holds_stock", number=order.number, line=line.line_no)
        return RequestedChange(kind, line.line_no, sku, old_qty=line.quantity, new_qty=Decimal(0))
    if kind is K.price:
        price = item.unit_price
        if price is None or not price.is_finite() or price < 0:
            raise InvalidInput("price_negative", price=str(price))
        if price == line.unit_price:
            return None
        return RequestedChange(kind, line.line_no, sku, old_price=line.unit_price, new_price=price)
    if kind is K.line_date:
        if item.when is None:
            raise InvalidInput("date_missing")
        old = line.confirmed_date or line.requested_date or order.due_date
        new = resolve_date(item.when, old, today)
        return None if new == old else RequestedChange(kind, line.line_no, sku, old_date=old, new_date=new)
    raise InvalidInput("unknown_change", kind=kind.value)


def _quantity(line: OrderLine, item: ChangeInput) -> RequestedChange | None:
    if item.quantity is not None:
        new = item.quantity
    elif item.delta is not None:
        new = line.quantity + item.delta
    else:
        raise InvalidInput("missing_quantity")
    if not new.is_finite() or new <= 0:
        raise InvalidInput("qty_use_remove", sku=line.product.sku, quantity=str(new))
    if new < line.shipped_qty:
        raise InvalidInput("qty_below_shipped", line=line.line_no, quantity=str(new), shipped=str(line.shipped_qty))
    if new == line.quantity:
        return None
    return RequestedChange(K.quantity, line.line_no, line.product.sku, old_qty=line.quantity, new_qty=new)


def _add(item: ChangeInput, product_of: ProductLookup, today: date) -> RequestedChange:
    product = product_of(item.target)
    if product is None:
        raise NotFound("product", item.target)
    qty = item.quantity
    if qty is None or not qty.is_finite() or qty <= 0:
        raise InvalidInput("quantity_not_positive", quantity=str(qty))
    price = product.list_price if item.unit_price is None else item.unit_price
    if not price.is_finite() or price < 0:
        raise InvalidInput("price_negative", price=str(price))
    when = None
    if item.when is not None:
        if isinstance(item.when, DueShift):
            raise InvalidInput("date_needs_due", phrase=item.when.phrase)
        when = resolve_date(item.when, None, today)
    return RequestedChange(K.add_line, None, product.sku, new_qty=qty, new_price=price, new_date=when)
