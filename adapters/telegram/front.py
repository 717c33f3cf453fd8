"""The Telegram front end: python-telegram-bot handlers for customers' contacts (bind with an invitation
link, their own orders, status, change requests) and for staff whose Telegram id is mapped to a user (the
whole command language). Text goes through the same parsers and the same bus as every front end.

Every callback query is answered; callback data carries ids (an order number, a page), never text.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from telegram import BotCommand, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import Application, CallbackQueryHandler, ContextTypes, MessageHandler, filters

from bot.conversation.chat import Chat
from bot.conversation.i18n import Translator, language_of
from bot.conversation.language.customer_parser import CustomerParser
from bot.conversation.language.errors import ParseError
from bot.conversation.language.parser import HelpRequest
from bot.conversation.replies import Message, render, render_customer_help, render_error
from domain import commands as c
from domain.errors import OrderbotError
from domain.ports import Clock
from domain.results import OrderPage
from domain.users import Front

log = logging.getLogger(__name__)
MAX_TEXT = 4000  # Telegram allows 4096 characters per message


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


@dataclass
class TelegramFront:
    chat: Chat
    clock: Clock
    limiter: ChatLimiter
    wake: Callable[[], None] = lambda: None

    @property
    def desk(self) -> Any:
        return self.chat.desk

    def staff(self, user_id: int) -> bool:
        with self.desk.uow(readonly=True) as uow:
            return uow.users.by_identity(Front.telegram, str(user_id)) is not None

    def contact_language(self, chat_id: int, fallback: str | None) -> Translator:
        with self.desk.uow(readonly=True) as uow:
            contact = uow.contacts.contact_for_chat(str(chat_id))
        lang = contact.language if contact is not None and contact.language else fallback
        return self.chat.translator(language_of(lang, self.desk.settings.language) if lang else None)

    # -- one turn ------------------------------------------------------------------------------------
    def answer(self, chat_id: int, user_id: int, text: str, name: str, lang_code: str | None) -> Reply:
        """Staff: the whole command language as themselves. Everyone else: the customer's commands,
        with the chat's binding as their only authority."""
        if not self.limiter.allow(chat_id):
            return Message(title=self.contact_language(chat_id, lang_code)("tg_slow_down"), error=True), None
        if self.staff(user_id):
            msg = self.chat.handle(Front.telegram, str(user_id), text.lstrip("/"))
            if not msg.error:
                self.wake()
            return msg, None
        return self.customer(chat_id, user_id, text, name, lang_code)

    def customer(self, chat_id: int, user_id: int, text: str, name: str, lang_code: str | None) -> Reply:
        t = self.contact_language(chat_id, lang_code)
        ctx = self.desk.guest_context(Front.telegram, f"telegram:{chat_id}")
        words = text.strip().split(maxsplit=1)
        if words and words[0].split("@")[0].lower() == "/start" and len(words) == 2:
            bind = c.BindContact(words[1].strip(), str(chat_id), str(user_id), name, _short_lang(lang_code))
            return self._run(bind, ctx, chat_id, lang_code)
        try:
            parsed = CustomerParser(self.desk.dates).parse(text, ctx.today, str(chat_id))
        except ParseError as err:
            return render_error(err, t), None
        if isinstance(parsed, HelpRequest):
            return render_customer_help(t), None
        return self._run(parsed, ctx, chat_id, lang_code)

    def _run(self, message: object, ctx: Any, chat_id: int, lang_code: str | None) -> Reply:
        try:
            result = self.desk.bus.handle(message, ctx)
        except OrderbotError as err:
            return render_error(err, self.contact_language(chat_id, lang_code)), None
        except Exception:  # never a traceback in the chat
            log.exception("telegram command failed: %r", message)
            return Message(
                title=self.contact_language(chat_id, lang_code)("internal_error", ref="tg"), error=True
            ), None
        if isinstance(message, c.Command):
            self.wake()
        # after binding or /lang the contact's own language applies
        return render(result, self.contact_language(chat_id, lang_code), ctx.today), result


