"""Writers racing for the same stock, on SQLite and PostgreSQL: threads and separate processes confirming
for the last units, receipts and cancellations in the middle, and orders of hundreds of lines. Exact
interleavings forced at a lock are in test_stock_interleavings.py.

Cancelling a confirmed order is a change request: the stock moves in the transaction of its last approval.
So a race with a cancellation files the request first, and races the approval that applies it.

Whatever the interleaving, the result must be one that running the same commands one after another could
have produced (see ``stock_problems``), and nothing but a refusal in words may reach the user.
"""

from __future__ import annotations

import multiprocessing
import threading
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import text

from bot.app.bootstrap import Desk, bootstrap
from bot.app.clock import FixedClock
from bot.app.config import Settings
from domain import commands as c
from domain.errors import ConcurrentUpdate, OrderbotError
from domain.parties import Product
from domain.users import Front
from tests.conftest import T0, make_desk
from tests.integration.seed import approve_all, cancel_now, cancelled, request_cancel, seed
from tests.integration.stock_race_support import DUE, SKU, as_user, drafts
from tests.integration.test_stock_ledger_machine import assert_consistent, lines_of, stock_of


# -- set-up, running and reading back -----------------------------------------------------------------------
@pytest.fixture
def world(any_url: str) -> Iterator[Desk]:
    desk = make_desk(any_url, FixedClock(T0))
    seed(desk, opening_stock=100)
    yield desk
    desk.close()


def run_together(jobs: list[Callable[[], object]], threads: int = 8) -> list[BaseException]:
    """Run the jobs on ``threads`` threads released at the same instant; returns what they raised."""
    queue, guard, start = list(reversed(jobs)), threading.Lock(), threading.Barrier(threads)
    errors: list[BaseException] = []

    def worker() -> None:
        start.wait()
        while True:
            with guard:
                if not queue:
                    return
                job = queue.pop()
            try:
                job()
            except BaseException as exc:  # collected and judged by the test, never swallowed
                errors.append(exc)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for th in pool:
        th.start()
    for th in pool:
        th.join(60)
    assert not any(th.is_alive() for th in pool), "a worker hung: deadlock or lock wait without end"
    return errors


def assert_reserved_as_if_serial(desk: Desk, numbers: list[str], opening: int, qty: int = 7) -> None:
    """Greedy reservation in some serial order: full orders, at most one partial, the rest waiting."""
    got = sorted((r for [(r, _b, _s)] in lines_of(desk, numbers).values()), reverse=True)
    full, part = divmod(opening, qty)
    expected = [Decimal(qty)] * full + ([Decimal(part)] if part else [])
    assert got == expected + [Decimal(0)] * (len(numbers) - len(expected))


# -- confirmations racing for the last units ------------------------------------------------------------
@pytest.mark.slow
def test_threads_confirming_race_for_the_last_units(world: Desk) -> None:
    numbers = drafts(world, 40)  # 280 wanted, 100 on hand
    lily = as_user(world, "lily")
    assert run_together([lambda n=n: lily(c.ConfirmOrder(n)) for n in numbers]) == []
    assert stock_of(world, SKU) == (100, 100)
    assert_reserved_as_if_serial(world, numbers, 100)
    assert_consistent(world)


def _confirm_in_process(url: str, numbers: list[str], start: Any, results: Any) -> None:
    """One process of a multi-process race: its own engine and desk, never one shared across processes."""
    errors: list[str] = []
    try:
        desk = bootstrap(Settings(database_url=url), FixedClock(T0))
        ctx = desk.context(Front.shell, "lily")
        start.wait(60)
        for n in numbers:
            try:
                desk.bus.handle(c.ConfirmOrder(n), ctx)
            except Exception as exc:  # reported to the parent by type, which judges it
                errors.append(f"{type(exc).__name__}: {exc}")
        desk.close()
    except Exception as exc:  # set-up failed: the parent must hear of it rather than wait
        errors.append(f"worker failed: {type(exc).__name__}: {exc}")
    finally:
        results.put(errors)


@pytest.mark.slow
def test_processes_confirming_race_for_the_last_units(world: Desk, any_url: str) -> None:
    numbers, workers = drafts(world, 36), 3
    spawn = multiprocessing.get_context("spawn")
    start, results = spawn.Barrier(workers), spawn.Queue()
    procs = [
        spawn.Process(target=_confirm_in_process, args=(any_url, numbers[i::workers], start, results))
        for i in range(workers)
    ]
    for p in procs:
        p.start()
    errors = [e for _ in procs for e in results.get(timeout=90)]
    for p in procs:
        p.join(30)
    assert [p.exitcode for p in procs] == [0] * workers
    assert errors == []
    assert stock_of(world, SKU) == (100, 100)
    assert_reserved_as_if_serial(world, numbers, 100)
    assert_consistent(world)


@pytest.mark.slow
def test_confirmations_race_partial_receipts(world: Desk) -> None:
    zhao, chen, liu, lily = (as_user(world, u) for u in ("zhao", "chen", "liu", "lily"))
    po = zhao(c.CreatePurchaseOrder(((SKU, Decimal(90)),))).params["number"]
    chen(c.ApprovePurchaseOrder(po))
    numbers = drafts(world, 40)
    jobs: list[Callable[[], object]] = [lambda n=n: lily(c.ConfirmOrder(n)) for n in numbers]
    for at in (30, 20, 10):  # receipts land early, midway and late in the stream of confirmations
        jobs.insert(at, lambda: liu(c.ReceivePurchaseOrder(po, ((SKU, Decimal(30)),))))
    assert run_together(jobs) == []
    # 190 arrived in all for 280 wanted: every unit is promised to someone, 90 still wait
    assert stock_of(world, SKU) == (190, 190)
    assert sum(b for [(_r, b, _s)] in lines_of(world, numbers).values()) == 90
    with world.engine.connect() as conn:
        assert conn.execute(text("SELECT on_order FROM stock WHERE reserved > 0")).scalar_one() == 0
        assert conn.execute(text("SELECT status FROM purchase_orders")).scalar_one() == "received"
    assert_consistent(world)


