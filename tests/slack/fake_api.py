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

Answers are small but shaped like Slack's (see ``_builtin``); anything without a default answers ``{"ok": true}``.
``fail`` arms failures (HTTP 429 with ``Retry-After``, 5xx, or 200 with ``ok: false``) for the next calls of a
method; ``on`` replaces the answer of a method altogether. POSTs to ``/respond/<key>`` stand in for ``response_url``
and are recorded as method ``"response_url:<key>"``.

Nothing here reaches the internet; nothing reads a real token.
"""

from __future__ import annotations

import json
import math
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import Message
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

TEAM_ID = "T0TEST"
TEAM_NAME = "Orderbot Test"
TEAM_DOMAIN = "orderbot-test"
TEAM_URL = "https://orderbot-test.slack.com/"
BOT_USER_ID = "UBOT"
BOT_USER_NAME = "orderbot"
BOT_ID = "BBOT"
API_APP_ID = "A0ORDERBOT"
DEFAULT_TZ = "Asia/Shanghai"

API_PREFIX = "/api/"
RESPOND_PREFIX = "/respond/"
RESPONSE_URL_METHOD = "response_url:"

# Message timestamps: "1700000000.000100", "1700000000.000200", ... (microseconds since the epoch, stepped).
_FIRST_TS_US = 1_700_000_000_000_100
_TS_STEP_US = 100

# Fields Slack accepts as JSON strings in form bodies; decoded so tests can compare Python objects.
JSON_FIELDS = frozenset(
    {
        "attachments",
        "blocks",
        "inputs",
        "metadata",
        "option_groups",
        "options",
        "outputs",
        "unfurls",
        "user_auth_blocks",
        "view",
    }
)

_ERROR_FOR_STATUS = {429: "ratelimited"}

Answer = dict[str, Any]
Responder = Callable[["Call"], Answer]


@dataclass(frozen=True)
class Call:
    """One request the fake received: the API method (or ``response_url:<key>``), its parameters and token."""

    method: str
    params: dict[str, Any]
    token: str | None


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


@dataclass(frozen=True)
class _Reply:
    status: int
    headers: dict[str, str]
    body: Answer


class FakeSlack:
    """A fake Slack Web API on ``127.0.0.1``; use as a context manager or call ``start()`` / ``stop()``."""

    def __init__(self) -> None:
        self._cond = threading.Condition(threading.RLock())
        self._calls: list[Call] = []
        self._failures: dict[str, deque[_Failure]] = {}
        self._responders: dict[str, Responder] = {}
        self._users: dict[str, dict[str, Any]] = {}
        self._ts_count = 0
        self._view_count = 0
        self._server: _Server | None = None
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
        server = _Server(self)
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
        offset = ZoneInfo(tz).utcoffset(datetime.fromtimestamp(_FIRST_TS_US // 1_000_000, UTC))
        user: dict[str, Any] = {
            "id": user_id,
            "team_id": TEAM_ID,
            "name": name,
            "real_name": real_name or name,
            "deleted": False,
            "is_bot": is_bot,
            "tz": tz,
            "tz_offset": int(offset.total_seconds()) if offset is not None else 0,
            "profile": {"real_name": real_name or name, "display_name": name},
            "_locale": locale,
        }
        with self._cond:
            self._users[user_id] = user

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

    def _answer(self, call: Call) -> _Reply:
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
                return _Reply(failure.status, headers, {"ok": False, "error": failure.error})
            responder = self._responders.get(call.method)
            body = responder(call) if responder is not None else self._builtin(call)
            if call.method == "chat.postMessage" and body.get("ok"):
                self.posted.append((str(call.params.get("channel", "")), str(call.params.get("text", ""))))
            return _Reply(200, {}, body)

    def _post_limits(self, call: Call) -> _Reply | None:
        """An outage, or Slack's per-channel rate limit (caller holds the lock)."""
        if self._down is not None:
            return _Reply(self._down, {}, {"ok": False, "error": "internal_error"})
        if self._limit is None:
            return None
        wait = self._limit.take(str(call.params.get("channel", "")))
        if wait <= 0:
            return None
        self.rate_limited += 1
        return _Reply(429, {"Retry-After": str(math.ceil(wait))}, {"ok": False, "error": "ratelimited"})

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

    def _next_ts(self) -> str:
        self._ts_count += 1
        micros = _FIRST_TS_US + _TS_STEP_US * (self._ts_count - 1)
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _next_view_id(self) -> str:
        self._view_count += 1
        return f"V{self._view_count:08d}"

    def _builtin(self, call: Call) -> Answer:
        p = call.params
        match call.method:
            case "auth.test":
                return {
                    "ok": True,
                    "url": TEAM_URL,
                    "team": TEAM_NAME,
                    "team_id": TEAM_ID,
                    "user": BOT_USER_NAME,
                    "user_id": BOT_USER_ID,
                    "bot_id": BOT_ID,
                    "is_enterprise_install": False,
                }
            case "chat.postMessage":
                return self._post_message(p)
            case "chat.update":
                if not p.get("channel"):
                    return {"ok": False, "error": "channel_not_found"}
                if not p.get("ts"):
                    return {"ok": False, "error": "message_not_found"}
                message = _message(p, str(p["ts"]))
                return {"ok": True, "channel": p["channel"], "ts": p["ts"], "text": message["text"], "message": message}
            case "chat.postEphemeral":
                if not p.get("channel"):
                    return {"ok": False, "error": "channel_not_found"}
                if not any(p.get(key) for key in ("text", "blocks", "attachments")):
                    return {"ok": False, "error": "no_text"}
                return {"ok": True, "message_ts": self._next_ts()}
            case "views.open" | "views.push" | "views.update" | "views.publish":
                return self._view(call.method, p)
            case "conversations.open":
                users = [u for u in str(p.get("users", "")).split(",") if u]
                if users:
                    return {"ok": True, "channel": {"id": "D" + users[0]}}
                if p.get("channel"):
                    return {"ok": True, "channel": {"id": p["channel"]}}
                return {"ok": False, "error": "users_list_not_supplied"}
            case "users.info":
                found = self._users.get(str(p.get("user", "")))
                if found is None:
                    return {"ok": False, "error": "user_not_found"}
                user = {k: v for k, v in found.items() if k != "_locale"}
                if _truthy(p.get("include_locale")):
                    user["locale"] = found["_locale"]
                return {"ok": True, "user": user}
            case "apps.connections.open":
                if self.socket_url is None:
                    return {"ok": False, "error": "invalid_auth"}
                return {"ok": True, "url": self.socket_url}
            case _:
                return {"ok": True}

    def _post_message(self, p: dict[str, Any]) -> Answer:
        channel = str(p.get("channel", ""))
        if not channel:
            return {"ok": False, "error": "channel_not_found"}
        if not any(p.get(key) for key in ("text", "blocks", "attachments")):
            return {"ok": False, "error": "no_text"}
        if channel.startswith(("U", "W")):
            channel = "D" + channel
        ts = self._next_ts()
        return {"ok": True, "channel": channel, "ts": ts, "message": _message(p, ts)}

    def _view(self, method: str, p: dict[str, Any]) -> Answer:
        given = p.get("view")
        view: dict[str, Any] = dict(given) if isinstance(given, dict) else {}
        view_id = str(p["view_id"]) if method == "views.update" and p.get("view_id") else self._next_view_id()
        view.setdefault("type", "home" if method == "views.publish" else "modal")
        view.setdefault("blocks", [])
        view.setdefault("private_metadata", "")
        view.setdefault("callback_id", "")
        view.setdefault("external_id", "")
        view.update(
            {
                "id": view_id,
                "team_id": TEAM_ID,
                "state": {"values": {}},
                "hash": f"{view_id}.hash",
                "root_view_id": view_id,
                "previous_view_id": None,
                "app_id": API_APP_ID,
                "bot_id": BOT_ID,
            }
        )
        return {"ok": True, "view": view}


