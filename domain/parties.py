"""Customers and products: the master data orders refer to."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from decimal import Decimal


class Tier(enum.StrEnum):
    normal = "normal"
    key = "key"
    strategic = "strategic"


class MakeOrBuy(enum.StrEnum):
    make = "make"
    buy = "buy"


@dataclass(eq=False)
class Customer:
    code: str
    name: str
    tier: Tier = Tier.normal
    credit_limit: Decimal | None = None  # None: no credit check
    payment_terms: str = "NET30"
    language: str = "zh"
    contacts: str = ""  # free text: names, phones, emails as the sales office keeps them
    id: int | None = None


@dataclass(eq=False)
class Product:
    sku: str
    name: str
    unit: str = "pcs"
    list_price: Decimal = Decimal("0")
    unit_cost: Decimal = Decimal("0")
    safety_stock: Decimal = Decimal("0")
    lead_time_days: int = 14
    make_or_buy: MakeOrBuy = MakeOrBuy.buy
    id: int | None = None
