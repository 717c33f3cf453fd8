"""What the order-handler tests share: the people, an in-memory unit of work seeded with two customers and
two products, and a quick way to create a draft order."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from domain import commands as c
from domain.bus import MessageBus
from domain.commands import LineInput
from tests.fakes import FakeUnitOfWork, ctx, customer, product, user

N1, N2 = "SO-2026-000001", "SO-2026-000002"
DUE = date(2026, 12, 20)
ANN, MGR, PETE = user("ann", "sales"), user("mia", "sales_manager"), user("pete", "production")
WANG, FIN, ROOT = user("wang", "warehouse"), user("fay", "finance"), user("root", "admin")


def seeded_uow() -> FakeUnitOfWork:
    """ACME (credit limit 800) and GLOBEX, bolts and nuts, and one user per role."""
    fake = FakeUnitOfWork().seed(
        customer("ACME", "Acme Machining", credit_limit="800"),
        customer("GLOBEX", "Globex Trading"),
        product("BOLT-M8", "0.50"),
        product("NUT-M8", "0.10"),
        *(user(u.name, *u.roles) for u in (ANN, MGR, PETE, WANG, FIN, ROOT)),
    )
    # Enough on the shelf that confirming reserves everything and shipping is never short:
    # these tests are about orders; shortages are tested in test_supply_handlers.py.
    fake.opening("BOLT-M8", 10_000)
    fake.opening("NUT-M8", 10_000)
    return fake


def create(bus: MessageBus, *lines: LineInput, cust: str = "ACME", **kw: Any) -> str:
    cmd = c.CreateOrder(cust, lines or (LineInput("BOLT-M8", Decimal("1000")),), **{"due_date": DUE, **kw})
    return str(bus.handle(cmd, ctx(ANN)).params["number"])
