"""What the bot puts on Telegram: a reply's text within Telegram's length, and the buttons under a customer's
order list. Callback data is compact (Telegram allows 64 bytes) and carries ids only — ``p:<page>`` and
``s:<order number>`` — and the patterns that read them back are defined beside the builders."""

from __future__ import annotations

import re

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.conversation.replies import Message
from domain.handlers.contacts import MY_PAGE
from domain.results import OrderPage

MAX_TEXT = 4000  # Telegram allows 4096 characters per message
MAX_DATA = 64  # bytes of callback_data

PAGE = re.compile(r"^p:([1-9][0-9]{0,5})$")  # a page of the chat's orders
STATUS = re.compile(r"^s:(SO-[0-9]{4}-[0-9]{1,9})$")  # one of its orders (as written by domain.numbers.ORDER)


def page_data(page: int) -> str:
    return f"p:{page}"


def status_data(number: str) -> str:
    return f"s:{number}"


def keyboard(result: object) -> InlineKeyboardMarkup | None:
    """For a customer's order list: a status button per order and paging — ids only in the data."""
    if not isinstance(result, OrderPage):
        return None
    rows = [[InlineKeyboardButton(o.number, callback_data=status_data(o.number))] for o in result.orders]
    nav = []
    page = result.offset // MY_PAGE + 1
    if result.offset > 0:
        nav.append(InlineKeyboardButton("◀", callback_data=page_data(page - 1)))
    if result.offset + len(result.orders) < result.total:
        nav.append(InlineKeyboardButton("▶", callback_data=page_data(page + 1)))
    if nav:
        rows.append(nav)
    return InlineKeyboardMarkup(rows) if rows else None


def text_of(msg: Message) -> str:
    text = msg.text()
    return text if len(text) <= MAX_TEXT else text[: MAX_TEXT - 1] + "…"
