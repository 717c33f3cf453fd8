"""Wires the Slack front end: the bolt app, its Web API client, the outbox dispatcher that posts and
updates messages, and the two ways to receive Slack's requests — Socket Mode (no public URL needed) or
HTTP under `orderbot serve` (one threaded WSGI server, `/slack/events` for everything)."""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from socketserver import ThreadingMixIn
from typing import Any
from urllib.error import URLError
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from slack_bolt import App
from slack_bolt.adapter.socket_mode import SocketModeHandler
from slack_bolt.adapter.wsgi import SlackRequestHandler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from adapters.delivery import Dispatcher, DispatchLoop
from adapters.slack.app import build_app
from adapters.slack.front import SlackFront
from adapters.slack.transport import SlackTransport
from adapters.sql.fanout import FanOut
from adapters.sql.slack_store import SlackStore
from bot.app.bootstrap import Desk
from bot.app.config import ConfigError
from bot.app.health import BadToken, Health, Unreachable
from bot.conversation.chat import Chat
from bot.conversation.delivery import Notification
from bot.conversation.i18n import Translator
from bot.conversation.replies import render_batch

log = logging.getLogger(__name__)
SLACK_API = "https://slack.com/api/"
# Slack's answers that mean the token itself is wrong: no retry mends them
TOKEN_REFUSED = frozenset({
    "invalid_auth", "not_authed", "account_inactive", "token_revoked", "token_expired", "not_allowed_token_type",
})  # fmt: skip


@dataclass(frozen=True)
class SlackSecrets:
    """From the environment, never from orderbot.toml."""

    bot_token: str
    signing_secret: str = ""
    app_token: str = ""
    api_url: str = SLACK_API

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> SlackSecrets | None:
        token = env.get("SLACK_BOT_TOKEN", "")
        if not token:
            return None
        url = env.get("ORDERBOT_SLACK_API_URL") or SLACK_API
        return cls(token, env.get("SLACK_SIGNING_SECRET", ""), env.get("SLACK_APP_TOKEN", ""), url.rstrip("/") + "/")


@dataclass
class SlackRuntime:
    app: App
    front: SlackFront
    dispatcher: Dispatcher
    loop: DispatchLoop
    secrets: SlackSecrets
    extras: dict[str, Any] = field(default_factory=dict)


def build_slack(desk: Desk, secrets: SlackSecrets, *, verify_token: bool = True, interval: float = 2.0) -> SlackRuntime:
    """``verify_token``: bolt calls auth.test while the app is built and fails at once if Slack says no or cannot
    be reached; the bot's processes build without it and check with ``slack_connect`` in the background."""
    chat = Chat(desk)
    client = WebClient(token=secrets.bot_token, base_url=secrets.api_url)
    store = SlackStore(desk.engine)

    def translator(lang: str | None) -> Translator:
        return chat.translator(lang or desk.settings.language)

    def render(batch: Sequence[Notification], t: Translator) -> str:
        return render_batch(batch[0].kind, [m.payload for m in batch], t)

    delivery = desk.settings.delivery
    channels, fanout = desk.settings.slack_channels, FanOut(desk.engine)
    transport = SlackTransport(
        client, desk, store, fanout, desk.clock, channels, translator, render, delivery.slack_channel
    )
    dispatcher = Dispatcher(desk.engine, desk.clock, {"slack": transport}, delivery)
    loop = DispatchLoop(dispatcher, interval)
    front = SlackFront(chat, client, store, desk.clock, loop.wake)
    app = build_app(front, secrets.signing_secret, verify_token=verify_token)
    return SlackRuntime(app, front, dispatcher, loop, secrets)


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        log.debug("%s - %s", self.address_string(), format % args)


