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

from domain.approval import ApprovalPolicy
from domain.errors import Conflict, InvalidInput, OrderbotError, PermissionDenied, SelfApproval
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


@dataclass(frozen=True)
class Acting:
    """What one decision counts for: ``role``, decided by its holder, by a backup for ``behalf``, or by an admin
    who does not hold it (``by_admin``)."""

    role: Role
    behalf: str = ""
    by_admin: bool = False


class BackupOfRequester(SelfApproval):
    """A backup standing in for the requester may not decide the requester's request."""

    code = "cr_backup_of_requester"
    default = "You stand in for {requester}, who requested {number}: someone else must decide it."

    def __init__(self, number: str, requester: str, action: str = "approve") -> None:
        OrderbotError.__init__(self, self.code, number=number, requester=requester)
        self.action, self.roles = action, ()


class DistinctApprovers(PermissionDenied):
    """Over the policy's amount every role needs a different person; this person's word already counts."""

    code = "cr_distinct_approvers"
    default = "{number} is over {limit}: every role needs a different person, and {person} already counts for {role}."

    def __init__(self, number: str, limit: str, person: str, role: str) -> None:
        OrderbotError.__init__(self, self.code, number=number, limit=limit, person=person, role=role)
        self.action, self.roles = "approve", ()


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
    @property
    def amount(self) -> Decimal:
        """What the request is about, for the distinct-approvers policy: the order amount before or after the
        change, whichever is larger (a cancel or a cut is about the whole order it touches)."""
        found = [Decimal(str(self.impact[k])) for k in ("amount_before", "amount_after") if self.impact.get(k)]
        return max(found, default=Decimal(0))

    def approved_by(self, name: str) -> list[Decision]:
        """This round's approvals ``name`` gave (in their own right, as a backup or as an admin)."""
        return [d for d in self.approvals().values() if d.approver == name]

    def counted(self) -> dict[str, Role]:
        """Whose word already counts in this round, and for which role: each approver, and each role holder a
        backup approved for."""
        out: dict[str, Role] = {}
        for d in self.approvals().values():
            for person in (d.approver, d.on_behalf_of):
                if person:
                    out.setdefault(person, d.role)
        return out

    def acting_roles(self, user: User, delegations: Sequence[Delegation],
                     roles: Sequence[Role] | None = None) -> list[Acting]:  # fmt: skip
        """How ``user`` may decide each pending role (or each of ``roles``): a role they hold, one they stand in
        for as an active backup (``delegations``: those covering today), or — failing both — as an admin.

        Separation of duties: the requester decides nothing of their own request, and nor does anyone standing
        in for them (a delegation from the requester never counts). Acting is one hop by construction — a
        delegation hands over only a role its giver holds in their own right, and a backup decides only for
        their giver — so no chain of backups can lead back to the requester either."""
        if user.name == self.requested_by:
            return []
        mine = [d for d in delegations if d.backup == user.name and d.delegator != self.requested_by]
        out: list[Acting] = []
        for role in self.pending_roles() if roles is None else roles:
            behalf = next((d.delegator for d in mine if d.role is role), None)
            if role in user.roles:
                out.append(Acting(role))
            elif behalf is not None:
                out.append(Acting(role, behalf))
            elif Role.admin in user.roles:
                out.append(Acting(role, by_admin=True))
        return out

    def acting_for(self, user: User, delegations: Sequence[Delegation], role: Role | None = None,
                   policy: ApprovalPolicy | None = None, action: str = "approve") -> Acting:  # fmt: skip
        """The one role ``user``'s decision counts for, or a typed refusal: one decision counts for one role.

        Without ``role``: the first pending role they hold or stand in for; an admin holding none of them must
        name the role (an approval) — a rejection ends the request, so it is recorded under the first pending
        role. With ``policy`` (approvals only) and an amount over its distinct-approvers limit, nobody's word
        may count for a second role — neither the approver's nor that of the holder a backup stands in for."""
        if user.name == self.requested_by:
            raise SelfApproval(self.number, action)
        pending = self.pending_roles()
        wanted = pending if role is None else [role]
        options = self.acting_roles(user, delegations, wanted)
        if not options:
            if any(d.backup == user.name and d.delegator == self.requested_by and d.role in wanted
                   for d in delegations):  # fmt: skip
                raise BackupOfRequester(self.number, self.requested_by, action)
            raise PermissionDenied(action, tuple(r.value for r in wanted))
        choice = next((a for a in options if not a.by_admin), options[0])
        if choice.by_admin and role is None and action == "approve":
            raise InvalidInput("cr_name_role", number=self.number, roles=", ".join(r.value for r in pending),
                               example=pending[0].value)  # fmt: skip
        if policy is not None and policy.distinct_approvers(self.amount):
            counted = self.counted()
            for person in (user.name, choice.behalf):
                if person in counted:
                    limit = policy.distinct_approvers_over or Decimal(0)
                    raise DistinctApprovers(self.number, plain(limit), person, counted[person].value)
        return choice

    def asked_for(self, user: User, delegations: Sequence[Delegation], policy: ApprovalPolicy | None = None,
                  admins: bool = False) -> list[Role]:  # fmt: skip
        """The pending roles the request waits for ``user`` to decide: those they hold or stand in for (not for the
        requester), unless they requested it or approved in this round, or — when ``policy`` wants distinct
        people — their word (or the word of the holder they stand in for) counts already. An admin may decide but
        is not asked (no approval message goes to admins as such) unless ``admins``: `pending` shows an admin
        what they could decide."""
        if self.is_decided or user.name == self.requested_by or self.approved_by(user.name):
            return []
        options = [a for a in self.acting_roles(user, delegations) if admins or not a.by_admin]
        if policy is not None and policy.distinct_approvers(self.amount):
            counted = self.counted()
            options = [a for a in options if user.name not in counted and a.behalf not in counted]
        return [a.role for a in options]

    def asks(self, user: User, delegations: Sequence[Delegation], policy: ApprovalPolicy | None = None,
             admins: bool = False) -> bool:  # fmt: skip
        """Whether the request waits for ``user`` (``asked_for`` names the roles)."""
        return bool(self.asked_for(user, delegations, policy, admins))

    # -- deciding ------------------------------------------------------------------------------
    def approve(self, acting: Acting, by: str, now: datetime, version: int) -> None:
        """Record one approval, for one role; the caller checked who may (``acting_for``)."""
        self.require_pending()
        self.decisions.append(Decision(acting.role, by, "approved", now, self.round, acting.behalf, "", version,
                                       acting.by_admin))  # fmt: skip

    def reject(self, acting: Acting, by: str, now: datetime, reason: str, version: int) -> None:
        self.require_pending()
        self.decisions.append(Decision(acting.role, by, "rejected", now, self.round, acting.behalf, reason, version,
                                       acting.by_admin))  # fmt: skip
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
