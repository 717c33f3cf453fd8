"""What handlers return: plain data the reply layer renders in the user's language."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from domain.history import AuditEntry, Diff, OrderVersion
from domain.orders import Order
from domain.users import User


@dataclass
class Done:
    """A change that happened: ``code`` names the catalog message, ``order`` the order it touched."""

    code: str
    params: dict[str, Any] = field(default_factory=dict)
    order: Order | None = None


@dataclass
class OrderPage:
    orders: list[Order]
    total: int
    offset: int
    title_code: str = "orders_title"
    title_params: dict[str, Any] = field(default_factory=dict)


@dataclass
class OrderHistoryView:
    order: Order
    versions: list[OrderVersion]
    refused: list[AuditEntry]


@dataclass
class DiffView:
    order: Order
    diff: Diff


@dataclass
class UserView:
    user: User


@dataclass
class UsersView:
    users: list[User]
