"""Clicks on the buttons under a customer's order list. Each pattern reads its ids back into the query the
button stands for (``MyOrders`` for a page, ``MyOrder`` for an order's status), run through the front's one
door like the typed command. Every click is answered (the button stops spinning), one we do not know too."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import BaseHandler, CallbackQueryHandler, ContextTypes

from adapters.telegram.front import TelegramFront
from adapters.telegram.handlers.common import in_thread, sender
from adapters.telegram.markup import PAGE, STATUS, keyboard, text_of
from domain import commands as c

log = logging.getLogger(__name__)
Handler = BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]


def button_handlers(front: TelegramFront) -> list[Handler]:
    async def on_page(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query, who = update.callback_query, sender(update)
        if query is None:
            return
        await query.answer()
        if who is None or not context.matches:
            return
        page = int(context.matches[0].group(1))
        answer, result = await in_thread(front.click, who, c.MyOrders(str(who.chat_id), page))
        try:
            await query.edit_message_text(text_of(answer), reply_markup=keyboard(result))
        except BadRequest as err:
            if "not modified" not in err.message.lower():
                raise
            # the same page clicked twice: the list already shows it

    async def on_status(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        query, who = update.callback_query, sender(update)
        if query is None:
            return
        await query.answer()
        if who is None or not context.matches:
            return
        number = context.matches[0].group(1)
        answer, _ = await in_thread(front.click, who, c.MyOrder(str(who.chat_id), number))
        await context.bot.send_message(who.chat_id, text_of(answer))

    async def on_unknown(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
        """A button of an older version, or forged data: answered, and nothing is run."""
        query = update.callback_query
        if query is None:
            return
        await query.answer()
        log.info("telegram: callback data %r is not one of ours; ignored", (query.data or "")[:64])

    return [
        CallbackQueryHandler(on_page, pattern=PAGE),
        CallbackQueryHandler(on_status, pattern=STATUS),
        CallbackQueryHandler(on_unknown),
    ]
