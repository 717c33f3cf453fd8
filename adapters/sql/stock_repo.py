"""Repositories for stock, the ledger, purchase orders and work orders."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal

from sqlalchemy import and_, func, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, selectinload

from adapters.sql import tables as t
from domain.lifecycle import Status
from domain.orders import Order
from domain.ports import Holder
from domain.stock import MAIN, StockItem, StockMove
from domain.supply import POStatus, PurchaseLine, PurchaseOrder, WorkOrder, WOStatus

# Orders whose backorders receive new stock; a held order waits until it is resumed.
ALLOCATING = (Status.confirmed, Status.in_production, Status.ready)
HOLDING = (*ALLOCATING, Status.on_hold)
# Literal SQL on purpose: a bound parameter would keep SQLite from using the partial index
# ix_order_lines_holding, whose predicate these terms must match word for word.
HOLDS = text("(reserved_qty > 0 OR backorder_qty > 0)")
WAITS = text("backorder_qty > 0")
RESERVES = text("reserved_qty > 0")


class SqlStock:
    def __init__(self, session: Session) -> None:
        self.session = session

    def lock(self, product_ids: Sequence[int], warehouse: str = MAIN) -> dict[int, StockItem]:
        """The stock rows of these products, created if missing and locked for this transaction.

        Rows are locked in product order so two transactions never wait on each other in a circle.
        On SQLite the whole write transaction already holds the database's write lock (BEGIN IMMEDIATE).
        """
        ids = sorted(set(product_ids))
        if not ids:
            return {}
        found = self._locked(ids, warehouse)
        missing = [i for i in ids if i not in found]
        if missing:  # first movement of a product: create its row (a racing creator is fine), then lock it
            conn = self.session.connection()
            dialect_insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
            rows = [
                {"product_id": i, "warehouse": warehouse, "on_hand": 0, "reserved": 0, "on_order": 0, "planned": 0,
                 "low": False}
                for i in missing
            ]  # fmt: skip
            conn.execute(
                dialect_insert(t.stock).values(rows).on_conflict_do_nothing(index_elements=["product_id", "warehouse"])
            )
            found |= self._locked(missing, warehouse)
        return found

    def _locked(self, ids: Sequence[int], warehouse: str) -> dict[int, StockItem]:
        stmt = (
            select(StockItem)
            .where(t.stock.c.product_id.in_(ids), t.stock.c.warehouse == warehouse)
            .order_by(t.stock.c.product_id)
            .with_for_update(of=t.stock)
            .execution_options(populate_existing=True)
        )
        return {item.product_id: item for item in self.session.scalars(stmt) if item.product_id is not None}

    def get(self, product_id: int, warehouse: str = MAIN) -> StockItem | None:
        stmt = select(StockItem).where(t.stock.c.product_id == product_id, t.stock.c.warehouse == warehouse)
        return self.session.scalars(stmt).one_or_none()

    def available(self, product_ids: Sequence[int], warehouse: str = MAIN) -> dict[int, Decimal]:
        """Free stock (on hand − reserved) of several products in one read, without a lock: for looking,
        e.g. an impact analysis. A product never counted has none."""
        s = t.stock.c
        stmt = select(s.product_id, s.on_hand, s.reserved).where(
            s.product_id.in_(set(product_ids)), s.warehouse == warehouse
        )
        rows = self.session.execute(stmt) if product_ids else ()
        found = {pid: on_hand - reserved for pid, on_hand, reserved in rows}
        return {pid: found.get(pid, Decimal(0)) for pid in product_ids}

    def low(self) -> Sequence[StockItem]:
        stmt = select(StockItem).where(t.stock.c.low.is_(True)).order_by(t.stock.c.product_id)
        return self.session.scalars(stmt).all()

    def moves(self, product_id: int, limit: int = 50, order_number: str | None = None) -> Sequence[StockMove]:
        c = t.stock_moves.c
        stmt = select(*[c[k] for k in _MOVE_FIELDS]).where(c.product_id == product_id)
        if order_number:
            stmt = stmt.where(c.order_number == order_number)
        rows = self.session.execute(stmt.order_by(c.id.desc()).limit(limit)).all()
        return [StockMove(**dict(zip(_MOVE_FIELDS, r, strict=True))) for r in reversed(rows)]

    def ledger_totals(self, product_id: int, warehouse: str = MAIN) -> tuple[Decimal, Decimal]:
        c = t.stock_moves.c
        stmt = select(func.coalesce(func.sum(c.on_hand_delta), 0), func.coalesce(func.sum(c.reserved_delta), 0)).where(
            c.product_id == product_id, c.warehouse == warehouse
        )
        on_hand, reserved = self.session.execute(stmt).one()
        return Decimal(on_hand), Decimal(reserved)

    def holders(self, product_id: int) -> Sequence[Holder]:
        """Open order lines holding or waiting for this product, earliest due first (the first 30)."""
        o, ln, cu = t.orders.c, t.order_lines.c, t.customers.c
        stmt = (
            select(o.number, cu.code, cu.tier, o.status, o.due_date, ln.line_no, ln.reserved_qty, ln.backorder_qty)
            .select_from(t.order_lines.join(t.orders).join(t.customers))
            .where(ln.product_id == product_id, o.status.in_(HOLDING), HOLDS)
            .order_by(o.due_date.is_(None), o.due_date, o.id)  # undated last, on every database
            .limit(30)  # a chat message, not a report: the 30 most urgent holders
        )
        return [Holder(*row) for row in self.session.execute(stmt)]

    def waiting_orders(self, product_id: int) -> Sequence[Order]:
        """Orders with a backorder for this product that new stock should go to (with all their lines)."""
        o, ln = t.orders.c, t.order_lines.c
        ids = select(ln.order_id).where(ln.product_id == product_id, WAITS)
        stmt = select(Order).where(o.id.in_(ids), o.status.in_(ALLOCATING)).options(selectinload(Order.lines))  # type: ignore[arg-type]
        return self.session.scalars(stmt).unique().all()

    def holding_orders(self, product_id: int) -> Sequence[Order]:
        o, ln = t.orders.c, t.order_lines.c
        ids = select(ln.order_id).where(ln.product_id == product_id, RESERVES)
        stmt = select(Order).where(o.id.in_(ids), o.status.in_(HOLDING)).options(selectinload(Order.lines))  # type: ignore[arg-type]
        return self.session.scalars(stmt).unique().all()

    def short_product_ids(self) -> list[int]:
        """Products that open orders are waiting for, or below safety stock now (by the figures, not the
        ``low`` flag a scan may not have caught up with; no stock row at all counts as nothing available)."""
        o, ln, s, p = t.orders.c, t.order_lines.c, t.stock.c, t.products.c
        waiting = (
            select(ln.product_id)
            .select_from(t.order_lines.join(t.orders))
            .where(WAITS, o.status.in_(HOLDING))
            .distinct()
        )
        below = (
            select(p.id)
            .select_from(t.products.outerjoin(t.stock, and_(s.product_id == p.id, s.warehouse == MAIN)))
            .where(p.safety_stock > 0, func.coalesce(s.on_hand - s.reserved, 0) < p.safety_stock)
        )
        return sorted({*self.session.scalars(waiting), *self.session.scalars(below)})

    def waiting_qty(self, product_id: int) -> Decimal:
        o, ln = t.orders.c, t.order_lines.c
        stmt = (
            select(func.coalesce(func.sum(ln.backorder_qty), 0))
            .select_from(t.order_lines.join(t.orders))
            .where(ln.product_id == product_id, WAITS, o.status.in_(HOLDING))
        )
        return Decimal(self.session.execute(stmt).scalar_one())

    def waiting_qtys(self, product_ids: Sequence[int]) -> dict[int, Decimal]:
        """``waiting_qty`` for several products in one statement (products nobody waits for: 0)."""
        o, ln = t.orders.c, t.order_lines.c
        stmt = (
            select(ln.product_id, func.sum(ln.backorder_qty))
            .select_from(t.order_lines.join(t.orders))
            .where(ln.product_id.in_(set(product_ids)), WAITS, o.status.in_(HOLDING))
            .group_by(ln.product_id)
        )
        found = {pid: Decimal(qty or 0) for pid, qty in self.session.execute(stmt)} if product_ids else {}
        return {pid: found.get(pid, Decimal(0)) for pid in product_ids}


_MOVE_FIELDS = (
    "product_id", "warehouse", "kind", "on_hand_delta", "reserved_delta", "at", "actor", "reason", "order_number",
    "line_no", "ref", "id",
)  # fmt: skip


class SqlSupply:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add_po(self, po: PurchaseOrder) -> None:
        self.session.add(po)

    def po(self, number: str, lock: bool = False) -> PurchaseOrder | None:
        """With ``lock``: re-read and lock the row (callers lock stock rows first, always in that order)."""
        stmt = select(PurchaseOrder).where(t.purchase_orders.c.number == number)
        if lock:
            stmt = stmt.with_for_update(of=t.purchase_orders).execution_options(populate_existing=True)
        po = self.session.scalars(stmt).one_or_none()
        if po is not None and lock:
            lines = select(PurchaseLine).where(t.purchase_lines.c.po_id == po.id)
            self.session.scalars(lines.execution_options(populate_existing=True)).all()
        return po

    def pos(self, open_only: bool = True, limit: int = 30) -> Sequence[PurchaseOrder]:
        stmt = select(PurchaseOrder).order_by(t.purchase_orders.c.id.desc()).limit(limit)
        if open_only:
            stmt = stmt.where(t.purchase_orders.c.status.in_(_OPEN_PO))
        return self.session.scalars(stmt).all()

    def add_wo(self, wo: WorkOrder) -> None:
        self.session.add(wo)

    def wo(self, number: str, lock: bool = False) -> WorkOrder | None:
        stmt = select(WorkOrder).where(t.work_orders.c.number == number)
        if lock:
            stmt = stmt.with_for_update(of=t.work_orders).execution_options(populate_existing=True)
        return self.session.scalars(stmt).one_or_none()

    def wos(self, open_only: bool = True, order_number: str | None = None, limit: int = 30) -> Sequence[WorkOrder]:
        c = t.work_orders.c
        stmt = select(WorkOrder)
        if open_only:
            stmt = stmt.where(c.status.in_(_OPEN_WO))
        if order_number:
            # one order has a handful: sorting them here keeps SQLite on the order_number index
            # (with ORDER BY id LIMIT it walks the whole table backwards instead)
            found = self.session.scalars(stmt.where(c.order_number == order_number)).all()
            return sorted(found, key=lambda w: w.id or 0, reverse=True)[:limit]
        return self.session.scalars(stmt.order_by(c.id.desc()).limit(limit)).all()

    def incoming(self, product_id: int) -> list[tuple[date | None, Decimal]]:
        """Supply on its way: open purchase lines by ETA, open work orders by due date."""
        return self.incoming_many([product_id])[product_id]

    def incoming_many(self, product_ids: Sequence[int]) -> dict[int, list[tuple[date | None, Decimal]]]:
        """``incoming`` for several products in two statements."""
        po, pl, wo = t.purchase_orders.c, t.purchase_lines.c, t.work_orders.c
        ids = set(product_ids)
        out: dict[int, list[tuple[date | None, Decimal]]] = {pid: [] for pid in product_ids}
        if not ids:
            return out
        # summed per product and date (a busy product has thousands of open work orders, and ATP only needs
        # what arrives when); SUM keeps the column type, so the scaling still applies. The subtraction is
        # done here, in Python: SQL arithmetic between the sums would bypass it. Open documents never hold
        # more received/done than ordered (receipts are capped; a work order done in full closes).
        bought = self.session.execute(
            select(pl.product_id, po.eta, func.sum(pl.quantity), func.sum(pl.received))
            .select_from(t.purchase_lines.join(t.purchase_orders))
            .where(pl.product_id.in_(ids), po.status.in_((POStatus.approved, POStatus.partially_received)))
            .group_by(pl.product_id, po.eta)
        ).all()
        made = self.session.execute(
            select(wo.product_id, wo.due_date, func.sum(wo.quantity), func.sum(wo.done), func.sum(wo.scrap))
            .where(wo.product_id.in_(ids), wo.status.in_(_OPEN_WO))
            .group_by(wo.product_id, wo.due_date)
        ).all()
        for pid, when, q, got in bought:
            if q - got > 0:
                out[pid].append((when, q - got))
        for pid, when, q, done, scrap in made:
            if q - done - scrap > 0:
                out[pid].append((when, q - done - scrap))
        return out


_OPEN_PO = (POStatus.draft, POStatus.approved, POStatus.partially_received)
_OPEN_WO = (WOStatus.planned, WOStatus.released, WOStatus.in_progress)
