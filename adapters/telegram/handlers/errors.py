"""The last word on an update that failed: logged with a reference, and the chat told in one line in the sender's
language — never a traceback. A failure to talk to Telegram itself is only logged (saying so would fail too)."""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Coroutine
from typing import Any

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from adapters.telegram.front import TelegramFront

log = logging.getLogger(__name__)


ErrorCallback = Callable[[object, ContextTypes.DEFAULT_TYPE], Coroutine[Any, Any, None]]


def error_handler(front: TelegramFront) -> ErrorCallback:
    async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        ref = uuid.uuid4().hex[:8]
        log.error("telegram update failed (ref %s)", ref, exc_info=context.error)
        if not isinstance(update, Update) or update.effective_chat is None:
            return
        if isinstance(context.error, TelegramError):
            return
        user = update.effective_user
        t = front.chat.translator(user.language_code if user is not None else None)
        try:
            await context.bot.send_message(update.effective_chat.id, t("internal_error", ref=ref))
        except TelegramError as err:
            log.warning("telegram: could not tell chat %s about ref %s: %s", update.effective_chat.id, ref, err)

    return on_error
