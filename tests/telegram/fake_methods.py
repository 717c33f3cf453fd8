"""The Bot API methods the fake Telegram server implements, and the JSON they answer with.

``METHODS`` maps a lower-cased method name ("sendmessage") to ``impl(fake, params) -> result``;
``FakeBotApi._handle`` calls it after scripted failures and ``respond`` overrides had their say. An
implementation raises ``ApiError`` to answer ``ok: false`` with Telegram's wording, and reads and writes
the fake's state (messages, commands, webhook, files, the update queue) on the ``FakeBotApi``, under its
``_cond``. ``messages_in`` tells ``push_update`` which messages an update carries, so edits find them.
"""

from __future__ import annotations

import copy
import json
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from tests.telegram.fake_types import BOT_FIRST_NAME, BOT_ID, BOT_USER, BOT_USERNAME, ApiError

if TYPE_CHECKING:
    from tests.telegram.fake_bot_api import FakeBotApi

_MAX_TEXT = 4096
_MAX_CALLBACK_DATA = 64
_MAX_POLL_WAIT = 1.0


# -- Bot API methods ---------------------------------------------------------------------------------


def _get_me(fake: FakeBotApi, params: dict[str, Any]) -> Any:
    return dict(BOT_USER)


def _true(fake: FakeBotApi, params: dict[str, Any]) -> Any:
    return True


def _send_message(fake: FakeBotApi, params: dict[str, Any]) -> Any:
    _require_chat(params)
    text = params.get("text")
    if text is None or str(text).strip() == "":
        raise ApiError(400, "Bad Request: message text is empty")
    if len(str(text)) > _MAX_TEXT:
        raise ApiError(400, "Bad Request: message is too long")
    _check_markup(params.get("reply_markup"))
    return _new_message(fake, params, text=str(text))


def _edit_message(fake: FakeBotApi, params: dict[str, Any], *, text: bool) -> Any:
    if text:
        new_text = params.get("text")
        if new_text is None or str(new_text).strip() == "":
            raise ApiError(400, "Bad Request: message text is empty")
        if len(str(new_text)) > _MAX_TEXT:
            raise ApiError(400, "Bad Request: message is too long")
    _check_markup(params.get("reply_markup"))
    if params.get("inline_message_id") is not None:
        return True  # Telegram answers True for inline messages
    _require_chat(params)
    if params.get("message_id") is None:
        raise ApiError(400, "Bad Request: message identifier is not specified")
    chat = _chat(params.get("chat_id"))
    key = (chat["id"], int(params["message_id"]))
    markup = _inline_markup(params.get("reply_markup"))
    with fake._cond:
        old = fake._messages.get(key)
        if old is None:  # e.g. an update fed to the Application directly: be lenient
            old = {"message_id": key[1], "date": int(time.time()), "chat": chat, "from": _bot_sender()}
        elif old.get("from", {}).get("id") != BOT_ID:
            raise ApiError(400, "Bad Request: message can't be edited")
        edited = copy.deepcopy(old)
        if text:
            edited["text"] = str(params["text"])
            edited.pop("entities", None)
        edited.pop("reply_markup", None)
        if markup is not None:
            edited["reply_markup"] = markup
        if old.get("text") == edited.get("text") and old.get("reply_markup") == edited.get("reply_markup"):
            raise ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message",
            )
        edited["edit_date"] = int(time.time())
        fake._remember(edited)
    return edited


def _get_updates(fake: FakeBotApi, params: dict[str, Any]) -> Any:
    offset = int(params.get("offset") or 0)
    limit = min(max(int(params.get("limit") or 100), 1), 100)
    timeout = float(params.get("timeout") or 0)
    deadline = time.monotonic() + min(max(timeout, 0.0), _MAX_POLL_WAIT)
    with fake._cond:
        while True:
            if offset > 0:  # confirms every update below it: Telegram forgets them
                fake._queue = [u for u in fake._queue if int(u["update_id"]) >= offset]
            batch = fake._queue[offset:] if offset < 0 else fake._queue
            batch = batch[:limit]
            remaining = deadline - time.monotonic()
            if batch or fake._stopping or remaining <= 0:
                break
            fake._cond.wait(remaining)
        fake._handed_out.update(int(u["update_id"]) for u in batch)
        return copy.deepcopy(batch)


def _set_my_commands(fake: FakeBotApi, params: dict[str, Any]) -> Any:
    commands = params.get("commands")
    if not isinstance(commands, list):
        raise ApiError(400, "Bad Request: can't parse commands JSON object")
    with fake._cond:
        fake._commands[_commands_key(params)] = copy.deepcopy(commands)
    return True


def _get_my_commands(fake: FakeBotApi, params: dict[str, Any]) -> Any:
    with fake._cond:
        return copy.deepcopy(fake._commands.get(_commands_key(params), []))


def _delete_my_commands(fake: FakeBotApi, params: dict[str, Any]) -> Any:
    with fake._cond:
        fake._commands.pop(_commands_key(params), None)
    return True