@pytest.mark.slow
def test_confirmations_race_cancellations(world: Desk) -> None:
    lily = as_user(world, "lily")
    early = drafts(world, 20)  # 14 full, one with 2 of 7, five waiting with nothing
    for n in early:
        lily(c.ConfirmOrder(n))
    late = drafts(world, 20)
    # cancel full, partial and waiting orders alike: what they free goes to the waiting ones meanwhile.
    # The requests are filed first; their approvals (which cancel and release) race the confirmations.
    doomed = early[::2]
    requests = [request_cancel(world, n) for n in doomed]
    jobs: list[Callable[[], object]] = [lambda n=n: lily(c.ConfirmOrder(n)) for n in late]
    for i, cr in enumerate(requests):
        jobs.insert(2 * i, lambda cr=cr: approve_all(world, cr))
    assert run_together(jobs) == []
    assert all(cancelled(world, n) for n in doomed)
    # 30 live orders want 210, 100 on hand: all of it reserved, nothing left idle
    assert stock_of(world, SKU) == (100, 100)
    assert all(ls == [(0, 0, 0)] for ls in lines_of(world, doomed).values())
    live = lines_of(world, [n for n in early + late if n not in doomed])
    assert sum(r + b for [(r, b, _s)] in live.values()) == 210
    assert_consistent(world)


def test_the_same_order_confirmed_at_once_is_refused_in_words(world: Desk) -> None:
    [number] = drafts(world, 1)
    lily = as_user(world, "lily")
    errors = run_together([lambda: lily(c.ConfirmOrder(number))] * 8)
    # Losers either see it already confirmed, or (PostgreSQL) loaded the draft before the winner committed
    # and are caught by the version check when they write: ConcurrentUpdate, which asks them to retry.
    assert len(errors) == 7 and all(isinstance(e, OrderbotError) for e in errors), errors
    assert all(isinstance(e, ConcurrentUpdate) or getattr(e, "code", "") == "illegal_transition" for e in errors)
    assert stock_of(world, SKU) == (100, 7)
    assert_consistent(world)


# -- hundreds of lines ----------------------------------------------------------------------------------
OPENINGS = (0, 5, 8, 12, 20)  # per product, against lines of 5 then 7: none, part, all of one, all, plenty


def total_reserved(desk: Desk) -> Decimal:
    with desk.engine.connect() as conn:
        return Decimal(conn.execute(text("SELECT COALESCE(SUM(reserved), 0) FROM stock")).scalar_one()) / 1000


@pytest.mark.slow
def test_orders_of_300_lines_confirm_and_cancel(any_url: str) -> None:
    desk = make_desk(any_url, FixedClock(T0))
    seed(desk, opening_stock=0)
    skus = [f"P-{i:04d}" for i in range(150)]
    with desk.uow() as uow:
        for sku in skus:
            uow.products.add(Product(sku, f"part {sku}", list_price=Decimal("0.10")))
        uow.commit()
    liu, lily = as_user(desk, "liu"), as_user(desk, "lily")
    for i, sku in enumerate(skus):
        if OPENINGS[i % 5]:
            liu(c.AdjustStock(sku, "opening balance", counted=Decimal(OPENINGS[i % 5])))
    # one order, each SKU twice: all the lines of 5 first, then all the lines of 7
    lines = tuple(c.LineInput(sku, Decimal(q)) for q in (5, 7) for sku in skus)
    number = lily(c.CreateOrder("CUST-001", lines, DUE)).order.number
    done = lily(c.ConfirmOrder(number))
    got = lines_of(desk, [number])[number]
    assert len(got) == 300
    for i in range(150):
        five, seven, left = got[i], got[150 + i], OPENINGS[i % 5] - got[i][0]
        assert five[:2] == (min(5, OPENINGS[i % 5]), 5 - min(5, OPENINGS[i % 5]))
        assert seven[:2] == (min(7, left), 7 - min(7, left))
    assert len(done.params["short"]) == sum(1 for _r, b, _s in got if b > 0)
    assert_consistent(desk)
    cancel_now(desk, number)
    assert set(lines_of(desk, [number])[number]) == {(0, 0, 0)}
    assert total_reserved(desk) == 0
    assert_consistent(desk)

    # two such orders at once, one listing the SKUs forwards, one backwards: the stock rows are locked in
    # product order whatever the line order, so neither waits on the other in a circle (no deadlock)
    forward = tuple(c.LineInput(sku, Decimal(q)) for sku in skus for q in (5, 7))
    numbers = [lily(c.CreateOrder("CUST-001", ls, DUE)).order.number for ls in (forward, forward[::-1])]
    assert run_together([lambda n=n: lily(c.ConfirmOrder(n)) for n in numbers], threads=2) == []
    assert_consistent(desk)
    # each product holds min(24 wanted, opening): whichever order came first, nothing idles
    assert total_reserved(desk) == sum(min(24, OPENINGS[i % 5]) for i in range(150))
    # both cancelled at once: the change requests are filed first, their (last) approvals race
    requests = [request_cancel(desk, n) for n in numbers]
    assert run_together([lambda cr=cr: approve_all(desk, cr) for cr in requests], threads=2) == []
    assert all(cancelled(desk, n) for n in numbers)
    assert total_reserved(desk) == 0
    assert_consistent(desk)
    desk.close()
