"""Keeping the outbox small: notifications sent long ago are deleted, in short transactions, so the table
does not grow with every change the desk ever made. Pending and dead-lettered rows are never touched — they
are work still owed (`admin outbox` shows the dead ones until someone retries them)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Engine, delete, select

from adapters.sql.tables import outbox

o = outbox.c


def purge_sent(engine: Engine, before: datetime, batch: int = 2000) -> int:
    """Delete notifications sent before ``before``; returns how many.
    One batch per transaction keeps locks short while dispatchers keep writing ``sent`` on the same table."""
    total = 0
    while True:
        with engine.begin() as conn:
            old = select(o.id).where(o.status == "sent", o.sent_at < before).order_by(o.sent_at).limit(batch)
            ids = list(conn.execute(old).scalars())
            if not ids:
                return total
            # the targets a row reached go with it (ON DELETE CASCADE; make_engine turns SQLite's foreign keys on)
            conn.execute(delete(outbox).where(o.id.in_(ids), o.status == "sent"))
        total += len(ids)
        if len(ids) < batch:
            return total
