"""Faults around the scheduler: two processes that both could scan (one leads; a standby takes over when the
leader is killed), and scans run again and again (an alert is raised once, cleared once, raised again)."""

from __future__ import annotations

import os
from collections import Counter
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Engine, select, text

from adapters.sql import tables as t
from adapters.sql.engine import make_engine
from bot.app.bootstrap import Desk
from bot.app.clock import FixedClock
from domain import commands as c
from domain.handlers.delivery import SCHEDULER_LEASE
from domain.users import Front
from tests.conftest import make_desk, sqlite_url
from tests.faults.helpers import Worker, child_env, config, start_worker, stop_all, wait_until
from tests.integration.seed import approve_all, seed

# -- helpers --------------------------------------------------------------------------------------------------


def overdue_order(desk: Desk, days_late: int = 0) -> str:
    """An order confirmed today, due in two days (so late ``days_late`` days after that)."""
    line = c.LineInput("NUT-M8", Decimal(10))
    number = desk.bus.handle(
        c.CreateOrder("CUST-001", (line,), desk.today() + timedelta(days=2)), desk.context(Front.shell, "lily")
    ).params["number"]
    desk.bus.handle(c.ConfirmOrder(number), desk.context(Front.shell, "wang"))
    return str(number)


def alert_rows(engine: Engine, kind: str, subject: str | None = None) -> Counter[str]:
    """How many outbox rows of ``kind`` (for ``subject``) each audience got."""
    o = t.outbox.c
    stmt = select(o.audience).where(o.kind == kind)
    if subject is not None:
        stmt = stmt.where(o.subject == subject)
    with engine.connect() as conn:
        return Counter(a for (a,) in conn.execute(stmt).all())


def lease(engine: Engine) -> Any:
    ls = t.leases.c
    with engine.connect() as conn:
        return conn.execute(select(ls.holder, ls.expires_at).where(ls.name == SCHEDULER_LEASE)).one_or_none()


def lock_ports(engine: Engine) -> list[int]:
    """The client ports of the backends holding the scheduler's advisory lock (this schema's key)."""
    with engine.connect() as conn:
        key = conn.execute(
            text("SELECT hashtextextended(current_schema() || ':' || :n, 0)"), {"n": SCHEDULER_LEASE}
        ).scalar_one()
        unsigned = key & 0xFFFF_FFFF_FFFF_FFFF  # a bigint key shows as (classid, objid) = (high, low) halves
        found = conn.execute(
            text(
                "SELECT a.client_port FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid"
                " WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1"
                " AND l.database = (SELECT oid FROM pg_database WHERE datname = current_database())"
                " AND l.classid::bigint = :hi AND l.objid::bigint = :lo"
            ),
            {"hi": unsigned >> 32, "lo": unsigned & 0xFFFF_FFFF},
        )
        return [int(p) for (p,) in found.all()]


def local_ports(pid: int) -> set[int]:
    """The local TCP ports of a process's sockets (Linux /proc): which process a backend's client is."""
    inodes = set()
    for fd in os.listdir(f"/proc/{pid}/fd"):
        try:
            link = os.readlink(f"/proc/{pid}/fd/{fd}")
        except OSError:
            continue
        if link.startswith("socket:["):
            inodes.add(link[len("socket:[") : -1])
    ports = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        if not os.path.exists(table):
            continue
        with open(table, encoding="ascii") as f:
            for line in f.readlines()[1:]:
                parts = line.split()
                if parts[9] in inodes:
                    ports.add(int(parts[1].rsplit(":", 1)[1], 16))
    return ports


def holder_of(workers: list[Worker], names: list[str], holder: str) -> tuple[Worker, Worker]:
    i = names.index(holder)
    return workers[i], workers[1 - i]


# -- one scheduler at a time -----------------------------------------------------------------------------------


