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
import random
import statistics
import sys
import time
from collections import Counter
from contextlib import ExitStack
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, event, insert, text

from adapters.sql import tables as t
from adapters.sql.engine import make_engine
from adapters.sql.schema import upgrade
from bench.core import T0, Figure
from bench.stock import pg_schema
from bot.bootstrap import Desk, bootstrap
from bot.clock import FixedClock
from bot.config import Settings
from bot.demo import _customers, _ensure_users, _products, _reserve_numbers, _store_new
from bot.demo_data import CARRIERS, HOLD_REASONS
from domain.alerts import DEFAULT_STAGES, SCANS
from domain.changes import ChangeKind, CRStatus, RequestedChange
from domain.commands import RunScans
from domain.lifecycle import Status
from domain.orders import number_for
from domain.parties import Customer, Product, Tier
from domain.stock import MAIN

S = Status
PG_ENV = "ORDERBOT_TEST_DATABASE_URL"
KINDS = ("overdue", "due_soon", "stages", "approvals", "stock")
REPEATS = 20
CHUNK = 25_000
PER_DAY = 400  # orders a day: 1 M orders are ~7 years of history
SOURCE = "bench"

# The open book, identical at every size: (orders, share stuck past the stage SLA).
OPEN_BOOK: dict[Status, tuple[int, float]] = {
    S.draft: (120, 0.0),
    S.pending_confirmation: (240, 0.15),
    S.confirmed: (700, 0.08),
    S.in_production: (1000, 0.0),
    S.ready: (300, 0.10),
    S.shipped: (440, 0.0),
    S.on_hold: (200, 0.20),
}
OVERDUE_SHARE, DUE_SOON_SHARE = 0.10, 0.08
PENDING_CRS = 40
# the history's traces, cleared long ago: half the orders were still in the works 3 days before their due
# date (a due-soon heads-up), one in ten sat past a stage SLA; every late one was overdue. One order in 30
# had a change request.
HISTORY_ALERTS = {"due_soon": 0.5, "stage": 0.10}
HISTORY_CRS = 1 / 30
# tables that grow with the history: a full scan of one of these is what breaks "flat"
GROWING = ("orders", "alerts", "change_requests", "cr_decisions", "audit_log", "outbox", "order_lines")


def log(msg: str) -> None:
    print(f"[scheduler bench] {msg}", file=sys.stderr, flush=True)


def size_label(n: int) -> str:
    return f"{n // 1_000_000} M" if n % 1_000_000 == 0 else f"{n // 1_000} k" if n % 1_000 == 0 else f"{n:,}"


# -- data ------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class OpenOrder:
    created: datetime
    status: Status
    due: date
    changed: datetime
    held_from: Status | None


