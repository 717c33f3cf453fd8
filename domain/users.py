"""Users, their chat identities and roles, and who may do what."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

from domain.errors import PermissionDenied


class Role(enum.StrEnum):
    sales = "sales"
    sales_manager = "sales_manager"
    finance = "finance"
    production = "production"
    warehouse = "warehouse"
    tech = "tech"
    admin = "admin"


# Roles that approve change requests (and so may name a backup while away).
APPROVING: tuple[Role, ...] = (Role.sales_manager, Role.finance, Role.production, Role.tech)


class Front(enum.StrEnum):
    """The front end a user spoke through; identities are unique per front end."""

    shell = "shell"
    slack = "slack"
    telegram = "telegram"
    system = "system"  # the bot itself: the scheduler's scans


@dataclass(eq=False)
class User:
    name: str
    display_name: str = ""
    language: str | None = None  # None: the configured default
    slack_id: str | None = None
    telegram_id: str | None = None
    roles: set[Role] = field(default_factory=set)
    id: int | None = None

    def has(self, *roles: Role) -> bool:
        return Role.admin in self.roles or any(r in self.roles for r in roles)

    def require(self, action: str, *roles: Role) -> None:
        if not self.has(*roles):
            raise PermissionDenied(action, tuple(r.value for r in roles))

    def identity(self, front: Front) -> str | None:
        return {Front.shell: self.name, Front.slack: self.slack_id, Front.telegram: self.telegram_id}.get(front)


# Who may do what. Reading (show, list, history, ...) is open to every known user; admin may do all.
SALES = (Role.sales, Role.sales_manager)
PERMISSIONS: dict[str, tuple[Role, ...]] = {
    "create": SALES,
    "edit": SALES,
    "submit": SALES,
    "confirm": SALES,
    "hold": (*SALES, Role.production),
    "resume": (*SALES, Role.production),
    "cancel": SALES,
    "in_production": (Role.production, Role.sales_manager),
    # ready to ship, from production or — nothing to make — straight from stock; only once every line has its
    # stock (Order.short_lines). From confirmed, `advance` by someone who may not start production goes here.
    "ready": (Role.production, Role.warehouse, Role.sales_manager),
    "shipped": (Role.warehouse, Role.sales_manager),
    "delivered": (Role.warehouse, *SALES),
    "closed": (Role.sales_manager, Role.finance),
    "manage_users": (Role.admin,),
    "adjust_stock": (Role.warehouse,),
    "purchase": (Role.production, Role.warehouse, Role.sales_manager),
    "approve_purchase": (Role.finance, Role.sales_manager),
    "receive": (Role.warehouse,),
    "work_orders": (Role.production,),
    "request_change": SALES,
    "invite": SALES,  # invite a customer's contacts, list and revoke them
    "run_scans": (Role.admin,),  # run the scheduler's scans now (the scheduler runs them as the bot)
    "manage_delivery": (Role.admin,),  # dead-lettered notifications: list and send again
}


def require(user: User, action: str) -> None:
    user.require(action, *PERMISSIONS[action])


def may(user: User, action: str) -> bool:
    return user.has(*PERMISSIONS[action])
