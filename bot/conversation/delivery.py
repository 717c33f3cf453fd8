"""The delivery ports: a notification waiting in the outbox, what every transport offers the dispatcher, and the
two ways a send can fail that are not plain errors. Declared here, on the inner side; the SQL outbox, the
dispatcher and the Slack, Telegram and shell transports implement or use them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True)
class Notification:
    """One outbox row: an event of ``kind`` about ``subject``, for one ``audience`` ("channel:orders",
    "user:lily", "role:finance", "customer:CUST-001")."""

    id: int
    kind: str
    subject: str
    audience: str
    payload: dict[str, Any]
    attempts: int
    created_at: datetime


@dataclass(frozen=True)
class Limit:
    """A platform's rate limit on one destination (a Slack channel, a Telegram chat, the whole bot):
    ``per_second`` sustained, ``burst`` at once; ``cost`` messages this send takes from it."""

    key: str
    per_second: float
    burst: int = 1
    cost: int = 1


class RetryLater(Exception):
    """The platform asked us to wait (HTTP 429 Retry-After, Telegram retry_after): not a failed try."""

    def __init__(self, seconds: float, detail: str = "") -> None:
        super().__init__(f"retry in {seconds:g}s {detail}".strip())
        self.retry_after = seconds


class Undeliverable(Exception):
    """Trying again cannot help (the channel is gone, the bot was removed): dead-letter at once."""


class Transport(Protocol):
    @property
    def prefixes(self) -> tuple[str, ...]:
        """The audience kinds served ("channel:", "user:", ...): the claim filters lanes by them in SQL."""
        ...

    def accepts(self, audience: str) -> bool: ...
    def limits(self, message: Notification) -> Sequence[Limit]:
        """The rate limits a send of this message (or a digest headed by it) counts against."""
        ...

    def send(self, batch: Sequence[Notification]) -> None:
        """Deliver one message, or (several rows of one kind to one audience) one digest of them."""
        ...
