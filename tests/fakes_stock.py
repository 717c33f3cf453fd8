"""In-memory fakes of the stock and supply ports (``uow.stock``, ``uow.supply``) over a ``tests.fakes_state.State``.

``FakeStock`` gives waiting, holding and short the SQL adapter's meaning and reads moves from the committed ledger
of ``tests.fakes.FakeUnitOfWork``; ``FakeSupply`` keeps purchase and work orders and what they will bring in.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from domain.lifecycle import Status
from domain.orders import Order
from domain.ports import Holder
from domain.stock import MAIN, StockItem, StockMove
from domain.supply import POStatus, PurchaseOrder, WorkOrder, WOStatus
from tests.fakes_state import State, see

# As in adapters/sql/stock_repo.py: allocating orders get new stock; a held order keeps what it holds.
ALLOCATING = (Status.confirmed, Status.in_production, Status.ready)
HOLDING = (*ALLOCATING, Status.on_hold)
OPEN_PO = (POStatus.draft, POStatus.approved, POStatus.partially_received)
OPEN_WO = (WOStatus.planned, WOStatus.released, WOStatus.in_progress)
ZERO = Decimal(0)


def _lines_of(order: Order, product_id: int) -> list[Any]:
    return [ln for ln in order.lines if ln.product.id == product_id]


class FakeStock:
    """``StockRepository`` in memory, with the SQL adapter's meaning of waiting, holding and short."""

    def __init__(self, state: State, seen: list[Any], ledger: list[StockMove]) -> None:
        self._s, self._seen, self._ledger = state, seen, ledger

    def lock(self, product_ids: Sequence[int], warehouse: str = MAIN) -> dict[int, StockItem]:
        """Missing rows are created with zeros, as the SQL upsert does."""
        out = {}
        for pid in sorted(set(product_ids)):
            item = self._s.stock.get((pid, warehouse))
            if item is None:
                found = next((p for p in self._s.products.values() if p.id == pid), None)
                if found is None:
                    raise AssertionError(f"no product with id {pid}")
                item = StockItem(found, warehouse, id=self._s.new_id(), product_id=pid)
                self._s.stock[(pid, warehouse)] = item
            out[pid] = see(self._seen, item)
        return out

    def get(self, product_id: int, warehouse: str = MAIN) -> StockItem | None:
        item = self._s.stock.get((product_id, warehouse))
        return see(self._seen, item) if item is not None else None

    def available(self, product_ids: Sequence[int], warehouse: str = MAIN) -> dict[int, Decimal]:
        found = {pid: self._s.stock.get((pid, warehouse)) for pid in product_ids}
        return {pid: item.available if item is not None else ZERO for pid, item in found.items()}

    def waiting_qtys(self, product_ids: Sequence[int]) -> dict[int, Decimal]:
        return {pid: self.waiting_qty(pid) for pid in product_ids}

    def low(self) -> Sequence[StockItem]:
        items = sorted((i for i in self._s.stock.values() if i.low), key=lambda i: i.product_id or 0)
        return [see(self._seen, i) for i in items]

    def moves(self, product_id: int, limit: int = 50, order_number: str | None = None) -> Sequence[StockMove]:
        """Committed moves only (the SQL unit of work writes them on commit), oldest first."""
        found = [m for m in self._ledger if m.product_id == product_id]
        if order_number:
            found = [m for m in found if m.order_number == order_number]
        return found[-limit:] if limit else []

    def _orders(self, statuses: tuple[Status, ...]) -> list[Order]:
        return sorted((o for o in self._s.orders.values() if o.status in statuses), key=lambda o: o.id or 0)

    def holders(self, product_id: int) -> Sequence[Holder]:
        rows = [
            Holder(o.number, o.customer.code, o.customer.tier, o.status, o.due_date, ln.line_no, ln.reserved_qty,
                   ln.backorder_qty)
            for o in self._orders(HOLDING)
            for ln in _lines_of(o, product_id)
            if ln.reserved_qty > 0 or ln.backorder_qty > 0
        ]  # fmt: skip
        order_ids = {o.number: o.id or 0 for o in self._s.orders.values()}
        # as the SQL adapter: a chat message, not a report — the 30 most urgent holders
        return sorted(rows, key=lambda h: (h.due_date or date.max, order_ids[h.number]))[:30]

    def waiting_orders(self, product_id: int) -> Sequence[Order]:
        return [
            see(self._seen, o)
            for o in self._orders(ALLOCATING)
            if any(ln.backorder_qty > 0 for ln in _lines_of(o, product_id))
        ]

    def holding_orders(self, product_id: int) -> Sequence[Order]:
        return [
            see(self._seen, o)
            for o in self._orders(HOLDING)
            if any(ln.reserved_qty > 0 for ln in _lines_of(o, product_id))
        ]

    def waiting_qty(self, product_id: int) -> Decimal:
        return sum((ln.backorder_qty for o in self._orders(HOLDING) for ln in _lines_of(o, product_id)), ZERO)

    def short_product_ids(self) -> list[int]:
        waiting = {ln.product.id for o in self._orders(HOLDING) for ln in o.lines if ln.backorder_qty > 0}
        stocked = {i.product_id: i for i in self._s.stock.values() if i.warehouse == MAIN}
        below = {
            p.id
            for p in self._s.products.values()
            if p.safety_stock > 0 and (stocked[p.id].available if p.id in stocked else ZERO) < p.safety_stock
        }
        return sorted(pid for pid in waiting | below if pid is not None)


