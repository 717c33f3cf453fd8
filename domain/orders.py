"""The order aggregate: header, lines, lifecycle, and the events it records."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from domain.errors import Conflict, IllegalTransition, InvalidInput, NotFound
from domain.events import (
    Event,
    OrderAtRisk,
    OrderConfirmed,
    OrderShipped,
    OrderStatusChanged,
)
from domain.lifecycle import CHANGEABLE, EDITABLE, OPEN, TRANSITIONS, Status, allowed_from, next_on_main_line
from domain.money import canonical, plain
from domain.numbers import ORDER
from domain.parties import Customer, Product

MONEY_PLACES = Decimal("0.01")


@dataclass(eq=False)
class OrderLine:
    line_no: int
    product: Product
    quantity: Decimal
    unit_price: Decimal
    requested_date: date | None = None
    confirmed_date: date | None = None
    # where the line's quantity stands in stock once confirmed: reserved + backordered + shipped
    reserved_qty: Decimal = Decimal(0)
    backorder_qty: Decimal = Decimal(0)
    shipped_qty: Decimal = Decimal(0)
    id: int | None = None

    @property
    def amount(self) -> Decimal:
        return canonical((self.quantity * self.unit_price).quantize(MONEY_PLACES))

    def snapshot(self) -> dict[str, Any]:
        return {
            "line": self.line_no,
            "sku": self.product.sku,
            "quantity": plain(self.quantity),
            "unit_price": plain(self.unit_price),
            "requested_date": self.requested_date.isoformat() if self.requested_date else None,
            "confirmed_date": self.confirmed_date.isoformat() if self.confirmed_date else None,
        }


def number_for(year: int, seq: int) -> str:
    return ORDER.format(seq, year)


def positive_quantity(quantity: Decimal) -> Decimal:
    if not quantity.is_finite() or quantity <= 0:
        raise InvalidInput("quantity_not_positive", quantity=str(quantity))
    return quantity


@dataclass(eq=False)
class Order:
    number: str
    customer: Customer
    owner: str
    created_at: datetime
    source: str = "shell"
    due_date: date | None = None
    rush: bool = False
    po_ref: str = ""
    notes: str = ""
    status: Status = Status.draft
    held_from: Status | None = None
    carrier: str = ""
    tracking: str = ""
    amount: Decimal = Decimal("0")
    version: int = 0
    last_line_no: int = 0  # line numbers are never reused, so history and diffs stay unambiguous
    updated_at: datetime | None = None
    status_changed_at: datetime | None = None
    external_ref: str | None = None  # an imported order's own reference (unique per customer)
    at_risk: bool = False  # a line is promised after the date asked for (see ``late_lines``)
    lines: list[OrderLine] = field(default_factory=list, repr=False)
    id: int | None = None
    events: list[Event] = field(default_factory=list, repr=False)

    # -- terms -----------------------------------------------------------------------------
    def _require_editable(self, through_change: bool = False) -> None:
        """Drafts are edited directly; a confirmed order's terms move only through an approved change request."""
        if through_change:
            if self.status not in CHANGEABLE and self.status not in EDITABLE:
                raise Conflict("order_not_changeable", number=self.number, status=self.status.value)
        elif self.status not in EDITABLE:
            raise Conflict("order_not_editable", number=self.number, status=self.status.value)

    def add_line(
        self,
        product: Product,
        quantity: Decimal,
        unit_price: Decimal | None = None,
        requested_date: date | None = None,
        through_change: bool = False,
    ) -> OrderLine:
        self._require_editable(through_change)
        price = product.list_price if unit_price is None else unit_price
        if not price.is_finite() or price < 0:
            raise InvalidInput("price_negative", price=str(price))
        line = OrderLine(
            line_no=self.last_line_no + 1,
            product=product,
            quantity=positive_quantity(quantity),
            unit_price=price,
            requested_date=requested_date,
        )
        self.lines.append(line)
        self.last_line_no = line.line_no
        self._recalculate()
        return line

    def line(self, line_no: int) -> OrderLine:
        for ln in self.lines:
            if ln.line_no == line_no:
                return ln
        raise NotFound("line", f"{self.number}#{line_no}")

    def remove_line(self, line_no: int, through_change: bool = False) -> None:
        self._require_editable(through_change)
        line = self.line(line_no)
        if line.shipped_qty > 0 or line.reserved_qty > 0:
            raise Conflict("line_holds_stock", number=self.number, line=line_no)
        self.lines.remove(line)
        self._recalculate()

    def set_line(
        self,
        line_no: int,
        quantity: Decimal | None,
        unit_price: Decimal | None,
        requested_date: date | None = None,
        through_change: bool = False,
    ) -> None:
        self._require_editable(through_change)
        ln = self.line(line_no)
        if quantity is not None:
            if quantity < ln.shipped_qty:
                raise InvalidInput(
                    "qty_below_shipped", line=line_no, quantity=str(quantity), shipped=str(ln.shipped_qty)
                )
            ln.quantity = positive_quantity(quantity)
        if requested_date is not None:
            ln.requested_date = requested_date
        if unit_price is not None:
            if not unit_price.is_finite() or unit_price < 0:
                raise InvalidInput("price_negative", price=str(unit_price))
            ln.unit_price = unit_price
        self._recalculate()

    def set_terms(self, through_change: bool = False, **terms: Any) -> list[str]:
        """Change header terms (due_date, rush, po_ref, notes); returns the names that changed."""
        self._require_editable(through_change)
        changed = []
        for name, value in terms.items():
            if name not in {"due_date", "rush", "po_ref", "notes"}:
                raise InvalidInput("unknown_field", field=name)
            if getattr(self, name) != value:
                setattr(self, name, value)
                changed.append(name)
        return changed

    def _recalculate(self) -> None:
        self.amount = sum((ln.amount for ln in self.lines), Decimal("0"))

    # -- lifecycle -------------------------------------------------------------------------
    @property
    def is_open(self) -> bool:
        return self.status in OPEN

    def allowed_next(self) -> tuple[Status, ...]:
        if self.status is Status.on_hold:
            return tuple(s for s in (self.held_from, Status.cancelled) if s is not None)
        return allowed_from(self.status)

    def _move(self, target: Status, by: str, now: datetime, reason: str = "", announce: bool = True) -> None:
        legal = target in TRANSITIONS[self.status]
        if self.status is Status.on_hold and target is not Status.cancelled:
            legal = target is self.held_from
        if not legal:
            raise IllegalTransition(
                self.number, self.status.value, target.value, tuple(s.value for s in self.allowed_next())
            )
        old = self.status
        self.status = target
        self.status_changed_at = now
        if target in CHANGEABLE:
            self.reassess_risk()
        else:  # shipped, cancelled, back to draft: nothing left to be late with (and no lines to read)
            self.at_risk = False
        if announce:  # confirm and ship announce themselves with richer events
            self.events.append(OrderStatusChanged(self.number, self.customer.code, old.value, target.value, by, reason))

    # -- promises and readiness ------------------------------------------------------------
    def late_lines(self) -> list[OrderLine]:
        """Lines promised after the date asked for: the line's requested date, else the order's due date."""
        out = []
        for ln in sorted(self.lines, key=lambda ln: ln.line_no):
            wanted = ln.requested_date or self.due_date
            if ln.confirmed_date is not None and wanted is not None and ln.confirmed_date > wanted:
                out.append(ln)
        return out

    def reassess_risk(self) -> None:
        """``at_risk``: still owed to the customer (confirmed, in production, ready, held) with a line promised
        late. Kept on every stage move and every revision of the terms (a rescheduled order may be on time)."""
        self.at_risk = self.status in CHANGEABLE and bool(self.late_lines())

    def short_lines(self) -> list[OrderLine]:
        """Lines still waiting for stock (backordered): nothing ships in part, so they keep the order from
        being ready — as they keep it from shipping."""
        return [ln for ln in sorted(self.lines, key=lambda ln: ln.line_no) if ln.backorder_qty > 0]

    def _require_stock_for_ready(self) -> None:
        short = self.short_lines()
        if short:
            detail = ", ".join(f"{ln.line_no} {ln.product.sku} −{plain(ln.backorder_qty)}" for ln in short)
            raise Conflict("ready_short", number=self.number, lines=detail)

    def submit(self, by: str, now: datetime) -> None:
        self._move(Status.pending_confirmation, by, now)

    def confirm(self, by: str, now: datetime, dates: dict[int, date]) -> None:
        """Confirm with a confirmed date per line (checks run before, in domain.checks)."""
        self._move(Status.confirmed, by, now, announce=False)
        for ln in self.lines:
            ln.confirmed_date = dates[ln.line_no]
        self.reassess_risk()
        self.events.append(
            OrderConfirmed(
                self.number,
                self.customer.code,
                self.amount,
                self.due_date,
                tuple(
                    (ln.line_no, ln.product.sku, ln.confirmed_date.isoformat())
                    for ln in self.lines
                    if ln.confirmed_date
                ),
                by,
            )
        )
        late = self.late_lines()
        if late:
            lines = tuple(
                (ln.line_no, ln.product.sku, str(ln.confirmed_date), str(ln.requested_date or self.due_date))
                for ln in late
            )
            self.events.append(OrderAtRisk(self.number, self.customer.code, self.owner, lines, by))

    def hold(self, by: str, now: datetime, reason: str) -> None:
        held_from = self.status
        self._move(Status.on_hold, by, now, reason)
        self.held_from = held_from

    def resume(self, by: str, now: datetime) -> None:
        if self.status is not Status.on_hold or self.held_from is None:
            raise IllegalTransition(
                self.number, self.status.value, "resume", tuple(s.value for s in self.allowed_next())
            )
        self._move(self.held_from, by, now)
        self.held_from = None

    def next_stage(self) -> Status:
        nxt = next_on_main_line(self.status)
        if nxt is None:
            raise IllegalTransition(
                self.number, self.status.value, "advance", tuple(s.value for s in self.allowed_next())
            )
        return nxt

    def advance_to(self, target: Status, by: str, now: datetime) -> None:
        """Plain stage moves (in production, ready, delivered, closed); confirm and ship have their own.
        Ready means ready to ship: every line has its stock (see ``short_lines``)."""
        if target is Status.ready and target in self.allowed_next():
            self._require_stock_for_ready()
        self._move(target, by, now)

    def ship(self, by: str, now: datetime, carrier: str, tracking: str) -> None:
        if not carrier.strip() or not tracking.strip():
            raise InvalidInput("ship_needs_tracking")
        self._move(Status.shipped, by, now, announce=False)
        self.carrier, self.tracking = carrier.strip(), tracking.strip()
        self.events.append(OrderShipped(self.number, self.customer.code, self.carrier, self.tracking, by))

    def cancel(self, by: str, now: datetime, reason: str) -> None:
        self.held_from = None if self.status is Status.on_hold else self.held_from
        self._move(Status.cancelled, by, now, reason)

    # -- history ---------------------------------------------------------------------------
    def snapshot(self) -> dict[str, Any]:
        return {
            "number": self.number,
            "customer": self.customer.code,
            "status": self.status.value,
            "held_from": self.held_from.value if self.held_from else None,
            "due_date": self.due_date.isoformat() if self.due_date else None,
            "rush": self.rush,
            "po_ref": self.po_ref,
            "notes": self.notes,
            "owner": self.owner,
            "carrier": self.carrier,
            "tracking": self.tracking,
            "amount": plain(self.amount),
            "lines": [ln.snapshot() for ln in sorted(self.lines, key=lambda ln: ln.line_no)],
        }
