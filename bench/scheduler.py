"""Scheduler figures: the scans the scheduler runs every minute — overdue orders, due soon, stage
SLAs, approvals waiting, low stock — on 10 000, 100 000 and 1 000 000 orders, on SQLite and PostgreSQL.

What "flat" means here: a factory's order history grows every year, its open book does not. Every size has
the same open book — 3 000 open orders (drafts to shipped), a few hundred of them overdue, some stuck past
their stage SLA, some due within three days, 40 change requests waiting for approval, a handful of products
below safety stock — and the rest is history: closed, delivered and cancelled orders, the alerts they once
raised (cleared), the change requests decided long ago. A scan should cost what is wrong now, not the size
of the history: the goal is p50 at 1 M ≤ 1.5 × p50 at 10 k, and ≤ 200 ms at 1 M.

Each scan runs as the scheduler runs it: one `RunScans((kind,))` through the bus, as the bot, in its own
transaction. The first run raises the open book's alerts and writes their outbox rows (measured once, on its
own); the steady state is what every later minute costs when nothing changed — the reads, the reconcile
against the alert states, an empty commit — sampled 20 times, the sizes taking turns so that a busy moment
on a shared machine falls on every size alike. "All scans" is one tick: every scan in `SCANS` in turn (the
daily summary is a no-op at the bench's 09:00 local time).

The data is written with SQLAlchemy Core executemany (a million orders through the domain would take
hours); master data (customers, products, people) is the demo company's, through the unit of work.
Orders have no lines: no scan reads them. The query plan of every statement the scans send is printed
(SQLite `EXPLAIN QUERY PLAN`, PostgreSQL `EXPLAIN ANALYZE`) at the largest size, and summarised in the
figures. PostgreSQL is analysed after the load (as autovacuum would soon do); SQLite is not (the bot never
runs ANALYZE there)."""

from __future__ import annotations

import os
import statistics
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, event, text

from adapters.sql.engine import make_engine
from adapters.sql.schema import upgrade
from bench.core import T0, Figure
from bench.scheduler_data import Loader, log
from bench.stock import pg_schema
from bot.app.bootstrap import Desk, bootstrap
from bot.app.clock import FixedClock
from bot.app.config import Settings
from domain.alerts import SCANS
from domain.commands import RunScans

PG_ENV = "ORDERBOT_TEST_DATABASE_URL"
KINDS = ("overdue", "due_soon", "stages", "approvals", "stock")
REPEATS = 20
# tables that grow with the history: a full scan of one of these is what breaks "flat"
GROWING = ("orders", "alerts", "change_requests", "cr_decisions", "audit_log", "outbox", "order_lines")


def size_label(n: int) -> str:
    return f"{n // 1_000_000} M" if n % 1_000_000 == 0 else f"{n // 1_000} k" if n % 1_000 == 0 else f"{n:,}"


# -- measuring -------------------------------------------------------------------------------------------------
@dataclass
class Statement:
    kind: str
    sql: str
    params: Any
    ms: float
    rows: int = -1
    plan: list[str] = field(default_factory=list)


@dataclass
class SizeRun:
    backend: str
    orders: int
    load_s: float
    counts: Counter[str]
    first: dict[str, tuple[float, tuple[int, int, int]]] = field(default_factory=dict)
    steady: dict[str, list[float]] = field(default_factory=dict)
    outbox: Counter[str] = field(default_factory=Counter)  # rows the first runs wrote, by kind
    errors: list[str] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    load_avg: tuple[float, float] = (0.0, 0.0)  # the machine's 1-min load average before / after the samples


def scan(desk: Desk, kind: str) -> Any:
    """As ``Scheduler.tick`` runs it: one command, the bot's own context, its own transaction."""
    return desk.bus.handle(RunScans((kind,)), desk.system_context())


