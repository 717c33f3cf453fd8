"""The demo's stock: what the demo orders hold, plus free stock — some products below safety stock on
purpose — written as ledger entries so the demo keeps the same invariants as real use.

Seed data, written directly with SQLAlchemy Core in the demo's one transaction rather than through the bus:
counting in every product (and reserving every line of tens of thousands of orders) one command at a time
would take the demo minutes; the rows are the ones those commands would write."""

from __future__ import annotations

import random
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, and_, func, insert, or_, select, update

from adapters.sql import tables as t
from domain.lifecycle import Status
from domain.parties import Product
from domain.stock import MAIN, MoveKind

HOLDING = (Status.confirmed, Status.in_production, Status.ready)
SHIPPED = (Status.shipped, Status.delivered, Status.closed)
CHUNK = 5_000


def _holding(o: Any) -> Any:
    return or_(o.status.in_(HOLDING), and_(o.status == Status.on_hold, o.held_from.in_(HOLDING)))


def load_stock(conn: Connection, rng: random.Random, products: list[Product], now: datetime) -> int:
    """Reserve every line of the orders that hold stock, mark shipped lines shipped, and put on the
    shelves what those reservations need plus some free stock. Returns the ledger rows written."""
    o, ln = t.orders.c, t.order_lines.c
    holding_ids = select(o.id).where(_holding(o))
    conn.execute(update(t.order_lines).where(ln.order_id.in_(holding_ids)).values(reserved_qty=ln.quantity))
    shipped_ids = select(o.id).where(o.status.in_(SHIPPED))
    conn.execute(update(t.order_lines).where(ln.order_id.in_(shipped_ids)).values(shipped_qty=ln.quantity))
    totals = select(ln.product_id, func.sum(ln.reserved_qty)).where(ln.reserved_qty > 0).group_by(ln.product_id)
    reserved: dict[int, Decimal] = {pid: Decimal(qty) for pid, qty in conn.execute(totals)}
    moves: list[dict[str, Any]] = []
    stock_rows = []
    for p in products:
        held = reserved.get(p.id or 0, Decimal(0))
        safety = p.safety_stock
        # one product in ten sits below its safety stock so `stock low` and the suggestions have something
        free = safety * Decimal(rng.choice((0, 0.3, 0.6))) if rng.random() < 0.1 else safety * rng.randint(1, 4)
        free = free.quantize(Decimal(1))
        on_hand = held + free
        stock_rows.append(
            {"product_id": p.id, "warehouse": MAIN, "on_hand": on_hand, "reserved": held, "on_order": 0,
             "planned": 0, "low": safety > 0 and free < safety}
        )  # fmt: skip
        moves.append(_move(p, MoveKind.adjustment, on_hand, Decimal(0), now, "demo opening balance"))
    rows = conn.execute(
        select(o.number, ln.line_no, ln.product_id, ln.reserved_qty)
        .select_from(t.order_lines.join(t.orders))
        .where(ln.reserved_qty > 0)
        .order_by(o.id, ln.line_no)
    ).all()
    by_id = {p.id: p for p in products}
    for number, line_no, product_id, qty in rows:
        moves.append(
            _move(by_id[product_id], MoveKind.reservation, Decimal(0), qty, now, "demo order", number, line_no)
        )
    conn.execute(insert(t.stock), stock_rows)
    for i in range(0, len(moves), CHUNK):
        conn.execute(insert(t.stock_moves), moves[i : i + CHUNK])
    return len(moves)


def _move(
    p: Product, kind: MoveKind, on_hand: Decimal, reserved: Decimal, now: datetime, reason: str, order: str = "",
    line: int | None = None,
) -> dict[str, Any]:  # fmt: skip
    return {
        "product_id": p.id, "warehouse": MAIN, "kind": kind, "on_hand_delta": on_hand, "reserved_delta": reserved,
        "at": now, "actor": "demo", "reason": reason, "order_number": order, "line_no": line, "ref": "",
    }  # fmt: skip
