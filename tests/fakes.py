"""In-memory test doubles for the ports in ``domain.ports``, and builders for domain objects.

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
approvers' delegations. ``contacts`` keeps invitations (code hashes unique) and customers' contacts.
``watch``, ``alerts`` and ``delivery`` (the scheduler's ports) live in ``tests.fakes_watch``.
"""

from __future__ import annotations

import copy
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from types import SimpleNamespace
from typing import Any

from domain.alerts import Alert
from domain.changes import ChangeRequest, CRStatus, Delegation
from domain.checks import OrderPolicy
from domain.contacts import Contact, Invitation
from domain.events import Event
from domain.history import AuditEntry, OrderVersion
from domain.lifecycle import OPEN, Status
from domain.orders import Order
from domain.parties import Customer, Product
from domain.ports import Context, DeadLetter, Holder, OrderFilter
from domain.stock import MAIN, MoveKind, StockItem, StockMove, Who
from domain.supply import POStatus, PurchaseOrder, WorkOrder, WOStatus
from domain.users import Front, Role, User
from tests.fakes_watch import FakeAlerts, FakeDelivery, FakeWatch

TODAY = date(2026, 11, 22)
NOT_YET_SHIPPED = frozenset(
    {Status.draft, Status.pending_confirmation, Status.confirmed, Status.in_production, Status.ready, Status.on_hold}
)
# As in adapters/sql/stock_repo.py: allocating orders get new stock; a held order keeps what it holds.
ALLOCATING = (Status.confirmed, Status.in_production, Status.ready)
HOLDING = (*ALLOCATING, Status.on_hold)
OPEN_PO = (POStatus.draft, POStatus.approved, POStatus.partially_received)
OPEN_WO = (WOStatus.planned, WOStatus.released, WOStatus.in_progress)
ZERO = Decimal(0)


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


class FakeOrders:
    def __init__(self, state: State, seen: list[Any]) -> None:
        self._s, self._seen = state, seen

    def _see(self, order: Order) -> Order:
        return see(self._seen, order)

    def add(self, order: Order) -> None:
        if order.number in self._s.orders:
            raise AssertionError(f"duplicate order number {order.number}")
        if order.id is None:
            order.id = self._s.new_id()
        self._s.orders[order.number] = self._see(order)

    def get(self, number: str) -> Order | None:
        found = self._s.orders.get(number)
        return self._see(found) if found is not None else None

    def refresh_lines(self, order: Order) -> None:
        """Nothing to re-read: one process, one working copy, no other writer between read and lock."""

    def _matching(self, flt: OrderFilter) -> list[Order]:
        out = []
        for o in self._s.orders.values():
            if flt.customer_id is not None and o.customer.id != flt.customer_id:
                continue
            if flt.status is not None and o.status is not Status(flt.status):
                continue
            if o.status.value in flt.exclude_statuses:
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

    def skus_ordered(self, customer_id: int, skus: Sequence[str], excluding_number: str) -> set[str]:
        wanted = set(skus)
        return {
            ln.product.sku
            for o in self._s.orders.values()
            if o.customer.id == customer_id and o.number != excluding_number and o.status is not Status.cancelled
            for ln in o.lines
            if ln.product.sku in wanted
        }


class FakeCustomers:
    def __init__(self, state: State) -> None:
        self._s = state

    def add(self, customer: Customer) -> None:
        if customer.id is None:
            customer.id = self._s.new_id()
        self._s.customers[customer.code] = customer

    def get(self, code: str) -> Customer | None:
        return self._s.customers.get(code)

    def lock(self, customer: Customer) -> None:
        """One fake unit of work at a time: nothing to lock."""

    def search(self, text: str, limit: int = 20) -> Sequence[Customer]:
        needle = text.strip().lower()
        found = [c for c in self._s.customers.values() if needle in c.code.lower() or needle in c.name.lower()]
        return sorted(found, key=lambda c: c.code)[:limit]


class FakeProducts:
    def __init__(self, state: State) -> None:
        self._s = state

    def add(self, product: Product) -> None:
        if product.id is None:
            product.id = self._s.new_id()
        self._s.products[product.sku] = product

    def get(self, sku: str) -> Product | None:
        return self._s.products.get(sku.strip().upper())

    def by_id(self, product_id: int) -> Product | None:
        return next((p for p in self._s.products.values() if p.id == product_id), None)

    def search(self, text: str, limit: int = 20) -> Sequence[Product]:
        needle = text.strip().lower()
        found = [p for p in self._s.products.values() if needle in p.sku.lower() or needle in p.name.lower()]
        return sorted(found, key=lambda p: p.sku)[:limit]


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


def _lines_of(order: Order, product_id: int) -> list[Any]:
    return [ln for ln in order.lines if ln.product.id == product_id]