def first_runs(desk: Desk, result: SizeRun) -> None:
    """The first run of each scan raises the open book's alerts and writes their outbox rows."""
    for kind in KINDS:
        began = time.perf_counter()
        report = scan(desk, kind)
        result.first[kind] = (time.perf_counter() - began, report.counts[kind])
    with desk.engine.connect() as conn:
        rows = conn.execute(text("SELECT kind, COUNT(*) FROM outbox GROUP BY kind")).all()
    result.outbox = Counter({str(k): int(n) for k, n in rows})
    result.steady = {k: [] for k in (*KINDS, "all")}


def steady_rounds(desks: list[tuple[Desk, SizeRun]]) -> None:
    """Nothing changes between runs. Sizes take turns round by round, so a busy moment on a shared machine
    lands on every size alike and the ratio between sizes stays fair."""
    load = os.getloadavg()[0]
    for _ in range(REPEATS):
        for desk, result in desks:
            for kind in KINDS:
                began = time.perf_counter()
                report = scan(desk, kind)
                result.steady[kind].append(time.perf_counter() - began)
                if any(report.counts[kind]):
                    result.errors.append(f"{kind} changed something on a repeat run: {report.counts[kind]}")
        for desk, result in desks:
            began = time.perf_counter()
            for kind in SCANS:  # one tick: every scan, each in its own transaction
                scan(desk, kind)
            result.steady["all"].append(time.perf_counter() - began)
    for _, result in desks:
        result.load_avg = (load, os.getloadavg()[0])


class Recorder:
    """Every statement a scan sends, with its time, while ``kind`` is set."""

    def __init__(self, engine: Engine) -> None:
        self.engine, self.kind = engine, ""
        self.seen: list[Statement] = []
        event.listen(engine, "before_cursor_execute", self.before)
        event.listen(engine, "after_cursor_execute", self.after)

    def before(self, conn: Any, cursor: Any, statement: str, params: Any, context: Any, executemany: bool) -> None:
        conn.info["bench_started"] = time.perf_counter()

    def after(self, conn: Any, cursor: Any, statement: str, params: Any, context: Any, executemany: bool) -> None:
        took = (time.perf_counter() - conn.info.pop("bench_started", time.perf_counter())) * 1000
        if self.kind:
            self.seen.append(Statement(self.kind, statement, params, took))

    def close(self) -> None:
        event.remove(self.engine, "before_cursor_execute", self.before)
        event.remove(self.engine, "after_cursor_execute", self.after)


def profile(desk: Desk, result: SizeRun) -> None:
    """One more steady run of each scan, statement by statement, with rows returned and query plans."""
    recorder = Recorder(desk.engine)
    try:
        for kind in KINDS:
            recorder.kind = kind
            scan(desk, kind)
        recorder.kind = ""
    finally:
        recorder.close()
    pg = desk.engine.dialect.name == "postgresql"
    with desk.engine.connect() as conn:
        for st in recorder.seen:
            if st.sql.lstrip().upper().startswith("SELECT"):
                st.rows = len(conn.exec_driver_sql(st.sql, st.params).fetchall())
                explain = "EXPLAIN ANALYZE " if pg else "EXPLAIN QUERY PLAN "
                plan = conn.exec_driver_sql(explain + st.sql, st.params).fetchall()
                st.plan = [str(r[0]) if pg else str(r[3]) for r in plan]
        conn.rollback()
    result.statements = recorder.seen


def what(sql: str) -> str:
    """A statement in a few words: its tables and filter."""
    flat = " ".join(sql.split())
    head = flat.split(" ", 1)[0].upper()
    if head != "SELECT":
        return flat[:70]
    rest = flat.split(" FROM ", 1)[1] if " FROM " in flat else flat
    tables = rest.split(" WHERE ", 1)[0].split(" ORDER BY ", 1)[0]
    tables = " ".join(w for w in tables.split() if w.isidentifier() and w.upper() not in ("JOIN", "ON", "AS", "LEFT"))
    where = rest.split(" WHERE ", 1)[1] if " WHERE " in rest else ""
    return f"{tables}: {where}"[:110]


