"""Pushing outbox rows to customers on Telegram: `customer:CODE` rows go to every active contact bound to
that customer, in the contact's language. Only what a customer cares about is sent (confirmed, in
production, shipped, delivered, cancelled, a change of terms, the outcome of their own change request)."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

from telegram import Bot
from telegram.error import RetryAfter

from adapters.sql.outbox import OutboxMessage
from bot.i18n import Translator

log = logging.getLogger(__name__)

TOLD = {"order_confirmed", "order_shipped", "order_changed", "customer_change_decided"}
TOLD_STAGES = {"in_production", "delivered", "cancelled"}


class RetryLater(Exception):  # a signal to the dispatcher, not an error to show
    def __init__(self, seconds: float) -> None:
        super().__init__(f"retry in {seconds}s")
        self.retry_after = seconds


class TelegramTransport:
    """Runs sends on the bot's own event loop (the one its Application lives on) from the dispatcher's
    thread, and waits for each: messages to one chat keep their order."""

    prefixes = ("customer:",)

    def __init__(self, bot: Bot, loop: asyncio.AbstractEventLoop, desk: Any,
                 translator: Callable[[str | None], Translator],
                 line: Callable[[OutboxMessage, Translator], str], timeout: float = 30.0) -> None:  # fmt: skip
        self.bot, self.loop, self.desk = bot, loop, desk
        self.translator, self.line, self.timeout = translator, line, timeout

    def accepts(self, audience: str) -> bool:
        return audience.startswith("customer:")

    def wanted(self, message: OutboxMessage) -> bool:
        if message.kind == "order_status_changed":
            return str(message.payload.get("new", "")) in TOLD_STAGES
        return message.kind in TOLD

    def send(self, message: OutboxMessage) -> None:
        if not self.wanted(message):
            return  # internal moves (ready, closed, …) are not the customer's business
        customer = message.audience.partition(":")[2]
        with self.desk.uow(readonly=True) as uow:
            contacts = list(uow.contacts.active_chats(customer))
        for contact in contacts:
            t = self.translator(contact.language)
            text = self.line(message, t)
            future: Future[Any] = asyncio.run_coroutine_threadsafe(
                self.bot.send_message(int(contact.chat_id), text), self.loop
            )
            try:
                future.result(self.timeout)
            except RetryAfter as limited:
                wait = limited.retry_after
                raise RetryLater(wait.total_seconds() if hasattr(wait, "total_seconds") else float(wait)) from limited
