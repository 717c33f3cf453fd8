"""Issue 13, item 12 on SQLite and PostgreSQL: the facts the desk states read the real schema — one "should we
buy" rule for `stock SKU` and `po suggest` (below safety stock by the figures, a product never counted too), an
escalation kept with its time and shown in `admin alerts`, an order promised late marked at risk (stored, listed,
held by the at-risk scan), ready refused while a line waits, and the warehouse moving an in-stock order to ready."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest
from sqlalchemy import select

from adapters.sql import tables as t
from bot.app.bootstrap import Desk
from bot.app.clock import FixedClock
from bot.conversation.i18n import Translator
from bot.conversation.replies import render
from domain import commands as c
from domain.commands import ChangeInput, LineInput
from domain.errors import Conflict
from domain.lifecycle import Status
from domain.users import Front
from tests.integration.seed import seed

D = Decimal


@pytest.fixture
def world(any_desk: Desk) -> Desk:
    seed(any_desk, opening_stock=1000)
    with any_desk.uow() as uow:
        for sku, safety in (("NUT-M8", 100), ("WASHER-M8", 500)):
            p = uow.products.get(sku)
            assert p is not None
            p.safety_stock = D(safety)
        uow.commit()
    with any_desk.engine.begin() as conn:  # the washers were never counted: no stock row at all
        washer = select(t.products.c.id).where(t.products.c.sku == "WASHER-M8").scalar_subquery()
        conn.execute(t.stock_moves.delete().where(t.stock_moves.c.product_id == washer))
        conn.execute(t.stock.delete().where(t.stock.c.product_id == washer))
    return any_desk


def run(desk: Desk, who: str, message: c.Command) -> Any:
    return desk.bus.handle(message, desk.context(Front.shell, who))


def new(desk: Desk, *lines: tuple[str, int], days: int = 5, rush: bool = False) -> str:
    cmd = c.CreateOrder(
        "CUST-003", tuple(LineInput(s, D(q)) for s, q in lines), desk.today() + timedelta(days), rush=rush
    )
    return str(run(desk, "lily", cmd).params["number"])


def en(desk: Desk, result: object) -> str:
    return render(result, Translator("en", desk.settings.zone), desk.today()).text()


def test_stock_and_po_suggest_ask_one_rule(world: Desk) -> None:
    run(world, "lily", c.ConfirmOrder(new(world, ("NUT-M8", 880))))  # 120 available: above safety 100
    nut = run(world, "wang", c.StockView("NUT-M8"))
    assert nut.suggestion == 0
    washer = run(world, "wang", c.StockView("WASHER-M8"))
    suggested = {s.product.sku: s.quantity for s in run(world, "wang", c.PurchaseSuggestions()).suggestions}
    assert suggested == {"WASHER-M8": washer.suggestion} and washer.suggestion == 1000
    run(world, "liu", c.AdjustStock("NUT-M8", "broken", delta=D(-30)))  # 90 available: below safety
    suggested = {s.product.sku: s.quantity for s in run(world, "wang", c.PurchaseSuggestions()).suggestions}
    assert suggested["NUT-M8"] == run(world, "wang", c.StockView("NUT-M8")).suggestion == 110


def test_an_escalation_is_kept_with_its_time_and_shown(world: Desk) -> None:
    number = new(world, ("NUT-M8", 10), days=30)
    run(world, "lily", c.ConfirmOrder(number))
    cut = c.RequestChange(number, (ChangeInput("quantity", "NUT-M8", quantity=D(8)),), "budget cut")
    cr = run(world, "lily", cut).cr.number
    clock = world.clock
    assert isinstance(clock, FixedClock)
    clock.advance(hours=9)  # a reminder first: raised, not escalated
    world.bus.handle(c.RunScans(("approvals",)), world.system_context())
    raised_at = clock.now()
    clock.advance(hours=16)
    world.bus.handle(c.RunScans(("approvals",)), world.system_context())
    view = world.bus.handle(c.ListAlerts(), world.context(Front.shell, "admin"))
    (alert,) = view.alerts
    assert (alert.subject, alert.level, alert.raised_at, alert.escalated_at) == (cr, 2, raised_at, clock.now())
    assert alert.detail == {"role": "sales_manager", "escalate_to": "admin"}
    t = Translator("en", world.settings.zone)
    assert f"to {t.name('role_', 'admin')}, {t.when(clock.now())}" in en(world, view)


def test_an_order_promised_late_is_at_risk_in_the_database(world: Desk) -> None:
    number = new(world, ("NUT-M8", 1500), rush=True)  # 1000 on hand, 14 days' lead time for the rest
    done = run(world, "lily", c.ConfirmOrder(number))
    assert [ln[:2] for ln in done.params["late"]] == [(1, "NUT-M8")]
    with world.engine.connect() as conn:
        stored = conn.execute(select(t.orders.c.at_risk).where(t.orders.c.number == number)).scalar_one()
        kinds = conn.execute(select(t.outbox.c.kind).where(t.outbox.c.kind == "order_at_risk")).scalars().all()
    assert stored is True and kinds == ["order_at_risk"]
    assert "⚠ At risk" in en(world, run(world, "wang", c.ListOrders()))
    world.bus.handle(c.RunScans(("at_risk",)), world.system_context())
    alerts = world.bus.handle(c.ListAlerts(), world.context(Front.shell, "admin")).alerts
    assert [(a.kind, a.subject) for a in alerts] == [("at_risk", number)]
    with pytest.raises(Conflict) as refused:  # (d) not ready while 500 wait
        run(world, "liu", c.AdvanceOrder(number))
    assert refused.value.code == "ready_short"
    run(world, "liu", c.AdjustStock("NUT-M8", "found", delta=D(500)))
    assert run(world, "liu", c.AdvanceOrder(number)).order.status is Status.ready
    run(world, "liu", c.ShipOrder(number, "SF", "SF1"))
    with world.engine.connect() as conn:
        assert conn.execute(select(t.orders.c.at_risk).where(t.orders.c.number == number)).scalar_one() is False
    report = world.bus.handle(c.RunScans(("at_risk",)), world.system_context())
    assert report.counts == {"at_risk": (0, 0, 1)}


def test_the_warehouse_moves_an_in_stock_order_to_ready(world: Desk) -> None:
    number = new(world, ("BOLT-M8X30", 100), ("NUT-M8", 100))
    run(world, "lily", c.ConfirmOrder(number))
    assert run(world, "liu", c.AdvanceOrder(number)).order.status is Status.ready
    with world.engine.connect() as conn:
        status = conn.execute(select(t.orders.c.status).where(t.orders.c.number == number)).scalar_one()
    assert status is Status.ready
