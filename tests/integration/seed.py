"""A tiny known world for integration tests: two customers, three products, one user per role."""

from __future__ import annotations

from decimal import Decimal

from bot.bootstrap import Desk
from domain.commands import AdjustStock
from domain.parties import Customer, MakeOrBuy, Product, Tier
from domain.users import Front, Role, User

USERS = {
    "lily": Role.sales,
    "wang": Role.sales_manager,
    "chen": Role.finance,
    "zhao": Role.production,
    "liu": Role.warehouse,
    "sun": Role.tech,
}


def seed(desk: Desk, opening_stock: int = 100_000) -> None:
    """Master data, and (unless 0) an opening count of every product by the warehouse."""
    with desk.uow() as uow:
        uow.customers.add(Customer("CUST-001", "华东机械有限公司", Tier.key, Decimal("100000"), "NET30", "zh"))
        uow.customers.add(Customer("CUST-002", "Acme Tools Ltd", Tier.normal, Decimal("500"), "NET60", "en"))
        uow.customers.add(Customer("CUST-003", "中车配套件集团", Tier.strategic, None, "NET60", "zh"))
        uow.products.add(
            Product("BOLT-M8X30", "六角螺栓 M8x30", "pcs", Decimal("0.12"), Decimal("0.07"), make_or_buy=MakeOrBuy.make)
        )
        uow.products.add(Product("NUT-M8", "六角螺母 M8", "pcs", Decimal("0.05"), Decimal("0.03")))
        uow.products.add(Product("WASHER-M8", "平垫 M8", "pcs", Decimal("0.0235"), Decimal("0.012")))
        for name, role in USERS.items():
            # wang reads Chinese (the configured default); the others chose English with `lang en`
            uow.users.add(User(name, roles={role}, language=None if name == "wang" else "en"))
        uow.commit()
    if opening_stock:
        ctx = desk.context(Front.shell, "liu")
        for sku in ("BOLT-M8X30", "NUT-M8", "WASHER-M8"):
            desk.bus.handle(AdjustStock(sku, "opening balance", counted=Decimal(opening_stock)), ctx)
