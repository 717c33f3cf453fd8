"""Which audience kinds the delivering processes serve, and the lanes none of them does.

Every process that delivers keeps a heartbeat row in ``outbox_dispatchers`` with the audience kinds its transports
serve as configured ("channel:", "user:", "role:" for Slack or the shell, "customer:" for Telegram) — whether or
not their platform is up at the moment: a platform that is down is an outage, not a desk without it. A kind is
unserved only when no live process serves it, so a Slack process and a Telegram process on one database never
mark each other's lanes; a row is refreshed while its process delivers, deleted when it stops, and ignored once
``expires_at`` has passed (its process died).

When a dispatcher looks (every pass, before it claims), a lane whose kind no live process serves is marked
(``outbox_lanes.unserved_since``) and a marked lane that is served again is unmarked. Unmarking first expires the
lane's rows older than the stale limit (``delivery.stale_days``): a customer told weeks late that an order was
confirmed is told something stale, and a flood of old news on the day Telegram is configured helps nobody; what is
younger goes out as usual. The mark is for people (``admin outbox``) and for retention — it never decides who may
claim a lane: a process claims by the kinds it serves, marked or not.

Marking and unmarking lock the lanes they change with ``FOR UPDATE SKIP LOCKED`` (PostgreSQL), so two processes
looking at once never wait on each other; whatever one skipped, the next look settles."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Connection, delete, false, or_, select, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from adapters.sql.tables import outbox, outbox_dispatchers, outbox_lanes

o, lane, who = outbox.c, outbox_lanes.c, outbox_dispatchers.c
CHUNK = 500  # lanes per statement: an IN list stays well inside every database's limit on parameters
STALE = "expired: waited longer than delivery.stale_days for a transport to serve it"


def kind_of(audience: str) -> str:
    """``customer:CUST-001`` -> ``customer:``."""
    head, sep, _ = audience.partition(":")
    return head + sep


def beat(conn: Connection, me: str, serves: Sequence[str], now: datetime, expires_at: datetime) -> None:
    """Say (again) that this process delivers the ``serves`` kinds, until ``expires_at`` unless said again."""
    values = {"name": me, "serves": ",".join(sorted(set(serves)))[:200], "seen_at": now, "expires_at": expires_at}
    dialect_insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    stmt = dialect_insert(outbox_dispatchers).values(values)
    changed = {k: v for k, v in values.items() if k != "name"}
    conn.execute(stmt.on_conflict_do_update(index_elements=["name"], set_=changed))


def leave(conn: Connection, me: str) -> None:
    """This process no longer delivers (it is stopping)."""
    conn.execute(delete(outbox_dispatchers).where(who.name == me))


def live_kinds(conn: Connection, now: datetime) -> set[str]:
    """The audience kinds some live delivering process serves."""
    rows = conn.execute(select(who.serves).where(who.expires_at > now)).scalars()
    return {k for serves in rows for k in serves.split(",") if k}


def _matches(kinds: Iterable[str]) -> ColumnElement[bool]:
    found = sorted(set(kinds))
    return or_(*[lane.audience.startswith(k, autoescape=True) for k in found]) if found else false()


def unsettled(conn: Connection, kinds: Iterable[str]) -> bool:
    """Whether some lane's mark disagrees with ``kinds`` (a cheap read, so a look that changes nothing writes
    nothing)."""
    served = _matches(kinds)
    wrong = or_(
        lane.unserved_since.is_(None) & ~served,
        lane.unserved_since.is_not(None) & served,
    )
    return conn.execute(select(lane.audience).where(wrong).limit(1)).first() is not None


@dataclass(frozen=True)
class Settled:
    marked: int = 0
    unmarked: int = 0
    expired: int = 0


def settle(conn: Connection, kinds: Iterable[str], now: datetime, stale_before: datetime | None, me: str) -> Settled:
    """Mark the lanes no kind in ``kinds`` serves, unmark those one does — expiring first their pending rows
    written before ``stale_before`` (None: none expire)."""
    served = _matches(kinds)
    to_mark = _locked(conn, lane.unserved_since.is_(None) & ~served)
    for part in _chunks(to_mark):
        conn.execute(update(outbox_lanes).where(lane.audience.in_(part)).values(unserved_since=now))
    to_unmark = _locked(conn, lane.unserved_since.is_not(None) & served)
    expired = 0
    for part in _chunks(to_unmark):
        if stale_before is not None:
            expired += _expire(conn, part, now, stale_before, me)
        conn.execute(update(outbox_lanes).where(lane.audience.in_(part)).values(unserved_since=None))
    return Settled(len(to_mark), len(to_unmark), expired)


def _locked(conn: Connection, where: ColumnElement[bool]) -> list[str]:
    stmt = select(lane.audience).where(where).order_by(lane.audience).with_for_update(skip_locked=True)
    return list(conn.execute(stmt).scalars())


def _expire(conn: Connection, audiences: Sequence[str], now: datetime, before: datetime, me: str) -> int:
    stmt = (
        update(outbox)
        .where(o.audience.in_(audiences), o.status == "pending", o.created_at < before)
        .values(status="expired", sent_at=now, sent_by=me, last_error=STALE)
    )
    return int(conn.execute(stmt).rowcount)


def _chunks(items: Sequence[str]) -> Iterable[Sequence[str]]:
    for i in range(0, len(items), CHUNK):
        yield items[i : i + CHUNK]