class FakeStock:
    """``StockRepository`` in memory, with the SQL adapter's meaning of waiting, holding and short."""

    def __init__(self, state: State, seen: list[Any], ledger: list[StockMove]) -> None:
        self._s, self._seen, self._ledger = state, seen, ledger

    def lock(self, product_ids: Sequence[int], warehouse: str = MAIN) -> dict[int, StockItem]:
        """Missing rows are created with zeros, as the SQL upsert does."""
        out = {}
        for pid in sorted(set(product_ids)):
            item = self._s.stock.get((pid, warehouse))
            if item is None:
                found = next((p for p in self._s.products.values() if p.id == pid), None)
                if found is None:
                    raise AssertionError(f"no product with id {pid}")
                item = StockItem(found, warehouse, id=self._s.new_id(), product_id=pid)
                self._s.stock[(pid, warehouse)] = item
            out[pid] = see(self._seen, item)
        return out

    def get(self, product_id: int, warehouse: str = MAIN) -> StockItem | None:
        item = self._s.stock.get((product_id, warehouse))
        return see(self._seen, item) if item is not None else None

    def available(self, product_ids: Sequence[int], warehouse: str = MAIN) -> dict[int, Decimal]:
        found = {pid: self._s.stock.get((pid, warehouse)) for pid in product_ids}
        return {pid: item.available if item is not None else ZERO for pid, item in found.items()}

    def waiting_qtys(self, product_ids: Sequence[int]) -> dict[int, Decimal]:
        return {pid: self.waiting_qty(pid) for pid in product_ids}

    def low(self) -> Sequence[StockItem]:
        items = sorted((i for i in self._s.stock.values() if i.low), key=lambda i: i.product_id or 0)
        return [see(self._seen, i) for i in items]

    def moves(self, product_id: int, limit: int = 50, order_number: str | None = None) -> Sequence[StockMove]:
        """Committed moves only (the SQL unit of work writes them on commit), oldest first."""
        found = [m for m in self._ledger if m.product_id == product_id]
        if order_number:
            found = [m for m in found if m.order_number == order_number]
        return found[-limit:] if limit else []

    def _orders(self, statuses: tuple[Status, ...]) -> list[Order]:
        return sorted((o for o in self._s.orders.values() if o.status in statuses), key=lambda o: o.id or 0)

    def holders(self, product_id: int) -> Sequence[Holder]:
        rows = [
            Holder(o.number, o.customer.code, o.customer.tier, o.status, o.due_date, ln.line_no, ln.reserved_qty,
                   ln.backorder_qty)
            for o in self._orders(HOLDING)
            for ln in _lines_of(o, product_id)
            if ln.reserved_qty > 0 or ln.backorder_qty > 0
        ]  # fmt: skip
        order_ids = {o.number: o.id or 0 for o in self._s.orders.values()}
        return sorted(rows, key=lambda h: (h.due_date or date.max, order_ids[h.number]))[:200]

    def waiting_orders(self, product_id: int) -> Sequence[Order]:
        return [
            see(self._seen, o)
            for o in self._orders(ALLOCATING)
            if any(ln.backorder_qty > 0 for ln in _lines_of(o, product_id))
        ]

    def holding_orders(self, product_id: int) -> Sequence[Order]:
        return [
            see(self._seen, o)
            for o in self._orders(HOLDING)
            if any(ln.reserved_qty > 0 for ln in _lines_of(o, product_id))
        ]

    def waiting_qty(self, product_id: int) -> Decimal:
        return sum((ln.backorder_qty for o in self._orders(HOLDING) for ln in _lines_of(o, product_id)), ZERO)

    def short_product_ids(self) -> list[int]:
        waiting = {ln.product.id for o in self._orders(HOLDING) for ln in o.lines if ln.backorder_qty > 0}
        low = {i.product_id for i in self._s.stock.values() if i.low}
        return sorted(pid for pid in waiting | low if pid is not None)


class FakeSupply:
    def __init__(self, state: State, seen: list[Any]) -> None:
        self._s, self._seen = state, seen

    def add_po(self, po: PurchaseOrder) -> None:
        if po.number in self._s.pos:
            raise AssertionError(f"duplicate purchase order {po.number}")
        po.id = po.id or self._s.new_id()
        for ln in po.lines:
            ln.id = ln.id or self._s.new_id()
        self._s.pos[po.number] = see(self._seen, po)

    def po(self, number: str, lock: bool = False) -> PurchaseOrder | None:
        found = self._s.pos.get(number)
        return see(self._seen, found) if found is not None else None

    def pos(self, open_only: bool = True, limit: int = 30) -> Sequence[PurchaseOrder]:
        found = [p for p in self._s.pos.values() if not open_only or p.status in OPEN_PO]
        return [see(self._seen, p) for p in sorted(found, key=lambda p: p.id or 0, reverse=True)[:limit]]

    def add_wo(self, wo: WorkOrder) -> None:
        if wo.number in self._s.wos:
            raise AssertionError(f"duplicate work order {wo.number}")
        wo.id = wo.id or self._s.new_id()
        self._s.wos[wo.number] = see(self._seen, wo)

    def wo(self, number: str, lock: bool = False) -> WorkOrder | None:
        found = self._s.wos.get(number)
        return see(self._seen, found) if found is not None else None

    def wos(self, open_only: bool = True, order_number: str | None = None, limit: int = 30) -> Sequence[WorkOrder]:
        found = [
            w
            for w in self._s.wos.values()
            if (not open_only or w.status in OPEN_WO) and (not order_number or w.order_number == order_number)
        ]
        return [see(self._seen, w) for w in sorted(found, key=lambda w: w.id or 0, reverse=True)[:limit]]

    def incoming_many(self, product_ids: Sequence[int]) -> dict[int, list[tuple[date | None, Decimal]]]:
        return {pid: self.incoming(pid) for pid in product_ids}

    def incoming(self, product_id: int) -> list[tuple[date | None, Decimal]]:
        out = [
            (p.eta, ln.quantity - ln.received)
            for p in self._s.pos.values()
            if p.status in (POStatus.approved, POStatus.partially_received)
            for ln in p.lines
            if ln.product.id == product_id
        ]
        out += [
            (w.due_date, w.quantity - w.done - w.scrap)
            for w in self._s.wos.values()
            if w.product.id == product_id and w.status in OPEN_WO
        ]
        return [(when, left) for when, left in out if left > 0]


