"""What handlers return: plain data the reply layer renders in the user's language."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from domain.alerts import Alert
from domain.changes import ChangeRequest, Delegation
from domain.contacts import Contact
from domain.history import AuditEntry, Diff, OrderVersion
from domain.orders import Order
from domain.parties import Customer, Product
from domain.ports import Backlog, DeadLetter, Holder, Lease
from domain.stock import StockItem, StockMove
from domain.supply import PurchaseOrder, WorkOrder
from domain.users import User


@dataclass
class Done:
    """A change that happened: ``code`` names the catalog message, ``order`` the order it touched."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)
    order: Order | None = None


@dataclass
class OrderPage:
    orders: list[Order]
    total: int
    offset: int
    title_code: str = "orders_title"
    title_params: dict[str, Any] = field(default_factory=dict)


@dataclass
class OrderHistoryView:
    """The audit trail of an order (every action, at the version it was on) and its refused attempts."""

    order: Order
    entries: list[AuditEntry]
    refused: list[AuditEntry]
    versions: list[OrderVersion] = field(default_factory=list)


@dataclass
class DiffView:
    order: Order
    diff: Diff


@dataclass
class Choices:
    """Picker options: (value, label) pairs."""

    options: list[tuple[str, str]]


@dataclass
class UserView:
    user: User


@dataclass
class UsersView:
    users: list[User]


@dataclass
class StockSummary:
    item: StockItem
    holders: list[Holder]
    waiting: Decimal
    incoming: list[tuple[date | None, Decimal]]
    suggestion: Decimal


@dataclass
class AtpAnswer:
    sku: str
    quantity: Decimal
    promise: date
    available: Decimal
    today: date


@dataclass
class LedgerView:
    item: StockItem
    moves: list[StockMove]
    totals: tuple[Decimal, Decimal] | None = None


@dataclass
class Suggestion:
    product: Product
    available: Decimal
    on_order: Decimal
    waiting: Decimal
    quantity: Decimal


@dataclass
class SuggestionsView:
    suggestions: list[Suggestion]
    title_code: str = "suggestions_title"


@dataclass
class PurchaseOrderView:
    po: PurchaseOrder


@dataclass
class PurchaseOrdersView:
    pos: list[PurchaseOrder]


@dataclass
class WorkOrderView:
    wo: WorkOrder


@dataclass
class WorkOrdersView:
    wos: list[WorkOrder]


@dataclass
class ChangeView:
    """One change request, with what just happened to it (``code``) and its order as it is now."""

    code: str
    cr: ChangeRequest
    order: Order | None = None
    params: dict[str, Any] = field(default_factory=dict)
    refused: list[AuditEntry] = field(default_factory=list)


@dataclass
class ChangesView:
    crs: list[ChangeRequest]
    title_code: str
    title_params: dict[str, Any] = field(default_factory=dict)
    now: datetime | None = None  # for the age of pending requests
    for_user: str = ""


@dataclass
class CustomerChanges:
    customer: str
    name: str
    count: int
    kinds: dict[str, int]
    approved: int
    rejected: int
    open: int
    sunk_cost: Decimal
    penalty: Decimal
    amount_delta: Decimal


@dataclass
class ChangeReportView:
    month: str
    rows: list[CustomerChanges]


@dataclass
class DelegationsView:
    delegations: list[Delegation]


@dataclass
class ContactsView:
    """A customer's contacts: every chat bound to it, revoked ones too, newest first."""

    customer: str
    contacts: list[Contact]
    name: str = ""


@dataclass
class CustomerOrderView:
    """An order as its customer sees it; ``last_change``: when anything last happened to it."""

    order: Order
    last_change: datetime | None


@dataclass
class ScanReport:
    """What a run of the scans found: per scan (raised, escalated, cleared)."""

    counts: dict[str, tuple[int, int, int]]


@dataclass
class AlertsView:
    alerts: list[Alert]
    total: int
    leader: Lease | None


@dataclass
class DeadLettersView:
    rows: list[DeadLetter]
    backlog: Backlog


@dataclass
class CustomersView:
    """`customers TEXT`: a page of the customers found, best first, and how many there are in all."""

    text: str
    customers: list[Customer]
    total: int
    offset: int = 0


@dataclass
class ProductsView:
    """`products TEXT`: a page of the products found, best first, and how many there are in all."""

    text: str
    products: list[Product]
    total: int
    offset: int = 0
