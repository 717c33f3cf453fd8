"""Decisions on one change request arriving at once, on SQLite and PostgreSQL: the last two approvals
together apply it exactly once; a double click from two browser tabs records one approval."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import func, select

from adapters.sql import tables as t
from bot.app.bootstrap import Desk
from bot.app.clock import FixedClock
from domain import commands as c
from domain.changes import CRStatus
from domain.commands import ChangeInput, DueShift, LineInput
from domain.errors import OrderbotError
from domain.users import Front
from tests.conftest import T0, make_desk
from tests.integration.seed import seed

DUE = date(2026, 12, 31)


@pytest.fixture
def world(any_url: str) -> Iterator[Desk]:
    desk = make_desk(any_url, FixedClock(T0))
    seed(desk)
    yield desk
    desk.close()


def as_user(desk: Desk, name: str) -> Callable[[object], Any]:
    return lambda message: desk.bus.handle(message, desk.context(Front.shell, name))


def together(jobs: list[Callable[[], object]]) -> list[object]:
    """Start every job at the same instant; returns each job's result or the error it raised."""
    results: list[object] = [None] * len(jobs)
    start = threading.Barrier(len(jobs))

    def run(i: int) -> None:
        start.wait()
        try:
            results[i] = jobs[i]()
        except BaseException as exc:  # reported to the test
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    return results


def a_big_cut(desk: Desk) -> str:
    """1000 bolts at 300 on a strategic account, cut to 800 two weeks earlier: three roles must approve."""
    lily = as_user(desk, "lily")
    number = lily(c.CreateOrder("CUST-003", (LineInput("BOLT-M8X30", Decimal(1000), Decimal(300)),), DUE)).order.number
    lily(c.ConfirmOrder(number))
    changes = (
        ChangeInput("quantity", "BOLT", quantity=Decimal(800)),
        ChangeInput("due_date", when=DueShift(-14, "-2w")),
    )
    cr = lily(c.RequestChange(number, changes, "budget cut", "mail")).cr
    assert [r.value for r in cr.required_roles] == ["sales_manager", "finance", "production"]
    return str(cr.number)


def count(desk: Desk, table: t.Table, *where: Any) -> int:
    with desk.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table).where(*where)).scalar_one())


@pytest.mark.parametrize("round_", range(3))
def test_the_last_two_approvals_at_once_apply_the_change_exactly_once(world: Desk, round_: int) -> None:
    number = a_big_cut(world)
    as_user(world, "wang")(c.ApproveChange(number))
    outcomes = together(
        [
            lambda: as_user(world, "chen")(c.ApproveChange(number)),
            lambda: as_user(world, "zhao")(c.ApproveChange(number)),
        ]
    )
    errors = [o for o in outcomes if isinstance(o, BaseException)]
    assert all(isinstance(e, OrderbotError) for e in errors), errors
    if errors:  # a refusal in words (the other writer won a lock race): trying again finishes the job
        for name in ("chen", "zhao"):
            as_user(world, name)(c.ApproveChange(number))
    cr = as_user(world, "lily")(c.ShowChange(number)).cr
    assert cr.status is CRStatus.approved and sorted(d.role.value for d in cr.decisions) == [
        "finance", "production", "sales_manager",
    ]  # fmt: skip
    order = as_user(world, "lily")(c.ShowOrder(cr.order_number))
    assert (order.version, order.lines[0].quantity, order.lines[0].reserved_qty) == (2, 800, 800)
    assert count(world, t.outbox, t.outbox.c.kind == "order_changed", t.outbox.c.audience == "channel:orders") == 1
    assert count(world, t.order_versions) == 2


def test_a_double_click_from_two_tabs_records_one_approval(world: Desk) -> None:
    number = a_big_cut(world)
    wang = as_user(world, "wang")
    outcomes = together([lambda: wang(c.ApproveChange(number)), lambda: wang(c.ApproveChange(number))])
    codes = sorted(getattr(o, "code", type(o).__name__) for o in outcomes)
    assert codes in (["cr_already_approved", "cr_approval_recorded"], ["concurrent_update", "cr_approval_recorded"])
    assert count(world, t.cr_decisions) == 1
    cr = as_user(world, "lily")(c.ShowChange(number)).cr
    assert [r.value for r in cr.pending_roles()] == ["finance", "production"]
