"""Keeping the outbox small: notifications settled long ago are deleted, in short transactions, so the table does
not grow with every change the desk ever made.

What goes after ``delivery.keep_sent_days`` (the scheduler passes the cut-off):
- rows sent before it, and rows expired before it (too old to send when a transport for them came; ``sent_at``
  is when they were settled either way);
- rows still pending on a lane no running process serves (a customer's notifications on a desk without Telegram)
  that were written before it. Nobody will send them: if Telegram comes one day, what is older than
  ``delivery.stale_days`` is expired rather than sent, so keeping them longer than sent ones would only let a desk
  that never serves customers by Telegram grow without end.
Pending rows a process serves, and dead-lettered rows, are never touched — they are work still owed (`admin outbox`
shows the dead ones until someone retries them)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Column, ColumnElement, Engine, delete, exists, select

from adapters.sql.tables import outbox, outbox_lanes

o, lane = outbox.c, outbox_lanes.c


def purge_sent(engine: Engine, before: datetime, batch: int = 2000) -> int:
    """Delete notifications settled (sent or expired) before ``before``, and unserved ones written before it;
    returns how many. One batch per transaction keeps locks short while dispatchers keep writing on the table."""
    unserved = exists().where(lane.audience == o.audience, lane.unserved_since.is_not(None))
    # each read is an index range: (status, sent_at) for the settled ones, (status, audience, id) for the others
    wheres: list[tuple[ColumnElement[bool], Column[object]]] = [
        ((o.status == "sent") & (o.sent_at < before), o.sent_at),
        ((o.status == "expired") & (o.sent_at < before), o.sent_at),
        ((o.status == "pending") & (o.created_at < before) & unserved, o.id),
    ]
    return sum(_purge(engine, where, order, batch) for where, order in wheres)


def _purge(engine: Engine, where: ColumnElement[bool], order: Column[object], batch: int) -> int:
    total = 0
    while True:
        with engine.begin() as conn:
            ids = list(conn.execute(select(o.id).where(where).order_by(order).limit(batch)).scalars())
            if not ids:
                return total
            # the targets a row reached go with it (ON DELETE CASCADE; make_engine turns SQLite's foreign keys on)
            conn.execute(delete(outbox).where(o.id.in_(ids), where))
        total += len(ids)
        if len(ids) < batch:
            return total
