"""The Telegram front end's one door: customers' contacts (bind with an invitation link, their own orders, status,
change requests) and staff whose Telegram id is mapped to a user (the whole command language). Text goes
through the same parsers and the same bus as every front end; a button's query is built, never typed again.

The desk is seen through its port only (``DeskPort``): who is staff is who the desk knows by their Telegram id
(``desk.context``), a contact's language is its chat's binding (the ``ChatBinding`` query), and every command
or query runs through ``desk.handle`` — the front end opens no unit of work of its own. The PTB handlers
(``adapters.telegram.handlers``) turn updates into the calls below.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.conversation.chat import Chat
from bot.conversation.i18n import Translator, language_of
from bot.conversation.language.customer_parser import CustomerParser
from bot.conversation.language.errors import ParseError
from bot.conversation.language.parser import HelpRequest
from bot.conversation.ports import DeskPort
from bot.conversation.replies import Message, render, render_customer_help, render_error
from domain import commands as c
from domain.contacts import Contact
from domain.errors import OrderbotError, UnknownUser
from domain.ports import Clock, Context
from domain.users import Front

log = logging.getLogger(__name__)

# A reply, and the result it renders (an order list gets its buttons from it), or None.
Reply = tuple[Message, object]


@dataclass
class ChatLimiter:
    """At most ``burst`` commands per chat in ``window``: a contact (or a script) hammering the bot gets
    one polite refusal, not a database workout. Per process; time from the injected clock."""

    clock: Clock
    burst: int = 20
    window: timedelta = timedelta(minutes=1)
    _seen: dict[int, list[datetime]] = field(default_factory=dict)

    def allow(self, chat_id: int) -> bool:
        now = self.clock.now()
        recent = [t for t in self._seen.get(chat_id, []) if now - t < self.window]
        allowed = len(recent) < self.burst
        if allowed:
            recent.append(now)
        self._seen[chat_id] = recent
        if len(self._seen) > 10_000:  # forget chats that went quiet
            self._seen = {k: v for k, v in self._seen.items() if v and now - v[-1] < self.window}
        return allowed


@dataclass(frozen=True)
class Sender:
    """Who wrote or clicked, as Telegram says: the chat, the user, their name and Telegram language code."""

    chat_id: int
    user_id: int
    name: str
    lang_code: str | None

    @property
    def language(self) -> str | None:
        """Telegram's language_code (zh-hans, en-US) as ours (zh, en), or None when we speak neither."""
        return (language_of(self.lang_code, "") or None) if self.lang_code else None


@dataclass
class TelegramFront:
    chat: Chat
    clock: Clock
    limiter: ChatLimiter
    wake: Callable[[], None] = lambda: None
    parser: CustomerParser = field(init=False)

    def __post_init__(self) -> None:
        self.parser = CustomerParser(self.desk.dates)

    @property
    def desk(self) -> DeskPort:
        return self.chat.desk

    # -- who, and in which language --------------------------------------------------------------------
    def staff(self, user_id: int) -> bool:
        """A Telegram user mapped to a user of the desk speaks the whole command language as themselves."""
        try:
            self.desk.context(Front.telegram, str(user_id))
        except UnknownUser:
            return False
        return True

    def translator(self, who: Sender) -> Translator:
        """The language the chat's contact chose, else the one Telegram says the sender uses, else the desk's."""
        binding = self.desk.handle(c.ChatBinding(str(who.chat_id)), self.desk.system_context(Front.telegram))
        lang = binding.language if isinstance(binding, Contact) and binding.language else who.lang_code
        return self.chat.translator(lang)

    # -- one turn: typed text, a deep link, a button ---------------------------------------------------
    def typed(self, who: Sender, text: str) -> Reply:
        """Staff: the whole command language as themselves. Everyone else: the customer's commands, with the
        chat's binding as their only authority."""
        return self._turn(who, text, lambda: self._customer_text(who, text))

    def bind(self, who: Sender, code: str, text: str) -> Reply:
        """`/start CODE` — an invitation's deep link: binds the chat to the invitation's customer (staff typing
        it get their own command language, as for any text)."""
        bind = c.BindContact(code, str(who.chat_id), str(who.user_id), who.name, who.language)
        return self._turn(who, text, lambda: self._run(who, bind))

    def click(self, who: Sender, query: c.MyOrders | c.MyOrder) -> Reply:
        """A button under an order list (a page, an order's status): the query it stands for, run for the chat
        exactly as the typed `/orders N` or `/status SO-…` would be — the buttons are only ever a customer's."""
        return self._turn(who, "", lambda: self._run(who, query))

    def _turn(self, who: Sender, text: str, as_customer: Callable[[], Reply]) -> Reply:
        if not self.limiter.allow(who.chat_id):
            return Message(title=self.translator(who)("tg_slow_down"), error=True), None
        if text and self.staff(who.user_id):
            msg = self.chat.handle(Front.telegram, str(who.user_id), text.lstrip("/"))
            if not msg.error:
                self.wake()
            return msg, None
        return as_customer()

    def _customer_text(self, who: Sender, text: str) -> Reply:
        try:
            parsed = self.parser.parse(text, self.desk.today(), str(who.chat_id), telegram_user=str(who.user_id),
                                       name=who.name, language=who.language)  # fmt: skip
        except ParseError as err:
            return render_error(err, self.translator(who)), None
        if isinstance(parsed, HelpRequest):
            return render_customer_help(self.translator(who)), None
        return self._run(who, parsed)

    def _guest(self, who: Sender) -> Context:
        """A customer's contact: no user, no role — the chat's binding is its only authority."""
        return self.desk.guest_context(Front.telegram, f"telegram:{who.chat_id}")

    def _run(self, who: Sender, message: object) -> Reply:
        ctx = self._guest(who)
        try:
            result = self.desk.handle(message, ctx)
        except OrderbotError as err:
            return render_error(err, self.translator(who)), None
        except Exception:  # never a traceback in the chat
            log.exception("telegram command failed: %r", message)
            return Message(title=self.translator(who)("internal_error", ref="tg"), error=True), None
        if isinstance(message, c.Command):
            self.wake()
        # after binding or /lang the contact's own language applies
        return render(result, self.translator(who), ctx.today), result