def plan_words(st: Statement, pg: bool) -> str:
    if not pg:
        return "; ".join(p.replace("USING INTEGER PRIMARY KEY (rowid=?)", "by rowid") for p in st.plan)
    nodes = [line.strip() for i, line in enumerate(st.plan) if i == 0 or line.strip().startswith("->")]
    return "; ".join(n.removeprefix("->").strip().split("  (")[0] for n in nodes)


def full_scans(st: Statement, pg: bool) -> list[str]:
    """The growing tables this statement reads in full."""
    out = []
    for line in st.plan:
        s = line.strip().lstrip("-> ")
        for table in GROWING:
            # PostgreSQL: "Seq Scan on t" or "Parallel Seq Scan on t"; SQLite: "SCAN t" (or a whole index of t)
            whole = f"Seq Scan on {table} " in s if pg else s == f"SCAN {table}" or s.startswith(f"SCAN {table} ")
            if whole:
                out.append(table)
    return out


def report_statements(result: SizeRun) -> None:
    pg = result.backend == "PostgreSQL"
    log(f"statements of one steady run of each scan, {result.backend}, {result.orders:,} orders:")
    for st in result.statements:
        rows = f"{st.rows:>5} rows" if st.rows >= 0 else " " * 10
        log(f"  {st.kind:<9} {st.ms:7.2f} ms {rows}  {what(st.sql)}")
        for p in st.plan:
            log(f"  {'':<9}   plan: {p}")
        if full_scans(st, pg):
            log(f"  {'':<9}   ^ FULL SCAN of {', '.join(full_scans(st, pg))}")


def build(backend: str, url: str, orders: int) -> tuple[Desk, SizeRun]:
    engine = make_engine(url)
    upgrade(engine)
    desk = bootstrap(Settings(database_url=url), FixedClock(T0), engine=engine)
    began = time.perf_counter()
    counts = Loader(desk, orders).run()
    if backend == "PostgreSQL":  # as autovacuum would soon after a load this size
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.execute(text("VACUUM ANALYZE"))
    result = SizeRun(backend, orders, time.perf_counter() - began, counts)
    log(f"{backend}, {orders:,} orders loaded in {result.load_s:.1f} s: {dict(counts)}")
    first_runs(desk, result)
    return desk, result


def measure(backend: str, urls: list[tuple[int, str]]) -> list[SizeRun]:
    desks = [build(backend, url, n) for n, url in urls]
    steady_rounds(desks)
    for desk, result in desks:
        profile(desk, result)
        for kind in (*KINDS, "all"):
            p50, worst = statistics.median(result.steady[kind]) * 1000, max(result.steady[kind]) * 1000
            first = result.first.get(kind)
            more = f", first run {first[0] * 1000:.1f} ms {first[1]}" if first else ""
            log(f"{backend} {result.orders:>9,} {kind:<9} p50 {p50:7.2f} ms  max {worst:7.2f} ms{more}")
        desk.close()
        desk.engine.dispose()
    report_statements(desks[-1][1])
    return [result for _, result in desks]


def sqlite_runs(workdir: Path, sizes: list[int]) -> list[SizeRun]:
    paths = [workdir / f"scheduler-{n}.db" for n in sizes]
    try:
        return measure("SQLite", [(n, f"sqlite:///{path}") for n, path in zip(sizes, paths, strict=True)])
    finally:
        for path in paths:  # a million orders are ~1 GB on disk
            for suffix in ("", "-wal", "-shm"):
                Path(f"{path}{suffix}").unlink(missing_ok=True)


def pg_runs(base: str, sizes: list[int]) -> list[SizeRun]:
    with ExitStack() as stack:
        urls = [(n, stack.enter_context(pg_schema(base))) for n in sizes]
        return measure("PostgreSQL", urls)


