"""The dispatcher's side of the outbox: lanes (one per audience) are leased, their rows read in order,
marked sent / failed / dead, and the lane released with the time it may send again and the pacer's schedule
for its destinations (so pacing holds across processes, not only within one).

A lane is worked by one dispatcher at a time: on PostgreSQL the claim skips lanes another dispatcher is
claiming (``FOR UPDATE SKIP LOCKED``) and the lease keeps them off the lane until it is released or runs
out (its holder died). SQLite has one writer at a time, so claims simply queue."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime, timedelta

from sqlalchemy import ColumnElement, Connection, Exists, exists, func, or_, select, true, update

from adapters.sql.tables import outbox, outbox_lanes
from bot.conversation.delivery import Notification

o, lane = outbox.c, outbox_lanes.c


def _served(prefixes: Sequence[str]) -> ColumnElement[bool]:
    return or_(*[lane.audience.startswith(p, autoescape=True) for p in prefixes]) if prefixes else true()


def _has_work(now: datetime) -> Exists:
    return exists().where(o.audience == lane.audience, o.status == "pending", o.available_at <= now)


def claim_lanes(
    conn: Connection,
    now: datetime,
    me: str,
    lease: timedelta,
    prefixes: Sequence[str],
    accept: Callable[[str], bool],
    limit: int = 50,
) -> list[str]:
    """Lease up to ``limit`` lanes that have due rows and may send now, longest-waiting first."""
    stmt = (
        select(lane.audience)
        .where(
            lane.not_before <= now,
            or_(lane.leased_until.is_(None), lane.leased_until <= now),
            _served(prefixes),
            _has_work(now),
        )
        .order_by(lane.not_before, lane.audience)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    found = [a for (a,) in conn.execute(stmt).all() if accept(a)]
    if found:
        conn.execute(
            update(outbox_lanes).where(lane.audience.in_(found)).values(leased_until=now + lease, leased_by=me)
        )
    return found


def lane_rows(conn: Connection, audience: str, now: datetime, limit: int) -> list[Notification]:
    stmt = (
        select(o.id, o.kind, o.subject, o.audience, o.payload, o.attempts, o.created_at)
        .where(o.audience == audience, o.status == "pending", o.available_at <= now)
        .order_by(o.id)
        .limit(limit)
    )
    return [Notification(*row) for row in conn.execute(stmt).all()]


def renew(conn: Connection, audience: str, me: str, now: datetime, lease: timedelta) -> bool:
    """Extend our lease; False when it ran out and another dispatcher may have the lane now."""
    stmt = (
        update(outbox_lanes)
        .where(lane.audience == audience, lane.leased_by == me, lane.leased_until > now)
        .values(leased_until=now + lease)
    )
    return conn.execute(stmt).rowcount == 1


def lane_pace(conn: Connection, audience: str) -> dict[str, float]:
    """The schedule the lane's last dispatcher left (see ``release``)."""
    found = conn.execute(select(lane.pace).where(lane.audience == audience)).scalar()
    return {str(k): float(v) for k, v in found.items()} if isinstance(found, dict) else {}


def release(
    conn: Connection,
    audience: str,
    me: str,
    not_before: datetime | None,
    error: str | None,
    pace: Mapping[str, float] | None = None,
) -> None:
    values: dict[str, object] = {"leased_until": None}
    if pace is not None:
        values["pace"] = dict(pace)
    if not_before is not None:
        values["not_before"] = not_before
    if error is not None:
        values["last_error"] = error[:2000]
    conn.execute(update(outbox_lanes).where(lane.audience == audience, lane.leased_by == me).values(**values))


def mark_sent(conn: Connection, ids: Sequence[int], now: datetime, me: str) -> None:
    conn.execute(
        update(outbox).where(o.id.in_(ids), o.status == "pending").values(status="sent", sent_at=now, sent_by=me)
    )


def mark_failed(conn: Connection, ids: Sequence[int], error: str, attempts: int, dead: bool) -> None:
    values: dict[str, object] = {"attempts": attempts, "last_error": error[:2000]}
    if dead:
        values["status"] = "dead"
    conn.execute(update(outbox).where(o.id.in_(ids), o.status == "pending").values(**values))


def note(conn: Connection, ids: Sequence[int], error: str) -> None:
    """A try that does not count (the platform asked us to wait): remembered, not held against the row."""
    conn.execute(update(outbox).where(o.id.in_(ids)).values(last_error=error[:2000]))


def hold(conn: Connection, ids: Sequence[int], until: datetime) -> None:
    """Not now (quiet hours): the rows wait; urgent ones behind them in the lane go ahead."""
    conn.execute(update(outbox).where(o.id.in_(ids), o.status == "pending").values(available_at=until))


def next_due(conn: Connection, now: datetime, prefixes: Sequence[str], held: bool) -> datetime | None:
    """When something will be due that is not due now: a lane waiting out pacing or a backoff, a lease that
    runs out, or (with quiet hours) rows held until morning."""
    waiting = select(func.min(lane.not_before)).where(
        lane.not_before > now, _served(prefixes), exists().where(o.audience == lane.audience, o.status == "pending")
    )
    leased = select(func.min(lane.leased_until)).where(lane.leased_until > now, _served(prefixes), _has_work(now))
    times = [conn.execute(waiting).scalar(), conn.execute(leased).scalar()]
    if held:
        later = select(func.min(o.available_at)).where(o.status == "pending", o.available_at > now)
        times.append(conn.execute(later).scalar())
    found = [t for t in times if t is not None]
    return min(found) if found else None