def slack_connect(runtime: SlackRuntime, handler: SocketModeHandler | None = None) -> Callable[[], None]:
    """One try at reaching Slack: auth.test with the bot token, then (Socket Mode) a websocket address with the
    app token and the connection. Raises ``BadToken`` naming the variable Slack refused, or ``Unreachable``. The
    checks go through a client of their own that logs nothing: the ``Connector`` says what went wrong, once."""
    secrets = runtime.secrets
    quiet = logging.getLogger(f"{__name__}.probe")
    quiet.propagate, quiet.disabled = False, True
    probe = WebClient(token=secrets.bot_token, base_url=secrets.api_url, logger=quiet)

    def attempt() -> None:
        _ask(lambda: probe.auth_test(), "SLACK_BOT_TOKEN")
        if handler is not None:
            opened = _ask(lambda: probe.apps_connections_open(app_token=secrets.app_token), "SLACK_APP_TOKEN")
            handler.client.wss_uri = str(opened["url"])
            try:
                _ask(handler.connect, "SLACK_APP_TOKEN")
            finally:
                handler.client.wss_uri = None  # each try (and each reconnect) asks Slack for a fresh address

    return attempt


def _ask(call: Callable[[], Any], variable: str) -> Any:
    try:
        return call()
    except SlackApiError as err:
        error = str(err.response.get("error") or f"HTTP {err.response.status_code}")
        if error in TOKEN_REFUSED:
            raise BadToken(variable, error) from None
        raise Unreachable(f"Slack answered {error}") from None
    except URLError as err:
        raise Unreachable(f"Slack cannot be reached: {err.reason}") from None
    except (OSError, SlackClientError) as err:
        raise Unreachable(f"Slack cannot be reached: {err}") from None


def http_server(runtime: SlackRuntime | None, host: str = "0.0.0.0", port: int = 3000,
                telegram: Any = None, health: Health | None = None) -> WSGIServer:  # fmt: skip
    """One threaded WSGI server: `/slack/events` (slash commands, interactivity, events, options — bolt
    checks every request's signature and timestamp before any listener runs), `/telegram/webhook` (the secret
    header checked first; 503 while Telegram is not up, so Telegram sends the update again later) and
    `/healthz`: 200 while the process serves, with each platform's status as JSON (``Health.report``)."""
    if runtime is not None and not runtime.secrets.signing_secret:
        raise ConfigError("cfg_signing_secret")
    if telegram is not None and not telegram.secrets.webhook_secret:
        raise ConfigError("cfg_webhook_secret")
    handler = SlackRequestHandler(runtime.app) if runtime is not None else None
    if health is None:  # nobody reports otherwise: what is served is up
        health = Health()
        for name, served in (("slack", runtime), ("telegram", telegram)):
            if served is not None:
                health.set(name, True)

    def wsgi(environ: dict[str, Any], start_response: Any) -> Any:
        path, method = environ.get("PATH_INFO"), environ.get("REQUEST_METHOD")
        if handler is not None and path == "/slack/events" and method == "POST":
            return handler(environ, start_response)
        if telegram is not None and path == "/telegram/webhook" and method == "POST":
            return _telegram_webhook(telegram, environ, start_response, health.ok("telegram"))
        if path == "/healthz":
            start_response("200 OK", [("Content-Type", "application/json")])
            return [json.dumps(health.report()).encode()]
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"not found"]

    return make_server(host, port, wsgi, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler)


def _telegram_webhook(telegram: Any, environ: dict[str, Any], start_response: Any, up: bool) -> list[bytes]:
    if not telegram.accepts_secret(environ):
        start_response("401 Unauthorized", [("Content-Type", "text/plain")])
        return [b"wrong secret"]
    if not up:  # Telegram sends the update again later
        start_response("503 Service Unavailable", [("Content-Type", "text/plain")])
        return [b"telegram is not connected yet"]
    try:
        size = int(environ.get("CONTENT_LENGTH") or 0)
        data = json.loads(environ["wsgi.input"].read(min(size, 1_000_000)) or b"{}")
        telegram.feed(data)
    except (ValueError, KeyError, TypeError):
        start_response("400 Bad Request", [("Content-Type", "text/plain")])
        return [b"not an update"]
    start_response("200 OK", [("Content-Type", "text/plain")])
    return [b"ok"]


def socket_mode(runtime: SlackRuntime) -> SocketModeHandler:
    """Socket Mode: the bot dials out to Slack (apps.connections.open with the app-level token), so a
    factory behind a firewall needs no public URL."""
    if not runtime.secrets.app_token:
        raise ConfigError("cfg_app_token")
    return SocketModeHandler(runtime.app, runtime.secrets.app_token, web_client=runtime.front.client)
