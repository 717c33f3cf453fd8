"""Imperative mapping: the domain's plain classes learn their tables here, and only here."""

from __future__ import annotations

from typing import Any

from sqlalchemy import event
from sqlalchemy.orm import registry, relationship

from adapters.sql import tables as t
from adapters.sql.search_keys import name_initials
from domain.changes import ChangeRequest, Decision, Delegation
from domain.contacts import Contact, Invitation
from domain.history import AuditEntry, OrderVersion
from domain.orders import Order, OrderLine
from domain.parties import Customer, Product
from domain.stock import StockItem
from domain.supply import PurchaseLine, PurchaseOrder, WorkOrder
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
        # `version` counts revisions of the terms (the domain bumps it); `row_version` catches every
        # concurrent write, stage moves included: the ORM bumps it and checks it on each UPDATE.
        version_id_col=t.orders.c.row_version,
    )
    reg.map_imperatively(OrderVersion, t.order_versions)
    reg.map_imperatively(AuditEntry, t.audit_log)
    reg.map_imperatively(
        StockItem, t.stock, properties={"product": relationship(Product, lazy="joined", innerjoin=True)}
    )
    reg.map_imperatively(
        PurchaseLine, t.purchase_lines, properties={"product": relationship(Product, lazy="joined", innerjoin=True)}
    )
    reg.map_imperatively(
        PurchaseOrder,
        t.purchase_orders,
        properties={
            "lines": relationship(
                PurchaseLine, lazy="selectin", cascade="all, delete-orphan", order_by=t.purchase_lines.c.line_no
            )
        },
    )
    reg.map_imperatively(
        WorkOrder, t.work_orders, properties={"product": relationship(Product, lazy="joined", innerjoin=True)}
    )
    reg.map_imperatively(Decision, t.cr_decisions)
    reg.map_imperatively(
        ChangeRequest,
        t.change_requests,
        properties={
            "decisions": relationship(
                Decision, lazy="selectin", cascade="all, delete-orphan", order_by=t.cr_decisions.c.id
            )
        },
    )
    reg.map_imperatively(Delegation, t.delegations)
    reg.map_imperatively(Invitation, t.invitations)
    reg.map_imperatively(Contact, t.contacts)
    for cls in (Order, StockItem, PurchaseOrder, WorkOrder, ChangeRequest):
        event.listen(cls, "load", _fresh_events)
    event.listen(Customer, "before_insert", _customer_search_key)
    event.listen(Customer, "before_update", _customer_search_key)
    return reg


def _customer_search_key(_mapper: Any, _connection: Any, customer: Customer) -> None:
    # Whenever a customer is written (added, imported, renamed), its name's initials are written with it.
    customer.name_initials = name_initials(customer.name)  # type: ignore[attr-defined]


def _fresh_events(obj: Any, _context: Any) -> None:
    # Loaded aggregates skip __init__; give them their own event list (and stock items their move list).
    obj.events = []
    if isinstance(obj, StockItem):
        obj.moves = []


# SQLAlchemy instruments the classes themselves, so the mapping is per process by nature.
_REGISTRY = registry()
