"""The unit of work: one session, one transaction, rolled back unless committed."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine, event, insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from adapters.sql import tables as t
from adapters.sql.changes_repo import SqlChanges
from adapters.sql.contacts_repo import SqlContacts
from adapters.sql.engine import READONLY
from adapters.sql.outbox import Router, write_events
from adapters.sql.repositories import SqlCustomers, SqlHistory, SqlOrders, SqlProducts, SqlUsers
from adapters.sql.stock_repo import SqlStock, SqlSupply
from adapters.sql.watch_repo import SqlAlerts, SqlDelivery, SqlWatch
from domain.errors import ConcurrentUpdate
from domain.events import Event
from domain.orders import Order
from domain.ports import Clock
from domain.stock import StockItem, StockMove


class SqlUnitOfWork:
    def __init__(self, session_factory: sessionmaker[Session], route: Router, clock: Clock, readonly: bool,
                 known_lanes: set[str] | None = None) -> None:  # fmt: skip
        self._session_factory = session_factory
        self._route = route
        self._clock = clock
        self._readonly = readonly
        self._known_lanes = known_lanes
        self._published: list[Event] = []

    def __enter__(self) -> SqlUnitOfWork:
        self.session = self._session_factory()
        # The identity map holds objects weakly: an aggregate a handler stopped referencing would vanish
        # with its events and ledger entries. Keep every object this unit of work sees until it ends.
        self._seen: list[object] = []
        event.listen(self.session, "loaded_as_persistent", lambda _s, obj: self._seen.append(obj))
        event.listen(self.session, "transient_to_pending", lambda _s, obj: self._seen.append(obj))
        if self._readonly:
            self.session.connection(execution_options={READONLY: True})
        self.orders = SqlOrders(self.session)
        self.customers = SqlCustomers(self.session)
        self.products = SqlProducts(self.session)
        self.users = SqlUsers(self.session)
        self.history = SqlHistory(self.session)
        self.stock = SqlStock(self.session)
        self.supply = SqlSupply(self.session)
        self.changes = SqlChanges(self.session)
        self.contacts = SqlContacts(self.session)
        self.watch = SqlWatch(self.session)
        self.alerts = SqlAlerts(self.session)
        self.delivery = SqlDelivery(self.session)
        self._published = []
        return self

    def __exit__(self, exc_type: object, exc: object, tb: object) -> None:
        stale = self._stale_numbers() if isinstance(exc, StaleDataError) else None
        # close() rolls back whatever was not committed, and unlike rollback() it leaves the
        # loaded objects readable for the reply that renders them.
        self.session.close()
        if stale is not None:
            # an autoflush inside the handler met a newer version than it loaded
            raise ConcurrentUpdate(stale) from None

    def _stale_numbers(self) -> str:
        return ", ".join(o.number for o in self.session.dirty if isinstance(o, Order)) or "order"

    def publish(self, event: Event) -> None:
        self._published.append(event)

    def _collect(self) -> tuple[list[Event], list[StockMove]]:
        """Events from every aggregate this unit of work has seen, and the ledger entries of stock items."""
        # what the aggregates recorded comes first: a handler publishes what follows from it (a digest after
        # the crossings it lists)
        events: list[Event] = []
        moves: list[StockMove] = []
        for obj in {id(o): o for o in self._seen}.values():
            recorded = getattr(obj, "events", None)
            if recorded:
                events.extend(recorded)
                recorded.clear()
            if isinstance(obj, StockItem) and obj.moves:
                moves.extend(obj.moves)
                obj.moves = []
        events.extend(self._published)
        self._published.clear()
        return events, moves

    def commit(self) -> None:
        try:
            self.session.flush()
            events, moves = self._collect()
            conn = self.session.connection()
            if moves:
                conn.execute(insert(t.stock_moves), [_move_row(m) for m in moves])
            known = self._known_lanes if self._known_lanes is not None else frozenset()
            lanes = write_events(conn, events, self._route, self._clock.now(), known) if events else []
            self.session.commit()
            if self._known_lanes is not None:
                self._known_lanes.update(lanes)  # only once they are committed
        except StaleDataError:
            numbers = self._stale_numbers()
            self.session.rollback()
            raise ConcurrentUpdate(numbers) from None
        except IntegrityError as err:
            # a unique key lost a race (the same approval twice at once, one chat bound twice): nothing was
            # kept, and the user is asked to try again — the second try sees what the first one did
            self.session.rollback()
            if _unique_violation(err):
                raise ConcurrentUpdate(_constraint(err)) from None
            raise

    def rollback(self) -> None:
        self.session.rollback()

    def next_number(self, series: str) -> int:
        """Never-repeating sequence; the upsert's row lock serialises concurrent writers."""
        conn = self.session.connection()
        dialect_insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
        c = t.number_series.c
        stmt = (
            dialect_insert(t.number_series)
            .values(name=series, last=1)
            .on_conflict_do_update(index_elements=[c.name], set_={"last": c.last + 1})
            .returning(c.last)
        )
        return int(conn.execute(stmt).scalar_one())


def _unique_violation(err: IntegrityError) -> bool:
    orig = err.orig
    return getattr(orig, "sqlstate", None) == "23505" or "UNIQUE constraint failed" in str(orig)


def _constraint(err: IntegrityError) -> str:
    diag = getattr(err.orig, "diag", None)
    return str(getattr(diag, "constraint_name", None) or "that record")


def _move_row(m: StockMove) -> dict[str, object]:
    return {k: v for k, v in vars(m).items() if not k.startswith("_") and k != "id"}


def uow_factory(engine: Engine, route: Router, clock: Clock) -> Callable[..., SqlUnitOfWork]:
    sessions = sessionmaker(bind=engine, expire_on_commit=False)
    known_lanes: set[str] = set()  # lanes are never deleted: once made sure of, no upsert again

    def make(readonly: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(sessions, route, clock, readonly, known_lanes)

    return make