# -- figures ---------------------------------------------------------------------------------------------------
def figures_for(runs: list[SizeRun]) -> list[Figure]:
    backend = runs[0].backend
    small, big = runs[0], runs[-1]
    sizes = " / ".join(size_label(r.orders) for r in runs)
    pg = backend == "PostgreSQL"
    first = big.first
    opened = sum(v for k, v in big.counts.items() if k.startswith("open "))
    book = (
        f"open book {opened:,} at every size: {first['overdue'][1][0]} overdue, {first['stages'][1][0]} past a "
        f"stage SLA, {first['due_soon'][1][0]} due within 3 days, {big.counts['pending change requests']} change "
        f"requests pending ({first['approvals'][1][0]} approval alerts), "
        f"{big.counts['products below safety stock']} products below safety stock; history closed / delivered / "
        f"cancelled with {big.counts['history alerts']:,} cleared alerts and {big.counts['change requests']:,} "
        f"change requests at {size_label(big.orders)}"
    )
    out = [
        Figure(
            f"scheduler data, {backend}",
            f"{sizes} orders loaded in " + " / ".join(f"{r.load_s:.0f}" for r in runs) + " s",
            "",
            book,
        )
    ]
    goal = f"≤ 1.5 × {size_label(small.orders)} → {size_label(big.orders)}, ≤ 200 ms at {size_label(big.orders)}"
    for kind in (*KINDS, "all"):
        p50s = [statistics.median(r.steady[kind]) * 1000 for r in runs]
        ratio = p50s[-1] / p50s[0]
        worst = max(big.steady[kind]) * 1000
        mark = "✔" if ratio <= 1.5 and p50s[-1] <= 200 else "✘"
        note = f"{size_label(big.orders)} / {size_label(small.orders)} = {ratio:.2f}× {mark}; max {worst:.1f} ms"
        if kind == "stock":
            wrote = ", ".join(f"{k} {n}" for k, n in sorted(big.outbox.items()) if k.startswith("stock"))
            note += f"; first run {big.first[kind][0] * 1000:.0f} ms (flags put right, digest: outbox {wrote})"
        elif kind in big.first:
            raised = big.first[kind][1]
            note += f"; first run {big.first[kind][0] * 1000:.0f} ms (raised {raised[0]}, escalated {raised[1]})"
        else:
            load = "–".join(f"{v:.1f}" for v in big.load_avg)
            note += (
                f"; every scan in turn, each its own transaction; the first runs wrote {sum(big.outbox.values()):,}"
                f" outbox rows; {REPEATS} samples per size, sizes in turn; machine load average {load}"
            )
        name = "all scans (one tick)" if kind == "all" else f"scan {kind}"
        out.append(
            Figure(f"{name} p50, {backend}", " / ".join(f"{v:.1f}" for v in p50s) + f" ms at {sizes}", goal, note)
        )
    reads = [s for s in big.statements if s.plan]
    scans = [
        f"{s.kind}: {'+'.join(full_scans(s, pg))} {s.ms:.0f} ms for {s.rows} rows" for s in reads if full_scans(s, pg)
    ]
    where = [f"{s.kind} {what(s.sql).split(':')[0]} → {plan_words(s, pg)}" for s in reads]
    seen: dict[str, None] = dict.fromkeys(where)  # the same read in two scans once
    out.append(
        Figure(
            f"scan query plans at {size_label(big.orders)}, {backend}",
            f"{len(reads) - len({id(s) for s in reads if full_scans(s, pg)})} of {len(reads)} reads on an index"
            + (f"; full scans: {', '.join(scans)}" if scans else ""),
            "every read on an index",
            " | ".join(seen),
        )
    )
    for r in runs:
        for e in r.errors[:3]:
            out.append(Figure(f"scheduler error, {backend}, {size_label(r.orders)}", e))
    return out


def run(workdir: Path, sizes: list[int]) -> list[Figure]:
    sizes = sorted(sizes)
    figures = figures_for(sqlite_runs(workdir, sizes))
    base = os.environ.get(PG_ENV)
    if not base:
        log(f"PostgreSQL figures skipped ({PG_ENV} not set)")
        return [*figures, Figure("scheduler scans, PostgreSQL", "skipped", "", f"set {PG_ENV} to measure")]
    return figures + figures_for(pg_runs(base, sizes))
