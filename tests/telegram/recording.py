"""A desk's port that records what a front end or a transport ran through it (tests only)."""

from __future__ import annotations

from typing import Any

from bot.app.bootstrap import Desk
from domain import commands as c
from domain.ports import Context
from domain.users import Front


class RecordingDesk:
    """The desk's port, recording each command and query run through it (and the context it ran in); ``broken``
    makes the next context lookup fail the way a database that went away would."""

    def __init__(self, desk: Desk) -> None:
        self.desk = desk
        self.ran: list[tuple[object, Context]] = []
        self.broken: Exception | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.desk, name)

    def handle(self, message: object, ctx: Context) -> Any:
        self.ran.append((message, ctx))
        return self.desk.handle(message, ctx)

    def context(self, front: Front, identity: str) -> Context:
        if self.broken is not None:
            raise self.broken
        return self.desk.context(front, identity)

    def asked(self, kind: type) -> list[tuple[Any, Context]]:
        return [(m, ctx) for m, ctx in self.ran if isinstance(m, kind)]

    def commands_and_queries(self) -> list[object]:
        """What ran, without the lookups the front makes for itself (the chat's binding, for its language)."""
        return [m for m, _ in self.ran if not isinstance(m, c.ChatBinding)]
