"""A local fake of the Telegram Bot API, served over loopback HTTP for end-to-end tests.

Point python-telegram-bot at it and it never touches the network::

    with FakeBotApi() as fake:
        app = ApplicationBuilder().token(TOKEN).base_url(fake.base_url).base_file_url(fake.file_url).build()

PTB posts to ``{base_url}{token}/{method}``. Without files it sends ``application/x-www-form-urlencoded``
where every non-string value (ints, bools, lists, dicts) is JSON-encoded and strings are sent raw; with
files it sends ``multipart/form-data`` encoded the same way. ``params`` of a recorded ``Call`` are
decoded back into Python values (see ``_STRING_PARAMS`` for the names that always stay strings).
``application/json`` bodies and GET query strings are accepted too.

Answers follow Telegram: ``{"ok": true, "result": ...}``, or ``{"ok": false, "error_code": ...,
"description": ..., "parameters": ...}`` with the same HTTP status. Methods the fake does not know
answer 404 "Not Found" like Telegram does (PTB turns a 404 into ``InvalidToken``); script them
with ``respond``.

``getUpdates`` hands out what ``push_update`` queued. With nothing queued it waits on a
``threading.Condition`` for at most ``min(timeout, 1.0)`` seconds, so long polling neither spins nor
makes tests sleep; an ``offset`` confirms (forgets) the updates below it, as Telegram does.
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import json
import threading
import time
from collections import Counter, deque
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self
from urllib.parse import parse_qs, unquote, urlsplit

if TYPE_CHECKING:
    from telegram import Bot
    from telegram.ext import Application, ApplicationBuilder

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

#: Form/multipart fields that are strings in the Bot API, so "123" or "true" must not be JSON-decoded.
_STRING_PARAMS = frozenset(
    {
        "text",
        "caption",
        "callback_query_id",
        "inline_message_id",
        "business_connection_id",
        "parse_mode",
        "url",
        "secret_token",
        "ip_address",
        "description",
        "short_description",
        "name",
        "title",
        "query",
        "emoji",
        "question",
        "explanation",
        "language_code",
        "first_name",
        "last_name",
        "phone_number",
        "vcard",
        "address",
        "foursquare_id",
        "custom_title",
        "invite_link",
        "sticker_set_name",
        "file_id",
        "result_id",
        "payload",
        "provider_token",
        "currency",
        "start_parameter",
        "username",
    }
)

_MAX_TEXT = 4096
_MAX_CALLBACK_DATA = 64
_MAX_POLL_WAIT = 1.0

_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    500: "Internal Server Error",
    502: "Bad Gateway",
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


@dataclass
class _Failure:
    error_code: int
    description: str
    parameters: dict[str, Any] | None
    remaining: int | None  # None: until cleared


Responder = Callable[[Call], Any]


class FakeBotApi:
    """The Bot API on 127.0.0.1:<free port>, served by a daemon thread. Thread-safe; see the module docs."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._calls: list[Call] = []
        self._queue: list[dict[str, Any]] = []
        self._handed_out: set[int] = set()
        self._last_update_id = 0
        self._failures: dict[str, deque[_Failure]] = {}
        self._responders: dict[str, Responder] = {}
        self._message_ids: dict[int, int] = {}
        self._messages: dict[tuple[int, int], dict[str, Any]] = {}
        self._commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self._files: dict[str, tuple[str, bytes]] = {}
        self._webhook_url = ""
        self._stopping = False
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        #: Exceptions raised inside the fake itself (answered with HTTP 500); a test may assert it is empty.
        self.errors: list[BaseException] = []

    # -- lifecycle -------------------------------------------------------------------------------------

    def start(self) -> Self:
        if self._server is not None:
            raise RuntimeError("FakeBotApi already started")
        self._stopping = False
        server = _Server(("127.0.0.1", 0), _Handler)
        server.fake = self
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="fake-bot-api", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        if server is None:
            return
        with self._cond:
            self._stopping = True  # releases getUpdates long polls at once
            self._cond.notify_all()
        server.shutdown()
        server.server_close()
        if thread is not None:
            thread.join(timeout=5.0)
        self._server = self._thread = None

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeBotApi is not started")
        return int(self._server.server_address[1])

    @property
    def base_url(self) -> str:
        """For ``ApplicationBuilder().base_url(...)``: PTB appends "<token>/<method>"."""
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def file_url(self) -> str:
        """For ``ApplicationBuilder().base_file_url(...)``: PTB appends "<token>/<file_path>"."""
        return f"http://127.0.0.1:{self.port}/file/bot"

    # -- scripting -------------------------------------------------------------------------------------

    def push_update(self, update: dict[str, Any]) -> int:
        """Queue an update for ``getUpdates`` (a copy; ``update_id`` assigned when missing). Returns its id."""
        update = copy.deepcopy(update)
        with self._cond:
            if "update_id" not in update:
                update["update_id"] = self._last_update_id + 1
            update_id = int(update["update_id"])
            self._last_update_id = max(self._last_update_id, update_id)
            for message, authoritative in _messages_in(update):
                self._remember(message, overwrite=authoritative)
            self._queue.append(update)
            self._queue.sort(key=lambda u: int(u["update_id"]))
            self._cond.notify_all()
        return update_id

    def fail(
        self,
        method: str,
        *,
        error_code: int = 400,
        description: str | None = None,
        retry_after: int | None = None,
        times: int | None = 1,
    ) -> None:
        """Answer the next ``times`` calls of ``method`` (None: all of them) with an error.

        429 defaults to ``retry_after=1`` and "Too Many Requests: retry after N", with
        ``parameters.retry_after`` (PTB raises ``RetryAfter``). Failures for a method queue up in order.
        """
        if error_code == 429 and retry_after is None:
            retry_after = 1
        if description is None:
            if error_code == 429:
                description = f"Too Many Requests: retry after {retry_after}"
            else:
                description = _DEFAULT_DESCRIPTIONS.get(error_code, "Error")
        parameters = {"retry_after": retry_after} if retry_after is not None else None
        with self._cond:
            self._failures.setdefault(method.lower(), deque()).append(
                _Failure(error_code, description, parameters, times)
            )

    def respond(self, method: str, result: Any) -> None:
        """Answer ``method`` with ``result``, or with ``result(call)`` when callable (replaces the built-in).

        A callable may raise ``ApiError`` to answer ``ok: false``. ``respond(method, None)`` restores the default.
        """
        with self._cond:
            if result is None:
                self._responders.pop(method.lower(), None)
            elif callable(result):
                self._responders[method.lower()] = result
            else:
                frozen = copy.deepcopy(result)
                self._responders[method.lower()] = lambda _call: copy.deepcopy(frozen)

    def put_file(self, file_id: str, content: bytes, *, file_path: str | None = None) -> str:
        """Make ``getFile(file_id)`` work and serve ``content`` under ``file_url``. Returns the file path."""
        path = file_path or f"documents/{file_id}"
        with self._cond:
            self._files[file_id] = (path, content)
        return path

    # -- python-telegram-bot wiring -------------------------------------------------------------------

    def application_builder(self, token: str = TOKEN) -> ApplicationBuilder[Any, Any, Any, Any, Any, Any]:
        """``ApplicationBuilder`` with the token and both base URLs pointing here; add handlers, then build()."""
        from telegram.ext import ApplicationBuilder

        return ApplicationBuilder().token(token).base_url(self.base_url).base_file_url(self.file_url)

    def bot(self, token: str = TOKEN) -> Bot:
        """A bare ``telegram.Bot`` talking to the fake (use ``async with``)."""
        from telegram import Bot

        return Bot(token, base_url=self.base_url, base_file_url=self.file_url)

    async def async_wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 5.0,
        where: Callable[[Call], bool] | None = None,
    ) -> list[Call]:
        """``wait_for`` from a coroutine, in a worker thread, so the event loop (and PTB) keeps running."""
        return await asyncio.to_thread(self.wait_for, method, count, timeout, where)

    # -- inspection ------------------------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        """Every recorded call, oldest first (a copy)."""
        with self._cond:
            return list(self._calls)

    def calls_to(self, method: str) -> list[Call]:
        with self._cond:
            return [c for c in self._calls if c.method.lower() == method.lower()]

    def last(self, method: str) -> Call:
        found = self.calls_to(method)
        if not found:
            raise AssertionError(f"no {method} call was recorded; recorded: {self._summary()}")
        return found[-1]

    def sent_texts(self, chat_id: int | str | None = None) -> list[str]:
        """Texts of the successful sendMessage calls, oldest first, optionally only those to ``chat_id``."""
        return [
            str(c.params.get("text"))
            for c in self.calls_to("sendMessage")
            if c.ok and (chat_id is None or str(c.params.get("chat_id")) == str(chat_id))
        ]

    def clear(self) -> None:
        """Forget the recorded calls (queued updates, scripted failures and responses stay)."""
        with self._cond:
            self._calls.clear()

    def wait_for(
        self,
        method: str,
        count: int = 1,
        timeout: float = 5.0,
        where: Callable[[Call], bool] | None = None,
    ) -> list[Call]:
        """Block until ``count`` calls of ``method`` (matching ``where``) are recorded; return all matching.

        Raises AssertionError listing what was recorded when ``timeout`` seconds pass first.
        """
        deadline = time.monotonic() + timeout

        def matching() -> list[Call]:
            return [c for c in self._calls if c.method.lower() == method.lower() and (where is None or where(c))]

        with self._cond:
            while len(found := matching()) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"waited {timeout}s for {count} {method} call(s), got {len(found)}; recorded: {self._summary()}"
                    )
                self._cond.wait(remaining)
            return found

    def updates_consumed(self) -> int:
        """How many distinct pushed updates ``getUpdates`` has handed out."""
        with self._cond:
            return len(self._handed_out)

    def pending_updates(self) -> int:
        """How many pushed updates were never handed out."""
        with self._cond:
            return sum(1 for u in self._queue if int(u["update_id"]) not in self._handed_out)

    def _summary(self) -> str:
        with self._cond:
            counts = Counter(c.method for c in self._calls)
            non_polls = [c for c in self._calls if c.method.lower() != "getupdates"][-10:]
        detail = "; ".join(f"{c.method}({_short(c.params)}){'' if c.ok else ' -> error'}" for c in non_polls)
        return f"{dict(counts)}; last non-getUpdates calls: [{detail}]"

    # -- request handling (server threads) -------------------------------------------------------------

    def _handle(self, method: str, params: dict[str, Any], token: str) -> tuple[int, dict[str, Any]]:
        """Answer one API call and record it *before* the answer goes out (so the client never outruns us)."""
        key = method.lower()
        try:
            with self._cond:
                failure = self._take_failure(key)
                responder = self._responders.get(key)
            if failure is not None:
                raise ApiError(failure.error_code, failure.description, failure.parameters)
            call = Call(method, params, token)
            if responder is not None:
                result = responder(call)
            else:
                impl = _METHODS.get(key)
                if impl is None:
                    raise ApiError(404, "Not Found")
                result = impl(self, params)
        except ApiError as exc:
            self._record(Call(method, params, token, ok=False))
            body: dict[str, Any] = {"ok": False, "error_code": exc.error_code, "description": exc.description}
            if exc.parameters:
                body["parameters"] = exc.parameters
            return exc.error_code, body
        except Exception as exc:  # a bug in the fake: make it loud in the test, not a hang
            self.errors.append(exc)
            self._record(Call(method, params, token, ok=False))
            return 500, {"ok": False, "error_code": 500, "description": f"Internal fake error: {exc!r}"}
        self._record(Call(method, params, token))
        return 200, {"ok": True, "result": result}

    def _record(self, call: Call) -> None:
        with self._cond:
            self._calls.append(call)
            self._cond.notify_all()

    def _take_failure(self, key: str) -> _Failure | None:
        queue = self._failures.get(key)
        if not queue:
            return None
        failure = queue[0]
        if failure.remaining is not None:
            failure.remaining -= 1
            if failure.remaining <= 0:
                queue.popleft()
        return failure

    def _file(self, file_path: str) -> bytes | None:
        with self._cond:
            for path, content in self._files.values():
                if path == file_path:
                    return content
        return None

    # -- state helpers (call with self._cond held) ----------------------------------------------------

    def _remember(self, message: dict[str, Any], *, overwrite: bool = True) -> None:
        chat_id = int(message["chat"]["id"])
        message_id = int(message["message_id"])
        if overwrite or (chat_id, message_id) not in self._messages:
            self._messages[(chat_id, message_id)] = copy.deepcopy(message)
        self._message_ids[chat_id] = max(self._message_ids.get(chat_id, 0), message_id)

    def _new_message(self, params: dict[str, Any], **content: Any) -> dict[str, Any]:
        chat = _chat(params.get("chat_id"))
        with self._cond:
            message_id = self._message_ids.get(chat["id"], 0) + 1
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
            self._remember(message)
        return message


