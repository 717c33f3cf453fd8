"""The bot's command menu, in every language the desk speaks (Telegram shows the one of the user's language).
The descriptions are the catalogs' ``tg_command_<name>`` messages."""

from __future__ import annotations

from typing import Any

from telegram import BotCommand
from telegram.ext import Application

from bot.conversation.i18n import LANGUAGES, catalog

MENU = ("orders", "status", "change", "lang", "unlink", "help")


def commands(lang: str) -> list[BotCommand]:
    words = catalog(lang)
    return [BotCommand(name, words.get(f"tg_command_{name}") or catalog("en")[f"tg_command_{name}"]) for name in MENU]


async def register_commands(application: Application[Any, Any, Any, Any, Any, Any]) -> None:
    """One menu per language, and the English one for everybody else."""
    for lang in LANGUAGES:
        await application.bot.set_my_commands(commands(lang), language_code=lang)
    await application.bot.set_my_commands(commands("en"))
