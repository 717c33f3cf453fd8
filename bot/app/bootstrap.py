"""The composition root: engine, unit of work, bus, clock and date rules, built once and passed down."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Engine
from telegram.helpers import create_deep_linked_url

from adapters.sql.engine import make_engine
from adapters.sql.mapping import build_registry
from adapters.sql.schema import require_current
from adapters.sql.uow import SqlUnitOfWork, uow_factory
from bot.app.config import Settings
from bot.app.routing import Router
from bot.conversation.i18n import Translator, language_of
from bot.conversation.language.dates import DateReader
from domain.bus import MessageBus
from domain.errors import UnknownUser
from domain.history import AuditEntry
from domain.ports import Clock, Context
from domain.users import Front, Role, User


@dataclass
class Desk:
    """Everything a front end needs to run commands for people."""

    settings: Settings
    engine: Engine
    clock: Clock
    bus: MessageBus
    uow: Callable[..., SqlUnitOfWork]
    dates: DateReader

    # -- the port front ends and transports see (bot.conversation.ports.DeskPort) --------------------------
    @property
    def language(self) -> str:
        return self.settings.language

    @property
    def zone(self) -> ZoneInfo:
        return self.settings.zone

    def invite_link(self, code: str) -> str | None:
        bot = self.settings.telegram_bot
        return create_deep_linked_url(bot, code) if bot else None

    def today(self) -> date:
        return self.dates.today(self.clock.now())

    def handle(self, message: object, ctx: Context) -> Any:
        return self.bus.handle(message, ctx)

    def translator(self, lang: str | None) -> Translator:
        return Translator(language_of(lang, self.settings.language), self.settings.zone)

    def context(self, front: Front, identity: str) -> Context:
        with self.uow(readonly=True) as uow:
            user = uow.users.by_identity(front, identity)
        if user is None:
            raise UnknownUser(identity)
        return self._context(user, front)

    def guest_context(self, front: Front, who: str) -> Context:
        """For someone who is not a user — a customer's contact on Telegram: no roles, so only what the
        handlers allow on another authority (the chat's binding) is possible."""
        return self._context(User(name=who, display_name=who), front)

    def system_context(self, front: Front = Front.system) -> Context:
        """The bot itself, for the scheduler's scans: an admin that is nobody's account."""
        return self._context(User(name="orderbot", display_name="orderbot", roles={Role.admin}), front)

    def _context(self, user: User, front: Front) -> Context:
        now = self.clock.now()
        s = self.settings
        return Context(user, front, now, self.dates.today(now), s.policy, s.stock, s.approval, alerts=s.alerts)

    def ensure_admins(self) -> None:
        """The first admins come from config, so a fresh install can grant everyone else their roles."""
        with self.uow() as uow:
            for entry in self.settings.admins:
                # "slack:U012ABC" / "telegram:12345" name a chat identity; anything else a user name
                front, _, ident = entry.partition(":") if entry.startswith(("slack:", "telegram:")) else ("", "", "")
                name = ident or entry
                user = uow.users.by_identity(Front(front), ident) if front else uow.users.get(name)
                if user is None:
                    slack, telegram = (ident if front == "slack" else None), (ident if front == "telegram" else None)
                    uow.users.add(User(name, name, None, slack, telegram, {Role.admin}))
                elif Role.admin not in user.roles:
                    user.roles = user.roles | {Role.admin}
                else:
                    continue
                uow.history.audit(AuditEntry(self.clock.now(), "config", "config", "grant", name, detail="admin"))
            uow.commit()

    def close(self) -> None:
        self.engine.dispose()


def bootstrap(settings: Settings, clock: Clock, *, engine: Engine | None = None, check_schema: bool = True) -> Desk:
    build_registry()
    engine = engine or make_engine(settings.database_url)
    if check_schema:
        require_current(engine)
    factory = uow_factory(engine, Router(settings.routes), clock)
    return Desk(
        settings=settings,
        engine=engine,
        clock=clock,
        bus=MessageBus(factory),
        uow=factory,
        dates=DateReader(settings.timezone),
    )