class Loader:
    """Writes one order book: master data through the unit of work, the rest with Core executemany."""

    def __init__(self, desk: Desk, total: int, seed: int = 7) -> None:
        self.desk, self.total = desk, total
        self.now, self.today, self.zone = desk.clock.now(), desk.today(), desk.settings.zone
        self.rng = random.Random(seed)  # the history's: depends on its size
        self.open_rng = random.Random(seed + 1)  # the open book's: the same at every size
        self.counts: Counter[str] = Counter()

    def run(self) -> Counter[str]:
        desk = self.desk
        _ensure_users(desk)
        master = random.Random(7)  # the demo company, as `orderbot demo` builds it
        self.customers: list[Customer] = _store_new(desk, _customers(master), lambda c: c.code)
        self.products: list[Product] = _store_new(desk, _products(master), lambda p: p.sku)
        weights = [{Tier.strategic: 8, Tier.key: 3, Tier.normal: 1}[c.tier] for c in self.customers]
        self.cum = [sum(weights[: i + 1]) for i in range(len(weights))]
        opened = self.open_book()
        history = self.total - len(opened)
        if history < 0:
            raise ValueError(f"{self.total} orders is fewer than the open book ({len(opened)})")
        span = max(60, history // PER_DAY) * 86_400
        end = (self.now - timedelta(days=50)).timestamp()
        stamps = sorted(self.rng.uniform(end - span, end) for _ in range(history))
        plans: list[tuple[float, OpenOrder | None]] = [(s, None) for s in stamps]
        plans += [(o.created.timestamp(), o) for o in opened]
        plans.sort(key=lambda p: p[0])
        years = Counter(datetime.fromtimestamp(p[0], self.zone).year for p in plans)
        with desk.engine.begin() as conn:
            seq = _reserve_numbers(conn, years)
            self.changeable: list[tuple[str, Customer, str, datetime]] = []
            self.cr_seq = 0
            began = time.perf_counter()
            for start in range(0, len(plans), CHUNK):
                orders: list[dict[str, Any]] = []
                alerts: list[dict[str, Any]] = []
                crs: list[dict[str, Any]] = []
                for stamp, spec in plans[start : start + CHUNK]:
                    created = datetime.fromtimestamp(stamp, UTC)
                    year = created.astimezone(self.zone).year
                    number = number_for(year, seq[year])
                    seq[year] += 1
                    row = self.open_row(number, spec) if spec else self.history_row(number, created, alerts, crs)
                    orders.append(row)
                conn.execute(insert(t.orders), orders)
                if alerts:
                    conn.execute(insert(t.alerts), alerts)
                if crs:
                    self.insert_crs(conn, crs)
                done = start + len(orders)
                rate = done / (time.perf_counter() - began)
                log(f"{self.total:,} orders: {done:,} written ({rate:,.0f}/s)")
            self.pending_requests(conn)
            self.stock_rows(conn)
            conn.execute(insert(t.number_series).values(name="CR", last=self.cr_seq))
        return self.counts

    def customer(self, rng: random.Random) -> Customer:
        return rng.choices(self.customers, cum_weights=self.cum)[0]

    @staticmethod
    def owner(customer: Customer) -> str:
        return "lily" if customer.code[-1] in "02468" else "mike"  # one account owner per customer

    def base_row(self, rng: random.Random, number: str, customer: Customer, created: datetime) -> dict[str, Any]:
        po = f"PO{created:%y%m}-{rng.randint(100, 9999)}" if rng.random() < 0.7 else ""
        return {
            "number": number, "customer_id": customer.id, "owner": self.owner(customer), "created_at": created,
            "source": SOURCE, "rush": rng.random() < 0.05, "po_ref": po, "notes": "", "held_from": None,
            "carrier": "", "tracking": "", "amount": Decimal(rng.randint(500, 300_000)), "version": 1,
            "last_line_no": 0,
        }  # fmt: skip

    def history_row(
        self, number: str, created: datetime, alerts: list[dict[str, Any]], crs: list[dict[str, Any]]
    ) -> dict[str, Any]:
        """A closed, delivered or cancelled order, and the traces it left: cleared alerts, a decided request."""
        rng, now = self.rng, self.now
        customer = self.customer(rng)
        row = self.base_row(rng, number, customer, created)
        lead = rng.randint(7, 40)
        due = (created + timedelta(days=lead)).astimezone(self.zone).date()
        if rng.random() < 0.06:
            status, changed = S.cancelled, created + timedelta(hours=rng.uniform(1, 200))
        else:
            changed = created + timedelta(days=lead + rng.uniform(-5, 3))
            changed = min(max(changed, created + timedelta(hours=1)), now - timedelta(hours=1))
            status = S.delivered if changed > now - timedelta(days=30) else S.closed
            carrier, prefix = rng.choice(CARRIERS)
            row |= {"carrier": carrier, "tracking": f"{prefix}{rng.randint(10**11, 10**12 - 1)}"}
        row |= {"due_date": due, "status": status, "updated_at": changed, "status_changed_at": changed}
        self.counts[f"history {status.value}"] += 1
        detail = {"customer": customer.code, "owner": row["owner"]}
        due_at = datetime.combine(due, datetime.min.time(), UTC)

        def alert(kind: str, key: str, raised: datetime, cleared: datetime, **more: str) -> None:
            raised = min(raised, now - timedelta(hours=2))
            cleared = min(max(cleared, raised + timedelta(minutes=1)), now - timedelta(hours=1))
            row = {"key": key, "kind": kind, "subject": number, "level": 1, "active": False, "raised_at": raised}
            alerts.append(row | {"cleared_at": cleared, "times": 1, "detail": detail | more})
            self.counts["history alerts"] += 1

        if status is not S.cancelled:
            if rng.random() < HISTORY_ALERTS["due_soon"]:
                alert("due_soon", f"due_soon:{number}", due_at - timedelta(days=3), due_at - timedelta(days=1))
            if changed > due_at + timedelta(days=1):  # delivered late: it was overdue for a while
                alert("overdue", f"overdue:{number}", due_at + timedelta(days=1), changed)
            if rng.random() < HISTORY_ALERTS["stage"]:
                stage = rng.choice(list(DEFAULT_STAGES))
                at = created + (changed - created) * rng.uniform(0.1, 0.7)
                alert("stage", f"stage:{number}:{stage.value}", at, at + timedelta(hours=rng.uniform(2, 72)),
                      stage=stage.value)  # fmt: skip
        if rng.random() < HISTORY_CRS:
            asked = created + (changed - created) * rng.uniform(0.1, 0.6)
            outcome = rng.choices((CRStatus.approved, CRStatus.rejected, CRStatus.withdrawn), (80, 12, 8))[0]
            decided = asked + timedelta(hours=rng.uniform(0.5, 30))
            crs.append(self.cr_row(rng, number, customer, row["owner"], asked, outcome, decided, due, self.cr_seq))
        return row

    def open_book(self) -> list[OpenOrder]:
        """The orders still in the works, the same 3 000 at every size, with their problems."""
        rng, now, today = self.open_rng, self.now, self.today
        out = []
        for status, (count, stuck) in OPEN_BOOK.items():
            sla = DEFAULT_STAGES.get(status)
            for _ in range(count):
                if sla is not None:
                    hours = sla.hours
                    age = (
                        rng.uniform(hours + 1, min(hours * 5, 720))
                        if rng.random() < stuck
                        else rng.uniform(0.2, hours - 0.5)
                    )
                else:
                    age = rng.uniform(0, {S.draft: 96, S.in_production: 600, S.shipped: 240}[status])
                changed = now - timedelta(hours=age)
                before = {S.draft: (0, 0), S.pending_confirmation: (0, 2), S.confirmed: (0.5, 48),
                          S.in_production: (72, 240), S.ready: (120, 600), S.shipped: (168, 720),
                          S.on_hold: (24, 360)}[status]  # fmt: skip
                created = changed - timedelta(hours=rng.uniform(*before))
                made = created.astimezone(self.zone).date()
                roll = rng.random()
                if status is S.shipped:
                    due = today + timedelta(days=rng.randint(-10, 10))
                elif status is not S.draft and roll < OVERDUE_SHARE:
                    due = max(today - timedelta(days=rng.randint(1, 20)), made + timedelta(days=1))
                elif status is not S.ready and roll < OVERDUE_SHARE + DUE_SOON_SHARE:
                    due = today + timedelta(days=rng.randint(0, 3))
                else:
                    due = today + timedelta(days=rng.randint(4, 60))
                held = rng.choice((S.pending_confirmation, S.confirmed, S.in_production, S.ready))
                out.append(OpenOrder(created, status, due, changed, held if status is S.on_hold else None))
        return out

    def open_row(self, number: str, spec: OpenOrder) -> dict[str, Any]:
        rng = self.open_rng
        customer = self.customer(rng)
        row = self.base_row(rng, number, customer, spec.created)
        row |= {"due_date": spec.due, "status": spec.status, "updated_at": spec.changed,
                "status_changed_at": spec.changed, "held_from": spec.held_from}  # fmt: skip
        if spec.status is S.on_hold:
            row["notes"] = rng.choice(HOLD_REASONS)
        if spec.status is S.shipped:
            carrier, prefix = rng.choice(CARRIERS)
            row |= {"carrier": carrier, "tracking": f"{prefix}{rng.randint(10**11, 10**12 - 1)}"}
        if spec.status in (S.confirmed, S.in_production, S.ready, S.on_hold):
            self.changeable.append((number, customer, row["owner"], spec.created))
        self.counts[f"open {spec.status.value}"] += 1
        return row

    def cr_row(self, rng: random.Random, order: str, customer: Customer, by: str, asked: datetime,
               status: CRStatus, decided: datetime | None, due: date, variant: int) -> dict[str, Any]:  # fmt: skip
        self.cr_seq += 1
        later = due + timedelta(days=rng.randint(3, 14))
        change = RequestedChange(ChangeKind.due_date, old_date=due, new_date=later).to_dict()
        required: dict[str, list[list[Any]]] = {"sales_manager": [["why_always", {}]]}
        if variant % 3 == 0:
            required["production"] = [["why_production_started", {}]]
        if variant % 7 == 0:
            required["finance"] = [["why_many_changes", {"count": 4}]]
        return {
            "number": f"CR-{self.cr_seq}", "order_number": order, "customer": customer.code, "requested_by": by,
            "requested_at": asked, "requested_on": asked.astimezone(self.zone).date(), "front": "slack",
            "reason": "客户要求延期 customer asks for a later date", "evidence": "", "base_version": 1,
            "changes": [change], "inputs": [{"kind": "due_date", "when": later.isoformat()}], "impact": {},
            "required": required, "status": status, "round": 1, "round_started_at": asked, "decided_at": decided,
            "applied_version": 2 if status is CRStatus.approved else None, "note": "",
        }  # fmt: skip

    def insert_crs(
        self, conn: Connection, crs: list[dict[str, Any]], approved: dict[str, list[str]] | None = None
    ) -> None:
        """Requests and their decisions: every required role's word on a decided one (the sales manager's
        rejection on a rejected one); on a pending one, the roles in ``approved``."""
        stmt = insert(t.change_requests).returning(t.change_requests.c.id, sort_by_parameter_order=True)
        ids = conn.execute(stmt, crs).scalars().all()
        decisions = []
        for cr, cid in zip(crs, ids, strict=True):
            status = cr["status"]
            if status is CRStatus.withdrawn:
                continue
            roles = (approved or {}).get(cr["number"], []) if status is CRStatus.pending else list(cr["required"])
            at = cr["decided_at"] or cr["round_started_at"] + timedelta(minutes=30)
            for role in roles:
                word = "rejected" if status is CRStatus.rejected and role == "sales_manager" else "approved"
                approver = {"sales_manager": "wang", "production": "zhao", "finance": "chen"}[role]
                decisions.append({"change_request_id": cid, "role": role, "approver": approver, "outcome": word,
                                  "at": at, "round": cr["round"], "on_behalf_of": "", "reason": "",
                                  "order_version": 1})  # fmt: skip
        if decisions:
            conn.execute(insert(t.cr_decisions), decisions)
        self.counts["change requests"] += len(crs)

    def pending_requests(self, conn: Connection) -> None:
        """40 requests waiting: some for less than the 8 h reminder, some past it, some past the 24 h escalation;
        some in a second round, some with one of two roles' approval already given."""
        rng = self.open_rng
        picked = rng.sample(self.changeable, PENDING_CRS)
        rows, approved = [], {}
        for i, (number, customer, owner, created) in enumerate(picked):
            hours = (
                rng.uniform(0.5, 7.5) if i % 3 == 0 else rng.uniform(8.5, 23.5) if i % 3 == 1 else rng.uniform(25, 96)
            )
            started = self.now - timedelta(hours=hours)
            asked = max(created, started - timedelta(hours=rng.uniform(0, 48))) if i % 10 == 0 else started
            row = self.cr_row(rng, number, customer, owner, asked, CRStatus.pending, None, self.today, i)
            row |= {"round_started_at": started, "round": 2 if i % 10 == 0 else 1}
            if "production" in row["required"] and i % 2 == 0:
                approved[row["number"]] = ["production"]
            rows.append(row)
            self.counts["pending change requests"] += 1
        self.insert_crs(conn, rows, approved)
        today = self.today
        conn.execute(insert(t.delegations), [
            {"delegator": "wang", "backup": "admin", "role": "sales_manager", "starts": today - timedelta(days=2),
             "ends": today + timedelta(days=5), "created_at": self.now - timedelta(days=3), "active": True},
            {"delegator": "zhao", "backup": "liu", "role": "production", "starts": today - timedelta(days=90),
             "ends": today - timedelta(days=80), "created_at": self.now - timedelta(days=91), "active": False},
        ])  # fmt: skip

    def stock_rows(self, conn: Connection) -> None:
        """A stock row per product: most well above safety stock, 8 below it (flagged), 3 below it with the
        flag not yet set and 1 flagged above it — safety stocks changed since, which only the scan notices."""
        rng = random.Random(11)
        order = list(range(len(self.products)))
        rng.shuffle(order)
        low, missed, stale = set(order[:8]), set(order[8:11]), set(order[11:12])
        rows = []
        for i, p in enumerate(self.products):
            safety = p.safety_stock
            below = i in low or i in missed
            free = (safety * Decimal(rng.choice(("0", "0.3", "0.6")))) if below else safety * rng.randint(1, 4)
            flag = i in low or i in stale
            rows.append({"product_id": p.id, "warehouse": MAIN, "on_hand": free.quantize(Decimal(1)), "reserved": 0,
                         "on_order": 0, "planned": 0, "low": flag})  # fmt: skip
        conn.execute(insert(t.stock), rows)
        self.counts["products below safety stock"] = len(low) + len(missed)


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
