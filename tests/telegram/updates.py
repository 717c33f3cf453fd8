"""Builders for the JSON Telegram sends to a bot (plain dicts), to push into ``FakeBotApi`` or ``Update.de_json``.

Chats are private: the chat id is the user id unless ``user_id`` says otherwise. Ids that are not given
come from process-wide counters, so every builder call yields a fresh one.
"""

from __future__ import annotations

import itertools
import time
import uuid
from typing import Any

from tests.telegram.fake_bot_api import BOT_FIRST_NAME, BOT_ID, BOT_USERNAME

_update_ids = itertools.count(1)
_message_ids = itertools.count(1000)


def user(
    user_id: int, *, first_name: str = "Li", language_code: str | None = "zh-hans", username: str | None = None
) -> dict[str, Any]:
    data: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
    if username is not None:
        data["username"] = username
    if language_code is not None:
        data["language_code"] = language_code
    return data


def private_chat(chat_id: int, *, first_name: str = "Li", username: str | None = None) -> dict[str, Any]:
    data: dict[str, Any] = {"id": chat_id, "type": "private", "first_name": first_name}
    if username is not None:
        data["username"] = username
    return data


def message(
    chat_id: int,
    text: str,
    *,
    user_id: int | None = None,
    first_name: str = "Li",
    language_code: str | None = "zh-hans",
    username: str | None = None,
    message_id: int | None = None,
    date: int | None = None,
) -> dict[str, Any]:
    """A text message a user sent in a private chat. "/cmd args" gets the bot_command entity CommandHandler needs."""
    data: dict[str, Any] = {
        "message_id": next(_message_ids) if message_id is None else message_id,
        "date": int(time.time()) if date is None else date,
        "chat": private_chat(chat_id, first_name=first_name, username=username),
        "from": user(
            chat_id if user_id is None else user_id,
            first_name=first_name,
            language_code=language_code,
            username=username,
        ),
        "text": text,
    }
    if text.startswith("/"):
        command = text.split(maxsplit=1)[0]
        # Telegram counts offsets/lengths in UTF-16 code units.
        data["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command.encode("utf-16-le")) // 2}]
    return data


def bot_message(chat_id: int, text: str, *, message_id: int = 1, date: int | None = None) -> dict[str, Any]:
    """A message the bot sent earlier (what a callback query's ``message`` is)."""
    return {
        "message_id": message_id,
        "date": int(time.time()) if date is None else date,
        "chat": private_chat(chat_id),
        "from": {"id": BOT_ID, "is_bot": True, "first_name": BOT_FIRST_NAME, "username": BOT_USERNAME},
        "text": text,
    }


def callback_query(
    chat_id: int,
    data: str,
    *,
    user_id: int | None = None,
    message_id: int = 1,
    message_text: str = "…",
    language_code: str | None = "zh-hans",
    first_name: str = "Li",
) -> dict[str, Any]:
    """A press on an inline button with ``callback_data=data``, under the bot's message ``message_id``."""
    return {
        "id": uuid.uuid4().hex[:16],
        "from": user(chat_id if user_id is None else user_id, first_name=first_name, language_code=language_code),
        "chat_instance": f"ci-{chat_id}",
        "data": data,
        "message": bot_message(chat_id, message_text, message_id=message_id),
    }


def update(
    *,
    message: dict[str, Any] | None = None,
    callback_query: dict[str, Any] | None = None,
    update_id: int | None = None,
    **other: dict[str, Any],
) -> dict[str, Any]:
    """Wrap exactly one payload (``message=``, ``callback_query=``, or e.g. ``edited_message=``) in an Update."""
    payloads = {"message": message, "callback_query": callback_query, **other}
    given = {k: v for k, v in payloads.items() if v is not None}
    if len(given) != 1:
        raise ValueError(f"an update carries exactly one payload, got {sorted(given)}")
    return {"update_id": next(_update_ids) if update_id is None else update_id, **given}