@pytest.mark.slow
def test_one_scheduler_at_a_time_and_takeover(pg_url: str, tmp_path: Path) -> None:
    # the workers run on the real clock; the orders were made ten days ago, due eight days ago
    past = FixedClock(datetime.now(UTC) - timedelta(days=10))
    desk = make_desk(pg_url, past)
    seed(desk, opening_stock=0)
    first = overdue_order(desk)
    cfg = config(tmp_path / "orderbot.toml", {"orders": "C0ORDERS"},
                 scheduler={"every_seconds": 1, "leader_seconds": 0.5})  # fmt: skip
    env = child_env(pg_url, cfg)  # no chat token: the workers only schedule
    workers = [start_worker(env, tmp_path / f"worker{i}.log") for i in (1, 2)]
    try:
        names = [w.name() for w in workers]
        holder = wait_until(lambda: (row := lease(desk.engine)) is not None and row.holder, 30, "a scheduler lead")
        assert holder in names
        leader, standby = holder_of(workers, names, holder)
        assert holder.split(":")[1] == str(leader.pid)  # host:pid:rand
        wait_until(lambda: alert_rows(desk.engine, "alert_overdue"), 30, "the leader's first scan")

        # exactly one lock, and its connection is the leader's
        ports = lock_ports(desk.engine)
        assert len(ports) == 1
        assert ports[0] in local_ports(leader.pid) and ports[0] not in local_ports(standby.pid)
        # let a few more scan ticks pass in both processes (the lease row is renewed at every lead try)
        seen = lease(desk.engine).expires_at
        wait_until(lambda: lease(desk.engine).expires_at >= seen + timedelta(seconds=2), 30, "more ticks")
        assert lease(desk.engine).holder == holder
        assert f"took the lead ({holder})" in leader.text()
        assert "took the lead" not in standby.text()  # it never led, so it never scanned
        # both ran the scans job every second; only the leader scanned, and the alert went out once
        assert alert_rows(desk.engine, "alert_overdue", first) == {"channel:alerts": 1, "user:lily": 1}

        leader.kill()  # no handover: PostgreSQL drops the lock with the dead process's connection
        wait_until(lambda: lease(desk.engine).holder == names[workers.index(standby)], 30, "the standby to lead")
        ports = lock_ports(desk.engine)
        assert len(ports) == 1 and ports[0] in local_ports(standby.pid)
        assert f"took the lead ({names[workers.index(standby)]})" in standby.text()

        # the new leader scans: a new late order is announced; the old one is not announced again
        second = overdue_order(desk)
        wait_until(lambda: alert_rows(desk.engine, "alert_overdue", second), 30, "the new leader's scan")
        assert alert_rows(desk.engine, "alert_overdue") == {"channel:alerts": 2, "user:lily": 2}
        with desk.engine.connect() as conn:
            found = conn.execute(select(t.alerts.c.key, t.alerts.c.times).where(t.alerts.c.kind == "overdue")).all()
        assert {key: n for key, n in found} == {f"overdue:{first}": 1, f"overdue:{second}": 1}
    finally:
        stop_all(workers)
        desk.close()


@pytest.mark.slow
def test_a_sqlite_scheduler_lease_is_taken_over_when_it_runs_out(tmp_path: Path, clock: FixedClock) -> None:
    """SQLite has no session locks: the holder renews a lease row; killed, it stops renewing and a standby
    takes over once the lease (1 s here) ran out. Real time must pass for that: about a second."""
    url = sqlite_url(tmp_path)
    make_desk(url, clock).close()
    engine = make_engine(url)
    cfg = config(tmp_path / "orderbot.toml", {"orders": "C0ORDERS"},
                 scheduler={"every_seconds": 1, "leader_seconds": 0.2, "lease_seconds": 1})  # fmt: skip
    workers = [start_worker(child_env(url, cfg), tmp_path / f"worker{i}.log") for i in (1, 2)]
    try:
        names = [w.name() for w in workers]
        holder = wait_until(lambda: (row := lease(engine)) is not None and row.holder, 30, "a scheduler lead")
        leader, standby = holder_of(workers, names, holder)
        assert "took the lead" not in standby.text()
        leader.kill()
        other = names[workers.index(standby)]
        wait_until(lambda: lease(engine).holder == other, 10, "the standby to take the expired lease")
        assert f"took the lead ({other})" in standby.text()
    finally:
        stop_all(workers)
        engine.dispose()


# -- an alert raised once, cleared once, raised again ------------------------------------------------------------


def scan_overdue(desk: Desk, clock: FixedClock, times: int) -> None:
    """The scheduler's overdue scan, ``times`` times, minutes apart (each in its own transaction)."""
    for _ in range(times):
        desk.bus.handle(c.RunScans(("overdue",)), desk.system_context())
        clock.advance(minutes=7)


def test_an_alert_that_persists_is_raised_once_and_again_after_clearing(any_url: str, clock: FixedClock) -> None:
    desk = make_desk(any_url, clock)
    try:
        seed(desk)
        number = overdue_order(desk)
        clock.advance(days=5)  # three days late, still confirmed, not shipped
        scan_overdue(desk, clock, 12)
        assert alert_rows(desk.engine, "alert_overdue") == {"channel:alerts": 1, "user:lily": 1}
        assert alert_rows(desk.engine, "alert_cleared") == {}

        # the customer's site is not ready: the due date moves a week on (a change request, approved)
        new_due = desk.today() + timedelta(days=7)
        cr = desk.bus.handle(
            c.RequestChange(number, (c.ChangeInput("due_date", when=new_due),), "site not ready"),
            desk.context(Front.shell, "lily"),
        ).cr
        approve_all(desk, cr.number)
        scan_overdue(desk, clock, 12)
        assert alert_rows(desk.engine, "alert_overdue") == {"channel:alerts": 1, "user:lily": 1}
        assert alert_rows(desk.engine, "alert_cleared") == {"channel:alerts": 1}

        clock.advance(days=9)  # late again, against the new date
        scan_overdue(desk, clock, 12)
        assert alert_rows(desk.engine, "alert_overdue") == {"channel:alerts": 2, "user:lily": 2}
        assert alert_rows(desk.engine, "alert_cleared") == {"channel:alerts": 1}
        with desk.engine.connect() as conn:
            a = t.alerts.c
            row = conn.execute(select(a.key, a.active, a.times).where(a.kind == "overdue")).one()
        assert tuple(row) == (f"overdue:{number}", True, 2)
    finally:
        desk.close()
