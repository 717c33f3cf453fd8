"""Writers racing for the same stock, on SQLite and PostgreSQL: threads, separate processes, receipts and
cancellations in the middle, exact interleavings forced at a lock, and orders of hundreds of lines.

Cancelling a confirmed order is a change request: the stock moves in the transaction of its last approval.
So a race with a cancellation files the request first, and races (or forces the interleaving inside) the
approval that applies it.

Whatever the interleaving, the result must be one that running the same commands one after another could
have produced (see ``stock_problems``), and nothing but a refusal in words may reach the user.
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from adapters.sql.stock_repo import SqlStock, SqlSupply
from bot.bootstrap import Desk, bootstrap
from bot.clock import FixedClock
from bot.config import Settings
from domain import commands as c
from domain.errors import ConcurrentUpdate, ConfirmationFailed, Conflict, OrderbotError
from domain.parties import Product
from domain.users import Front
from tests.conftest import T0, make_desk, sqlite_url
from tests.integration.seed import approve_all, cancel_now, cancelled, request_cancel, seed
from tests.integration.test_stock_ledger_machine import assert_consistent, lines_of, stock_of

DUE = date(2026, 12, 20)
SKU = "NUT-M8"  # a buy item: short lines wait for purchase orders, no work orders muddy the counts


# -- set-up, running and reading back -----------------------------------------------------------------------
@pytest.fixture
def world(any_url: str) -> Iterator[Desk]:
    desk = make_desk(any_url, FixedClock(T0))
    seed(desk, opening_stock=100)
    yield desk
    desk.close()


def as_user(desk: Desk, name: str) -> Callable[[object], Any]:
    ctx = desk.context(Front.shell, name)
    return lambda cmd: desk.bus.handle(cmd, ctx)


def drafts(desk: Desk, n: int, qty: int = 7, sku: str = SKU, customer: str = "CUST-001") -> list[str]:
    lily = as_user(desk, "lily")
    return [lily(c.CreateOrder(customer, (c.LineInput(sku, Decimal(qty)),), DUE)).order.number for _ in range(n)]


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


# -- exact interleavings: another transaction runs at a chosen point of a command ---------------------------
@contextmanager
def intrude_at(
    monkeypatch: pytest.MonkeyPatch,
    intruder: Callable[[], object],
    at: tuple[type, str] = (SqlStock, "lock"),
    when: Callable[..., bool] = lambda *args, **kwargs: True,
    after: bool = False,
    wait: float = 1.0,
    until: Callable[[], bool] = lambda: False,
) -> Iterator[list[object]]:
    """When this thread's command first calls ``at`` with arguments ``when`` accepts, run ``intruder`` on
    another thread just before the call (or just ``after`` it) and give it ``wait`` seconds, or until
    ``until()``, before the command goes on. Yields the intruder's result or exception, once it is done.

    On PostgreSQL an intruder going first commits first (nothing blocks it yet), the dangerous order. On
    SQLite the command already holds the write lock, so the intruder runs after it: both orders get tested.
    """
    victim, (cls, name) = threading.get_ident(), at
    original, outcome, fired = getattr(cls, name), [], []

    def run() -> None:
        try:
            outcome.append(intruder())
        except Exception as exc:  # judged by the test
            outcome.append(exc)

    def hooked(self: object, *args: Any, **kwargs: Any) -> Any:
        mine = not fired and threading.get_ident() == victim and when(*args, **kwargs)
        result = original(self, *args, **kwargs) if after else None
        if mine:
            fired.append(threading.Thread(target=run))
            fired[0].start()
            deadline = time.monotonic() + wait
            while fired[0].is_alive() and time.monotonic() < deadline and not until():
                time.sleep(0.02)
        return result if after else original(self, *args, **kwargs)

    monkeypatch.setattr(cls, name, hooked)
    yield outcome
    monkeypatch.setattr(cls, name, original)
    assert fired, f"the command never called {name}"
    fired[0].join(60)


def lock_waiters(desk: Desk) -> bool:
    """Whether another session is queued on a row lock (PostgreSQL); SQLite's waiting cannot be seen."""
    if desk.engine.dialect.name != "postgresql":
        return False
    with desk.engine.connect() as conn:
        sql = "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND datname = current_database()"
        return bool(conn.execute(text(sql)).scalar_one())


