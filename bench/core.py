"""The order core's figures (issue 2): show / list / confirm latency on 100 000 orders, confirm
throughput against raw sqlite3 on the same disk with the same durability, and warm date parsing."""

from __future__ import annotations

import random
import sqlite3
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from adapters.sql.engine import make_engine
from adapters.sql.schema import upgrade
from bot.app.bootstrap import Desk, bootstrap
from bot.app.clock import FixedClock
from bot.app.config import Settings
from bot.app.demo import load_demo
from bot.conversation.chat import Chat
from bot.conversation.language.dates import DateReader
from domain import commands as c
from domain.parties import Customer
from domain.users import Front

T0 = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)


@dataclass
class Figure:
    name: str
    value: str
    goal: str = ""
    note: str = ""


def percentiles(samples: list[float]) -> tuple[float, float]:
    ordered = sorted(samples)
    p50 = statistics.median(ordered)
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))]
    return p50 * 1000, p99 * 1000


def timed(fn: Callable[[], object], n: int) -> list[float]:
    out = []
    for _ in range(n):
        start = time.perf_counter()
        fn()
        out.append(time.perf_counter() - start)
    return out


def raw_sqlite_update_rate(path: Path, n: int) -> float:
    """Single-row UPDATE transactions per second, same PRAGMAs as the bot (WAL, synchronous=FULL)."""
    conn = sqlite3.connect(path, isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute("PRAGMA synchronous=FULL")
    conn.execute("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY, v INTEGER NOT NULL)")
    conn.executemany("INSERT OR IGNORE INTO t VALUES (?, 0)", [(i,) for i in range(1000)])
    rng = random.Random(1)
    start = time.perf_counter()
    for _ in range(n):
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("UPDATE t SET v = v + 1 WHERE id = ?", (rng.randrange(1000),))
        conn.execute("COMMIT")
    rate = n / (time.perf_counter() - start)
    conn.close()
    return rate


def build_desk(workdir: Path, orders: int) -> tuple[Desk, float]:
    url = f"sqlite:///{workdir / 'bench.db'}"
    engine = make_engine(url)
    upgrade(engine)
    desk = bootstrap(Settings(database_url=url), FixedClock(T0), engine=engine)
    desk.ensure_admins()
    start = time.perf_counter()
    load_demo(desk, orders=orders, seed=7)
    return desk, time.perf_counter() - start


def run(workdir: Path, orders: int = 100_000, samples: int = 2000) -> list[Figure]:
    figures: list[Figure] = []
    desk, load_s = build_desk(workdir, orders)
    figures.append(Figure("demo load", f"{orders:,} orders in {load_s:.1f} s"))
    ctx = desk.context(Front.shell, "admin")
    rng = random.Random(3)
    numbers = [f"SO-2026-{rng.randint(1, orders):06d}" for _ in range(samples)]
    it = iter(numbers)
    p50, p99 = percentiles(timed(lambda: desk.bus.handle(c.ShowOrder(next(it)), ctx), samples))
    figures.append(Figure("show (bus) p50 / p99", f"{p50:.2f} / {p99:.2f} ms", "p99 ≤ 10 ms"))

    chat = Chat(desk)
    it = iter(numbers)
    p50, p99 = percentiles(timed(lambda: chat.handle(Front.shell, "admin", f"show {next(it)}"), samples))
    figures.append(Figure("show (text → reply) p50 / p99", f"{p50:.2f} / {p99:.2f} ms", "", "parse + bus + render"))

    filters = [c.ListOrders(), c.ListOrders(status="confirmed"), c.ListOrders(customer="CUST-007"),
               c.ListOrders(overdue=True), c.ListOrders(owner="lily", status="in_production")]  # fmt: skip
    pick = iter(rng.choice(filters) for _ in range(samples))
    p50, p99 = percentiles(timed(lambda: desk.bus.handle(next(pick), ctx), samples))
    figures.append(Figure("list (mixed filters) p50 / p99", f"{p50:.2f} / {p99:.2f} ms"))

    # Fresh drafts that pass every check: a customer with no credit limit, list prices, a future date.
    with desk.uow() as uow:
        uow.customers.add(Customer("BENCH-01", "Bench Customer"))
        uow.commit()
    sales = desk.context(Front.shell, "lily")
    # The common path: the stock is there. (Confirmations short of stock, which also plan work orders
    # and compute ATP, are what bench/stock.py races.)
    desk.bus.handle(
        c.AdjustStock("BOLT-M8X30", "bench stock", counted=Decimal(100_000_000)), desk.context(Front.shell, "liu")
    )

    def draft() -> str:
        line = c.LineInput("BOLT-M8X30", Decimal(rng.randint(1, 5000)))
        return str(desk.bus.handle(c.CreateOrder("BENCH-01", (line,), date(2026, 12, 20)), sales).order.number)

    drafts = [draft() for _ in range(samples)]
    it = iter(drafts)
    start = time.perf_counter()
    lat = timed(lambda: desk.bus.handle(c.ConfirmOrder(next(it)), sales), samples)
    confirm_rate = samples / (time.perf_counter() - start)
    p50, p99 = percentiles(lat)
    figures.append(
        Figure("confirm p50 / p99", f"{p50:.2f} / {p99:.2f} ms", "", "stock available (reserve, no backorder)")
    )
    raw = raw_sqlite_update_rate(workdir / "raw.db", samples)
    figures.append(Figure("raw sqlite3 UPDATE transactions", f"{raw:,.0f} /s", "", "same disk, WAL, synchronous=FULL"))
    figures.append(
        Figure("confirm throughput", f"{confirm_rate:,.0f} /s = {confirm_rate / raw:.0%} of raw", "≥ 25 % of raw")
    )
    desk.close()

    reader = DateReader("Asia/Shanghai")
    phrases = ["下周五", "两周后", "12月5日", "月底", "下月15号", "提前两周", "next friday", "+2w", "2026-12-05",
               "下个工作日", "end of month", "3 days later", "dec 5"]  # fmt: skip
    today = date(2026, 11, 22)
    for p in phrases:
        reader.read(p, today)
    pick_p = iter(phrases[i % len(phrases)] for i in range(samples * 5))
    p50, p99 = percentiles(timed(lambda: reader.read(next(pick_p), today), samples * 5))
    figures.append(Figure("date parse (warm) p50 / p99", f"{p50:.3f} / {p99:.3f} ms", "p99 ≤ 2 ms"))
    return figures
