"""Writers on the same stock, on SQLite and PostgreSQL, at exact interleavings: another transaction runs at
a chosen point of a command (between its read and its lock, or while it holds one) -- a receipt, a count,
production output, a confirmation -- and no deadlock follows. Free-running races are in
test_stock_races.py.

Cancelling a confirmed order is a change request: the stock moves in the transaction of its last approval.
So an interleaving with a cancellation files the request first, and forces the interleaving inside the
approval that applies it.

Whatever the interleaving, the result must be one that running the same commands one after another could
have produced (see ``stock_problems``), and nothing but a refusal in words may reach the user.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from adapters.sql.stock_repo import SqlStock, SqlSupply
from bot.app.bootstrap import Desk
from bot.app.clock import FixedClock
from domain import commands as c
from domain.errors import ConfirmationFailed, Conflict
from tests.conftest import T0, make_desk, sqlite_url
from tests.integration.seed import approve_all, cancelled, request_cancel, seed
from tests.integration.stock_race_support import DUE, SKU, as_user, drafts
from tests.integration.test_stock_ledger_machine import assert_consistent, stock_of


# -- set-up -------------------------------------------------------------------------------------------------
@pytest.fixture
def world(any_url: str) -> Iterator[Desk]:
    desk = make_desk(any_url, FixedClock(T0))
    seed(desk, opening_stock=100)
    yield desk
    desk.close()


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
