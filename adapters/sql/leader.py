"""Which process runs the scheduler: exactly one at a time, and another takes over when it dies.

PostgreSQL: a session-level advisory lock held on a connection of its own. The server drops the lock the
moment that connection goes (the process was killed, the machine died), so a standby's next try wins.
SQLite (one machine, several processes): a lease row the holder renews; a holder that stops renewing
loses it when the lease runs out. Either way the `leases` row says who holds it, for `admin alerts`."""

from __future__ import annotations

import logging
from datetime import timedelta
from typing import Protocol

from sqlalchemy import Connection, Engine, case, literal, or_, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from adapters.sql.tables import leases
from adapters.sql.types import UTCDateTime
from domain.ports import Clock

log = logging.getLogger(__name__)
c = leases.c


class Leader(Protocol):
    holder: str

    def try_lead(self) -> bool:
        """True while this process leads (taking the lead if it is free); call it regularly."""
        ...

    def release(self) -> None: ...


def _record(conn: Connection, name: str, holder: str, clock: Clock, ttl: timedelta) -> bool:
    """Take or renew the lease row unless someone else holds an unexpired one; True when it is ours."""
    now = clock.now()
    take = (
        update(leases)
        .where(c.name == name, or_(c.holder == holder, c.expires_at <= now))
        .values(
            holder=holder,
            expires_at=now + ttl,
            since=case((c.holder == holder, c.since), else_=literal(now, UTCDateTime())),
        )
    )
    if conn.execute(take).rowcount:
        return True
    dialect_insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    first = dialect_insert(leases).values(name=name, holder=holder, since=now, expires_at=now + ttl)
    return conn.execute(first.on_conflict_do_nothing(index_elements=["name"]).returning(c.name)).first() is not None


class LeaseLeader:
    def __init__(self, engine: Engine, clock: Clock, name: str, holder: str, ttl: timedelta) -> None:
        self.engine, self.clock, self.name, self.holder, self.ttl = engine, clock, name, holder, ttl

    def try_lead(self) -> bool:
        with self.engine.begin() as conn:
            return _record(conn, self.name, self.holder, self.clock, self.ttl)

    def release(self) -> None:
        with self.engine.begin() as conn:
            conn.execute(
                update(leases).where(c.name == self.name, c.holder == self.holder).values(expires_at=self.clock.now())
            )


class AdvisoryLeader:
    """The lock's key is derived from the schema, so two installations in one database do not collide."""

    KEY = text("SELECT pg_try_advisory_lock(hashtextextended(current_schema() || ':' || :name, 0))")
    UNLOCK = text("SELECT pg_advisory_unlock(hashtextextended(current_schema() || ':' || :name, 0))")

    def __init__(self, engine: Engine, clock: Clock, name: str, holder: str, ttl: timedelta) -> None:
        self.engine, self.clock, self.name, self.holder, self.ttl = engine, clock, name, holder, ttl
        self._conn: Connection | None = None

    def try_lead(self) -> bool:
        if self._conn is not None:
            try:
                self._conn.execute(text("SELECT 1"))
                self._note()
                return True
            except Exception:  # the connection, and with it the lock, is gone: another may lead now
                log.warning("scheduler lock lost with its database connection")
                self._drop()
                return False
        conn = self.engine.connect().execution_options(isolation_level="AUTOCOMMIT")
        try:
            got = bool(conn.execute(self.KEY, {"name": self.name}).scalar())
        except Exception:
            conn.close()
            raise
        if not got:
            conn.close()
            return False
        self._conn = conn
        self._note(taken=True)
        return True

    def _note(self, taken: bool = False) -> None:
        """Write who holds the lock (the lock decides; the row only tells)."""
        assert self._conn is not None
        if taken:
            self._conn.execute(update(leases).where(c.name == self.name).values(expires_at=self.clock.now()))
        _record(self._conn, self.name, self.holder, self.clock, self.ttl)

    def _drop(self) -> None:
        """Close the real connection, not hand it back to the pool: the pool's reset is a rollback, which
        keeps a session's advisory lock — a process that thinks it lost the lead would still hold it."""
        if self._conn is not None:
            try:
                self._conn.invalidate()
                self._conn.close()
            except Exception:
                log.debug("closing a broken connection failed", exc_info=True)
            self._conn = None

    def release(self) -> None:
        if self._conn is None:
            return
        try:
            self._conn.execute(update(leases).where(c.name == self.name, c.holder == self.holder)
                               .values(expires_at=self.clock.now()))  # fmt: skip
            self._conn.execute(self.UNLOCK, {"name": self.name})
        finally:
            self._drop()


def leader_for(engine: Engine, clock: Clock, name: str, holder: str, ttl: timedelta) -> Leader:
    if engine.dialect.name == "postgresql":
        return AdvisoryLeader(engine, clock, name, holder, ttl)
    return LeaseLeader(engine, clock, name, holder, ttl)
