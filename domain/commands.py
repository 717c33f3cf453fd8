"""Commands (change something) and queries (read something): plain dataclasses.

The command language in ``bot.language`` turns chat text into these; handlers run them.
Dates arrive already resolved to calendar dates, except shifts of an order's due date
(``DueShift``), which only the handler can resolve against the order it loads.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class DueShift:
    """A due date expressed as a shift of the order's current due date (提前两周 = -14)."""

    days: int
    phrase: str


DueInput = date | DueShift


class Command:
    """Base: something that changes state and writes history."""


class Query:
    """Base: something that only reads."""


@dataclass(frozen=True)
class LineInput:
    sku: str
    quantity: Decimal
    unit_price: Decimal | None = None
    requested_date: date | None = None


@dataclass(frozen=True)
class CreateOrder(Command):
    customer: str
    lines: tuple[LineInput, ...] = ()
    due_date: date | None = None
    rush: bool = False
    po_ref: str = ""
    notes: str = ""


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
    limit: int = 20
    offset: int = 0


@dataclass(frozen=True)
class FindOrders(Query):
    text: str
    limit: int = 20


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


# -- stock and supply ----------------------------------------------------------------------------
@dataclass(frozen=True)
class StockView(Query):
    sku: str


@dataclass(frozen=True)
class StockLowList(Query):
    pass


@dataclass(frozen=True)
class AvailableToPromise(Query):
    sku: str
    quantity: Decimal


@dataclass(frozen=True)
class StockLedger(Query):
    sku: str
    order_number: str | None = None


@dataclass(frozen=True)
class AdjustStock(Command):
    """delta: a correction (+/-); counted: the quantity found by a count (exactly one of the two)."""

    sku: str
    reason: str
    delta: Decimal | None = None
    counted: Decimal | None = None
    override: bool = False


@dataclass(frozen=True)
class CreatePurchaseOrder(Command):
    lines: tuple[tuple[str, Decimal], ...]
    supplier: str = ""
    eta: date | None = None


@dataclass(frozen=True)
class PurchaseFromSuggestions(Command):
    skus: tuple[str, ...] = ()  # empty: every current suggestion
    supplier: str = ""
    eta: date | None = None


@dataclass(frozen=True)
class ApprovePurchaseOrder(Command):
    number: str


@dataclass(frozen=True)
class ReceivePurchaseOrder(Command):
    number: str
    lines: tuple[tuple[str, Decimal], ...] = ()  # empty: everything still open


@dataclass(frozen=True)
class CancelPurchaseOrder(Command):
    number: str


@dataclass(frozen=True)
class ShowPurchaseOrder(Query):
    number: str


@dataclass(frozen=True)
class ListPurchaseOrders(Query):
    all: bool = False


@dataclass(frozen=True)
class PurchaseSuggestions(Query):
    pass


@dataclass(frozen=True)
class ShowWorkOrder(Query):
    number: str


@dataclass(frozen=True)
class ListWorkOrders(Query):
    order_number: str | None = None
    all: bool = False


@dataclass(frozen=True)
class MoveWorkOrder(Command):
    number: str
    target: str  # released | in_progress | done | cancelled


@dataclass(frozen=True)
class ReportWorkOrder(Command):
    number: str
    good: Decimal
    scrap: Decimal = Decimal(0)


