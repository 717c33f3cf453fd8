"""Stock per product and warehouse, moved only through ledger entries.

Every change of on_hand or reserved is a ``StockMove``; the item's figures are the running sums of
its moves, and the moves are what the ledger shows. ``available`` is what can still be promised.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal

from domain.errors import Conflict, InvalidInput
from domain.events import Event, StockLow, StockRecovered
from domain.parties import Product

ZERO = Decimal(0)
MAIN = "MAIN"  # one warehouse today; the key is kept so more can follow


class MoveKind(enum.StrEnum):
    receipt = "receipt"
    shipment = "shipment"
    adjustment = "adjustment"
    reservation = "reservation"
    release = "release"
    production_output = "production_output"


@dataclass(eq=False)
class StockMove:
    product_id: int
    warehouse: str
    kind: MoveKind
    on_hand_delta: Decimal
    reserved_delta: Decimal
    at: datetime
    actor: str
    reason: str = ""
    order_number: str = ""
    line_no: int | None = None
    ref: str = ""  # PO-… / WO-… / count reference
    id: int | None = None


@dataclass(frozen=True)
class Who:
    """Who moves stock, when, and why — the part every ledger entry shares."""

    actor: str
    at: datetime
    reason: str = ""


@dataclass(eq=False)
class StockItem:
    product: Product
    warehouse: str = MAIN
    on_hand: Decimal = ZERO
    reserved: Decimal = ZERO
    on_order: Decimal = ZERO  # approved purchase orders not yet received
    planned: Decimal = ZERO  # open work orders not yet produced
    low: bool = False  # below safety stock since the last crossing (one event per crossing)
    id: int | None = None
    product_id: int | None = None
    moves: list[StockMove] = field(default_factory=list, repr=False)
    events: list[Event] = field(default_factory=list, repr=False)

    @property
    def available(self) -> Decimal:
        return self.on_hand - self.reserved

    @property
    def projected(self) -> Decimal:
        return self.available + self.on_order + self.planned

    def reorder_level(self, factor: Decimal) -> Decimal:
        return self.product.safety_stock * factor

    @property
    def below_safety(self) -> bool:
        safety = self.product.safety_stock
        return safety > 0 and self.available < safety

    def suggestion(self, factor: Decimal, waiting: Decimal = ZERO) -> Decimal:
        """What to buy or make to get back to the reorder level, counting what is already coming."""
        return max(ZERO, self.reorder_level(factor) + waiting - self.available - self.on_order - self.planned)

    def to_replenish(self, factor: Decimal, waiting: Decimal = ZERO) -> Decimal:
        """The one rule for "should we buy (or make) this now", which `stock SKU`, `po suggest` and the
        digests all ask: only when available is below safety stock or orders wait for it — then the
        ``suggestion`` up to the reorder level; above safety stock with nobody waiting, nothing."""
        if not (self.below_safety or waiting > 0):
            return ZERO
        return self.suggestion(factor, waiting)

    # -- moves -----------------------------------------------------------------------------
    def _move(
        self, kind: MoveKind, on_hand: Decimal, reserved: Decimal, who: Who, order: str = "", line: int | None = None,
        ref: str = "",
    ) -> StockMove:  # fmt: skip
        assert self.product.id is not None
        move = StockMove(
            self.product.id, self.warehouse, kind, on_hand, reserved, who.at, who.actor, who.reason, order, line, ref
        )
        self.on_hand += on_hand
        self.reserved += reserved
        if self.on_hand < 0 or self.reserved < 0 or self.reserved > self.on_hand:
            raise AssertionError(f"stock invariant broken for {self.product.sku}: {self.on_hand}/{self.reserved}")
        self.moves.append(move)
        return move

    def reserve(self, wanted: Decimal, who: Who, order: str, line: int) -> Decimal:
        """Reserve up to ``wanted`` from what is available; returns what was taken (the rest is short)."""
        take = min(wanted, max(ZERO, self.available))
        if take > 0:
            self._move(MoveKind.reservation, ZERO, take, who, order, line)
        return take

    def release(self, qty: Decimal, who: Who, order: str, line: int) -> None:
        if qty > 0:
            self._move(MoveKind.release, ZERO, -qty, who, order, line)

    def ship(self, qty: Decimal, who: Who, order: str, line: int) -> None:
        if qty > self.reserved:
            raise Conflict("ship_more_than_reserved", sku=self.product.sku, qty=str(qty), reserved=str(self.reserved))
        self._move(MoveKind.shipment, -qty, -qty, who, order, line)

    def receive(self, qty: Decimal, who: Who, ref: str, from_order: bool = True) -> None:
        self._move(MoveKind.receipt, qty, ZERO, who, ref=ref)
        if from_order:
            self.on_order = max(ZERO, self.on_order - qty)

    def produce(self, qty: Decimal, for_line: Decimal, who: Who, ref: str, order: str, line: int | None) -> None:
        """Output of a work order: into stock, and reserved for its order line up to what that line waits for."""
        self._move(MoveKind.production_output, qty, for_line, who, order, line, ref)

    def adjust(self, delta: Decimal, who: Who, ref: str = "", override: bool = False) -> Decimal:
        """A count or correction; returns how much reservation it took back (only with ``override``).

        Never below zero; never below what is reserved unless explicitly overridden, in which case the
        caller turns the reservations taken back into backorders.
        """
        if not who.reason.strip():
            raise InvalidInput("reason_required")
        new = self.on_hand + delta
        if new < 0:
            raise Conflict("adjust_negative", sku=self.product.sku, on_hand=str(self.on_hand), delta=str(delta))
        if new < self.reserved and not override:
            raise Conflict("adjust_below_reserved", sku=self.product.sku, new=str(new), reserved=str(self.reserved))
        taken_back = max(ZERO, self.reserved - new)
        self._move(MoveKind.adjustment, delta, -taken_back, who, ref=ref)
        return taken_back

    # -- safety stock ----------------------------------------------------------------------
    def check_safety(self, factor: Decimal, waiting: Decimal = ZERO) -> None:
        """One stock_low per crossing below safety stock, one stock_recovered when back above."""
        safety = self.product.safety_stock
        below = self.below_safety
        if below and not self.low:
            self.low = True
            self.events.append(
                StockLow(self.product.sku, self.available, safety, self.suggestion(factor, waiting), self.warehouse)
            )
        elif not below and self.low:
            self.low = False
            self.events.append(StockRecovered(self.product.sku, self.available, safety, self.warehouse))
