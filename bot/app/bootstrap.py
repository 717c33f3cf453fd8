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
from adapters.sql.uow import uow_factory as sql_uow_factory
from bot.app.config import Settings
from bot.app.routing import Router
from bot.conversation.i18n import LANGUAGES, Translator, language_of
from bot.conversation.language.dates import DateReader
from domain.bus import MessageBus
from domain.commands import Newcomer, SeedUsers
from domain.errors import UnknownUser
from domain.ports import Clock, Context, UnitOfWork
from domain.users import Front, Role, User

CONFIG = "config"  # who granted the config's admins their role, in the audit trail


@dataclass
class Desk:
    """Everything a front end needs to run commands for people."""

    settings: Settings
    clock: Clock
    bus: MessageBus
    uow: Callable[..., UnitOfWork]
    dates: DateReader
    database: Engine | None = None  # None: a desk on a unit of work of its own (the in-memory one of unit tests)

    @property
    def engine(self) -> Engine:
        """The database, for what works beside the unit of work (the outbox's dispatcher, schema upgrades)."""
        if self.database is None:
            raise RuntimeError("this desk has no database: it was bootstrapped on a unit of work of its own")
        return self.database

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
        return Context(user, front, now, self.dates.today(now), s.policy, s.stock, s.approval, alerts=s.alerts,
                       languages=LANGUAGES)

    def ensure_admins(self) -> None:
        """The first admins come from config, so a fresh install can grant everyone else their roles: a
        ``SeedUsers`` run by the bot itself through the bus, audited as granted by "config"."""
        people = tuple(Newcomer(entry, Role.admin.value) for entry in self.settings.admins)
        if people:
            self.bus.handle(SeedUsers(CONFIG, people), self.system_context())

    def close(self) -> None:
        if self.database is not None:
            self.database.dispose()


def bootstrap(
    settings: Settings,
    clock: Clock,
    *,
    engine: Engine | None = None,
    check_schema: bool = True,
    uow_factory: Callable[..., UnitOfWork] | None = None,
) -> Desk:
    """The desk. Its unit of work is ``uow_factory`` when given (unit tests pass the in-memory one, and no
    database is opened unless ``engine`` is given too); otherwise the SQL one over ``engine`` (by default, an
    engine on ``settings.database_url``, whose schema must be current unless ``check_schema`` is False)."""
    if uow_factory is None:
        build_registry()
        engine = engine or make_engine(settings.database_url)
        if check_schema:
            require_current(engine)
        uow_factory = sql_uow_factory(engine, Router(settings.routes), clock)
    return Desk(
        settings=settings,
        clock=clock,
        bus=MessageBus(uow_factory),
        uow=uow_factory,
        dates=DateReader(settings.timezone),
        database=engine,
    )
