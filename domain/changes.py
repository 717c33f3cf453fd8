"""Change requests: a customer's change to a confirmed order, captured with its evidence, assessed,
approved by every required role, and applied in one go.

A request bundles one or several ``RequestedChange`` — each already resolved against the order it
was made on (a shift such as 提前两周 becomes a calendar date, ``-200`` becomes 800). The inputs are
kept too: when the order moves on before the last approval the request is re-resolved against the
new version instead of being applied blindly.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from domain.errors import Conflict
from domain.events import Event
from domain.money import plain
from domain.users import Role, User


class ChangeKind(enum.StrEnum):
    cancel = "cancel"
    quantity = "quantity"
    add_line = "add_line"
    remove_line = "remove_line"
    due_date = "due_date"
    line_date = "line_date"
    hold = "hold"
    resume = "resume"
    price = "price"


class CRStatus(enum.StrEnum):
    pending = "pending"
    approved = "approved"  # and applied: the two happen in one transaction
    rejected = "rejected"
    withdrawn = "withdrawn"
    stale = "stale"  # the order moved on so far that the request no longer makes sense


DECIDED = frozenset({CRStatus.approved, CRStatus.rejected, CRStatus.withdrawn, CRStatus.stale})


def _d(value: Decimal | None) -> str | None:
    return plain(value) if value is not None else None


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


@dataclass(frozen=True)
class RequestedChange:
    """One resolved change. ``line`` is None for order-level changes (cancel, due date, hold)."""

    kind: ChangeKind
    line: int | None = None
    sku: str = ""
    old_qty: Decimal | None = None
    new_qty: Decimal | None = None
    old_price: Decimal | None = None
    new_price: Decimal | None = None
    old_date: date | None = None
    new_date: date | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value, "line": self.line, "sku": self.sku,
            "old_qty": _d(self.old_qty), "new_qty": _d(self.new_qty),
            "old_price": _d(self.old_price), "new_price": _d(self.new_price),
            "old_date": _day(self.old_date), "new_date": _day(self.new_date),
        }  # fmt: skip

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> RequestedChange:
        def dec(key: str) -> Decimal | None:
            return Decimal(data[key]) if data.get(key) is not None else None

        def day(key: str) -> date | None:
            return date.fromisoformat(data[key]) if data.get(key) else None

        return cls(
            ChangeKind(data["kind"]), data.get("line"), data.get("sku", ""),
            dec("old_qty"), dec("new_qty"), dec("old_price"), dec("new_price"), day("old_date"), day("new_date"),
        )  # fmt: skip


@dataclass(eq=False)
class Decision:
    """One approver's word on a request, for one role, in one round of evaluation."""

    role: Role
    approver: str
    outcome: str  # approved | rejected
    at: datetime
    round: int
    on_behalf_of: str = ""  # set when a backup decided for the role holder
    reason: str = ""
    order_version: int = 0
    by_admin: bool = False  # an admin decided for a role they do not hold (`approve CR-… as ROLE`)
    id: int | None = None


@dataclass(eq=False)
class Delegation:
    """``delegator`` is away: ``backup`` may decide for them in ``role`` from ``starts`` to ``ends``."""

    delegator: str
    backup: str
    role: Role
    starts: date
    ends: date
    created_at: datetime
    active: bool = True
    id: int | None = None

    def covers(self, on: date) -> bool:
        return self.active and self.starts <= on <= self.ends


