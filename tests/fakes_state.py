"""The in-memory "database" behind ``tests.fakes.FakeUnitOfWork``, and how its repositories remember aggregates.

``State`` holds every table the fake repositories read and write. ``see`` records an aggregate a repository
handed out, so the unit of work can collect its events (and a stock item's moves) on commit.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from domain.alerts import Alert
from domain.changes import ChangeRequest, Delegation
from domain.contacts import Contact, Invitation
from domain.history import AuditEntry, OrderVersion
from domain.orders import Order
from domain.parties import Customer, Product
from domain.ports import DeadLetter
from domain.stock import StockItem
from domain.supply import PurchaseOrder, WorkOrder
from domain.users import User


@dataclass
class State:
    """Everything a database would hold; deep-copied as one graph so shared references survive."""

    orders: dict[str, Order] = field(default_factory=dict)
    customers: dict[str, Customer] = field(default_factory=dict)
    products: dict[str, Product] = field(default_factory=dict)
    users: dict[str, User] = field(default_factory=dict)
    versions: list[OrderVersion] = field(default_factory=list)
    audit: list[AuditEntry] = field(default_factory=list)
    sequences: dict[str, int] = field(default_factory=dict)
    stock: dict[tuple[int, str], StockItem] = field(default_factory=dict)
    pos: dict[str, PurchaseOrder] = field(default_factory=dict)
    wos: dict[str, WorkOrder] = field(default_factory=dict)
    crs: dict[str, ChangeRequest] = field(default_factory=dict)
    delegations: list[Delegation] = field(default_factory=list)
    invitations: list[Invitation] = field(default_factory=list)
    contacts: list[Contact] = field(default_factory=list)
    alerts: dict[str, Alert] = field(default_factory=dict)
    dead: list[DeadLetter] = field(default_factory=list)
    next_id: int = 1

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1


def see(seen: list[Any], obj: Any) -> Any:
    """Remember an aggregate the unit of work handed out: its events (and moves) are kept on commit."""
    if all(o is not obj for o in seen):
        seen.append(obj)
    return obj
