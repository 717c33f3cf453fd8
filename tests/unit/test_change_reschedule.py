"""A date pulled earlier reaches production: the impact judges the new date on what production can still do (a work
order not started is re-planned a lead time from today; a started one keeps its date and the impact says so), and
applying re-plans the unstarted work orders and re-promises the lines with the order's due date — on the
in-memory unit of work. The same story on SQLite and PostgreSQL is in tests/integration/test_sql_change_dates.py."""

from __future__ import annotations

from datetime import timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.conversation.i18n import Translator
from bot.conversation.replies.changes import impact_lines
from domain import commands as c
from domain.bus import MessageBus
from domain.commands import ChangeInput, DueShift
from domain.impact import Impact
from domain.parties import MakeOrBuy
from domain.users import Role
from tests.fakes import TODAY, FakeUnitOfWork, ctx, product
from tests.unit.change_support import LILY, WANG, WO1, ZHAO, D, order_of, seeded_uow

EN, ZH = Translator("en", ZoneInfo("Asia/Shanghai")), Translator("zh", ZoneInfo("Asia/Shanghai"))
LEAD = 5
DUE = TODAY + timedelta(days=39)  # 2026-12-31
EARLIER = DUE - timedelta(days=14)  # 2026-12-17


@pytest.fixture
def uow() -> FakeUnitOfWork:
    fake = seeded_uow()
    fake.seed(product("GEAR-1", "20", make_or_buy=MakeOrBuy.make, unit_cost=D(8), lead_time_days=LEAD))
    fake.opening("GEAR-1", 0)
    return fake


@pytest.fixture
def bus(uow: FakeUnitOfWork) -> MessageBus:
    return MessageBus(uow.factory)


def pull_in(bus: MessageBus, number: str, days: int = -14) -> c.RequestChange:
    phrase = "提前两周" if days < 0 else "推迟一周"
    cmd = c.RequestChange(number, (ChangeInput("due_date", when=DueShift(days, phrase)),), "customer line moved")
    return bus.handle(cmd, ctx(LILY)).cr


def approve(bus: MessageBus, cr: str) -> str:
    code = ""
    for who in (WANG, ZHAO):
        code = bus.handle(c.ApproveChange(cr), ctx(who)).code
    return code


