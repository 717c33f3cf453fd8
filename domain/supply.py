"""Supply: purchase orders (buy items) and work orders (make items)."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal

from domain.errors import Conflict, IllegalTransition, InvalidInput, NotFound
from domain.events import Event, WorkOrderDone
from domain.parties import Product

ZERO = Decimal(0)


class POStatus(enum.StrEnum):
    draft = "draft"
    approved = "approved"
    partially_received = "partially_received"
    received = "received"
    cancelled = "cancelled"


@dataclass(eq=False)
class PurchaseLine:
    line_no: int
    product: Product
    quantity: Decimal
    received: Decimal = ZERO
    id: int | None = None

    @property
    def open_qty(self) -> Decimal:
        return self.quantity - self.received


@dataclass(eq=False)
class PurchaseOrder:
    number: str
    supplier: str
    created_at: datetime
    created_by: str
    eta: date | None = None
    status: POStatus = POStatus.draft
    lines: list[PurchaseLine] = field(default_factory=list, repr=False)
    id: int | None = None
    events: list[Event] = field(default_factory=list, repr=False)

    def add_line(self, product: Product, quantity: Decimal) -> PurchaseLine:
        if self.status is not POStatus.draft:
            raise Conflict("po_not_draft", number=self.number, status=self.status.value)
        if not quantity.is_finite() or quantity <= 0:
            raise InvalidInput("quantity_not_positive", quantity=str(quantity))
        line = PurchaseLine(len(self.lines) + 1, product, quantity)
        self.lines.append(line)
        return line

    def _refuse(self, target: str, allowed: tuple[str, ...]) -> IllegalTransition:
        return IllegalTransition(self.number, self.status.value, target, allowed)

    def approve(self) -> None:
        if self.status is not POStatus.draft:
            raise self._refuse(POStatus.approved.value, ("cancelled",) if self.is_open else ())
        if not self.lines:
            raise InvalidInput("po_no_lines", number=self.number)
        self.status = POStatus.approved

    @property
    def is_open(self) -> bool:
        return self.status in (POStatus.draft, POStatus.approved, POStatus.partially_received)

    def line_for(self, sku: str) -> PurchaseLine:
        for ln in self.lines:
            if ln.product.sku == sku and ln.open_qty > 0:
                return ln
        raise NotFound("po_line", f"{self.number} {sku}")

    def receive(self, line: PurchaseLine, qty: Decimal) -> None:
        if self.status not in (POStatus.approved, POStatus.partially_received):
            raise self._refuse("receive", ("approved",) if self.status is POStatus.draft else ())
        if not qty.is_finite() or qty <= 0:
            raise InvalidInput("quantity_not_positive", quantity=str(qty))
        if qty > line.open_qty:
            raise Conflict("receive_more_than_ordered", sku=line.product.sku, qty=str(qty), open=str(line.open_qty))
        line.received += qty
        done = all(ln.open_qty <= 0 for ln in self.lines)
        self.status = POStatus.received if done else POStatus.partially_received

    def cancel(self) -> None:
        if self.status not in (POStatus.draft, POStatus.approved):
            raise self._refuse(POStatus.cancelled.value, ())
        self.status = POStatus.cancelled


class WOStatus(enum.StrEnum):
    planned = "planned"
    released = "released"
    in_progress = "in_progress"
    done = "done"
    cancelled = "cancelled"


WO_NEXT = {
    WOStatus.planned: (WOStatus.released, WOStatus.cancelled),
    WOStatus.released: (WOStatus.in_progress, WOStatus.cancelled),
    WOStatus.in_progress: (WOStatus.done,),
    WOStatus.done: (),
    WOStatus.cancelled: (),
}


@dataclass(eq=False)
class WorkOrder:
    """Production of a make item, usually for one order line's backorder."""

    number: str
    product: Product
    quantity: Decimal
    created_at: datetime
    order_number: str = ""
    line_no: int | None = None
    due_date: date | None = None
    status: WOStatus = WOStatus.planned
    done: Decimal = ZERO
    scrap: Decimal = ZERO
    id: int | None = None
    events: list[Event] = field(default_factory=list, repr=False)

    @property
    def remaining(self) -> Decimal:
        """Still to come out of production (counts towards projected stock)."""
        if self.status in (WOStatus.done, WOStatus.cancelled):
            return ZERO
        return max(ZERO, self.quantity - self.done - self.scrap)

    @property
    def started(self) -> bool:
        return self.status in (WOStatus.in_progress, WOStatus.done) or self.done > 0

    def move(self, target: WOStatus, by: str = "") -> None:
        if target not in WO_NEXT[self.status]:
            raise IllegalTransition(
                self.number, self.status.value, target.value, tuple(s.value for s in WO_NEXT[self.status])
            )
        self.status = target
        if target is WOStatus.done:
            self.events.append(
                WorkOrderDone(self.number, self.product.sku, self.done, self.scrap, self.order_number, by)
            )

    def report(self, good: Decimal, scrap: Decimal) -> None:
        """Output reported from the floor: good units go to stock, scrap is lost."""
        if self.status is not WOStatus.in_progress:
            raise IllegalTransition(self.number, self.status.value, "report", ("in_progress",))
        for qty in (good, scrap):
            if not qty.is_finite() or qty < 0:
                raise InvalidInput("quantity_not_positive", quantity=str(qty))
        if good == 0 and scrap == 0:
            raise InvalidInput("quantity_not_positive", quantity="0")
        self.done += good
        self.scrap += scrap
