"""Inbound Slack requests for tests: the exact bodies Slack sends, signed the way Slack signs them.

Builders return the body as a ``str`` (form-urlencoded for slash commands and interactions, JSON for the Events
API); ``sign`` gives the two headers Slack adds; ``post`` delivers a body to a local app and reports status, text
and elapsed time. A body must be signed and sent byte for byte as built, or the signature no longer matches.

The default ``response_url`` points at a closed local port, so an app that answers a default payload fails fast and
never reaches the internet; pass ``FakeSlack.response_url(key)`` to have the answer recorded.
"""

from __future__ import annotations

import json
import time
from collections.abc import Mapping
from typing import Any
from urllib.error import HTTPError
from urllib.parse import urlencode, urlsplit
from urllib.request import ProxyHandler, Request, build_opener

from slack_sdk.signature import SignatureVerifier

from tests.slack.fake_api import API_APP_ID, BOT_ID, BOT_USER_ID, TEAM_DOMAIN, TEAM_ID

FORM = "application/x-www-form-urlencoded"
JSON = "application/json"
TIMESTAMP_HEADER = "X-Slack-Request-Timestamp"
SIGNATURE_HEADER = "X-Slack-Signature"

VERIFICATION_TOKEN = "legacy-verification-token"
"""The deprecated ``token`` field Slack still puts in payloads; apps should ignore it and check signatures."""

DEFAULT_RESPONSE_URL = "http://127.0.0.1:9/respond/unused"
ACTION_TS = "1700000000.000001"
EVENT_TIME = 1_700_000_000

_LOCAL_HOSTS = frozenset({"127.0.0.1", "localhost", "::1"})


def sign(body: str, secret: str, timestamp: int) -> dict[str, str]:
    """The headers Slack adds: the timestamp, and ``v0=`` + HMAC-SHA256(secret, ``v0:{timestamp}:{body}``)."""
    signature = SignatureVerifier(secret).generate_signature(timestamp=str(timestamp), body=body)
    if signature is None:
        raise ValueError("could not sign the body")
    return {TIMESTAMP_HEADER: str(timestamp), SIGNATURE_HEADER: signature}


def content_type_of(body: str) -> str:
    """``application/json`` for a JSON object body, else form-urlencoded (what Slack uses for each)."""
    return JSON if body.lstrip().startswith("{") else FORM


def _compact(payload: Mapping[str, Any]) -> str:
    return json.dumps(payload, separators=(",", ":"), ensure_ascii=False)


def _user(user_id: str, user_name: str | None, team_id: str) -> dict[str, str]:
    name = user_name or user_id.lower()
    return {"id": user_id, "username": name, "name": name, "team_id": team_id}


def slash_command(
    text: str,
    user_id: str,
    *,
    command: str = "/order",
    channel_id: str = "C0ORDERS",
    trigger_id: str = "T-1",
    response_url: str = DEFAULT_RESPONSE_URL,
    team_id: str = TEAM_ID,
    user_name: str | None = None,
    channel_name: str = "orders",
) -> str:
    """The form-urlencoded body of a slash command invocation."""
    return urlencode(
        {
            "token": VERIFICATION_TOKEN,
            "team_id": team_id,
            "team_domain": TEAM_DOMAIN,
            "channel_id": channel_id,
            "channel_name": channel_name,
            "user_id": user_id,
            "user_name": user_name or user_id.lower(),
            "command": command,
            "text": text,
            "api_app_id": API_APP_ID,
            "response_url": response_url,
            "trigger_id": trigger_id,
        }
    )


def block_actions(
    user_id: str,
    action_id: str,
    value: str,
    *,
    block_id: str = "b",
    channel_id: str | None = None,
    message_ts: str | None = None,
    trigger_id: str = "T-2",
    response_url: str | None = None,
    view: Mapping[str, Any] | None = None,
    team_id: str = TEAM_ID,
    user_name: str | None = None,
    channel_name: str = "orders",
) -> str:
    """The body of a button click: form-urlencoded, one field ``payload`` holding the interaction's JSON.

    A click in a view (``view`` given) has a view container; otherwise a message container.
    """
    container: dict[str, Any]
    if view is not None:
        container = {"type": "view", "view_id": view.get("id", "")}
    else:
        container = {"type": "message", "is_ephemeral": False}
        if message_ts is not None:
            container["message_ts"] = message_ts
        if channel_id is not None:
            container["channel_id"] = channel_id
    payload: dict[str, Any] = {
        "type": "block_actions",
        "user": _user(user_id, user_name, team_id),
        "api_app_id": API_APP_ID,
        "token": VERIFICATION_TOKEN,
        "container": container,
        "trigger_id": trigger_id,
        "team": {"id": team_id, "domain": TEAM_DOMAIN},
        "enterprise": None,
        "is_enterprise_install": False,
    }
    if channel_id is not None:
        payload["channel"] = {"id": channel_id, "name": channel_name}
    if message_ts is not None:
        payload["message"] = {
            "type": "message",
            "user": BOT_USER_ID,
            "bot_id": BOT_ID,
            "app_id": API_APP_ID,
            "team": team_id,
            "ts": message_ts,
            "text": "",
            "blocks": [],
        }
    if response_url is not None:
        payload["response_url"] = response_url
    payload["actions"] = [
        {
            "action_id": action_id,
            "block_id": block_id,
            "text": {"type": "plain_text", "text": action_id, "emoji": True},
            "value": value,
            "type": "button",
            "action_ts": ACTION_TS,
        }
    ]
    if view is not None:
        payload["view"] = dict(view)
    return urlencode({"payload": _compact(payload)})


