"""Writing events to the outbox (inside the change's transaction) and claiming them for delivery."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, insert, select, update

from adapters.sql.tables import outbox
from domain.events import Event

Router = Callable[[Event], Sequence[str]]


def write_events(conn: Connection, events: Sequence[Event], route: Router, now: datetime) -> int:
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
    if rows:
        conn.execute(insert(outbox), rows)
    return len(rows)


@dataclass(frozen=True)
class OutboxMessage:
    id: int
    kind: str
    subject: str
    audience: str
    payload: dict[str, Any]
    attempts: int
    created_at: datetime


def claim(conn: Connection, audiences: Callable[[str], bool], now: datetime, limit: int = 100) -> list[OutboxMessage]:
    """Pending rows due now, oldest first; on PostgreSQL locked rows are skipped so two dispatchers never share one."""
    c = outbox.c
    stmt = (
        select(c.id, c.kind, c.subject, c.audience, c.payload, c.attempts, c.created_at)
        .where(c.status == "pending", c.available_at <= now)
        .order_by(c.id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return [OutboxMessage(*row) for row in conn.execute(stmt) if audiences(row.audience)]


def mark_sent(conn: Connection, ids: Sequence[int], now: datetime) -> None:
    if ids:
        conn.execute(update(outbox).where(outbox.c.id.in_(ids)).values(status="sent", sent_at=now))


def mark_failed(conn: Connection, msg_id: int, now: datetime, error: str, retry_in: timedelta | None) -> None:
    """Retry later, or dead-letter it when ``retry_in`` is None."""
    values: dict[str, Any] = {"attempts": outbox.c.attempts + 1, "last_error": error[:2000]}
    if retry_in is None:
        values["status"] = "dead"
    else:
        values["available_at"] = now + retry_in
    conn.execute(update(outbox).where(outbox.c.id == msg_id).values(**values))
