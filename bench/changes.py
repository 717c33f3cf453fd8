"""Change-request figures (issue 4): filing a change request with its impact analysis on a 50-line order,
and the approval that applies it, among the 100 000 demo orders on SQLite."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select

from adapters.sql import tables as t
from bench.core import Figure, build_desk, percentiles, timed
from bot.app.bootstrap import Desk
from domain import commands as c
from domain.approval import ApprovalPolicy
from domain.users import Front

LINES = 50
DUE = date(2027, 1, 29)


def fifty_line_orders(desk: Desk, n: int) -> list[str]:
    """``n`` confirmed orders of 50 lines each, on a customer without a credit limit."""
    with desk.engine.connect() as conn:
        skus = list(conn.execute(select(t.products.c.sku).order_by(t.products.c.id).limit(LINES)).scalars())
        customer = conn.execute(
            select(t.customers.c.code).where(t.customers.c.credit_limit.is_(None)).limit(1)
        ).scalar_one()
    lily = desk.context(Front.shell, "lily")
    numbers = []
    for _ in range(n):
        lines = tuple(c.LineInput(sku, Decimal(10)) for sku in skus)
        number = desk.bus.handle(c.CreateOrder(customer, lines, DUE), lily).order.number
        desk.bus.handle(c.ConfirmOrder(number), lily)
        numbers.append(number)
    return numbers


def run(workdir: Path, orders: int = 100_000, samples: int = 200) -> list[Figure]:
    desk, _ = build_desk(workdir, orders)
    # every sample is on one customer: without this the policy would (rightly) call in finance for
    # "many changes this month" after the third, and the approval measured would not be the last one
    desk.settings = replace(desk.settings, approval=ApprovalPolicy(many_changes=10**9))
    numbers = fifty_line_orders(desk, samples)
    lily, wang = desk.context(Front.shell, "lily"), desk.context(Front.shell, "wang")
    # a small cut and a later date on one line: the analysis still reads all 50 lines; only the sales
    # manager must approve, so the one approval is the one that applies it
    changes = (c.ChangeInput("quantity", line=1, delta=Decimal(-1)), c.ChangeInput("due_date", when=date(2027, 2, 5)))
    it = iter(numbers)
    crs: list[str] = []

    def request() -> None:
        crs.append(desk.bus.handle(c.RequestChange(next(it), changes, "bench", "bench"), lily).cr.number)

    p50, p99 = percentiles(timed(request, len(numbers)))
    figures = [Figure("change request + impact, 50-line order (bus) p50 / p99", f"{p50:.2f} / {p99:.2f} ms",
                      "p99 ≤ 20 ms")]  # fmt: skip
    it_cr = iter(crs)

    def approve() -> None:
        view = desk.bus.handle(c.ApproveChange(next(it_cr)), wang)
        assert view.code == "cr_applied", view.code

    p50, p99 = percentiles(timed(approve, len(crs)))
    figures.append(Figure("approval that applies it (bus) p50 / p99", f"{p50:.2f} / {p99:.2f} ms", "p99 ≤ 20 ms"))
    desk.close()
    return figures
