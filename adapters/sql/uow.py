"""The unit of work: one session, one transaction, rolled back unless committed."""

from __future__ import annotations

from collections.abc import Callable

from sqlalchemy import Engine
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session, sessionmaker
from sqlalchemy.orm.exc import StaleDataError

from adapters.sql import tables as t
from adapters.sql.engine import READONLY
from adapters.sql.outbox import Router, write_events
from adapters.sql.repositories import SqlCustomers, SqlHistory, SqlOrders, SqlProducts, SqlUsers
from domain.errors import ConcurrentUpdate
from domain.events import Event
from domain.orders import Order
from domain.ports import Clock


class SqlUnitOfWork:
    def __init__(self, session_factory: sessionmaker[Session], route: Router, clock: Clock, readonly: bool) -> None:
        self._session_factory = session_factory
        self._route = route
        self._clock = clock
        self._readonly = readonly
        self._published: list[Event] = []

    def __enter__(self) -> SqlUnitOfWork:
        self.session = self._session_factory()
        if self._readonly:
            self.session.connection(execution_options={READONLY: True})
        self.orders = SqlOrders(self.session)
        self.customers = SqlCustomers(self.session)
        self.products = SqlProducts(self.session)
        self.users = SqlUsers(self.session)
        self.history = SqlHistory(self.session)
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

    def _collect_events(self) -> list[Event]:
        events = list(self._published)
        self._published.clear()
        for obj in list(self.session.identity_map.values()) + list(self.session.new):
            if isinstance(obj, Order) and obj.events:
                events.extend(obj.events)
                obj.events = []
        return events

    def commit(self) -> None:
        try:
            self.session.flush()
            events = self._collect_events()
            if events:
                write_events(self.session.connection(), events, self._route, self._clock.now())
            self.session.commit()
        except StaleDataError:
            numbers = self._stale_numbers()
            self.session.rollback()
            raise ConcurrentUpdate(numbers) from None

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


def uow_factory(engine: Engine, route: Router, clock: Clock) -> Callable[..., SqlUnitOfWork]:
    sessions = sessionmaker(bind=engine, expire_on_commit=False)

    def make(readonly: bool = False) -> SqlUnitOfWork:
        return SqlUnitOfWork(sessions, route, clock, readonly)

    return make