def view_submission(
    user_id: str,
    callback_id: str,
    values: Mapping[str, Mapping[str, Mapping[str, Any]]],
    *,
    private_metadata: str = "",
    view_id: str = "V1",
    trigger_id: str = "T-3",
    team_id: str = TEAM_ID,
    user_name: str | None = None,
) -> str:
    """The body of a modal submission (form-urlencoded ``payload``).

    ``values`` is ``{block_id: {action_id: {"type": ..., "value" | "selected_date" | "selected_option": ...}}}``.
    """
    payload: dict[str, Any] = {
        "type": "view_submission",
        "team": {"id": team_id, "domain": TEAM_DOMAIN},
        "user": _user(user_id, user_name, team_id),
        "api_app_id": API_APP_ID,
        "token": VERIFICATION_TOKEN,
        "trigger_id": trigger_id,
        "view": {
            "id": view_id,
            "team_id": team_id,
            "type": "modal",
            "blocks": [],
            "private_metadata": private_metadata,
            "callback_id": callback_id,
            "state": {"values": {block: {a: dict(v) for a, v in acts.items()} for block, acts in values.items()}},
            "hash": f"{view_id}.hash",
            "title": {"type": "plain_text", "text": "Orderbot", "emoji": True},
            "close": None,
            "submit": {"type": "plain_text", "text": "Submit", "emoji": True},
            "previous_view_id": None,
            "root_view_id": view_id,
            "app_id": API_APP_ID,
            "external_id": "",
            "app_installed_team_id": team_id,
            "bot_id": BOT_ID,
        },
        "response_urls": [],
        "is_enterprise_install": False,
        "enterprise": None,
    }
    return urlencode({"payload": _compact(payload)})


def event_callback(
    event: Mapping[str, Any],
    *,
    event_id: str = "Ev1",
    event_time: int = EVENT_TIME,
    team_id: str = TEAM_ID,
) -> str:
    """The JSON body of an Events API delivery wrapping ``event``."""
    return _compact(
        {
            "token": VERIFICATION_TOKEN,
            "team_id": team_id,
            "api_app_id": API_APP_ID,
            "event": dict(event),
            "type": "event_callback",
            "event_id": event_id,
            "event_time": event_time,
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": team_id,
                    "user_id": BOT_USER_ID,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }
    )


def url_verification(challenge: str) -> str:
    """The JSON body of the Events API handshake."""
    return _compact({"token": VERIFICATION_TOKEN, "challenge": challenge, "type": "url_verification"})


def post(
    url: str,
    body: str,
    headers: Mapping[str, str] | None = None,
    content_type: str | None = None,
    *,
    timeout: float = 10.0,
) -> tuple[int, str, float]:
    """POST ``body`` to a local ``url``; return ``(status, text, elapsed_seconds)`` — 4xx/5xx do not raise.

    ``content_type`` defaults to what Slack would use for that body. Only loopback hosts are allowed.
    """
    host = urlsplit(url).hostname
    if host not in _LOCAL_HOSTS:
        raise ValueError(f"tests post only to loopback hosts, not {host!r}")
    request = Request(url, data=body.encode(), method="POST")
    request.add_header("Content-Type", content_type or content_type_of(body))
    for name, value in (headers or {}).items():
        request.add_header(name, value)
    opener = build_opener(ProxyHandler({}))  # straight to loopback, whatever *_proxy says
    started = time.perf_counter()
    try:
        with opener.open(request, timeout=timeout) as response:
            status, raw = int(response.status), response.read()
    except HTTPError as error:
        status, raw = error.code, error.read()
    return status, raw.decode(errors="replace"), time.perf_counter() - started
