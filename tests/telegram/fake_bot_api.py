"""A local fake of the Telegram Bot API, served over loopback HTTP for end-to-end tests.

Point python-telegram-bot at it and it never touches the network::

    with FakeBotApi() as fake:
        app = ApplicationBuilder().token(TOKEN).base_url(fake.base_url).base_file_url(fake.file_url).build()

PTB posts to ``{base_url}{token}/{method}``. Without files it sends ``application/x-www-form-urlencoded``
where every non-string value (ints, bools, lists, dicts) is JSON-encoded and strings are sent raw; with
files it sends ``multipart/form-data`` encoded the same way. ``params`` of a recorded ``Call`` are
decoded back into Python values (see ``fake_http._STRING_PARAMS`` for the names that always stay
strings). ``application/json`` bodies and GET query strings are accepted too.

Answers follow Telegram: ``{"ok": true, "result": ...}``, or ``{"ok": false, "error_code": ...,
"description": ..., "parameters": ...}`` with the same HTTP status. Methods the fake does not know
answer 404 "Not Found" like Telegram does (PTB turns a 404 into ``InvalidToken``); script them
with ``respond``.

``getUpdates`` hands out what ``push_update`` queued. With nothing queued it waits on a
``threading.Condition`` for at most ``min(timeout, 1.0)`` seconds, so long polling neither spins nor
makes tests sleep; an ``offset`` confirms (forgets) the updates below it, as Telegram does.

One job per module: this one holds ``FakeBotApi`` (state, scripted failures and responses, inspection);
``fake_http`` serves and decodes the HTTP requests, ``fake_methods`` implements the Bot API methods,
``fake_polling`` runs a PTB ``Application`` against the fake with ``polling``, and ``fake_types`` defines
the bot's identity, ``Call``, ``UploadedFile`` and ``ApiError``. Tests import all of these from here.
"""

from __future__ import annotations

import asyncio
import copy
import threading
import time
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import TYPE_CHECKING, Any, Self

from tests.telegram.fake_http import make_server
from tests.telegram.fake_methods import METHODS, messages_in
from tests.telegram.fake_polling import polling
from tests.telegram.fake_types import (
    BOT_FIRST_NAME,
    BOT_ID,
    BOT_USER,
    BOT_USERNAME,
    TOKEN,
    ApiError,
    Call,
    UploadedFile,
)

if TYPE_CHECKING:
    from http.server import ThreadingHTTPServer

    from telegram import Bot
    from telegram.ext import ApplicationBuilder

__all__ = [
    "BOT_FIRST_NAME",
    "BOT_ID",
    "BOT_USER",
    "BOT_USERNAME",
    "TOKEN",
    "ApiError",
    "Call",
    "FakeBotApi",
    "Responder",
    "UploadedFile",
    "polling",
]

_DEFAULT_DESCRIPTIONS = {
    400: "Bad Request",
    401: "Unauthorized",
    403: "Forbidden: bot was blocked by the user",
    404: "Not Found",
    409: "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running",
    500: "Internal Server Error",
    502: "Bad Gateway",
}


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
        server = make_server(self)
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
            for message, authoritative in messages_in(update):
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
                impl = METHODS.get(key)
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


def _short(params: dict[str, Any]) -> str:
    text = ", ".join(f"{k}={v!r}" for k, v in params.items())
    return text if len(text) <= 120 else text[:117] + "..."
