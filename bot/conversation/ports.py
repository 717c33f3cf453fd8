"""The port front ends and transports are written against: the desk as they may see it. They run a command or
a query as somebody through the one door (the bus, one unit of work each), read the settings a conversation
needs, and translate; they never open a unit of work of their own. The composition root
(``bot.app.bootstrap.Desk``) implements it."""

from __future__ import annotations

from datetime import date
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from bot.conversation.i18n import Translator
from bot.conversation.language.dates import DateReader
from domain.ports import Context
from domain.users import Front


class DeskPort(Protocol):
    @property
    def language(self) -> str:
        """The desk's configured language: what people without a language of their own are answered in."""
        ...

    @property
    def zone(self) -> ZoneInfo:
        """Where the desk's business day is: dates are shown and read in this timezone."""
        ...

    def invite_link(self, code: str) -> str | None:
        """The link a customer's contact opens to bind their chat with an invitation ``code`` (a Telegram deep
        link), or None when the desk has no Telegram bot configured."""
        ...

    @property
    def dates(self) -> DateReader: ...

    def today(self) -> date: ...

    def context(self, front: Front, identity: str) -> Context:
        """Somebody known to the desk by their chat identity; ``UnknownUser`` otherwise."""
        ...

    def guest_context(self, front: Front, who: str) -> Context:
        """Somebody who is not a user (a customer's contact): no roles."""
        ...

    def system_context(self, front: Front = Front.system) -> Context:
        """The bot itself (scans, transports reading what to send)."""
        ...

    def handle(self, message: object, ctx: Context) -> Any:
        """Run one command or query in one unit of work, with the permission checks and audit of the bus."""
        ...

    def translator(self, lang: str | None) -> Translator:
        """A translator for ``lang`` (None: the desk's language)."""
        ...