def _set_webhook(fake: FakeBotApi, params: dict[str, Any]) -> Any:
    with fake._cond:
        fake._webhook_url = str(params.get("url") or "")
    return True


def _delete_webhook(fake: FakeBotApi, params: dict[str, Any]) -> Any:
    with fake._cond:
        fake._webhook_url = ""
        if params.get("drop_pending_updates"):
            fake._handed_out.update(int(u["update_id"]) for u in fake._queue)
            fake._queue.clear()
    return True


def _get_webhook_info(fake: FakeBotApi, params: dict[str, Any]) -> Any:
    with fake._cond:
        url = fake._webhook_url
    return {"url": url, "has_custom_certificate": False, "pending_update_count": 0}


def _get_file(fake: FakeBotApi, params: dict[str, Any]) -> Any:
    file_id = str(params.get("file_id"))
    with fake._cond:
        entry = fake._files.get(file_id)
    if entry is None:
        raise ApiError(400, "Bad Request: invalid file_id")
    path, content = entry
    return {"file_id": file_id, "file_unique_id": f"u-{file_id}", "file_size": len(content), "file_path": path}


METHODS: dict[str, Callable[[FakeBotApi, dict[str, Any]], Any]] = {
    "getme": _get_me,
    "sendmessage": _send_message,
    "editmessagetext": lambda fake, params: _edit_message(fake, params, text=True),
    "editmessagereplymarkup": lambda fake, params: _edit_message(fake, params, text=False),
    "answercallbackquery": _true,
    "sendchataction": _true,
    "deletemessage": _true,
    "setchatmenubutton": _true,
    "setmydescription": _true,
    "setmyshortdescription": _true,
    "setmycommands": _set_my_commands,
    "getmycommands": _get_my_commands,
    "deletemycommands": _delete_my_commands,
    "setwebhook": _set_webhook,
    "deletewebhook": _delete_webhook,
    "getwebhookinfo": _get_webhook_info,
    "getupdates": _get_updates,
    "getfile": _get_file,
    "close": _true,
    "logout": _true,
}


# -- JSON helpers ------------------------------------------------------------------------------------


def _bot_sender() -> dict[str, Any]:
    return {"id": BOT_ID, "is_bot": True, "first_name": BOT_FIRST_NAME, "username": BOT_USERNAME}


def _chat(chat_id: Any) -> dict[str, Any]:
    if isinstance(chat_id, str) and chat_id.lstrip("-").isdigit():
        chat_id = int(chat_id)
    if isinstance(chat_id, int) and not isinstance(chat_id, bool):
        if chat_id > 0:
            return {"id": chat_id, "type": "private"}
        kind = "supergroup" if str(chat_id).startswith("-100") else "group"
        return {"id": chat_id, "type": kind, "title": "Test group"}
    if isinstance(chat_id, str) and chat_id.startswith("@"):
        return {"id": -1001000000001, "type": "channel", "title": chat_id[1:], "username": chat_id[1:]}
    raise ApiError(400, "Bad Request: chat not found")


def _require_chat(params: dict[str, Any]) -> None:
    if params.get("chat_id") in (None, ""):
        raise ApiError(400, "Bad Request: chat_id is empty")


def _inline_markup(markup: Any) -> dict[str, Any] | None:
    """Telegram returns ``reply_markup`` on a Message only for inline keyboards (PTB parses it as one)."""
    if isinstance(markup, dict) and "inline_keyboard" in markup:
        return copy.deepcopy(markup)
    return None


def _check_markup(markup: Any) -> None:
    if markup is None:
        return
    if not isinstance(markup, dict):
        raise ApiError(400, "Bad Request: can't parse reply keyboard markup JSON object")
    for row in markup.get("inline_keyboard", []):
        for button in row:
            data = button.get("callback_data")
            if data is not None and not 1 <= len(str(data).encode()) <= _MAX_CALLBACK_DATA:
                raise ApiError(400, "Bad Request: BUTTON_DATA_INVALID")


def _commands_key(params: dict[str, Any]) -> tuple[str, str]:
    scope = params.get("scope") or {"type": "default"}
    return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")


def _new_message(fake: FakeBotApi, params: dict[str, Any], **content: Any) -> dict[str, Any]:
    chat = _chat(params.get("chat_id"))
    with fake._cond:
        message_id = fake._message_ids.get(chat["id"], 0) + 1
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": chat,
            "from": _bot_sender(),
            **content,
        }
        markup = _inline_markup(params.get("reply_markup"))
        if markup is not None:
            message["reply_markup"] = markup
        fake._remember(message)
    return message


def messages_in(update: dict[str, Any]) -> Iterator[tuple[dict[str, Any], bool]]:
    """The messages an update carries, each with whether it is the authoritative copy (not a quoted one)."""
    for key in ("message", "edited_message", "channel_post", "edited_channel_post"):
        if isinstance(update.get(key), dict):
            yield update[key], True
    query = update.get("callback_query")
    if isinstance(query, dict) and isinstance(query.get("message"), dict) and query["message"].get("date"):
        yield query["message"], False  # a sent message the fake knows better stays as it is
