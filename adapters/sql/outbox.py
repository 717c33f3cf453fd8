"""Writing events to the outbox (inside the change's transaction) and claiming them for delivery."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Connection, insert, or_, select, true, update

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


def claim(
    conn: Connection,
    audiences: Callable[[str], bool],
    now: datetime,
    limit: int = 100,
    lease: timedelta = timedelta(minutes=2),
    pages: int = 20,
    prefixes: Sequence[str] = (),
) -> list[OutboxMessage]:
    """Take up to ``limit`` due rows for ``audiences``, oldest first, and lease them: they are 'sending'
    until ``now + lease``, so the caller delivers them outside any transaction (a slow chat platform never
    holds the database) and no other dispatcher takes them meanwhile. A lease that runs out (the process
    died mid-send) makes the row due again. On PostgreSQL rows another dispatcher is claiming are skipped.

    ``prefixes`` (e.g. "channel:", "customer:") narrow the rows in SQL to the kinds of audience served here, so
    rows for a front end this process does not run (customers on Telegram, in a Slack-only process) never
    fill its pages; what is left is stepped over page by page."""
    c = outbox.c
    found: list[OutboxMessage] = []
    after = 0
    served = or_(*[c.audience.startswith(p, autoescape=True) for p in prefixes]) if prefixes else true()
    for _ in range(pages):
        stmt = (
            select(c.id, c.kind, c.subject, c.audience, c.payload, c.attempts, c.created_at)
            .where(c.status.in_(("pending", "sending")), c.available_at <= now, c.id > after, served)
            .order_by(c.id)
            .limit(max(limit, 200))
            .with_for_update(skip_locked=True)
        )
        rows = conn.execute(stmt).all()
        found += [OutboxMessage(*row) for row in rows if audiences(row.audience)]
        if len(found) >= limit or not rows:
            break
        after = rows[-1].id
    found = found[:limit]
    if found:
        ids = [m.id for m in found]
        conn.execute(update(outbox).where(c.id.in_(ids)).values(status="sending", available_at=now + lease))
    return found


def mark_sent(conn: Connection, ids: Sequence[int], now: datetime) -> None:
    if ids:
        conn.execute(update(outbox).where(outbox.c.id.in_(ids)).values(status="sent", sent_at=now))


def mark_failed(conn: Connection, msg_id: int, now: datetime, error: str, retry_in: timedelta | None) -> None:
    """Retry later, or dead-letter it when ``retry_in`` is None."""
    values: dict[str, Any] = {"attempts": outbox.c.attempts + 1, "last_error": error[:2000]}
    if retry_in is None:
        values["status"] = "dead"
    else:
        values["status"] = "pending"
        values["available_at"] = now + retry_in
    conn.execute(update(outbox).where(outbox.c.id == msg_id).values(**values))
