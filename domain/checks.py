"""Order confirmation checks: every failure at once, each a (code, params) problem."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from domain.orders import Order

Problem = tuple[str, dict[str, Any]]


@dataclass(frozen=True)
class OrderPolicy:
    """The sales office's limits, from orderbot.toml [policy]."""

    max_discount_pct: Decimal = Decimal("15")
    require_po_ref: bool = False


def confirmation_problems(
    order: Order, today: date, policy: OrderPolicy, open_value_elsewhere: Decimal
) -> list[Problem]:
    """Everything that keeps ``order`` from being confirmed today (empty list: it may be)."""
    problems: list[Problem] = []
    if not order.lines:
        problems.append(("check_no_lines", {}))
    if order.due_date is None:
        problems.append(("check_no_due_date", {}))
    elif order.due_date < today:
        problems.append(("check_due_in_past", {"due": order.due_date.isoformat()}))
    if policy.require_po_ref and not order.po_ref.strip():
        problems.append(("check_no_po_ref", {}))
    for ln in sorted(order.lines, key=lambda ln: ln.line_no):
        sku = ln.product.sku
        if ln.quantity <= 0:
            problems.append(("check_quantity", {"line": ln.line_no, "sku": sku}))
        if ln.requested_date is not None and ln.requested_date < today:
            problems.append(
                ("check_line_date_in_past", {"line": ln.line_no, "sku": sku, "date": ln.requested_date.isoformat()})
            )
        list_price = ln.product.list_price
        if list_price > 0:
            discount = (list_price - ln.unit_price) / list_price * 100
            if discount > policy.max_discount_pct:
                problems.append(
                    (
                        "check_discount",
                        {
                            "line": ln.line_no,
                            "sku": sku,
                            "price": str(ln.unit_price),
                            "list": str(list_price),
                            "discount": f"{discount:.1f}",
                            "max": str(policy.max_discount_pct),
                        },
                    )
                )
    limit = order.customer.credit_limit
    if limit is not None and open_value_elsewhere + order.amount > limit:
        problems.append(
            (
                "check_credit",
                {
                    "customer": order.customer.code,
                    "open": str(open_value_elsewhere),
                    "amount": str(order.amount),
                    "limit": str(limit),
                },
            )
        )
    return problems


def confirmed_dates(order: Order) -> dict[int, date]:
    """The date asked for per line: its requested date, else the order's due date.

    Confirmation itself promises with stock in mind (domain.handlers.fulfilment.promised_dates); this
    stock-free version serves the demo's historical orders.
    """
    out: dict[int, date] = {}
    for ln in order.lines:
        promised = ln.requested_date or order.due_date
        assert promised is not None  # confirmation checks require a due date
        out[ln.line_no] = promised
    return out
