"""Customers' contacts on a chat front end: invitations, and the bindings of chats to customers.

A salesperson invites a customer; the invitation's code is shown once, stored only as its SHA-256, used
once, and expires (``ContactPolicy.invite_hours``). Whoever presents a valid code from a chat binds that chat
to the customer: from then on the chat's active binding is its whole authority — it sees that customer's
orders and may ask for changes to them, nothing else.

What a customer is told of their orders (``customer_is_told``) is decided here too, once for every chat front end.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime

from domain.events import CustomerChangeDecided, OrderChanged, OrderConfirmed, OrderShipped, OrderStatusChanged
from domain.lifecycle import Status

# requested_by of a change request a customer's contact filed: "customer:CUST-001"
CUSTOMER_PREFIX = "customer:"
CODE_MAX = 64
_CODE = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True)
class ContactPolicy:
    """How long an invitation may be used (hours)."""

    invite_hours: int = 72


def new_code() -> str:
    """A fresh invitation code: 32 characters of A-Za-z0-9_- (fits a Telegram deep link's 64)."""
    return secrets.token_urlsafe(24)


def hash_code(code: str) -> str:
    """What is stored of a code: its SHA-256, hex."""
    return hashlib.sha256(code.encode("utf-8")).hexdigest()


# What a customer cares about: their order confirmed, in production, shipped, delivered or cancelled, a change of
# its terms, and the outcome of a change they asked for. Internal moves (ready, on hold, closed, …) are not theirs.
TOLD_KINDS = frozenset({OrderConfirmed.kind, OrderShipped.kind, OrderChanged.kind, CustomerChangeDecided.kind})
TOLD_STAGES = frozenset({Status.in_production.value, Status.delivered.value, Status.cancelled.value})


def customer_is_told(kind: str, payload: Mapping[str, object]) -> bool:
    """Whether a notification of ``kind`` (an event's kind, with its outbox ``payload``) goes to the customer's
    contacts: a change of status only when the order reached one of ``TOLD_STAGES``."""
    if kind == OrderStatusChanged.kind:
        return str(payload.get("new", "")) in TOLD_STAGES
    return kind in TOLD_KINDS


def well_formed(code: str) -> bool:
    return bool(_CODE.match(code))


def requester(customer: str) -> str:
    """The requested_by of a change request a customer's contact filed."""
    return f"{CUSTOMER_PREFIX}{customer}"


@dataclass(eq=False)
class Invitation:
    customer: str
    code_hash: str
    created_by: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None
    used_chat: str = ""
    id: int | None = None

    def usable(self, now: datetime) -> bool:
        return self.used_at is None and now < self.expires_at

    def use(self, chat_id: str, now: datetime) -> None:
        self.used_at, self.used_chat = now, chat_id


@dataclass(eq=False)
class Contact:
    """One chat bound to one customer. A chat has at most one active binding."""

    customer: str
    chat_id: str
    telegram_user: str
    name: str
    language: str | None
    bound_at: datetime
    invited_by: str
    active: bool = True
    id: int | None = None
