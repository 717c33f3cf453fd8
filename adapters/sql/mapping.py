"""Imperative mapping: the domain's plain classes learn their tables here, and only here."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import registry, relationship

from adapters.sql import tables as t
from domain.history import AuditEntry, OrderVersion
from domain.orders import Order, OrderLine
from domain.parties import Customer, Product
from domain.users import User


def build_registry() -> registry:
    """Map once per process (SQLAlchemy mappings are class-level); calling again is a no-op."""
    reg = _REGISTRY
    if reg.mappers:
        return reg
    reg.map_imperatively(Customer, t.customers)
    reg.map_imperatively(Product, t.products)
    reg.map_imperatively(User, t.users)
    reg.map_imperatively(
        OrderLine,
        t.order_lines,
        properties={"product": relationship(Product, lazy="joined", innerjoin=True)},
    )
    reg.map_imperatively(
        Order,
        t.orders,
        properties={
            "customer": relationship(Customer, lazy="joined", innerjoin=True),
            # Lines load only when asked for (raise otherwise): a list of 50 orders must not pull 5000 lines.
            "lines": relationship(
                OrderLine, lazy="raise", cascade="all, delete-orphan", order_by=t.order_lines.c.line_no
            ),
        },
        version_id_col=t.orders.c.version,
        version_id_generator=False,
    )
    reg.map_imperatively(OrderVersion, t.order_versions)
    reg.map_imperatively(AuditEntry, t.audit_log)
    event.listen(Order, "load", _fresh_events)
    return reg


def _fresh_events(order: Order, _context: Any) -> None:
    # Loaded aggregates skip __init__; give them their own event list.
    order.events = []


# SQLAlchemy instruments the classes themselves, so the mapping is per process by nature.
_REGISTRY = registry()
