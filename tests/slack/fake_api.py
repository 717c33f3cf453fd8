"""A local fake of the Slack Web API, for tests.

``FakeSlack`` serves HTTP on 127.0.0.1 (an OS-chosen port) from a daemon thread. Point a real client at it::

    with FakeSlack() as fake:
        client = WebClient(token="xoxb-test", base_url=fake.base_url)
        client.chat_postMessage(channel="C1", text="hi")
        assert fake.last("chat.postMessage").params["text"] == "hi"

Every request is recorded, in arrival order, as a ``Call(method, params, token)``: ``params`` merges the query
string with the body (form-urlencoded, JSON or multipart), with JSON-string fields such as ``blocks`` or ``view``
decoded; ``token`` comes from ``Authorization: Bearer ...`` or else from a ``token`` field. Failed calls are
recorded too, so retries can be counted.

Answers are small but shaped like Slack's (see ``fake_answers``); anything without a default answers
``{"ok": true}``. ``fail`` arms failures (HTTP 429 with ``Retry-After``, 5xx, or 200 with ``ok: false``) for the
next calls of a method; ``on`` replaces the answer of a method altogether. POSTs to ``/respond/<key>`` stand in for
``response_url`` and are recorded as method ``"response_url:<key>"``.

This module holds ``FakeSlack`` itself: recording, configuration, armed failures, outages and the per-channel rate
limit. The HTTP server and request parsing live in ``fake_http``, the default answers and the fake workspace's ids
in ``fake_answers``; ``Call`` and those ids (``TEAM_ID``, ``BOT_USER_ID``, ...) are importable from here too.

Nothing here reaches the internet; nothing reads a real token.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from types import TracebackType
from typing import Self

from tests.slack.fake_answers import (
    API_APP_ID,
    BOT_ID,
    BOT_USER_ID,
    BOT_USER_NAME,
    DEFAULT_TZ,
    TEAM_DOMAIN,
    TEAM_ID,
    TEAM_NAME,
    TEAM_URL,
    BuiltinAnswers,
    user_record,
)
from tests.slack.fake_http import Answer, Call, Reply, Server

__all__ = [
    "API_APP_ID",
    "BOT_ID",
    "BOT_USER_ID",
    "BOT_USER_NAME",
    "DEFAULT_TZ",
    "TEAM_DOMAIN",
    "TEAM_ID",
    "TEAM_NAME",
    "TEAM_URL",
    "Answer",
    "Call",
    "FakeSlack",
    "Responder",
]

_ERROR_FOR_STATUS = {429: "ratelimited"}

Responder = Callable[[Call], Answer]


@dataclass
class _Failure:
    status: int
    error: str
    retry_after: int | None
    remaining: int
    channel: str | None = None


class _RateLimit:
    """Per channel: a post is accepted when the channel's bucket has a token (``burst`` at most, refilled at
    ``per_second``); ``take`` answers 0 when accepted, else the seconds until one would be."""

    def __init__(self, per_second: float, burst: int, clock: Callable[[], float]) -> None:
        self.per_second, self.burst, self.clock = per_second, burst, clock
        self._tokens: dict[str, tuple[float, float]] = {}  # channel -> (tokens, at)

    def take(self, channel: str) -> float:
        now = self.clock()
        tokens, at = self._tokens.get(channel, (float(self.burst), now))
        tokens = min(float(self.burst), tokens + (now - at) * self.per_second)
        if tokens >= 1.0:
            self._tokens[channel] = (tokens - 1.0, now)
            return 0.0
        self._tokens[channel] = (tokens, now)
        return (1.0 - tokens) / self.per_second


class FakeSlack:
    """A fake Slack Web API on ``127.0.0.1``; use as a context manager or call ``start()`` / ``stop()``."""

    def __init__(self, port: int = 0) -> None:
        """``port``: 0 for an OS-chosen one; a given one lets a test bring Slack "back up" where a process
        already looks for it."""
        self._port = port
        self._cond = threading.Condition(threading.RLock())
        self._calls: list[Call] = []
        self._failures: dict[str, deque[_Failure]] = {}
        self._responders: dict[str, Responder] = {}
        self._builtins = BuiltinAnswers()
        self._server: Server | None = None
        self._thread: threading.Thread | None = None
        self.socket_url: str | None = None
        """What ``apps.connections.open`` answers as ``url``; while ``None`` it answers ``invalid_auth``."""
        self._limit: _RateLimit | None = None
        self._down: int | None = None
        self._stalled: threading.Event | None = None
        self.posted: list[tuple[str, str]] = []
        """(channel, text) of every ``chat.postMessage`` answered ok, in the order they were accepted."""
        self.rate_limited = 0
        """How many calls were answered 429 by ``rate_limit`` (armed ``fail`` 429s are not counted)."""

    # -- lifecycle -------------------------------------------------------------------------------------------

    def start(self) -> Self:
        if self._server is not None:
            return self
        server = Server(self._answer, self._port)
        thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, name="FakeSlack", daemon=True
        )
        thread.start()
        self._server, self._thread = server, thread
        return self

    def stop(self) -> None:
        server, thread = self._server, self._thread
        self._server = self._thread = None
        if server is not None:
            server.shutdown()
            server.server_close()
        if thread is not None:
            thread.join(timeout=5.0)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        if self._server is None:
            raise RuntimeError("FakeSlack is not started")
        return int(self._server.server_address[1])

    @property
    def root_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/"

    @property
    def base_url(self) -> str:
        """What to give ``WebClient(base_url=...)``: the client appends the method name."""
        return f"{self.root_url}api/"

    def response_url(self, key: str = "default") -> str:
        """A ``response_url`` served by this fake; posts to it are recorded as method ``response_url:<key>``."""
        return f"{self.root_url}respond/{key}"

    # -- configuration ---------------------------------------------------------------------------------------

    def add_user(
        self,
        user_id: str,
        name: str,
        real_name: str = "",
        *,
        tz: str = DEFAULT_TZ,
        locale: str = "en-US",
        is_bot: bool = False,
    ) -> None:
        """Make ``users.info`` know a user (unknown ones answer ``user_not_found``, as Slack does)."""
        user = user_record(user_id, name, real_name, tz=tz, locale=locale, is_bot=is_bot)
        with self._cond:
            self._builtins.users[user_id] = user

    def fail(
        self,
        method: str,
        status: int = 200,
        *,
        error: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
        channel: str | None = None,
    ) -> None:
        """Make the next ``times`` calls of ``method`` fail (with ``channel``: only calls to that channel).

        ``status=429`` answers HTTP 429 with ``Retry-After`` (``retry_after``, default 1) and ``ratelimited``;
        another non-200 status answers that status with ``{"ok": false, "error": error or "internal_error"}``;
        the default ``status=200`` needs ``error`` and answers ``{"ok": false, "error": error}``.
        Several ``fail`` calls for one method queue up, first armed first used.
        """
        if times < 1:
            raise ValueError("times must be at least 1")
        if status == 200 and error is None:
            raise ValueError("a failure answered with HTTP 200 needs an error code, e.g. error='channel_not_found'")
        if status == 429 and retry_after is None:
            retry_after = 1
        failure = _Failure(
            status, error or _ERROR_FOR_STATUS.get(status, "internal_error"), retry_after, times, channel
        )
        with self._cond:
            self._failures.setdefault(method, deque()).append(failure)

    def on(self, method: str, responder: Responder | Answer) -> None:
        """Answer ``method`` with a fixed body, or with ``responder(call)``, instead of the default."""
        if callable(responder):
            chosen = responder
        else:
            body = dict(responder)

            def chosen(_call: Call) -> Answer:
                return dict(body)

        with self._cond:
            self._responders[method] = chosen

    def rate_limit(self, per_second: float = 1.0, burst: int = 3, clock: Callable[[], float] = time.monotonic) -> None:
        """Enforce Slack's posting limit: ``per_second`` ``chat.postMessage`` per channel with bursts of ``burst``;
        a post beyond it is answered HTTP 429 with ``Retry-After`` (whole seconds, as Slack sends). ``clock``
        (seconds) lets a test drive the limit with its own clock."""
        with self._cond:
            self._limit = _RateLimit(per_second, burst, clock)

    def outage(self, status: int | None = 500) -> None:
        """While set, every ``chat.postMessage`` answers ``status`` (``None`` ends the outage)."""
        with self._cond:
            self._down = status

    def stall(self) -> None:
        """Every ``chat.postMessage`` from now on is recorded, then hangs until ``release()``."""
        with self._cond:
            self._stalled = threading.Event()

    def release(self) -> None:
        with self._cond:
            stalled, self._stalled = self._stalled, None
        if stalled is not None:
            stalled.set()

    def posted_to(self, channel: str) -> list[str]:
        with self._cond:
            return [text for ch, text in self.posted if ch == channel]

    # -- inspection ------------------------------------------------------------------------------------------

    @property
    def calls(self) -> list[Call]:
        """Every recorded call, oldest first (a copy)."""
        with self._cond:
            return list(self._calls)

    @property
    def methods(self) -> list[str]:
        """The method of every recorded call, oldest first."""
        return [call.method for call in self.calls]

    def calls_to(self, method: str) -> list[Call]:
        with self._cond:
            return [call for call in self._calls if call.method == method]

    def last(self, method: str) -> Call:
        """The most recent call of ``method``; ``AssertionError`` if there was none."""
        found = self.calls_to(method)
        if not found:
            raise AssertionError(f"no call to {method}; calls were {self.methods}")
        return found[-1]

    def clear(self) -> None:
        """Forget the recorded calls (armed failures, responders, users and ``socket_url`` stay)."""
        with self._cond:
            self._calls.clear()

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[Call]:
        """Block until ``method`` has been called ``count`` times (by any thread); return those calls.

        Raises ``AssertionError`` after ``timeout`` seconds.
        """
        with self._cond:
            if not self._cond.wait_for(lambda: len(self.calls_to(method)) >= count, timeout=timeout):
                raise AssertionError(
                    f"expected {count} call(s) to {method} within {timeout}s, "
                    f"got {len(self.calls_to(method))}; calls were {self.methods}"
                )
            return self.calls_to(method)

    # -- serving ---------------------------------------------------------------------------------------------

    def _answer(self, call: Call) -> Reply:
        with self._cond:
            self._calls.append(call)
            self._cond.notify_all()
            stalled = self._stalled if call.method == "chat.postMessage" else None
        if stalled is not None:
            stalled.wait(60)
        with self._cond:
            if call.method == "chat.postMessage":
                early = self._post_limits(call)
                if early is not None:
                    return early
            failure = self._take_failure(call)
            if failure is not None:
                headers = {} if failure.retry_after is None else {"Retry-After": str(failure.retry_after)}
                return Reply(failure.status, headers, {"ok": False, "error": failure.error})
            responder = self._responders.get(call.method)
            body = responder(call) if responder is not None else self._builtins.answer(call, self.socket_url)
            if call.method == "chat.postMessage" and body.get("ok"):
                self.posted.append((str(call.params.get("channel", "")), str(call.params.get("text", ""))))
            return Reply(200, {}, body)

    def _post_limits(self, call: Call) -> Reply | None:
        """An outage, or Slack's per-channel rate limit (caller holds the lock)."""
        if self._down is not None:
            return Reply(self._down, {}, {"ok": False, "error": "internal_error"})
        if self._limit is None:
            return None
        wait = self._limit.take(str(call.params.get("channel", "")))
        if wait <= 0:
            return None
        self.rate_limited += 1
        return Reply(429, {"Retry-After": str(math.ceil(wait))}, {"ok": False, "error": "ratelimited"})

    def _take_failure(self, call: Call) -> _Failure | None:
        queue = self._failures.get(call.method)
        if not queue:
            return None
        failure = queue[0]
        if failure.channel is not None and failure.channel != call.params.get("channel"):
            return None
        failure.remaining -= 1
        if failure.remaining == 0:
            queue.popleft()
        return failure
