"""Queries the delivery side asks the core: who an audience means, who may decide a change request now, which
chats follow a customer, and which binding a chat has. Transports read only through these (one door)."""

from __future__ import annotations

from dataclasses import dataclass

from domain.messages import Query


@dataclass(frozen=True)
class Recipients(Query):
    """The people an audience names: ``user:NAME`` (that user) or ``role:ROLE`` (everyone holding it)."""

    audience: str


@dataclass(frozen=True)
class ChangeDeciders(Query):
    """Everyone who may decide one of the request's pending roles now (holders and their active backups),
    the way ``ChangeRequest.asks`` answers it: admins may decide but are not asked."""

    number: str


@dataclass(frozen=True)
class CustomerChats(Query):
    """A customer's active chat bindings: where its pushes go."""

    customer: str


@dataclass(frozen=True)
class ChatBinding(Query):
    """The chat's active binding to a customer, if any (its language is the contact's)."""

    chat_id: str