@dataclass(eq=False)
class ChangeRequest:
    number: str
    order_number: str
    customer: str
    requested_by: str
    requested_at: datetime
    requested_on: date  # the business day, for the monthly report
    front: str
    reason: str
    evidence: str
    base_version: int  # the order version the request was assessed on
    changes: list[dict[str, Any]]  # RequestedChange.to_dict() each (stored as JSON)
    inputs: list[dict[str, Any]]  # what the requester typed, to re-resolve when the order moved on
    impact: dict[str, Any]  # Impact.to_dict()
    required: dict[str, list[list[Any]]]  # role -> [(reason code, params)] why it must approve
    status: CRStatus = CRStatus.pending
    round: int = 1
    round_started_at: datetime | None = None  # approvals of this round wait from here (None: requested_at)
    decided_at: datetime | None = None
    applied_version: int | None = None
    note: str = ""  # why it was rejected, withdrawn or went stale
    decisions: list[Decision] = field(default_factory=list)
    id: int | None = None
    events: list[Event] = field(default_factory=list, repr=False)

    # -- reading -------------------------------------------------------------------------------
    @property
    def requested(self) -> list[RequestedChange]:
        return [RequestedChange.from_dict(c) for c in self.changes]

    @property
    def kinds(self) -> list[str]:
        return sorted({c["kind"] for c in self.changes})

    @property
    def required_roles(self) -> list[Role]:
        return sorted((Role(r) for r in self.required), key=list(Role).index)

    def approvals(self) -> dict[Role, Decision]:
        """This round's approvals, by role."""
        return {d.role: d for d in self.decisions if d.round == self.round and d.outcome == "approved"}

    def pending_roles(self) -> list[Role]:
        done = self.approvals()
        return [r for r in self.required_roles if r not in done]

    @property
    def waiting_since(self) -> datetime:
        return self.round_started_at or self.requested_at

    @property
    def is_decided(self) -> bool:
        return self.status in DECIDED

    def require_pending(self) -> None:
        if self.is_decided:
            raise Conflict("cr_already_decided", number=self.number, cr_status=self.status.value)

    # -- who decides (every front end, handler and transport asks here) -------------------------------
    def acting_roles(self, user: User, delegations: Sequence[Delegation],
                     roles: Sequence[Role] | None = None) -> list[tuple[Role, str]]:  # fmt: skip
        """(role, on behalf of) for each pending role (or each of ``roles``) ``user`` may decide: a role they
        hold (an admin may decide any), or one they stand in for as an active backup (``delegations``: those
        covering today). The requester decides nothing of their own request."""
        if user.name == self.requested_by:
            return []
        mine = [d for d in delegations if d.backup == user.name]
        out: list[tuple[Role, str]] = []
        for role in self.pending_roles() if roles is None else roles:
            if role in user.roles or Role.admin in user.roles:
                out.append((role, ""))
                continue
            behalf = next((d.delegator for d in mine if d.role is role), None)
            if behalf is not None:
                out.append((role, behalf))
        return out

    def asks(self, user: User, delegations: Sequence[Delegation]) -> bool:
        """Whether the request waits for ``user``: they hold a pending role, or stand in for a holder. An admin
        may decide but is not asked (no approval message goes to admins as such)."""
        if self.is_decided or user.name == self.requested_by:
            return False
        pending = set(self.pending_roles())
        backups = {d.backup for d in delegations if d.role in pending}
        return bool(user.roles & pending) or user.name in backups

    # -- deciding ------------------------------------------------------------------------------
    def approve(self, roles: list[tuple[Role, str]], by: str, now: datetime, version: int) -> None:
        """Record approvals for (role, on behalf of) pairs; the caller checked who may."""
        self.require_pending()
        for role, behalf in roles:
            self.decisions.append(Decision(role, by, "approved", now, self.round, behalf, "", version))

    def reject(self, role: Role, behalf: str, by: str, now: datetime, reason: str, version: int) -> None:
        self.require_pending()
        self.decisions.append(Decision(role, by, "rejected", now, self.round, behalf, reason, version))
        self.close(CRStatus.rejected, now, reason)

    def close(self, status: CRStatus, now: datetime, note: str = "") -> None:
        self.status, self.decided_at, self.note = status, now, note

    def reassess(self, changes: list[dict[str, Any]], impact: dict[str, Any],
                 required: dict[str, list[list[Any]]], version: int, now: datetime) -> None:  # fmt: skip
        """The order moved on: a new round on the new version; earlier approvals no longer count."""
        self.changes, self.impact, self.required = changes, impact, required
        self.base_version = version
        self.round += 1
        self.round_started_at = now

    def add_required(self, required: dict[str, list[list[Any]]]) -> list[Role]:
        """Roles the current facts add (production started meanwhile, ...); returns the new ones."""
        added = [Role(r) for r in required if r not in self.required]
        self.required = {**self.required, **required}
        return added