def test_an_earlier_date_re_plans_the_work_order_that_has_not_started(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    number = order_of(bus, ("GEAR-1", 1000), due=DUE)
    assert (uow.work(WO1).quantity, uow.work(WO1).due_date) == (D(1000), DUE)
    cr = pull_in(bus, number)
    impact = Impact.from_dict(cr.impact)
    (line,) = impact.lines
    # not "earliest 12-31" (the work order's old due date): nothing has started, the lead time makes it by 11-27
    assert (line.earliest, line.wanted, line.feasible) == (TODAY + timedelta(days=LEAD), EARLIER, True)
    assert impact.feasible and "schedule_infeasible" not in impact.flags and line.held_by_started is None
    assert cr.required_roles == [Role.sales_manager, Role.production]
    text = [text for _, text in impact_lines(EN, impact)]
    assert f"GEAR-1: work orders not started (1000) re-planned for {EARLIER.isoformat()}" in text
    assert not any("NOT feasible" in x for x in text)

    assert approve(bus, cr.number) == "cr_applied"
    order = uow.order(number)
    assert order.due_date == EARLIER
    assert order.lines[0].confirmed_date == EARLIER  # the line is promised for the new date ...
    assert uow.work(WO1).due_date == EARLIER  # ... and production is told


def test_a_started_work_order_keeps_its_date_and_the_impact_says_it_cannot_make_it(
    bus: MessageBus, uow: FakeUnitOfWork
) -> None:
    number = order_of(bus, ("GEAR-1", 1000), due=DUE)
    for step in ("released", "in_progress"):
        bus.handle(c.MoveWorkOrder(WO1, step), ctx(ZHAO))
    cr = pull_in(bus, number)
    impact = Impact.from_dict(cr.impact)
    (line,) = impact.lines
    assert (line.earliest, line.feasible, line.held_by_started) == (DUE, False, DUE)
    assert {"schedule_infeasible", "production_started"} <= set(impact.flags) and impact.risk == "high"
    text = [text for _, text in impact_lines(EN, impact)]
    assert f"GEAR-1: 1000 already in production, due {DUE.isoformat()} — a started work order keeps its date" in text
    zh = [text for _, text in impact_lines(ZH, impact)]
    assert any("已开工的工单不能提前" in x for x in zh)

    assert approve(bus, cr.number) == "cr_applied"  # approved knowing it: the promise stays honest
    order = uow.order(number)
    assert order.due_date == EARLIER and order.lines[0].confirmed_date == DUE
    assert uow.work(WO1).due_date == DUE


def test_part_started_part_not_each_work_order_as_it_can(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    """Stock covers 400 of 1000; the work order for the other 600 is planned: pulled in, it is re-planned."""
    uow.opening("GEAR-1", 400)
    number = order_of(bus, ("GEAR-1", 1000), due=DUE)
    assert uow.work(WO1).quantity == D(600)
    cr = pull_in(bus, number)
    (line,) = Impact.from_dict(cr.impact).lines
    assert (line.reserved, line.planned, line.earliest, line.feasible) == (D(400), D(600), TODAY + timedelta(5), True)
    assert approve(bus, cr.number) == "cr_applied"
    assert (uow.order(number).lines[0].confirmed_date, uow.work(WO1).due_date) == (EARLIER, EARLIER)


def test_an_earlier_date_inside_the_lead_time_is_not_feasible_and_says_when(
    bus: MessageBus, uow: FakeUnitOfWork
) -> None:
    number = order_of(bus, ("GEAR-1", 100), due=TODAY + timedelta(days=10))
    cr = pull_in(bus, number, days=-8)  # wanted in 2 days, the lead time is 5
    (line,) = Impact.from_dict(cr.impact).lines
    assert (line.earliest, line.feasible, line.held_by_started) == (TODAY + timedelta(LEAD), False, None)
    assert approve(bus, cr.number) == "cr_applied"
    # promised for when it can be made, not for a day it cannot; the work order is planned for that day
    assert uow.order(number).lines[0].confirmed_date == TODAY + timedelta(LEAD)
    assert uow.work(WO1).due_date == TODAY + timedelta(LEAD)


@pytest.mark.parametrize("started", [False, True])
def test_a_later_date_still_moves_the_line_and_its_work_order(
    bus: MessageBus, uow: FakeUnitOfWork, started: bool
) -> None:
    number = order_of(bus, ("GEAR-1", 1000), due=DUE)
    if started:
        for step in ("released", "in_progress"):
            bus.handle(c.MoveWorkOrder(WO1, step), ctx(ZHAO))
    cr = pull_in(bus, number, days=7)
    assert Impact.from_dict(cr.impact).feasible
    later = DUE + timedelta(days=7)
    view = None
    for _ in range(3):
        pending = uow.change(cr.number).pending_roles()
        if not pending:
            break
        view = bus.handle(c.ApproveChange(cr.number), ctx(ZHAO if pending[0] is Role.production else WANG))
    assert view is not None and view.code == "cr_applied"
    order = uow.order(number)
    assert (order.due_date, order.lines[0].confirmed_date, uow.work(WO1).due_date) == (later, later, later)


def test_a_cut_of_a_line_still_short_returns_nothing_to_free_stock(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    """300 on the shelf reserved for a line of 1000 (700 in a planned work order), cut to 800: all 300 are still
    needed — nothing returns to free stock — and 200 of the planned work order can be cut."""
    uow.opening("GEAR-1", 300)
    number = order_of(bus, ("GEAR-1", 1000), due=DUE)
    cmd = c.RequestChange(number, (ChangeInput("quantity", "GEAR-1", quantity=D(800)),), "budget cut")
    cr = bus.handle(cmd, ctx(LILY)).cr
    (line,) = Impact.from_dict(cr.impact).lines
    assert (line.reserved, line.released, line.planned, line.cut) == (D(300), D(0), D(700), D(200))
    en = [text for _, text in impact_lines(EN, Impact.from_dict(cr.impact))]
    assert (
        "GEAR-1: 300 reserved (0 returns to free stock, 300 still needed); planned work orders 700 (200 can be cut);"
        " started 0 (cannot be returned)"
    ) in en
    assert not any("released from reservation" in x or ": yes" in x for x in en)
    bus.handle(c.ApproveChange(cr.number), ctx(WANG))
    assert uow.item("GEAR-1").available == D(0)  # as the impact said: nothing came back
    assert uow.work(WO1).quantity == D(500)


def test_a_cut_below_the_reservation_returns_only_what_is_no_longer_needed(
    bus: MessageBus, uow: FakeUnitOfWork
) -> None:
    uow.opening("GEAR-1", 1000)
    number = order_of(bus, ("GEAR-1", 1000), due=DUE)
    cmd = c.RequestChange(number, (ChangeInput("quantity", "GEAR-1", quantity=D(700)),), "budget cut")
    cr = bus.handle(cmd, ctx(LILY)).cr
    (line,) = Impact.from_dict(cr.impact).lines
    assert (line.reserved, line.released, line.cut) == (D(1000), D(300), D(0))
    zh = [text for _, text in impact_lines(ZH, Impact.from_dict(cr.impact))]
    assert any("退回可用库存 300，仍需 700" in x for x in zh)
    bus.handle(c.ApproveChange(cr.number), ctx(WANG))
    assert uow.item("GEAR-1").available == D(300)