class FakeChanges:
    """``ChangeRepository`` in memory: change requests by number, delegations in the order added."""

    def __init__(self, state: State, seen: list[Any]) -> None:
        self._s, self._seen = state, seen

    def _see(self, cr: ChangeRequest) -> ChangeRequest:
        see(self._seen, cr)
        return cr

    def number_decisions(self) -> None:
        """Give ids to decisions appended since the request was stored, as the database would on flush."""
        for cr in self._s.crs.values():
            for d in cr.decisions:
                if d.id is None:
                    d.id = self._s.new_id()

    def add(self, cr: ChangeRequest) -> None:
        if cr.number in self._s.crs:
            raise AssertionError(f"duplicate change request {cr.number}")
        cr.id = cr.id or self._s.new_id()
        for d in cr.decisions:
            d.id = d.id or self._s.new_id()
        self._s.crs[cr.number] = self._see(cr)

    def get(self, number: str, lock: bool = False) -> ChangeRequest | None:
        found = self._s.crs.get(number)
        return self._see(found) if found is not None else None

    def of_order(self, order_number: str) -> Sequence[ChangeRequest]:
        found = [cr for cr in self._s.crs.values() if cr.order_number == order_number]
        return [self._see(cr) for cr in sorted(found, key=lambda cr: cr.id or 0)]

    def pending(self) -> Sequence[ChangeRequest]:
        found = [cr for cr in self._s.crs.values() if cr.status is CRStatus.pending]
        return [self._see(cr) for cr in sorted(found, key=lambda cr: (cr.requested_at, cr.id or 0))]

    def requested_between(self, first: date, last: date) -> Sequence[ChangeRequest]:
        found = [cr for cr in self._s.crs.values() if first <= cr.requested_on <= last]
        return [self._see(cr) for cr in sorted(found, key=lambda cr: cr.id or 0)]

    def count_for_customer(self, customer: str, since: date) -> int:
        return sum(1 for cr in self._s.crs.values() if cr.customer == customer and cr.requested_on >= since)

    def add_delegation(self, delegation: Delegation) -> None:
        delegation.id = delegation.id or self._s.new_id()
        self._s.delegations.append(delegation)

    def delegations(self, on: date | None = None) -> Sequence[Delegation]:
        return [d for d in self._s.delegations if d.active and (on is None or d.starts <= on <= d.ends)]


class FakeContacts:
    """``ContactRepository`` in memory: invitations by code hash (unique, as the table's constraint), contacts."""

    def __init__(self, state: State) -> None:
        self._s = state

    def add_invitation(self, invitation: Invitation) -> None:
        if any(i.code_hash == invitation.code_hash for i in self._s.invitations):
            raise AssertionError("duplicate invitation code hash")
        invitation.id = invitation.id or self._s.new_id()
        self._s.invitations.append(invitation)

    def invitation(self, code_hash: str, lock: bool = False) -> Invitation | None:
        return next((i for i in self._s.invitations if i.code_hash == code_hash), None)

    def add_contact(self, contact: Contact) -> None:
        contact.id = contact.id or self._s.new_id()
        self._s.contacts.append(contact)

    def contact_for_chat(self, chat_id: str) -> Contact | None:
        return next((k for k in reversed(self._s.contacts) if k.chat_id == chat_id and k.active), None)

    def contacts_of(self, customer: str) -> Sequence[Contact]:
        return sorted((k for k in self._s.contacts if k.customer == customer), key=lambda k: -(k.id or 0))

    def contact(self, contact_id: int) -> Contact | None:
        return next((k for k in self._s.contacts if k.id == contact_id), None)

    def active_chats(self, customer: str) -> list[Contact]:
        return [k for k in self._s.contacts if k.customer == customer and k.active]


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
