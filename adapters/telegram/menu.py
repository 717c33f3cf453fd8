"""The bot's command menu, in Chinese and English (Telegram shows the one of the user's language)."""

from __future__ import annotations

from typing import Any

from telegram import BotCommand
from telegram.ext import Application

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