def _message(p: dict[str, Any], ts: str) -> dict[str, Any]:
    message: dict[str, Any] = {
        "type": "message",
        "user": BOT_USER_ID,
        "bot_id": BOT_ID,
        "app_id": API_APP_ID,
        "team": TEAM_ID,
        "ts": ts,
        "text": str(p.get("text", "")),
    }
    for key in ("blocks", "attachments", "thread_ts", "metadata"):
        if key in p:
            message[key] = p[key]
    return message


def _truthy(value: object) -> bool:
    return value is True or str(value).lower() in ("true", "1")


# -- HTTP plumbing -----------------------------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, fake: FakeSlack) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.fake = fake


class _Handler(BaseHTTPRequestHandler):
    server: _Server

    def do_POST(self) -> None:
        self._serve()

    def do_GET(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet."""

    def _serve(self) -> None:
        url = urlsplit(self.path)
        if url.path.startswith(API_PREFIX):
            method = url.path[len(API_PREFIX) :]
        elif url.path.startswith(RESPOND_PREFIX):
            method = RESPONSE_URL_METHOD + url.path[len(RESPOND_PREFIX) :]
        else:
            self._send(_Reply(404, {}, {"ok": False, "error": "unknown_path"}))
            return
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        params: dict[str, Any] = dict(parse_qsl(url.query, keep_blank_values=True))
        params.update(_parse_body(raw, self.headers.get("Content-Type", "")))
        params = {key: _decode_json_field(key, value) for key, value in params.items()}
        self._send(self.server.fake._answer(Call(method, params, _token(self.headers.get("Authorization"), params))))

    def _send(self, reply: _Reply) -> None:
        payload = json.dumps(reply.body).encode()
        self.send_response(reply.status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)


def _token(authorization: str | None, params: dict[str, Any]) -> str | None:
    if authorization and authorization.lower().startswith("bearer "):
        return authorization[len("bearer ") :].strip()
    token = params.get("token")
    return token if isinstance(token, str) else None


def _parse_body(raw: bytes, content_type: str) -> dict[str, Any]:
    if not raw:
        return {}
    kind = content_type.split(";", 1)[0].strip().lower()
    if kind == "application/json" or (not kind and raw.lstrip().startswith(b"{")):
        loaded = json.loads(raw)
        return loaded if isinstance(loaded, dict) else {"_body": loaded}
    if kind == "multipart/form-data":
        return _parse_multipart(raw, content_type)
    return dict(parse_qsl(raw.decode(), keep_blank_values=True))


def _parse_multipart(raw: bytes, content_type: str) -> dict[str, Any]:
    message = BytesParser().parsebytes(b"Content-Type: " + content_type.encode() + b"\r\n\r\n" + raw)
    fields: dict[str, Any] = {}
    parts: list[Message] = message.get_payload() if message.is_multipart() else []  # type: ignore[assignment]
    for part in parts:
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        data = part.get_payload(decode=True)
        content = data if isinstance(data, bytes) else b""
        fields[name] = content if part.get_filename() else content.decode()
    return fields


def _decode_json_field(key: str, value: Any) -> Any:
    if key in JSON_FIELDS and isinstance(value, str) and value.lstrip()[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value
