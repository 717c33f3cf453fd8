"""Commands (change something) and queries (read something): plain dataclasses.

The command language in ``bot.conversation.language`` turns chat text into these; handlers run them.
Dates arrive already resolved to calendar dates, except shifts of an order's due date
(``DueShift``), which only the handler can resolve against the order it loads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

# scans and delivery administration live in their own module
from domain.alert_commands import ListAlerts, ListDeadLetters, RetryDeadLetters, RunScans

# what the delivery side asks the core
from domain.audience_queries import ChangeDeciders, ChatBinding, CustomerChats, Recipients

# change requests and customers' contacts live in their own module; every command is reachable from here
from domain.change_commands import (
    ApproveChange,
    BindContact,
    ChangeInput,
    ChangeReport,
    CustomerChange,
    Delegate,
    EndDelegation,
    InviteCustomer,
    ListContacts,
    ListDelegations,
    MyOrder,
    MyOrders,
    OrderChanges,
    PendingApprovals,
    RejectChange,
    RequestChange,
    RevokeContact,
    SetContactLanguage,
    ShowChange,
    Unlink,
    WithdrawChange,
)
from domain.messages import Command, DueInput, DueShift, LineInput, Query

# stock, purchasing and work orders live in their own module
from domain.supply_commands import (
    AdjustStock,
    ApprovePurchaseOrder,
    AvailableToPromise,
    CancelPurchaseOrder,
    CreatePurchaseOrder,
    ListPurchaseOrders,
    ListWorkOrders,
    MoveWorkOrder,
    PurchaseFromSuggestions,
    PurchaseSuggestions,
    ReceivePurchaseOrder,
    ReportWorkOrder,
    ShowPurchaseOrder,
    ShowWorkOrder,
    StockLedger,
    StockLowList,
    StockView,
)


@dataclass(frozen=True)
class CreateOrder(Command):
    customer: str
    lines: tuple[LineInput, ...] = ()
    due_date: date | None = None
    rush: bool = False
    po_ref: str = ""
    notes: str = ""
    external_ref: str = ""  # an imported order's own reference (the file's order_ref): one order per customer
    source: str = ""  # "import" for the CSV import; blank: the front end it was typed in


@dataclass(frozen=True)
class AddLines(Command):
    number: str
    lines: tuple[LineInput, ...]


@dataclass(frozen=True)
class RemoveLine(Command):
    number: str
    line_no: int


@dataclass(frozen=True)
class SetLine(Command):
    number: str
    line_no: int
    quantity: Decimal | None = None
    unit_price: Decimal | None = None


@dataclass(frozen=True)
class SetTerms(Command):
    number: str
    due_date: DueInput | None = None
    rush: bool | None = None
    po_ref: str | None = None
    notes: str | None = None


@dataclass(frozen=True)
class SubmitOrder(Command):
    number: str


@dataclass(frozen=True)
class ConfirmOrder(Command):
    number: str


@dataclass(frozen=True)
class HoldOrder(Command):
    number: str
    reason: str


@dataclass(frozen=True)
class ResumeOrder(Command):
    number: str


@dataclass(frozen=True)
class AdvanceOrder(Command):
    number: str


@dataclass(frozen=True)
class ShipOrder(Command):
    number: str
    carrier: str
    tracking: str


@dataclass(frozen=True)
class DeliverOrder(Command):
    number: str


@dataclass(frozen=True)
class CloseOrder(Command):
    number: str


@dataclass(frozen=True)
class CancelOrder(Command):
    number: str
    reason: str


@dataclass(frozen=True)
class GrantRole(Command):
    user: str  # a user name, or a chat identity (a Slack user id from an @mention)
    role: str
    display: str = ""  # the name a mention carried (<@U123|lily>): the new user's name when first granted


@dataclass(frozen=True)
class SetLanguage(Command):
    language: str


@dataclass(frozen=True)
class RevokeRole(Command):
    user: str
    role: str


# -- queries -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class ShowOrder(Query):
    number: str


@dataclass(frozen=True)
class ListOrders(Query):
    customer: str | None = None
    status: str | None = None
    owner: str | None = None
    overdue: bool = False
    at_risk: bool = False  # a line promised after the date asked for (Order.at_risk)
    limit: int = 20
    offset: int = 0


@dataclass(frozen=True)
class FindOrders(Query):
    text: str
    limit: int = 20
    offset: int = 0


@dataclass(frozen=True)
class OrderHistory(Query):
    number: str


@dataclass(frozen=True)
class DiffOrder(Query):
    number: str
    old_version: int | None = None  # None: the previous version of new_version
    new_version: int | None = None  # None: the current version


@dataclass(frozen=True)
class WhoAmI(Query):
    pass


@dataclass(frozen=True)
class FindCustomers(Query):
    """For pickers: customers whose code or name contains ``text``."""

    text: str
    limit: int = 20


@dataclass(frozen=True)
class FindProducts(Query):
    text: str
    limit: int = 20


@dataclass(frozen=True)
class ListUsers(Query):
    roles: tuple[str, ...] = field(default_factory=tuple)


# -- grants the installation makes (the config's admins, the demo's people) -----------------------------------
@dataclass(frozen=True)
class Newcomer:
    """Somebody the installation lets in (see ``SeedUsers``)."""

    who: str  # a user name, or a chat identity: "slack:U012ABC", "telegram:12345"
    role: str
    display: str = ""  # the display name of a user created here (default: the name)


@dataclass(frozen=True)
class SeedUsers(Command):
    """Grants made by the installation rather than by an admin in a chat: the admins the config names
    (``source="config"``) and the demo company's people (``source="demo"``). Only the bot itself runs it (the
    system context). A missing user is created with the role; an existing one is given a role it lacks only
    when ``grant_existing`` (the demo leaves people who already exist as they are). Each grant is audited with
    ``source`` as its actor and front end; none is announced."""

    source: str
    people: tuple[Newcomer, ...]
    grant_existing: bool = True


# -- finding customers and products by what people type ------------------------------------------
@dataclass(frozen=True)
class SearchCustomers(Query):
    """`customers TEXT`: customers by code, name (prefix or part) or the pinyin initials of the name, best first."""

    text: str
    limit: int = 20
    offset: int = 0


@dataclass(frozen=True)
class SearchProducts(Query):
    """`products TEXT`: products by SKU or name (prefix or part), best first."""

    text: str
    limit: int = 20
    offset: int = 0


__all__ = [
    "AddLines",
    "AdjustStock",
    "AdvanceOrder",
    "ApproveChange",
    "ApprovePurchaseOrder",
    "AvailableToPromise",
    "BindContact",
    "CancelOrder",
    "CancelPurchaseOrder",
    "ChangeDeciders",
    "ChangeInput",
    "ChangeReport",
    "ChatBinding",
    "CloseOrder",
    "Command",
    "ConfirmOrder",
    "CreateOrder",
    "CreatePurchaseOrder",
    "CustomerChange",
    "CustomerChats",
    "Delegate",
    "DeliverOrder",
    "DiffOrder",
    "DueInput",
    "DueShift",
    "EndDelegation",
    "FindCustomers",
    "FindOrders",
    "FindProducts",
    "GrantRole",
    "HoldOrder",
    "InviteCustomer",
    "LineInput",
    "ListAlerts",
    "ListContacts",
    "ListDeadLetters",
    "ListDelegations",
    "ListOrders",
    "ListPurchaseOrders",
    "ListUsers",
    "ListWorkOrders",
    "MoveWorkOrder",
    "MyOrder",
    "MyOrders",
    "Newcomer",
    "OrderChanges",
    "OrderHistory",
    "PendingApprovals",
    "PurchaseFromSuggestions",
    "PurchaseSuggestions",
    "Query",
    "ReceivePurchaseOrder",
    "Recipients",
    "RejectChange",
    "RemoveLine",
    "ReportWorkOrder",
    "RequestChange",
    "ResumeOrder",
    "RetryDeadLetters",
    "RevokeContact",
    "RevokeRole",
    "RunScans",
    "SearchCustomers",
    "SearchProducts",
    "SeedUsers",
    "SetContactLanguage",
    "SetLanguage",
    "SetLine",
    "SetTerms",
    "ShipOrder",
    "ShowChange",
    "ShowOrder",
    "ShowPurchaseOrder",
    "ShowWorkOrder",
    "StockLedger",
    "StockLowList",
    "StockView",
    "SubmitOrder",
    "Unlink",
    "WhoAmI",
    "WithdrawChange",
]
