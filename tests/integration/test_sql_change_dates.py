"""A date pulled earlier reaches production, on SQLite and PostgreSQL: bolts are made in house with a 14-day lead time;
an order of 1000 due 2026-12-31 has a planned work order for all of it. Pulled in two weeks (today is 2026-11-22) it
can be made by 12-06, so the impact says feasible and applying re-plans the work order and re-promises the line for
12-17; once the work order has started it keeps its date and the impact says so. A quantity cut of a line still
short returns nothing to free stock. (The same rules on the in-memory unit of work:
tests/unit/test_change_reschedule.py.)"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from bot.app.bootstrap import Desk
from bot.app.clock import FixedClock
from domain import commands as c
from domain.commands import ChangeInput, DueShift, LineInput
from domain.impact import Impact
from domain.users import Front
from tests.conftest import T0, make_desk
from tests.integration.seed import seed

DUE, EARLIER, LEAD_DONE = date(2026, 12, 31), date(2026, 12, 17), date(2026, 12, 6)


@pytest.fixture
def world(any_url: str) -> Iterator[Desk]:
    desk = make_desk(any_url, FixedClock(T0))
    seed(desk, opening_stock=0)
    yield desk
    desk.close()


def run(desk: Desk, who: str, message: object) -> Any:
    return desk.bus.handle(message, desk.context(Front.shell, who))


def bolts(desk: Desk, qty: int = 1000) -> tuple[str, str]:
    """A confirmed order of ``qty`` bolts due 12-31, and its work order."""
    order = c.CreateOrder("CUST-001", (LineInput("BOLT-M8X30", Decimal(qty)),), DUE)
    number = run(desk, "lily", order).params["number"]
    run(desk, "lily", c.ConfirmOrder(number))
    with desk.uow(readonly=True) as uow:
        (wo,) = uow.supply.wos(order_number=number)
        assert wo.due_date == DUE
        return number, wo.number


def pull_in(desk: Desk, number: str) -> Any:
    shift = ChangeInput("due_date", when=DueShift(-14, "提前两周"))
    return run(desk, "lily", c.RequestChange(number, (shift,), "customer line moved")).cr


def dates(desk: Desk, number: str, wo: str) -> tuple[date | None, date | None, date | None]:
    with desk.uow(readonly=True) as uow:
        order, work = uow.orders.get(number), uow.supply.wo(wo)
        assert order is not None and work is not None
        return order.due_date, order.lines[0].confirmed_date, work.due_date


def test_an_earlier_date_re_plans_the_work_order_and_re_promises_the_line(world: Desk) -> None:
    number, wo = bolts(world)
    cr = pull_in(world, number)
    (line,) = Impact.from_dict(cr.impact).lines
    assert (line.earliest, line.wanted, line.feasible) == (LEAD_DONE, EARLIER, True)
    assert run(world, "wang", c.ApproveChange(cr.number)).code == "cr_approval_recorded"
    assert run(world, "zhao", c.ApproveChange(cr.number)).code == "cr_applied"
    assert dates(world, number, wo) == (EARLIER, EARLIER, EARLIER)


def test_a_started_work_order_keeps_its_date_and_the_impact_says_so(world: Desk) -> None:
    number, wo = bolts(world)
    for step in ("released", "in_progress"):
        run(world, "zhao", c.MoveWorkOrder(wo, step))
    cr = pull_in(world, number)
    impact = Impact.from_dict(cr.impact)
    (line,) = impact.lines
    assert (line.earliest, line.feasible, line.held_by_started) == (DUE, False, DUE)
    assert "schedule_infeasible" in impact.flags
    run(world, "wang", c.ApproveChange(cr.number))
    assert run(world, "zhao", c.ApproveChange(cr.number)).code == "cr_applied"
    assert dates(world, number, wo) == (EARLIER, DUE, DUE)


def test_a_later_date_still_moves_the_line_and_its_work_order(world: Desk) -> None:
    number, wo = bolts(world)
    later = ChangeInput("due_date", when=DueShift(7, "推迟一周"))
    cr = run(world, "lily", c.RequestChange(number, (later,), "customer asked")).cr
    assert run(world, "wang", c.ApproveChange(cr.number)).code == "cr_applied"
    week = date(2027, 1, 7)
    assert dates(world, number, wo) == (week, week, week)


def test_a_cut_of_a_line_still_short_returns_nothing_to_free_stock(world: Desk) -> None:
    run(world, "liu", c.AdjustStock("BOLT-M8X30", "opening balance", counted=Decimal(300)))
    number, wo = bolts(world)
    cut = ChangeInput("quantity", "BOLT-M8X30", quantity=Decimal(800))
    cr = run(world, "lily", c.RequestChange(number, (cut,), "budget cut")).cr
    (line,) = Impact.from_dict(cr.impact).lines
    assert (line.reserved, line.released, line.planned, line.cut) == (300, 0, 700, 200)
    assert run(world, "wang", c.ApproveChange(cr.number)).code == "cr_applied"
    with world.uow(readonly=True) as uow:
        work, product = uow.supply.wo(wo), uow.products.get("BOLT-M8X30")
        assert work is not None and work.quantity == 500  # 200 of the planned 700 cut
        assert product is not None and product.id is not None
        assert uow.stock.available([product.id])[product.id] == 0  # as the impact said: nothing came back
