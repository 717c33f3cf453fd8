"""What every part of the fake Telegram Bot API shares: the test bot's identity and the recorded-call types.

``fake_bot_api`` (``FakeBotApi``: state, scripting, inspection), ``fake_methods`` (the Bot API methods) and
``fake_http`` (the HTTP plumbing) all import from here; ``fake_methods`` and ``fake_http`` import nothing else
of the fake at run time, so there is no import cycle. Tests import these names from
``tests.telegram.fake_bot_api``, which re-exports them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

TOKEN = "123456:TEST-TOKEN"
BOT_ID = 7000001
BOT_USERNAME = "orderbot_test_bot"
BOT_FIRST_NAME = "orderbot"

#: The ``getMe`` result. PTB only needs ``id``, ``is_bot`` and ``first_name``; ``username`` is what
#: ``CommandHandler`` matches "/start@orderbot_test_bot" against. Fields newer than the installed
#: PTB simply land in ``User.api_kwargs``.
BOT_USER: dict[str, Any] = {
    "id": BOT_ID,
    "is_bot": True,
    "first_name": BOT_FIRST_NAME,
    "username": BOT_USERNAME,
    "can_join_groups": True,
    "can_read_all_group_messages": False,
    "supports_inline_queries": False,
    "can_connect_to_business": False,
    "has_main_web_app": False,
}


@dataclass(frozen=True)
class Call:
    """One request the fake received: the method as sent (e.g. "sendMessage"), its decoded params, the token.

    ``ok`` is False when the fake answered it with an error (scripted with ``fail`` or a validation error).
    """

    method: str
    params: dict[str, Any]
    token: str
    ok: bool = True


@dataclass(frozen=True)
class UploadedFile:
    """A file part of a multipart request, as it appears in ``Call.params``."""

    filename: str | None
    content_type: str
    data: bytes


class ApiError(Exception):
    """Raised by a method implementation (or a ``respond`` callable) to answer ``ok: false``."""

    def __init__(self, error_code: int, description: str, parameters: dict[str, Any] | None = None) -> None:
        super().__init__(f"{error_code} {description}")
        self.error_code = error_code
        self.description = description
        self.parameters = parameters
