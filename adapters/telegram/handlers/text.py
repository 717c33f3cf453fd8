"""Typed text (a command, or anything else a contact or a staff member writes): one turn of the front end."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, ContextTypes, MessageHandler, filters

from adapters.telegram.front import TelegramFront
from adapters.telegram.handlers.common import in_thread, sender
from adapters.telegram.markup import keyboard, text_of


def text_handler(front: TelegramFront) -> BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]:
    async def on_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        msg, who = update.effective_message, sender(update)
        if msg is None or who is None or not msg.text:
            return
        answer, result = await in_thread(front.typed, who, msg.text)
        await msg.reply_text(text_of(answer), reply_markup=keyboard(result))

    return MessageHandler(filters.TEXT, on_text)
