"""What the handlers need from the outside world, as protocols: storage and time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from domain.alerts import Alert, AlertPolicy, AlertStore
from domain.approval import ApprovalPolicy
from domain.changes import ChangeRequest, Delegation
from domain.checks import OrderPolicy
from domain.contacts import Contact, ContactPolicy, Invitation
from domain.events import Event
from domain.history import AuditEntry, OrderVersion
from domain.lifecycle import Status
from domain.orders import Order
from domain.parties import Customer, Product, Tier
from domain.stock import MAIN, StockItem, StockMove
from domain.supply import PurchaseOrder, WorkOrder
from domain.users import Front, User


class Clock(Protocol):
    def now(self) -> datetime:
        """The current instant, timezone-aware UTC."""
        ...


@dataclass(frozen=True)
class OrderFilter:
    customer_id: int | None = None
    status: str | None = None
    owner: str | None = None
    overdue_on: date | None = None  # due before this date and not yet shipped
    text: str | None = None  # number, PO reference, notes, tracking, customer code or name; taken literally
    exclude_statuses: tuple[str, ...] = ()  # e.g. a customer's own list leaves closed and cancelled out
    at_risk: bool = False  # still owed, with a line promised after the date asked for (Order.at_risk)
    limit: int = 20
    offset: int = 0


class OrderRepository(Protocol):
    def add(self, order: Order) -> None: ...
    def get(self, number: str) -> Order | None: ...
    def refresh_lines(self, order: Order) -> None: ...
    def search(self, flt: OrderFilter) -> Sequence[Order]: ...
    def count(self, flt: OrderFilter) -> int: ...
    def open_value(self, customer_id: int, excluding_number: str) -> Decimal: ...
    def by_external_ref(self, customer_id: int, external_ref: str) -> str | None:
        """The number of the customer's order imported under ``external_ref``, if there is one."""
        ...

    def skus_ordered(self, customer_id: int, skus: Sequence[str], excluding_number: str) -> set[str]:
        """Which of ``skus`` the customer has on any other order (a product never ordered is new to them)."""
        ...


class CustomerRepository(Protocol):
    def add(self, customer: Customer) -> None: ...
    def get(self, code: str) -> Customer | None: ...
    def lock(self, customer: Customer) -> None: ...
    def search(self, text: str, limit: int = 20, offset: int = 0) -> Sequence[Customer]:
        """Customers whose code or name contains ``text`` (taken literally, any case), or whose name's pinyin
        initials start with it (syxy: 沈阳鑫源…); best first — the code or name exactly, then those starting
        with it, then the rest — and by code within each; an empty text finds everyone, by code."""
        ...

    def count(self, text: str) -> int:
        """How many customers ``search`` finds for ``text`` in all."""
        ...


class ProductRepository(Protocol):
    def add(self, product: Product) -> None: ...
    def get(self, sku: str) -> Product | None: ...
    def by_id(self, product_id: int) -> Product | None: ...
    def search(self, text: str, limit: int = 20, offset: int = 0) -> Sequence[Product]:
        """Products whose SKU or name contains ``text`` (taken literally, any case); best first — the SKU or name
        exactly, then those starting with it, then the rest — and by SKU within each."""
        ...

    def count(self, text: str) -> int:
        """How many products ``search`` finds for ``text`` in all."""
        ...


class UserRepository(Protocol):
    def add(self, user: User) -> None: ...
    def get(self, name: str) -> User | None: ...
    def by_identity(self, front: Front, identity: str) -> User | None: ...
    def all(self) -> Sequence[User]: ...


class HistoryRepository(Protocol):
    def add_version(self, version: OrderVersion) -> None: ...
    def version(self, order_number: str, version: int) -> OrderVersion | None: ...
    def versions(self, order_number: str) -> Sequence[OrderVersion]: ...
    def audit(self, entry: AuditEntry) -> None: ...
    def audit_of(self, subject: str) -> Sequence[AuditEntry]: ...


@dataclass(frozen=True)
class Holder:
    """An open order line holding, or waiting for, a product."""

    number: str
    customer: str
    tier: Tier
    status: Status
    due_date: date | None
    line_no: int
    reserved: Decimal
    backorder: Decimal


