"""The demo's stock keeps the same invariants as real use: figures equal the ledger, reservations
equal what the order lines hold, and some products sit below safety stock on purpose."""

from __future__ import annotations

from sqlalchemy import func, select

from adapters.sql import tables as t
from bot.app.bootstrap import Desk
from bot.app.demo import load_demo
from bot.conversation.chat import Chat
from domain.users import Front


def test_demo_stock_matches_its_ledger_and_its_orders(any_desk: Desk) -> None:
    load_demo(any_desk, orders=300, seed=11)
    s, m, ln = t.stock.c, t.stock_moves.c, t.order_lines.c
    with any_desk.engine.connect() as conn:
        stock = {r.product_id: r for r in conn.execute(select(t.stock))}
        ledger = dict(
            (pid, (oh, rs))
            for pid, oh, rs in conn.execute(
                select(m.product_id, func.sum(m.on_hand_delta), func.sum(m.reserved_delta)).group_by(m.product_id)
            )
        )
        held = dict(conn.execute(select(ln.product_id, func.sum(ln.reserved_qty)).group_by(ln.product_id)).all())
        low = conn.execute(select(func.count()).select_from(t.stock).where(s.low.is_(True))).scalar_one()
    assert stock and set(stock) == set(ledger)
    for pid, row in stock.items():
        assert (row.on_hand, row.reserved) == ledger[pid]
        assert row.reserved == held.get(pid, 0)
        assert 0 <= row.reserved <= row.on_hand
    assert low > 0


def test_demo_stock_answers_stock_and_atp(desk: Desk) -> None:
    load_demo(desk, orders=200, seed=3)
    chat = Chat(desk)
    assert not chat.handle(Front.shell, "admin", "lang en").error
    shown = chat.handle(Front.shell, "admin", "stock low")
    assert not shown.error and shown.tables and shown.tables[0].rows
    sku = shown.tables[0].rows[0][0]
    assert "On hand" in chat.handle(Front.shell, "admin", f"stock {sku}").text()
    assert sku in chat.handle(Front.shell, "admin", f"atp {sku} 10").title
