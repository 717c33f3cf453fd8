"""Pushing outbox rows to customers on Telegram: `customer:CODE` rows go to every active contact bound to
that customer, in the contact's language. Only what a customer cares about is sent — the domain's rule
(``domain.contacts.customer_is_told``) says what that is.

The customer's chats are read through a query on the bus as the bot itself (``CustomerChats``); the transport
opens no unit of work. The fan-out bookkeeping is given by the composition root."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence
from concurrent.futures import Future
from typing import Any

from telegram import Bot
from telegram.error import BadRequest, Forbidden, RetryAfter

from adapters.delivery.policy import DeliveryPolicy
from adapters.sql.fanout import FanOut
from bot.conversation.delivery import Limit, Notification, RetryLater
from bot.conversation.i18n import Translator
from bot.conversation.ports import DeskPort
from domain import commands as c
from domain.contacts import Contact, customer_is_told
from domain.users import Front

log = logging.getLogger(__name__)
Render = Callable[[Sequence[Notification], Translator], str]


class TelegramTransport:
    """Runs sends on the bot's own event loop (the one its Application lives on) from the dispatcher's
    threads, and waits for each: messages to one chat keep their order."""

    prefixes = ("customer:",)

    def __init__(self, bot: Bot, loop: asyncio.AbstractEventLoop, desk: DeskPort, fanout: FanOut,
                 translator: Callable[[str | None], Translator], render: Render, timeout: float = 30.0,
                 policy: DeliveryPolicy | None = None) -> None:  # fmt: skip
        self.bot, self.loop, self.desk, self.fanout = bot, loop, desk, fanout
        self.translator, self.render, self.timeout = translator, render, timeout
        self.policy = policy or DeliveryPolicy()

    def accepts(self, audience: str) -> bool:
        return audience.startswith("customer:")

    def wanted(self, message: Notification) -> bool:
        return customer_is_told(message.kind, message.payload)

    def _chats(self, message: Notification) -> list[Contact]:
        customer = message.audience.partition(":")[2]
        found = self.desk.handle(c.CustomerChats(customer), self.desk.system_context(Front.telegram))
        return [k for k in found if isinstance(k, Contact)] if isinstance(found, list) else []

    def limits(self, message: Notification) -> Sequence[Limit]:
        """Per chat (slower in groups, whose ids are negative), and the whole bot once per chat."""
        if not self.wanted(message):
            return ()
        p, found = self.policy, []
        chats = self._chats(message)
        for contact in chats:
            group = str(contact.chat_id).startswith("-")
            pace = p.telegram_group if group else p.telegram_chat
            found.append(Limit(f"tg:{contact.chat_id}", pace.per_second, pace.burst))
        if chats:
            found.append(Limit("tg:bot", p.telegram_bot.per_second, p.telegram_bot.burst, cost=len(chats)))
        return found

    def send(self, batch: Sequence[Notification]) -> None:
        wanted = [m for m in batch if self.wanted(m)]
        if not wanted:
            return  # internal moves (ready, closed, …) are not the customer's business

        def push(contact: Contact) -> None:
            text = self.render(wanted, self.translator(contact.language))
            future: Future[Any] = asyncio.run_coroutine_threadsafe(
                self.bot.send_message(int(contact.chat_id), text), self.loop
            )
            try:
                future.result(self.timeout)
            except RetryAfter as limited:
                wait = limited.retry_after
                raise RetryLater(wait.total_seconds() if hasattr(wait, "total_seconds") else float(wait)) from limited
            except (Forbidden, BadRequest) as gone:
                # this chat blocked the bot or is gone: the customer's other contacts are still told
                log.warning("telegram push to chat %s of %s skipped: %s", contact.chat_id, wanted[0].audience, gone)

        # contacts already told before a failure are not told twice when the push is tried again
        self.fanout.each(wanted[0].id, self._chats(wanted[0]), lambda k: str(k.chat_id), push)