class FakeSupply:
    def __init__(self, state: State, seen: list[Any]) -> None:
        self._s, self._seen = state, seen

    def add_po(self, po: PurchaseOrder) -> None:
        if po.number in self._s.pos:
            raise AssertionError(f"duplicate purchase order {po.number}")
        po.id = po.id or self._s.new_id()
        for ln in po.lines:
            ln.id = ln.id or self._s.new_id()
        self._s.pos[po.number] = see(self._seen, po)

    def po(self, number: str, lock: bool = False) -> PurchaseOrder | None:
        found = self._s.pos.get(number)
        return see(self._seen, found) if found is not None else None

    def pos(self, open_only: bool = True, limit: int = 30) -> Sequence[PurchaseOrder]:
        found = [p for p in self._s.pos.values() if not open_only or p.status in OPEN_PO]
        return [see(self._seen, p) for p in sorted(found, key=lambda p: p.id or 0, reverse=True)[:limit]]

    def add_wo(self, wo: WorkOrder) -> None:
        if wo.number in self._s.wos:
            raise AssertionError(f"duplicate work order {wo.number}")
        wo.id = wo.id or self._s.new_id()
        self._s.wos[wo.number] = see(self._seen, wo)

    def wo(self, number: str, lock: bool = False) -> WorkOrder | None:
        found = self._s.wos.get(number)
        return see(self._seen, found) if found is not None else None

    def wos(self, open_only: bool = True, order_number: str | None = None, limit: int = 30) -> Sequence[WorkOrder]:
        found = [
            w
            for w in self._s.wos.values()
            if (not open_only or w.status in OPEN_WO) and (not order_number or w.order_number == order_number)
        ]
        return [see(self._seen, w) for w in sorted(found, key=lambda w: w.id or 0, reverse=True)[:limit]]

    def incoming_many(self, product_ids: Sequence[int]) -> dict[int, list[tuple[date | None, Decimal]]]:
        return {pid: self.incoming(pid) for pid in product_ids}

    def incoming(self, product_id: int) -> list[tuple[date | None, Decimal]]:
        """As the SQL adapter: what open purchase lines and open work orders still bring, summed per date (what is
        bought apart from what is made); a date with nothing left to come is left out."""
        bought: dict[date | None, Decimal] = {}
        for p in self._s.pos.values():
            if p.status in (POStatus.approved, POStatus.partially_received):
                for ln in p.lines:
                    if ln.product.id == product_id:
                        bought[p.eta] = bought.get(p.eta, ZERO) + ln.quantity - ln.received
        made: dict[date | None, Decimal] = {}
        for w in self._s.wos.values():
            if w.product.id == product_id and w.status in OPEN_WO:
                made[w.due_date] = made.get(w.due_date, ZERO) + w.quantity - w.done - w.scrap
        return [(when, left) for when, left in (*bought.items(), *made.items()) if left > 0]
