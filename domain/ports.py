"""What the handlers need from the outside world, as protocols: storage and time."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from typing import Protocol

from domain.checks import OrderPolicy
from domain.events import Event
from domain.history import AuditEntry, OrderVersion
from domain.orders import Order
from domain.parties import Customer, Product
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
    text: str | None = None
    limit: int = 20
    offset: int = 0


class OrderRepository(Protocol):
    def add(self, order: Order) -> None: ...
    def get(self, number: str) -> Order | None: ...
    def search(self, flt: OrderFilter) -> Sequence[Order]: ...
    def count(self, flt: OrderFilter) -> int: ...
    def open_value(self, customer_id: int, excluding_number: str) -> Decimal: ...


class CustomerRepository(Protocol):
    def add(self, customer: Customer) -> None: ...
    def get(self, code: str) -> Customer | None: ...


class ProductRepository(Protocol):
    def add(self, product: Product) -> None: ...
    def get(self, sku: str) -> Product | None: ...


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

    def __enter__(self) -> UnitOfWork: ...
    def __exit__(self, exc_type: object, exc: object, tb: object) -> None: ...
    def commit(self) -> None: ...
    def rollback(self) -> None: ...
    def next_number(self, series: str) -> int: ...
    def publish(self, event: Event) -> None: ...


@dataclass(frozen=True)
class Context:
    """Who is asking, through which front end, and when (from the injected clock)."""

    user: User
    front: Front
    now: datetime
    today: date  # the business day in the configured timezone
    policy: OrderPolicy = OrderPolicy()