# -- change requests -----------------------------------------------------------------------------
@dataclass(frozen=True)
class ChangeInput:
    """One change as the requester typed it; the handler resolves it against the order.

    ``target`` names a line by SKU (or a unique start of one); ``line`` by number. ``quantity`` is the
    new quantity, ``delta`` a ±change of it; ``when`` a date or a shift (提前两周)."""

    kind: str  # a domain.changes.ChangeKind value
    target: str = ""
    line: int | None = None
    quantity: Decimal | None = None
    delta: Decimal | None = None
    unit_price: Decimal | None = None
    when: DueInput | None = None

    def to_dict(self) -> dict[str, object]:
        when: object = None
        if isinstance(self.when, DueShift):
            when = {"shift": self.when.days, "phrase": self.when.phrase}
        elif self.when is not None:
            when = self.when.isoformat()
        return {
            "kind": self.kind, "target": self.target, "line": self.line,
            "quantity": str(self.quantity) if self.quantity is not None else None,
            "delta": str(self.delta) if self.delta is not None else None,
            "unit_price": str(self.unit_price) if self.unit_price is not None else None,
            "when": when,
        }  # fmt: skip

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> ChangeInput:
        raw = data.get("when")
        when: DueInput | None = None
        if isinstance(raw, dict):
            when = DueShift(int(raw["shift"]), str(raw["phrase"]))
        elif isinstance(raw, str):
            when = date.fromisoformat(raw)

        def dec(key: str) -> Decimal | None:
            value = data.get(key)
            return Decimal(str(value)) if value is not None else None

        line = data.get("line")
        return cls(
            str(data["kind"]), str(data.get("target") or ""), int(line) if isinstance(line, int) else None,
            dec("quantity"), dec("delta"), dec("unit_price"), when,
        )  # fmt: skip


@dataclass(frozen=True)
class RequestChange(Command):
    """A customer's change to an order: a change request once it is confirmed, a plain edit before."""

    number: str
    changes: tuple[ChangeInput, ...]
    reason: str = ""
    evidence: str = ""


@dataclass(frozen=True)
class ApproveChange(Command):
    number: str  # CR-…
    role: str | None = None  # approve only as this role (default: every pending role I may act for)


@dataclass(frozen=True)
class RejectChange(Command):
    number: str
    reason: str


@dataclass(frozen=True)
class WithdrawChange(Command):
    number: str
    reason: str = ""


@dataclass(frozen=True)
class Delegate(Command):
    """I am away: ``backup`` decides for me in ``role`` (default: each approving role I hold) until ``ends``."""

    backup: str
    ends: date
    role: str | None = None


@dataclass(frozen=True)
class EndDelegation(Command):
    backup: str | None = None  # None: every delegation I gave


@dataclass(frozen=True)
class ListDelegations(Query):
    pass


@dataclass(frozen=True)
class PendingApprovals(Query):
    everyone: bool = False  # every pending request, not only those waiting for me


@dataclass(frozen=True)
class OrderChanges(Query):
    number: str


@dataclass(frozen=True)
class ShowChange(Query):
    number: str


@dataclass(frozen=True)
class ChangeReport(Query):
    month: str  # YYYY-MM


# -- customers' contacts (issue 6) ---------------------------------------------------------------
# Staff invite a customer; whoever presents the invitation's code from a chat binds it to the customer.
# The customer-facing messages carry the chat: its active binding is the only authority they have.
@dataclass(frozen=True)
class InviteCustomer(Command):
    customer: str


@dataclass(frozen=True)
class BindContact(Command):
    code: str
    chat_id: str
    telegram_user: str
    name: str
    language: str | None = None


@dataclass(frozen=True)
class Unlink(Command):
    chat_id: str


@dataclass(frozen=True)
class ListContacts(Query):
    customer: str


@dataclass(frozen=True)
class RevokeContact(Command):
    contact_id: int


@dataclass(frozen=True)
class SetContactLanguage(Command):
    chat_id: str
    language: str


@dataclass(frozen=True)
class MyOrders(Query):
    chat_id: str
    page: int = 1


@dataclass(frozen=True)
class MyOrder(Query):
    chat_id: str
    number: str


@dataclass(frozen=True)
class CustomerChange(Command):
    """A change request filed by a customer's contact; ``evidence`` is added to "customer via Telegram"."""

    chat_id: str
    number: str
    changes: tuple[ChangeInput, ...]
    reason: str = ""
    evidence: str = ""
