"""Sent notifications are kept `delivery.keep_sent_days` days, then the leading scheduler deletes them; pending
and dead-lettered ones are work still owed and stay whatever their age — except pending ones no running process
serves, which nobody will send (tests/integration/test_outbox_unserved.py). On SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from sqlalchemy import insert, select, update

from adapters.sql import tables as t
from adapters.sql.delivery_tables import outbox_targets
from adapters.sql.retention import purge_sent
from bot.app.bootstrap import Desk
from bot.app.config_alerts import SchedulerSettings
from bot.app.scheduler import Scheduler
from tests.integration.plans import plan, statements
from tests.integration.test_outbox import fixed, shipped

o = t.outbox.c


def age(desk: Desk, ids: list[int], status: str, days: float) -> None:
    """Mark rows as the dispatcher would have left them ``days`` ago."""
    when = desk.clock.now() - timedelta(days=days)
    values: dict[str, object] = {"status": status, "created_at": when}
    if status == "sent":
        values["sent_at"] = when
    with desk.engine.begin() as conn:
        conn.execute(update(t.outbox).where(o.id.in_(ids)).values(**values))


def kept(desk: Desk) -> list[tuple[int, str]]:
    """The rows of the test (a scheduler's run also tells the admins of the dead letter: not counted here)."""
    mine = select(o.id, o.status).where(o.kind != "alert_delivery_failed").order_by(o.id)
    with desk.engine.connect() as conn:
        return [(r.id, r.status) for r in conn.execute(mine)]


def a_month_of_mail(desk: Desk) -> None:
    """Six rows: three sent 40 days ago (the first reached two DMs), one sent 10 days ago, one dead-lettered
    40 days ago, one still pending."""
    shipped(desk, range(1, 7))
    age(desk, [1, 2, 3], "sent", 40)
    age(desk, [4], "sent", 10)
    age(desk, [5], "dead", 40)
    with desk.engine.begin() as conn:
        conn.execute(insert(outbox_targets), [{"outbox_id": 1, "target": "U1"}, {"outbox_id": 1, "target": "U2"}])


def test_sent_long_ago_goes_and_work_still_owed_stays(any_desk: Desk) -> None:
    a_month_of_mail(any_desk)
    before = any_desk.clock.now() - timedelta(days=30)
    assert purge_sent(any_desk.engine, before, batch=2) == 3  # two batches, each its own transaction
    assert kept(any_desk) == [(4, "sent"), (5, "dead"), (6, "pending")]
    with any_desk.engine.connect() as conn:
        assert conn.execute(select(outbox_targets.c.outbox_id)).all() == []
    assert purge_sent(any_desk.engine, before) == 0


def test_the_leading_scheduler_tidies_the_outbox_and_a_standby_does_not(any_desk: Desk) -> None:
    a_month_of_mail(any_desk)
    settings = SchedulerSettings(lease=30)
    leader, standby = Scheduler(any_desk, settings, holder="a"), Scheduler(any_desk, settings, holder="b")
    assert leader.lead() and not standby.lead()
    standby.tick()
    assert len(kept(any_desk)) == 6
    leader.tick()  # keep_sent_days defaults to 30
    assert kept(any_desk) == [(4, "sent"), (5, "dead"), (6, "pending")]
    fixed(any_desk).advance(days=21)
    leader.tick()
    assert kept(any_desk) == [(5, "dead"), (6, "pending")]
    leader.stop()


def test_keep_sent_days_zero_keeps_everything(any_desk: Desk) -> None:
    a_month_of_mail(any_desk)
    any_desk.settings = replace(any_desk.settings, delivery=replace(any_desk.settings.delivery, keep_sent_days=0))
    scheduler = Scheduler(any_desk, SchedulerSettings(lease=30), holder="a")
    assert scheduler.lead()
    scheduler.tick()
    assert len(kept(any_desk)) == 6
    scheduler.stop()


def test_finding_old_sent_rows_reads_an_index_not_the_whole_outbox(any_desk: Desk) -> None:
    """The scheduler looks for old settled rows after every run: with years of notifications each read must be an
    index range, not a read of the outbox (PostgreSQL is told to prefer an index, so a tiny table still shows it).
    Three reads: sent rows and expired ones by (status, sent_at), unserved pending ones by status and audience."""
    with statements(any_desk.engine) as sent:
        assert purge_sent(any_desk.engine, any_desk.clock.now()) == 0
    sent_read, expired_read, unserved_read = [(q, p) for q, p in sent if q.lstrip().upper().startswith("SELECT")]
    with any_desk.engine.begin() as conn:
        assert "ix_outbox_status_sent_at" in plan(conn, *sent_read)
        assert "ix_outbox_status_sent_at" in plan(conn, *expired_read)
        shown = plan(conn, *unserved_read)
        assert "ix_outbox_" in shown and "SCAN outbox " not in shown
