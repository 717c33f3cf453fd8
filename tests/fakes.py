"""An in-memory ``domain.ports.UnitOfWork`` over fake repositories, and builders for domain objects.

``FakeUnitOfWork`` keeps a *saved* state (what is committed) and, inside a ``with`` block, a
*working* state that is a deep copy of it. ``commit`` makes the working state the saved
state; leaving the block without committing throws the working state away. Rollback is
therefore observable: whatever a failed command did is simply absent from ``saved``.

One instance can be entered again and again, so ``MessageBus(fake.factory)`` (or
``MessageBus(lambda readonly=False: fake)``) sees one database across many transactions.

Like ``adapters.sql.uow``, ``commit`` collects the ``events`` of every aggregate handed out in the
transaction (orders, stock items, purchase and work orders, change requests) into ``outbox``, and
moves each stock item's ``moves`` into ``ledger`` (numbered, oldest first). ``stock.lock`` creates
missing rows with zeros; waiting/holding/short follow the SQL adapter's statuses. ``opening`` seeds a
counted stock. ``changes`` keeps change requests (their decisions get ids on add and on commit) and
approvers' delegations. ``contacts`` keeps invitations and customers' contacts. A commit that would break one of
the SQL tables' unique keys (a chat bound twice, a code hash twice, two decisions for one role in one round) is
refused with ``ConcurrentUpdate`` and keeps nothing, as the SQL unit of work does.

The repositories live in sibling modules, one theme each: ``tests.fakes_state`` (the state itself),
``tests.fakes_orders`` (orders and their history), ``tests.fakes_parties`` (customers, products, users),
``tests.fakes_stock`` (stock and supply), ``tests.fakes_changes`` (change requests and contacts) and
``tests.fakes_watch`` (``watch``, ``alerts`` and ``delivery``, the scheduler's ports). Tests import the unit of
work and the builders below from here.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable
from datetime import UTC, date, datetime, time
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from domain.changes import ChangeRequest
from domain.checks import OrderPolicy
from domain.contacts import Contact, Invitation
from domain.errors import ConcurrentUpdate
from domain.events import Event
from domain.history import AuditEntry, OrderVersion
from domain.orders import Order
from domain.parties import Customer, Product
from domain.ports import Context
from domain.stock import MoveKind, StockItem, StockMove, Who
from domain.supply import PurchaseOrder, WorkOrder
from domain.users import Front, Role, User
from tests.fakes_changes import FakeChanges, FakeContacts, unique_clash
from tests.fakes_orders import FakeHistory, FakeOrders
from tests.fakes_parties import FakeCustomers, FakeProducts, FakeUsers
from tests.fakes_state import State as State  # explicit re-export: tests.fakes_watch types against tests.fakes.State
from tests.fakes_stock import FakeStock, FakeSupply
from tests.fakes_watch import FakeAlerts, FakeDelivery, FakeWatch

TODAY = date(2026, 11, 22)


class FakeUnitOfWork:
    """Implements ``domain.ports.UnitOfWork`` in memory; see the module docstring."""

    def __init__(self) -> None:
        self.saved = State()
        self.outbox: list[Event] = []
        self.committed = False  # did the most recent transaction commit?
        self.commits = 0
        self.transactions = 0
        self.readonly = False
        self.ledger: list[StockMove] = []  # committed stock moves, as the SQL unit of work writes them
        self._work: State | None = None

    # -- the factory MessageBus wants -----------------------------------------------------
    def factory(self, readonly: bool = False) -> FakeUnitOfWork:
        self.readonly = readonly
        return self

    # -- seeding and inspecting the saved state -------------------------------------------
    def seed(self, *objects: Customer | Product | User | Order) -> FakeUnitOfWork:
        """Store master data (or orders) directly in the saved state, as if committed earlier."""
        repos = self._repos(self.saved, [], self.ledger)
        for obj in objects:
            kind = {Customer: "customers", Product: "products", User: "users", Order: "orders"}[type(obj)]
            getattr(repos, kind).add(obj)
        return self

    def opening(self, sku: str, on_hand: Decimal | str | int) -> StockItem:
        """An opening count of a seeded product, committed with its ledger entry (an adjustment)."""
        found = self.saved.products[sku]
        assert found.id is not None
        item = self._repos(self.saved, [], self.ledger).stock.lock([found.id])[found.id]
        delta = Decimal(on_hand) - item.on_hand
        if delta:
            item.adjust(delta, Who("opening", datetime.combine(TODAY, time(0, 0), tzinfo=UTC), "opening count"))
        self._keep_moves(item)
        return item

    def item(self, sku: str) -> StockItem:
        """The committed stock of a product."""
        pid = self.saved.products[sku].id
        return next(i for i in self.saved.stock.values() if i.product_id == pid)

    def purchase(self, number: str) -> PurchaseOrder:
        return self.saved.pos[number]

    def work(self, number: str) -> WorkOrder:
        return self.saved.wos[number]

    def moves_of(self, sku: str, kind: MoveKind | None = None) -> list[StockMove]:
        pid = self.saved.products[sku].id
        return [m for m in self.ledger if m.product_id == pid and (kind is None or m.kind is kind)]

    def order(self, number: str) -> Order:
        """The committed order (a read of the saved state, outside any transaction)."""
        return self.saved.orders[number]

    def audit_entries(self, subject: str | None = None) -> list[AuditEntry]:
        return [e for e in self.saved.audit if subject is None or e.subject == subject]

    def versions_of(self, number: str) -> list[OrderVersion]:
        return [v for v in self.saved.versions if v.order_number == number]

    def change(self, number: str) -> ChangeRequest:
        """The committed change request."""
        return self.saved.crs[number]

    def contacts_saved(self, customer: str | None = None) -> list[Contact]:
        """The committed contacts (of one customer), oldest first."""
        return [k for k in self.saved.contacts if customer is None or k.customer == customer]

    def invitations_saved(self) -> list[Invitation]:
        return list(self.saved.invitations)

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
        self._seen: list[Any] = []
        self._published: list[Event] = []
        repos = self._repos(self._work, self._seen, self.ledger)
        self.orders, self.customers, self.products = repos.orders, repos.customers, repos.products
        self.users, self.history = repos.users, repos.history
        self.stock, self.supply, self.changes = repos.stock, repos.supply, repos.changes
        self.contacts = repos.contacts
        self.watch, self.alerts, self.delivery = repos.watch, repos.alerts, repos.delivery

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        self._work = None  # anything not committed is gone
        self._published = []

    def commit(self) -> None:
        if self._work is None:
            raise AssertionError("commit outside a unit of work")
        if self.readonly:
            raise AssertionError("commit in a read-only unit of work")
        self.changes.number_decisions()
        clash = unique_clash(self._work)
        if clash is not None:  # as the SQL unit of work: the transaction is rolled back and nothing of it kept
            self._begin()
            raise ConcurrentUpdate(clash)
        events: list[Event] = []
        for obj in self._seen:  # orders, stock items, purchase and work orders, change requests, as first seen
            events.extend(obj.events)
            obj.events = []
            if isinstance(obj, StockItem):
                self._keep_moves(obj)
        events.extend(self._published)  # as the SQL unit of work: what the handler published comes after
        self._published.clear()
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

    def _keep_moves(self, item: StockItem) -> None:
        for move in item.moves:
            move.id = len(self.ledger) + 1
            self.ledger.append(move)
        item.moves = []

    @staticmethod
    def _repos(state: State, seen: list[Any], ledger: list[StockMove]) -> SimpleNamespace:
        return SimpleNamespace(
            orders=FakeOrders(state, seen),
            customers=FakeCustomers(state),
            products=FakeProducts(state),
            users=FakeUsers(state),
            history=FakeHistory(state),
            stock=FakeStock(state, seen, ledger),
            supply=FakeSupply(state, seen),
            changes=FakeChanges(state, seen),
            contacts=FakeContacts(state),
            watch=FakeWatch(state),
            alerts=FakeAlerts(state),
            delivery=FakeDelivery(state),
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
