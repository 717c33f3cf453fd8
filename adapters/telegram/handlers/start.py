"""`/start CODE`: the invitation's deep link (https://t.me/<bot>?start=CODE, built by the desk with PTB's
``create_deep_linked_url``) opened by a customer's contact. Telegram sends the payload as the command's
argument; `/start` alone is ordinary text (the customer's help)."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler, ContextTypes

from adapters.telegram.front import TelegramFront
from adapters.telegram.handlers.common import in_thread, sender
from adapters.telegram.markup import keyboard, text_of


def start_handler(front: TelegramFront) -> BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]:
    async def on_start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        msg, who = update.effective_message, sender(update)
        if msg is None or who is None or not msg.text or not context.args:
            return
        # a payload is one word of A-Za-z0-9_-; anything longer is refused by the desk like a forged code
        code = " ".join(context.args)
        answer, result = await in_thread(front.bind, who, code, msg.text)
        await msg.reply_text(text_of(answer), reply_markup=keyboard(result))

    return CommandHandler("start", on_start, has_args=True)