Reply = tuple[Message, object]


def _short_lang(code: str | None) -> str | None:
    """Telegram's language_code (zh-hans, en-US) as ours (zh, en), or None when we speak neither."""
    return (language_of(code, "") or None) if code else None


def keyboard(result: object) -> InlineKeyboardMarkup | None:
    """For a customer's order list: a status button per order and paging — ids only in the data."""
    if not isinstance(result, OrderPage):
        return None
    rows = [[InlineKeyboardButton(o.number, callback_data=f"s:{o.number}")] for o in result.orders]
    nav = []
    page = result.offset // 5 + 1
    if result.offset > 0:
        nav.append(InlineKeyboardButton("◀", callback_data=f"p:{page - 1}"))
    if result.offset + len(result.orders) < result.total:
        nav.append(InlineKeyboardButton("▶", callback_data=f"p:{page + 1}"))
    if nav:
        rows.append(nav)
    return InlineKeyboardMarkup(rows) if rows else None


def text_of(msg: Message) -> str:
    text = msg.text()
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"


def build_application(front: TelegramFront, token: str, api_url: str) -> Application[Any, Any, Any, Any, Any, Any]:
    app = Application.builder().token(token).base_url(api_url).base_file_url(api_url.replace("/bot", "/file/bot"))
    application = app.build()

    async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        msg, chat, user = update.effective_message, update.effective_chat, update.effective_user
        if msg is None or chat is None or user is None or not msg.text:
            return
        answer, result = await _in_thread(front.answer, chat.id, user.id, msg.text, user.full_name, user.language_code)
        await msg.reply_text(text_of(answer), reply_markup=keyboard(result))

    async def on_callback(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query, chat, user = update.callback_query, update.effective_chat, update.effective_user
        if query is None:
            return
        await query.answer()  # always: the button stops spinning
        if chat is None or user is None or not query.data:
            return
        kind, _, value = query.data.partition(":")
        if kind == "p" and value.isdigit():
            answer, result = await _in_thread(front.answer, chat.id, user.id, f"/orders {value}", user.full_name,
                                              user.language_code)  # fmt: skip
            await query.edit_message_text(text_of(answer), reply_markup=keyboard(result))
        elif kind == "s":
            answer, _ = await _in_thread(front.answer, chat.id, user.id, f"/status {value}", user.full_name,
                                         user.language_code)  # fmt: skip
            await context.bot.send_message(chat.id, text_of(answer))

    application.add_handler(MessageHandler(filters.TEXT, on_text))
    application.add_handler(CallbackQueryHandler(on_callback))
    return application


async def _in_thread(fn: Callable[..., Any], *args: Any) -> Any:
    """The core is synchronous (one database transaction per command): keep it off the event loop."""
    return await asyncio.to_thread(fn, *args)


COMMANDS = {
    "en": [("orders", "my open orders"), ("status", "status of an order: /status SO-…"),
           ("change", "ask for a change: /change SO-… date 下周五 reason …"), ("lang", "language: /lang zh|en"),
           ("unlink", "stop following this customer's orders"), ("help", "what I can do")],
    "zh": [("orders", "我的订单"), ("status", "订单状态：/status SO-…"),
           ("change", "申请变更：/change SO-… date 下周五 reason …"), ("lang", "语言：/lang zh|en"),
           ("unlink", "解除绑定"), ("help", "帮助")],
}  # fmt: skip


async def register_commands(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """The command menu, in Chinese and English (Telegram picks by the user's language)."""
    for lang, commands in COMMANDS.items():
        menu = [BotCommand(name, desc) for name, desc in commands]
        await application.bot.set_my_commands(menu, language_code=lang)
    await application.bot.set_my_commands([BotCommand(n, d) for n, d in COMMANDS["en"]])
