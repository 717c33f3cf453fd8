"""The scheduler on SQLite and PostgreSQL: its scans read the real schema and keep alert states, one process
leads at a time (taken over when the holder goes), and two scans at once still alert once."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from adapters.sql import tables as t
from adapters.sql.engine import make_engine
from adapters.sql.leader import AdvisoryLeader, LeaseLeader
from adapters.sql.outbox import write_events
from adapters.sql.watch_repo import SqlAlerts
from bot.app.bootstrap import Desk, bootstrap
from bot.app.clock import FixedClock
from bot.app.config import Settings
from bot.app.config_alerts import SchedulerSettings
from bot.app.scheduler import Scheduler
from domain import commands as c
from domain.commands import LineInput
from domain.errors import ConcurrentUpdate
from domain.events import OrderShipped
from domain.users import Front
from tests.integration.plans import plan, statements
from tests.integration.seed import seed


@pytest.fixture
def world(any_desk: Desk) -> Desk:
    seed(any_desk)
    return any_desk


def fixed(desk: Desk) -> FixedClock:
    assert isinstance(desk.clock, FixedClock)
    return desk.clock


def outbox_kinds(desk: Desk, audience: str | None = None) -> list[str]:
    o = t.outbox.c
    stmt = select(o.kind).where(o.kind.like("alert%")).order_by(o.id)
    if audience is not None:
        stmt = stmt.where(o.audience == audience)
    with desk.engine.connect() as conn:
        return list(conn.execute(stmt).scalars())


def late_order(desk: Desk) -> str:
    ctx = desk.context(Front.shell, "lily")
    due = desk.today() + timedelta(days=1)
    number = str(desk.bus.handle(c.CreateOrder("CUST-001", (LineInput("NUT-M8", Decimal(5)),), due), ctx).order.number)
    desk.bus.handle(c.ConfirmOrder(number), ctx)
    fixed(desk).advance(days=3)
    return number


def scan(desk: Desk, *kinds: str) -> None:
    desk.bus.handle(c.RunScans(kinds or c.RunScans().kinds), desk.system_context())


def test_scans_on_the_real_schema_alert_once_and_clear(world: Desk) -> None:
    number = late_order(world)
    for _ in range(5):
        scan(world, "overdue", "due_soon")
        fixed(world).advance(minutes=10)
    assert outbox_kinds(world, "channel:alerts") == ["alert_overdue"]
    assert outbox_kinds(world, "user:lily") == ["alert_overdue"]
    o = t.outbox.c
    with world.engine.connect() as conn:
        payload = conn.execute(select(o.payload).where(o.kind == "alert_overdue")).scalars().first()
    assert payload["number"] == number and payload["days"] == 2
    ctx = world.context(Front.shell, "zhao")
    world.bus.handle(c.AdvanceOrder(number), ctx)
    world.bus.handle(c.AdvanceOrder(number), ctx)
    world.bus.handle(c.ShipOrder(number, "SF", "SF1"), world.context(Front.shell, "liu"))
    scan(world, "overdue")
    scan(world, "overdue")
    assert outbox_kinds(world, "channel:alerts") == ["alert_overdue", "alert_cleared"]
    view = world.bus.handle(c.ListAlerts(), world.context(Front.shell, "admin"))
    assert number not in [a.subject for a in view.alerts if a.kind == "overdue"]


def test_the_daily_summary_and_stock_digest_go_to_their_channels(world: Desk) -> None:
    with world.uow() as uow:
        nut = uow.products.get("NUT-M8")
        assert nut is not None
        nut.safety_stock = Decimal(200_000)  # above the 100 000 on hand
        uow.commit()
    clock = fixed(world)
    scan(world, "stock")  # 09:00 in Shanghai: the crossing, then the morning digest
    clock.advance(hours=9)  # 18:00
    scan(world, "summary")
    scan(world, "summary", "stock")
    o = t.outbox.c
    with world.engine.connect() as conn:
        rows = conn.execute(select(o.kind, o.audience).where(o.audience == "channel:stock")).all()
        summary = conn.execute(select(o.audience, o.payload).where(o.kind == "daily_summary")).all()
    assert [r.kind for r in rows] == ["stock_low", "stock_digest"]
    assert [(a, p["late"]) for a, p in summary] == [("channel:orders", 0)]


def test_two_scans_at_once_alert_once(any_url: str, world: Desk) -> None:
    """Two schedulers (a lead that just changed hands): the alert state's conditional writes let one
    transaction announce each alert; the other finds it raised, or fails and changes nothing."""
    late_order(world)
    other = bootstrap(Settings(database_url=any_url), world.clock, engine=make_engine(any_url))
    barrier, errors = threading.Barrier(2), []

    def run(desk: Desk) -> None:
        barrier.wait()
        try:
            scan(desk, "overdue")
        except ConcurrentUpdate as err:  # lost the race on the alert's unique key: nothing was kept
            errors.append(err)

    threads = [threading.Thread(target=run, args=(d,)) for d in (world, other)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(30)
    other.close()
    assert not any(th.is_alive() for th in threads)
    assert outbox_kinds(world, "channel:alerts") == ["alert_overdue"]  # one of the two announced it
    assert len(errors) <= 1
    scan(world, "overdue")
    assert outbox_kinds(world, "channel:alerts") == ["alert_overdue"]  # and a later scan finds it raised


def test_one_lease_holder_at_a_time_and_takeover_when_it_goes_silent(any_desk: Desk) -> None:
    clock, ttl = fixed(any_desk), timedelta(seconds=30)
    a = LeaseLeader(any_desk.engine, clock, "scheduler", "a", ttl)
    b = LeaseLeader(any_desk.engine, clock, "scheduler", "b", ttl)
    assert a.try_lead() and not b.try_lead()
    clock.advance(seconds=20)
    assert a.try_lead() and not b.try_lead()  # a renewed
    clock.advance(seconds=29)
    assert not b.try_lead()
    clock.advance(seconds=2)  # a stopped renewing 31 s ago: gone
    assert b.try_lead() and not a.try_lead()
    b.release()
    assert a.try_lead()


@pytest.fixture
def pg_desks(pg_url: str, clock: FixedClock) -> Iterator[tuple[Desk, Desk]]:
    from tests.conftest import make_desk

    first = make_desk(pg_url, clock)
    second = bootstrap(Settings(database_url=pg_url), clock, engine=make_engine(pg_url))
    yield first, second
    second.close()
    first.close()


def test_postgres_advisory_lock_is_held_by_one_and_freed_with_its_connection(pg_desks: tuple[Desk, Desk]) -> None:
    one, two = pg_desks
    ttl = timedelta(seconds=30)
    a = AdvisoryLeader(one.engine, one.clock, "scheduler", "a", ttl)
    b = AdvisoryLeader(two.engine, two.clock, "scheduler", "b", ttl)
    assert a.try_lead() and not b.try_lead() and a.try_lead()
    with one.uow(readonly=True) as uow:
        lease = uow.alerts.lease("scheduler")
        assert lease is not None and lease.holder == "a"
    assert a._conn is not None
    a._conn.invalidate()  # the holder's connection dies (as when its process is killed)
    assert b.try_lead()
    assert not a.try_lead()  # a notices it lost the lock
    assert not a.try_lead()  # and cannot take it back while b holds it
    with two.uow(readonly=True) as uow:
        lease = uow.alerts.lease("scheduler")
        assert lease is not None and lease.holder == "b"
    b.release()
    assert a.try_lead()
    a.release()


def test_a_holder_that_fails_to_record_itself_really_lets_go_of_the_lock(pg_desks: tuple[Desk, Desk]) -> None:
    """Not only a dead connection: any failure that makes the holder give up the lead must free the lock
    (a pooled connection would keep it, and then nobody could lead)."""
    one, two = pg_desks
    ttl = timedelta(seconds=30)
    a = AdvisoryLeader(one.engine, one.clock, "scheduler", "a", ttl)
    b = AdvisoryLeader(two.engine, two.clock, "scheduler", "b", ttl)
    assert a.try_lead()

    def timed_out(taken: bool = False) -> None:
        raise RuntimeError("canceling statement due to statement timeout")

    a._note = timed_out  # type: ignore[method-assign]
    assert not a.try_lead()
    assert b.try_lead()
    b.release()


def test_only_the_leading_scheduler_scans(any_desk: Desk) -> None:
    seed(any_desk)
    late_order(any_desk)
    settings = SchedulerSettings(lease=30)
    woke = threading.Event()
    first = Scheduler(any_desk, settings, holder="first", on_change=woke.set)
    second = Scheduler(any_desk, settings, holder="second")
    assert first.lead() and not second.lead()
    assert second.tick() == {}
    reports = first.tick()
    assert reports["overdue"].counts["overdue"] == (1, 0, 0) and woke.is_set()
    first.stop()  # hands the lead back at once
    assert second.lead()
    assert second.tick()["overdue"].counts["overdue"] == (0, 0, 0)  # already alerted: once is once
    second.stop()
    with any_desk.engine.connect() as conn:
        alerts = conn.execute(select(func.count()).select_from(t.alerts).where(t.alerts.c.active)).scalar_one()
    assert alerts >= 1


def test_apscheduler_runs_the_jobs_of_the_leading_process(desk: Desk) -> None:
    """The real APScheduler: the lead job at start-up, the scans a moment later (no sleeping: we wait for the
    scans to report, with a deadline)."""
    seed(desk)
    late_order(desk)
    done = threading.Event()
    sched = Scheduler(desk, SchedulerSettings(every=3600, leader_every=3600), holder="me", on_change=done.set)
    sched.start()
    try:
        assert done.wait(15), "the scans did not run"
        assert sched.leading
        assert sched._aps is not None and {j.id for j in sched._aps.get_jobs()} == {"lead", "scans"}
    finally:
        sched.stop()
    assert "alert_overdue" in outbox_kinds(desk)


def test_the_scans_read_active_alerts_from_their_partial_index(any_desk: Desk) -> None:
    """Years of cleared alerts must not slow the scans: the query for the active ones must be one the partial
    index ix_alerts_active_kind can answer (`active IS true` cannot; PostgreSQL is told to prefer an index, so
    a tiny test table still shows whether it could use it)."""
    with any_desk.uow() as uow:
        conn = uow.session.connection()
        with statements(conn) as sent:
            SqlAlerts(uow.session).active("overdue")
        ((query, params),) = sent
        shown = plan(conn, query, params)
    assert "ix_alerts_active_kind" in shown


def test_notifications_given_up_on_reach_the_admins_once(any_desk: Desk) -> None:
    o = t.outbox.c
    with any_desk.engine.begin() as conn:
        write_events(conn, [OrderShipped("SO-1", "CUST-001", "SF", "1", "liu")], lambda e: ("channel:gone",),
                     any_desk.clock.now())  # fmt: skip
        conn.execute(update(t.outbox).values(status="dead", attempts=12, last_error="undeliverable: channel_not_found"))
    for _ in range(3):
        scan(any_desk, "delivery")
    with any_desk.engine.connect() as conn:
        told = conn.execute(select(o.audience, o.payload).where(o.kind == "alert_delivery_failed")).all()
    assert sorted(a for a, _ in told) == ["channel:alerts", "role:admin"]
    assert told[0].payload == {"dead": 1, "audience": "channel:gone", "error": "undeliverable: channel_not_found"}