class StockRepository(Protocol):
    def lock(self, product_ids: Sequence[int], warehouse: str = MAIN) -> dict[int, StockItem]: ...
    def get(self, product_id: int, warehouse: str = MAIN) -> StockItem | None: ...
    def available(self, product_ids: Sequence[int], warehouse: str = MAIN) -> dict[int, Decimal]: ...
    def low(self) -> Sequence[StockItem]: ...
    def moves(self, product_id: int, limit: int = 50, order_number: str | None = None) -> Sequence[StockMove]: ...
    def holders(self, product_id: int) -> Sequence[Holder]: ...
    def waiting_orders(self, product_id: int) -> Sequence[Order]: ...
    def holding_orders(self, product_id: int) -> Sequence[Order]: ...
    def waiting_qty(self, product_id: int) -> Decimal: ...
    def waiting_qtys(self, product_ids: Sequence[int]) -> dict[int, Decimal]: ...
    def short_product_ids(self) -> list[int]:
        """Products open orders wait for, or whose available is below their safety stock now (a product
        with a safety stock and no stock row at all too) — what ``StockItem.to_replenish`` may ask for."""
        ...


class SupplyRepository(Protocol):
    def add_po(self, po: PurchaseOrder) -> None: ...
    def po(self, number: str, lock: bool = False) -> PurchaseOrder | None: ...
    def pos(self, open_only: bool = True, limit: int = 30) -> Sequence[PurchaseOrder]: ...
    def add_wo(self, wo: WorkOrder) -> None: ...
    def wo(self, number: str, lock: bool = False) -> WorkOrder | None: ...
    def wos(self, open_only: bool = True, order_number: str | None = None, limit: int = 30) -> Sequence[WorkOrder]: ...
    def incoming(self, product_id: int) -> list[tuple[date | None, Decimal]]: ...
    def incoming_many(self, product_ids: Sequence[int]) -> dict[int, list[tuple[date | None, Decimal]]]: ...


class ChangeRepository(Protocol):
    def add(self, cr: ChangeRequest) -> None: ...
    def get(self, number: str, lock: bool = False) -> ChangeRequest | None:
        """``lock``: hold the request's row until commit, so two last approvals cannot both apply it."""
        ...

    def of_order(self, order_number: str) -> Sequence[ChangeRequest]: ...
    def pending(self) -> Sequence[ChangeRequest]: ...
    def requested_between(self, first: date, last: date) -> Sequence[ChangeRequest]: ...
    def count_for_customer(self, customer: str, since: date) -> int: ...
    def add_delegation(self, delegation: Delegation) -> None: ...
    def delegations(self, on: date | None = None) -> Sequence[Delegation]:
        """Active delegations (covering ``on`` when given)."""
        ...


class ContactRepository(Protocol):
    """Invitations (by the hash of their code) and the chats bound to customers."""

    def add_invitation(self, invitation: Invitation) -> None: ...
    def invitation(self, code_hash: str, lock: bool = False) -> Invitation | None:
        """``lock``: hold the invitation's row until commit, so one code binds one chat."""
        ...

    def add_contact(self, contact: Contact) -> None: ...
    def contact_for_chat(self, chat_id: str) -> Contact | None:
        """The chat's active binding, if any."""
        ...

    def contacts_of(self, customer: str) -> Sequence[Contact]:
        """Every binding of the customer, revoked ones too, newest first."""
        ...

    def contact(self, contact_id: int) -> Contact | None: ...
    def active_chats(self, customer: str) -> list[Contact]:
        """The customer's active bindings (where pushes go), oldest first."""
        ...


@dataclass(frozen=True)
class OrderBrief:
    """What a scan needs of an order, read without loading the order itself."""

    number: str
    customer: str
    owner: str
    status: Status
    due_date: date | None
    status_changed_at: datetime | None


@dataclass(frozen=True)
class DayCounts:
    new: int
    confirmed: int
    shipped: int
    late: int


