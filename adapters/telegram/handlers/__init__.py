"""The python-telegram-bot handlers of the front end, one module per kind of update: the deep link
(``start``), typed text (``text``), the buttons under an order list (``buttons``), and the error handler
(``errors``). Each turns an update into a call on the ``TelegramFront``, which runs it through the desk."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application

from adapters.telegram.front import TelegramFront
from adapters.telegram.handlers.buttons import button_handlers
from adapters.telegram.handlers.errors import error_handler
from adapters.telegram.handlers.start import start_handler
from adapters.telegram.handlers.text import text_handler

App = Application[Any, Any, Any, Any, Any, Any]


def install(application: App, front: TelegramFront) -> App:
    """Every handler, in the order they are tried: the deep link before other text, then the buttons."""
    application.add_handler(start_handler(front))
    application.add_handler(text_handler(front))
    application.add_handlers(button_handlers(front))
    application.add_error_handler(error_handler(front))
    return application


def build_application(front: TelegramFront, token: str, api_url: str) -> App:
    builder = Application.builder().token(token).base_url(api_url)
    return install(builder.base_file_url(api_url.replace("/bot", "/file/bot")).build(), front)
