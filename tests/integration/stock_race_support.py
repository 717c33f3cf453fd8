"""What the stock-race tests share: the product they race for, a due date, acting as a user, and drafts."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from bot.app.bootstrap import Desk
from domain import commands as c
from domain.users import Front

DUE = date(2026, 12, 20)
SKU = "NUT-M8"  # a buy item: short lines wait for purchase orders, no work orders muddy the counts


def as_user(desk: Desk, name: str) -> Callable[[object], Any]:
    ctx = desk.context(Front.shell, name)
    return lambda cmd: desk.bus.handle(cmd, ctx)


def drafts(desk: Desk, n: int, qty: int = 7, sku: str = SKU, customer: str = "CUST-001") -> list[str]:
    lily = as_user(desk, "lily")
    return [lily(c.CreateOrder(customer, (c.LineInput(sku, Decimal(qty)),), DUE)).order.number for _ in range(n)]