class WatchRepository(Protocol):
    """The scheduler's reads: each answers from an index, whatever the size of the order history."""

    def overdue(self, today: date) -> Sequence[OrderBrief]:
        """Not shipped and due before ``today``."""
        ...

    def due_between(self, first: date, last: date, statuses: Sequence[Status]) -> Sequence[OrderBrief]: ...
    def in_stage_since(self, stage: Status, before: datetime) -> Sequence[OrderBrief]:
        """Orders in ``stage`` since before ``before``."""
        ...

    def briefs(self, numbers: Sequence[str]) -> dict[str, OrderBrief]: ...
    def at_risk(self) -> Sequence[OrderBrief]:
        """Orders still owed to the customer with a line promised after the date asked for (``Order.at_risk``)."""
        ...

    def low_mismatches(self) -> list[int]:
        """Products whose stored low-stock flag no longer matches their stock (safety stock edited, ...)."""
        ...

    def day_counts(self, start: datetime, end: datetime, today: date, customer: str | None) -> DayCounts: ...


class AlertRepository(AlertStore, Protocol):
    def all_active(self, limit: int = 50) -> Sequence[Alert]: ...
    def count_active(self) -> int: ...
    def lease(self, name: str) -> Lease | None: ...


@dataclass(frozen=True)
class Lease:
    name: str
    holder: str
    since: datetime
    expires_at: datetime


@dataclass(frozen=True)
class DeadLetter:
    """A notification given up on after its tries: kept for `admin outbox` and its retry."""

    id: int
    kind: str
    audience: str
    subject: str
    attempts: int
    last_error: str
    created_at: datetime


@dataclass(frozen=True)
class UnservedLane:
    """Notifications for one audience that no running delivering process serves (a customer's, on a desk without
    Telegram): they are not waiting for anything that will come by itself, so they are not counted as waiting."""

    audience: str  # customer:CUST-001
    count: int
    oldest: datetime
    since: datetime  # when a dispatcher found that no process serves it


@dataclass(frozen=True)
class Backlog:
    pending: int  # waiting for a process that serves them (their platform's pace, a retry, quiet hours)
    dead: int
    oldest_pending: datetime | None
    unserved: int = 0  # pending for audiences no running process serves (see UnservedLane)
    unserved_lanes: tuple[UnservedLane, ...] = ()  # the largest few of them
    unserved_audiences: int = 0  # how many audiences in all
    expired: int = 0  # waited too long for a transport: not sent when one came (deleted like sent ones)


class OutboxRepository(Protocol):
    def dead(self, limit: int = 20) -> Sequence[DeadLetter]: ...
    def backlog(self) -> Backlog: ...
    def retry(self, ids: Sequence[int] | None, now: datetime) -> int:
        """Dead rows (these, or all when None) are due again from ``now``; returns how many."""
        ...


class UnitOfWork(Protocol):
    """One transaction: nothing is kept unless ``commit`` is called before the block ends.

    On commit, the events recorded by every aggregate the unit of work has seen — and those
    handed to ``publish`` — are written to the outbox in the same transaction.
    """

    @property
    def orders(self) -> OrderRepository: ...
    @property
    def customers(self) -> CustomerRepository: ...
    @property
    def products(self) -> ProductRepository: ...
    @property
    def users(self) -> UserRepository: ...
    @property
    def history(self) -> HistoryRepository: ...
    @property
    def stock(self) -> StockRepository: ...
    @property
    def supply(self) -> SupplyRepository: ...
    @property
    def changes(self) -> ChangeRepository: ...
    @property
    def contacts(self) -> ContactRepository: ...
    @property
    def watch(self) -> WatchRepository: ...
    @property
    def alerts(self) -> AlertRepository: ...
    @property
    def delivery(self) -> OutboxRepository: ...

    def __enter__(self) -> UnitOfWork: ...
    def __exit__(self, exc_type: object, exc: object, tb: object) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
    def next_number(self, series: str) -> int: ...
    def publish(self, event: Event) -> None: ...


@dataclass(frozen=True)
class StockPolicy:
    """From orderbot.toml [stock]: the reorder level is safety stock × reorder_factor."""

    reorder_factor: Decimal = Decimal(2)


@dataclass(frozen=True)
class Context:
    """Who is asking, through which front end, and when (from the injected clock)."""

    user: User
    front: Front
    now: datetime
    today: date  # the business day in the configured timezone
    policy: OrderPolicy = OrderPolicy()
    stock: StockPolicy = StockPolicy()
    changes: ApprovalPolicy = ApprovalPolicy()
    contacts: ContactPolicy = ContactPolicy()
    alerts: AlertPolicy = AlertPolicy()
    # the languages the desk speaks: the composition root passes the catalogs it found (bot/conversation/i18n)
    languages: tuple[str, ...] = ("en", "zh")
