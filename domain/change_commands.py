"""Commands and queries of change requests and of customers' contacts (Telegram): plain dataclasses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from domain.messages import Command, DueInput, DueShift, Query


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
