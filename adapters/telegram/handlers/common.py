"""What the Telegram handlers share: who an update comes from, and running the synchronous core off the loop."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import ParamSpec, TypeVar

from telegram import Update

from adapters.telegram.front import Sender

P = ParamSpec("P")
R = TypeVar("R")


def sender(update: Update) -> Sender | None:
    """The chat and the user an update comes from; None for an update without both (a channel post)."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None or user is None:
        return None
    return Sender(chat.id, user.id, user.full_name, user.language_code)


async def in_thread(fn: Callable[P, R], *args: P.args, **kwargs: P.kwargs) -> R:
    """The core is synchronous (one database transaction per command): keep it off the event loop."""
    return await asyncio.to_thread(fn, *args, **kwargs)