@contextlib.asynccontextmanager
async def polling(app: Application[Any, Any, Any, Any, Any, Any], *, timeout: int = 1) -> AsyncIterator[None]:
    """Run ``app`` with real long polling for the duration of the block, then stop and shut it down cleanly.

    ``timeout`` is the getUpdates long-poll timeout; the fake caps its wait at one second anyway.
    """
    await app.initialize()
    try:
        await app.start()
        try:
            assert app.updater is not None, "build the Application with an Updater (the default)"
            await app.updater.start_polling(poll_interval=0, timeout=timeout)
            try:
                yield
            finally:
                await app.updater.stop()
        finally:
            await app.stop()
    finally:
        await app.shutdown()


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
    return fake._new_message(params, text=str(text))


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


_METHODS: dict[str, Callable[[FakeBotApi, dict[str, Any]], Any]] = {
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


def _messages_in(update: dict[str, Any]) -> Iterator[tuple[dict[str, Any], bool]]:
    """The messages an update carries, each with whether it is the authoritative copy (not a quoted one)."""
    for key in ("message", "edited_message", "channel_post", "edited_channel_post"):
        if isinstance(update.get(key), dict):
            yield update[key], True
    query = update.get("callback_query")
    if isinstance(query, dict) and isinstance(query.get("message"), dict) and query["message"].get("date"):
        yield query["message"], False  # a sent message the fake knows better stays as it is


def _short(params: dict[str, Any]) -> str:
    text = ", ".join(f"{k}={v!r}" for k, v in params.items())
    return text if len(text) <= 120 else text[:117] + "..."


def _decode_value(name: str, raw: str) -> Any:
    if name in _STRING_PARAMS:
        return raw
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def _parse_form(body: str) -> dict[str, Any]:
    params: dict[str, Any] = {}
    for name, values in parse_qs(body, keep_blank_values=True).items():
        decoded = [_decode_value(name, v) for v in values]
        params[name] = decoded[0] if len(decoded) == 1 else decoded
    return params


def _parse_multipart(content_type: str, body: bytes) -> dict[str, Any]:
    message = BytesParser(policy=policy.HTTP).parsebytes(
        b"Content-Type: " + content_type.encode("latin-1") + b"\r\n\r\n" + body
    )
    if not message.is_multipart():
        raise ValueError("malformed multipart body")
    params: dict[str, Any] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        data = part.get_payload(decode=True) or b""
        filename = part.get_filename()
        if filename is not None:
            params[name] = UploadedFile(filename, part.get_content_type(), bytes(data))
        else:
            charset = part.get_content_charset() or "utf-8"
            params[name] = _decode_value(name, bytes(data).decode(charset))
    return params


# -- HTTP plumbing -----------------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: FakeBotApi

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a client hanging up mid long poll (PTB stopping) is not news


class _Handler(BaseHTTPRequestHandler):
    server: _Server
    protocol_version = "HTTP/1.0"  # one request per connection: nothing lingers after stop()

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_POST(self) -> None:
        self._dispatch()

    def do_GET(self) -> None:
        self._dispatch()

    def _dispatch(self) -> None:
        url = urlsplit(self.path)
        path = unquote(url.path)
        if path.startswith("/file/bot"):
            self._serve_file(path.removeprefix("/file/bot"))
            return
        if not path.startswith("/bot") or "/" not in path.removeprefix("/bot"):
            self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        token, method = path.removeprefix("/bot").split("/", 1)
        try:
            params = self._params(url.query)
        except ValueError as exc:
            self._reply(400, {"ok": False, "error_code": 400, "description": f"Bad Request: {exc}"})
            return
        status, body = self.server.fake._handle(method, params, token)
        self._reply(status, body)

    def _params(self, query: str) -> dict[str, Any]:
        params = _parse_form(query) if query else {}
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        if not body:
            return params
        content_type = self.headers.get("Content-Type", "")
        media_type = content_type.split(";")[0].strip().lower()
        if media_type == "application/json":
            decoded = json.loads(body)
            if not isinstance(decoded, dict):
                raise ValueError("JSON body must be an object")
            params.update(decoded)
        elif media_type == "multipart/form-data":
            params.update(_parse_multipart(content_type, body))
        else:
            params.update(_parse_form(body.decode("utf-8")))
        return params

    def _serve_file(self, rest: str) -> None:
        _token, _, file_path = rest.partition("/")
        content = self.server.fake._file(file_path)
        if content is None:
            self._reply(404, {"ok": False, "error_code": 404, "description": "Not Found"})
            return
        self._send(200, "application/octet-stream", content)

    def _reply(self, status: int, body: dict[str, Any]) -> None:
        self._send(status, "application/json", json.dumps(body).encode())

    def _send(self, status: int, content_type: str, payload: bytes) -> None:
        try:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)
        except ConnectionError:
            pass
