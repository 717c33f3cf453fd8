"""What the change-request tests share: the staff, an in-memory unit of work seeded with two customers and
three products, confirmed orders, the story of the 1000 bolts, and a snapshot of what must not change."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from domain import commands as c
from domain.bus import MessageBus
from domain.commands import ChangeInput, DueShift, LineInput
from domain.parties import MakeOrBuy
from tests.fakes import TODAY, FakeUnitOfWork, ctx, customer, product, user

D = Decimal
DUE = TODAY + timedelta(days=28)
WO1 = "WO-2026-000001"
LILY, WANG, CHEN = user("lily", "sales"), user("wang", "sales_manager"), user("chen", "finance")
ZHAO, LIU, SUN = user("zhao", "production"), user("liu", "warehouse"), user("sun", "tech")
PEOPLE = (LILY, WANG, CHEN, ZHAO, LIU, SUN)


def seeded_uow() -> FakeUnitOfWork:
    """Two customers; bolts (made in house, 700 on the shelf), nuts (100 000 on the shelf) and washers; the staff."""
    fake = FakeUnitOfWork().seed(
        customer("CUST-001", "Acme Machining"),
        customer("CUST-002", "Small Co"),
        product("BOLT-M8X30", "300", make_or_buy=MakeOrBuy.make, unit_cost=D(200), lead_time_days=10),
        product("NUT-M8", "0.05", lead_time_days=20),
        product("WASHER-M8", "0.02"),
        *(user(u.name, *u.roles) for u in PEOPLE),
    )
    fake.opening("BOLT-M8X30", 700)
    fake.opening("NUT-M8", 100000)
    return fake


def order_of(bus: MessageBus, *lines: tuple[str, int], cust: str = "CUST-001", due: date = DUE) -> str:
    cmd = c.CreateOrder(cust, tuple(LineInput(sku, D(q)) for sku, q in lines), due)
    number = str(bus.handle(cmd, ctx(LILY)).params["number"])
    bus.handle(c.ConfirmOrder(number), ctx(LILY))
    return number


def the_story(bus: MessageBus) -> str:
    """1000 bolts confirmed with 700 on the shelf; the work order for the other 300 ran and reported."""
    number = order_of(bus, ("BOLT-M8X30", 1000))
    for step in ("released", "in_progress"):
        bus.handle(c.MoveWorkOrder(WO1, step), ctx(ZHAO))
    bus.handle(c.ReportWorkOrder(WO1, D(300)), ctx(ZHAO))
    return number


def cut_and_pull_in(number: str) -> c.RequestChange:
    return c.RequestChange(
        number,
        (ChangeInput("quantity", "BOLT-M8", quantity=D(800)), ChangeInput("due_date", when=DueShift(-14, "提前两周"))),
        "customer budget cut",
        "mail 11-21",
    )


def snapshot(uow: FakeUnitOfWork, number: str) -> tuple[object, ...]:
    order = uow.order(number)
    return (order.version, order.status, [(ln.quantity, ln.reserved_qty, ln.backorder_qty) for ln in order.lines],
            order.due_date, len(uow.outbox), uow.item("BOLT-M8X30").reserved)  # fmt: skip
