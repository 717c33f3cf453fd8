"""Writing events to the outbox, inside the transaction that made the change: one row per audience, and
the audience's lane (created once) that dispatchers will lease to deliver it in order."""

from __future__ import annotations

from collections.abc import Callable, Sequence, Set
from datetime import UTC, datetime

from sqlalchemy import Connection, insert
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from adapters.sql.tables import outbox, outbox_lanes
from domain.events import Event

Router = Callable[[Event], Sequence[str]]
EPOCH = datetime(2000, 1, 1, tzinfo=UTC)  # a lane's not_before when nothing holds it back


def write_events(
    conn: Connection, events: Sequence[Event], route: Router, now: datetime, known: Set[str] = frozenset()
) -> list[str]:
    """Returns the lanes it made sure of. ``known``: lanes this process already made sure of in a committed
    transaction (lanes are never deleted), to spare the upsert on the next change."""
    rows = [
        {
            "created_at": now,
            "kind": ev.kind,
            "subject": ev.key(),
            "audience": audience,
            "payload": ev.payload(),
            "status": "pending",
            "attempts": 0,
            "available_at": now,
            "last_error": "",
        }
        for ev in events
        for audience in route(ev)
    ]
    if not rows:
        return []
    conn.execute(insert(outbox), rows)
    new = sorted({str(r["audience"]) for r in rows} - known)
    if new:
        ensure_lanes(conn, new)
    return new


def ensure_lanes(conn: Connection, audiences: Sequence[str]) -> None:
    # sorted, and DO NOTHING takes no lock on an existing lane: concurrent writers never wait on a dispatcher
    dialect_insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    stmt = dialect_insert(outbox_lanes).values(
        [{"audience": a, "not_before": EPOCH, "leased_by": "", "last_error": ""} for a in sorted(audiences)]
    )
    conn.execute(stmt.on_conflict_do_nothing(index_elements=["audience"]))