def attempt(command: Callable[[], object]) -> object:
    """What the command raised (DeadlockDetected, when PostgreSQL picks it as the victim), or None."""
    try:
        command()
    except Exception as exc:
        return exc
    return None


def test_receipt_between_a_cancels_read_and_its_lock(world: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    """The receipt fills the order's backorder; the cancel must give back what the order holds *now*."""
    lily, zhao, chen, liu = (as_user(world, u) for u in ("lily", "zhao", "chen", "liu"))
    first, waiting = drafts(world, 2, qty=70)
    lily(c.ConfirmOrder(first))
    lily(c.ConfirmOrder(waiting))  # 30 reserved, 40 waiting
    po = zhao(c.CreatePurchaseOrder(((SKU, Decimal(40)),))).params["number"]
    chen(c.ApprovePurchaseOrder(po))
    cr = request_cancel(world, waiting)  # the approval that applies it reads the order, then locks
    with intrude_at(monkeypatch, lambda: liu(c.ReceivePurchaseOrder(po))) as outcome:
        approve_all(world, cr)
    assert not any(isinstance(o, Exception) for o in outcome), outcome
    assert cancelled(world, waiting)
    assert stock_of(world, SKU) == (140, 70)
    assert_consistent(world)


def test_count_override_between_a_ships_read_and_its_lock(world: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    """An audited count takes reservation back from the order being shipped: shipping must refuse."""
    lily, zhao, liu = (as_user(world, u) for u in ("lily", "zhao", "liu"))
    for n in (numbers := drafts(world, 2, qty=50)):
        lily(c.ConfirmOrder(n))
        zhao(c.AdvanceOrder(n))
        zhao(c.AdvanceOrder(n))  # ready to ship
    count = c.AdjustStock(SKU, "cycle count", counted=Decimal(70), override=True)
    with intrude_at(monkeypatch, lambda: liu(count)) as outcome:
        refused = attempt(lambda: liu(c.ShipOrder(numbers[1], "SF", "SF001")))  # the last in line loses first
    assert refused is None or (isinstance(refused, Conflict) and refused.code == "ship_short"), refused
    assert not any(isinstance(o, Exception) for o in outcome), outcome
    # shipped first (SQLite: the count waits): 50 left, then counted up to 70; counted first: all 70 held
    assert stock_of(world, SKU) == ((70, 50) if refused is None else (70, 70))
    assert_consistent(world)


def test_output_between_a_cancels_read_and_its_lock(world: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    """Production output reserved for the order's line lands while that order is being cancelled."""
    lily, zhao = as_user(world, "lily"), as_user(world, "zhao")
    [order] = drafts(world, 1, qty=130, sku="BOLT-M8X30")  # a make item: 30 short become a work order
    [wo] = lily(c.ConfirmOrder(order)).params["work_orders"]
    zhao(c.MoveWorkOrder(wo, "released"))
    zhao(c.MoveWorkOrder(wo, "in_progress"))
    cr = request_cancel(world, order)  # production started: the sales manager's and production's approvals
    with intrude_at(monkeypatch, lambda: zhao(c.ReportWorkOrder(wo, Decimal(20)))) as outcome:
        approve_all(world, cr)  # the last approval (production's) locks the stock: the report lands there
    assert not any(isinstance(o, Exception) for o in outcome), outcome
    assert cancelled(world, order)
    assert stock_of(world, "BOLT-M8X30") == (120, 0)
    assert_consistent(world)


def test_credit_limit_holds_when_confirmations_race(world: Desk, monkeypatch: pytest.MonkeyPatch) -> None:
    """Confirmations of one customer serialise on the customer row: both cannot pass the credit check."""
    lily = as_user(world, "lily")
    one, other = drafts(world, 2, qty=6000, customer="CUST-002")  # 300 each against a limit of 500
    with intrude_at(monkeypatch, lambda: lily(c.ConfirmOrder(other))) as outcome:
        lily(c.ConfirmOrder(one))
    assert len(outcome) == 1 and isinstance(outcome[0], ConfirmationFailed), outcome
    assert [code for code, _ in outcome[0].problems] == ["check_credit"]


def test_a_confirmation_waiting_for_stock_does_not_deadlock_a_cancel(
    world: Desk, any_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Regression (PostgreSQL): the credit check locked the customer FOR UPDATE, then waited for stock; a
    cancel holding that stock updates its order row twice, and the second update re-checks the foreign key
    to the customer (FOR KEY SHARE), which FOR UPDATE blocked. FOR NO KEY UPDATE lets it through."""
    lily = as_user(world, "lily")
    held, waiting = drafts(world, 2)  # CUST-001 has a credit limit: its confirmations lock the customer
    lily(c.ConfirmOrder(held))
    cr = request_cancel(world, held)  # the cancel happens when its change request is approved
    # the approval holds the stock row; the confirmation takes the customer, then queues for that stock row
    confirm, wait = (lambda: lily(c.ConfirmOrder(waiting))), 5 if "postgresql" in any_url else 0.3
    with intrude_at(monkeypatch, confirm, after=True, wait=wait, until=lambda: lock_waiters(world)) as outcome:
        approved = attempt(lambda: approve_all(world, cr))
    assert approved is None and not isinstance(outcome[0], Exception), (approved, outcome)
    assert cancelled(world, held)
    assert stock_of(world, SKU) == (100, 7)
    assert_consistent(world)


# A receipt holding one product's stock row and a work-order report holding another's used to deadlock
# on work-order rows; a work order is now locked only under its own product's stock lock.
@pytest.mark.parametrize("backend", ["sqlite", "postgresql"])
def test_a_receipt_and_a_work_order_report_do_not_deadlock(
    backend: str, request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    desk = make_desk(sqlite_url(tmp_path) if backend == "sqlite" else request.getfixturevalue("pg_url"), FixedClock(T0))
    seed(desk, opening_stock=0)
    lily, zhao, chen, liu = (as_user(desk, u) for u in ("lily", "zhao", "chen", "liu"))
    both = (c.LineInput("NUT-M8", Decimal(10)), c.LineInput("BOLT-M8X30", Decimal(10)))
    # first in line (key customer), then second: each waits for 10 nuts (bought) and 10 bolts (made)
    first, second = (lily(c.CreateOrder(cust, both, DUE)).order.number for cust in ("CUST-001", "CUST-002"))
    lily(c.ConfirmOrder(first))
    [wo] = lily(c.ConfirmOrder(second)).params["work_orders"]
    po = zhao(c.CreatePurchaseOrder((("NUT-M8", Decimal(20)),))).params["number"]
    chen(c.ApprovePurchaseOrder(po))
    zhao(c.MoveWorkOrder(wo, "released"))
    zhao(c.MoveWorkOrder(wo, "in_progress"))
    # the report holds the bolt stock row and its work order when the receipt (nuts for both orders) starts;
    # then it makes 15: 10 for its own line, 5 for the first order, whose work order the receipt has locked
    receive, wait = (lambda: liu(c.ReceivePurchaseOrder(po))), 5 if backend == "postgresql" else 0.3
    at, locking = (SqlSupply, "wo"), (lambda number, lock=False: lock)
    with intrude_at(monkeypatch, receive, at, locking, True, wait, lambda: lock_waiters(desk)) as outcome:
        reported = attempt(lambda: zhao(c.ReportWorkOrder(wo, Decimal(15))))
    assert reported is None and not isinstance(outcome[0], Exception), (reported, outcome)
    assert stock_of(desk, "NUT-M8") == (20, 20)
    assert stock_of(desk, "BOLT-M8X30") == (15, 15)
    assert_consistent(desk)
    desk.close()


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
