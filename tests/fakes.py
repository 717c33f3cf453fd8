"""In-memory test doubles for the ports in ``domain.ports``, and builders for domain objects.

``FakeUnitOfWork`` keeps a *saved* state (what is committed) and, inside a ``with`` block, a
*working* state that is a deep copy of it. ``commit`` makes the working state the saved
state; leaving the block without committing throws the working state away. Rollback is
therefore observable: whatever a failed command did is simply absent from ``saved``.

One instance can be entered again and again, so ``MessageBus(fake.factory)`` (or
``MessageBus(lambda readonly=False: fake)``) sees one database across many transactions.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from domain.checks import OrderPolicy
from domain.events import Event
from domain.history import AuditEntry, OrderVersion
from domain.lifecycle import OPEN, Status
from domain.orders import Order
from domain.parties import Customer, Product
from domain.ports import Context, OrderFilter
from domain.users import Front, Role, User

TODAY = date(2026, 11, 22)
NOT_YET_SHIPPED = frozenset(
    {Status.draft, Status.pending_confirmation, Status.confirmed, Status.in_production, Status.ready, Status.on_hold}
)


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
    next_id: int = 1

    def new_id(self) -> int:
        self.next_id += 1
        return self.next_id - 1


class FakeOrders:
    def __init__(self, state: State, seen: list[Order]) -> None:
        self._s, self._seen = state, seen

    def _see(self, order: Order) -> Order:
        if all(o is not order for o in self._seen):
            self._seen.append(order)
        return order

    def add(self, order: Order) -> None:
        if order.number in self._s.orders:
            raise AssertionError(f"duplicate order number {order.number}")
        if order.id is None:
            order.id = self._s.new_id()
        self._s.orders[order.number] = self._see(order)

    def get(self, number: str) -> Order | None:
        found = self._s.orders.get(number)
        return self._see(found) if found is not None else None

    def _matching(self, flt: OrderFilter) -> list[Order]:
        out = []
        for o in self._s.orders.values():
            if flt.customer_id is not None and o.customer.id != flt.customer_id:
                continue
            if flt.status is not None and o.status is not Status(flt.status):
                continue
            if flt.owner is not None and o.owner != flt.owner:
                continue
            if flt.overdue_on is not None and not (
                o.status in NOT_YET_SHIPPED and o.due_date is not None and o.due_date < flt.overdue_on
            ):
                continue
            if flt.text:
                needle = flt.text.lower()
                hay = (o.number, o.po_ref, o.notes, o.tracking, o.customer.name, o.customer.code)
                if not any(needle in h.lower() for h in hay):
                    continue
            out.append(o)
        return sorted(out, key=lambda o: o.id or 0, reverse=True)

    def search(self, flt: OrderFilter) -> Sequence[Order]:
        return [self._see(o) for o in self._matching(flt)[flt.offset : flt.offset + flt.limit]]

    def count(self, flt: OrderFilter) -> int:
        return len(self._matching(flt))

    def open_value(self, customer_id: int, excluding_number: str) -> Decimal:
        return sum(
            (
                o.amount
                for o in self._s.orders.values()
                if o.customer.id == customer_id and o.status in OPEN and o.number != excluding_number
            ),
            Decimal(0),
        )


class FakeCustomers:
    def __init__(self, state: State) -> None:
        self._s = state

    def add(self, customer: Customer) -> None:
        if customer.id is None:
            customer.id = self._s.new_id()
        self._s.customers[customer.code] = customer

    def get(self, code: str) -> Customer | None:
        return self._s.customers.get(code)


class FakeProducts:
    def __init__(self, state: State) -> None:
        self._s = state

    def add(self, product: Product) -> None:
        if product.id is None:
            product.id = self._s.new_id()
        self._s.products[product.sku] = product

    def get(self, sku: str) -> Product | None:
        return self._s.products.get(sku.strip().upper())


class FakeUsers:
    def __init__(self, state: State) -> None:
        self._s = state

    def add(self, user: User) -> None:
        if user.id is None:
            user.id = self._s.new_id()
        self._s.users[user.name] = user

    def get(self, name: str) -> User | None:
        return self._s.users.get(name)

    def by_identity(self, front: Front, identity: str) -> User | None:
        return next((u for u in self._s.users.values() if u.identity(front) == identity), None)

    def all(self) -> Sequence[User]:
        return sorted(self._s.users.values(), key=lambda u: u.name)


class FakeHistory:
    def __init__(self, state: State) -> None:
        self._s = state

    def add_version(self, version: OrderVersion) -> None:
        if self.version(version.order_number, version.version) is not None:
            raise AssertionError(f"duplicate version {version.order_number} v{version.version}")
        version.id = self._s.new_id()
        self._s.versions.append(version)

    def version(self, order_number: str, version: int) -> OrderVersion | None:
        return next((v for v in self._s.versions if v.order_number == order_number and v.version == version), None)

    def versions(self, order_number: str) -> Sequence[OrderVersion]:
        return sorted((v for v in self._s.versions if v.order_number == order_number), key=lambda v: v.version)

    def audit(self, entry: AuditEntry) -> None:
        entry.id = self._s.new_id()
        self._s.audit.append(entry)

    def audit_of(self, subject: str) -> Sequence[AuditEntry]:
        return [e for e in self._s.audit if e.subject == subject]


class FakeUnitOfWork:
    """Implements ``domain.ports.UnitOfWork`` in memory; see the module docstring."""

    def __init__(self) -> None:
        self.saved = State()
        self.outbox: list[Event] = []
        self.committed = False  # did the most recent transaction commit?
        self.commits = 0
        self.transactions = 0
        self.readonly = False
        self._work: State | None = None

    # -- the factory MessageBus wants -----------------------------------------------------
    def factory(self, readonly: bool = False) -> FakeUnitOfWork:
        self.readonly = readonly
        return self

    # -- seeding and inspecting the saved state -------------------------------------------
    def seed(self, *objects: Customer | Product | User | Order) -> FakeUnitOfWork:
        """Store master data (or orders) directly in the saved state, as if committed earlier."""
        repos = self._repos(self.saved, [])
        for obj in objects:
            kind = {Customer: "customers", Product: "products", User: "users", Order: "orders"}[type(obj)]
            getattr(repos, kind).add(obj)
        return self

    def order(self, number: str) -> Order:
        """The committed order (a read of the saved state, outside any transaction)."""
        return self.saved.orders[number]

    def audit_entries(self, subject: str | None = None) -> list[AuditEntry]:
        return [e for e in self.saved.audit if subject is None or e.subject == subject]

    def versions_of(self, number: str) -> list[OrderVersion]:
        return [v for v in self.saved.versions if v.order_number == number]

    # -- the UnitOfWork protocol ----------------------------------------------------------
    def __enter__(self) -> FakeUnitOfWork:
        if self._work is not None:
            raise AssertionError("FakeUnitOfWork entered twice without leaving")
        self.transactions += 1
        self.committed = False
        self._begin()
        return self

    def _begin(self) -> None:
        self._work = copy.deepcopy(self.saved)
        self._seen: list[Order] = []
        self._published: list[Event] = []
        repos = self._repos(self._work, self._seen)
        self.orders, self.customers, self.products = repos.orders, repos.customers, repos.products
        self.users, self.history = repos.users, repos.history

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self._work = None  # anything not committed is gone
        self._published = []

    def commit(self) -> None:
        if self._work is None:
            raise AssertionError("commit outside a unit of work")
        if self.readonly:
            raise AssertionError("commit in a read-only unit of work")
        events = list(self._published)
        self._published.clear()
        for order in self._seen:
            events.extend(order.events)
            order.events = []
        self.outbox.extend(events)
        self.saved = copy.deepcopy(self._work)
        self.committed = True
        self.commits += 1

    def rollback(self) -> None:
        """Throw the working state away and go on with a fresh copy of the saved one."""
        if self._work is None:
            raise AssertionError("rollback outside a unit of work")
        self._begin()

    def next_number(self, series: str) -> int:
        assert self._work is not None
        self._work.sequences[series] = self._work.sequences.get(series, 0) + 1
        return self._work.sequences[series]

    def publish(self, event: Event) -> None:
        self._published.append(event)

    @staticmethod
    def _repos(state: State, seen: list[Order]) -> SimpleNamespace:
        return SimpleNamespace(
            orders=FakeOrders(state, seen),
            customers=FakeCustomers(state),
            products=FakeProducts(state),
            users=FakeUsers(state),
            history=FakeHistory(state),
        )


# -- builders ----------------------------------------------------------------------------------
def customer(
    code: str = "ACME", name: str = "Acme Machining", credit_limit: Decimal | str | None = None, **kw: Any
) -> Customer:
    limit = Decimal(credit_limit) if isinstance(credit_limit, str) else credit_limit
    return Customer(code=code, name=name, credit_limit=limit, **kw)


def product(sku: str = "BOLT-M8", list_price: Decimal | str = "0.50", name: str = "", **kw: Any) -> Product:
    return Product(sku=sku, name=name or sku.lower(), list_price=Decimal(list_price), **kw)


def user(name: str, *roles: Role | str) -> User:
    return User(name=name, roles={Role(r) for r in roles})


def ctx(u: User, today: date = TODAY, policy: OrderPolicy | None = None, front: Front = Front.shell) -> Context:
    """Context at 01:00 UTC of ``today`` (09:00 in Shanghai), shell front end, default policy."""
    now = datetime.combine(today, time(1, 0), tzinfo=UTC)
    return Context(user=u, front=front, now=now, today=today, policy=policy or OrderPolicy())


def events_of(events: Iterable[Event], kind: type[Event]) -> list[Any]:
    return [e for e in events if isinstance(e, kind)]
