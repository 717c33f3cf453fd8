"""Slack's built-in answers for the fake Web API (``fake_api.FakeSlack``): small bodies shaped like Slack's.

``BuiltinAnswers.answer`` covers ``auth.test``, ``chat.postMessage`` / ``chat.update`` / ``chat.postEphemeral``,
``views.open`` / ``push`` / ``update`` / ``publish``, ``conversations.open``, ``users.info`` and
``apps.connections.open``; anything else answers ``{"ok": true}``. Also here: the fake workspace's identity
(``TEAM_ID``, ``BOT_USER_ID``, ...) and the ``users.info`` record ``user_record`` builds.

Message timestamps run "1700000000.000100", "1700000000.000200", ...; view ids "V00000001", "V00000002", ....
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from tests.slack.fake_http import Answer, Call

TEAM_ID = "T0TEST"
TEAM_NAME = "Orderbot Test"
TEAM_DOMAIN = "orderbot-test"
TEAM_URL = "https://orderbot-test.slack.com/"
BOT_USER_ID = "UBOT"
BOT_USER_NAME = "orderbot"
BOT_ID = "BBOT"
API_APP_ID = "A0ORDERBOT"
DEFAULT_TZ = "Asia/Shanghai"

# Message timestamps: "1700000000.000100", "1700000000.000200", ... (microseconds since the epoch, stepped).
_FIRST_TS_US = 1_700_000_000_000_100
_TS_STEP_US = 100


def user_record(
    user_id: str, name: str, real_name: str = "", *, tz: str = DEFAULT_TZ, locale: str = "en-US", is_bot: bool = False
) -> dict[str, Any]:
    """A ``users.info`` user as Slack shapes it; ``_locale`` is kept aside for ``include_locale``."""
    offset = ZoneInfo(tz).utcoffset(datetime.fromtimestamp(_FIRST_TS_US // 1_000_000, UTC))
    return {
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


class BuiltinAnswers:
    """The default answers and the state they need: known users and the ts / view-id counters.

    Not locked: ``FakeSlack`` calls it while holding its own lock.
    """

    def __init__(self) -> None:
        self.users: dict[str, dict[str, Any]] = {}
        """user id -> ``user_record``; ``users.info`` of any other id answers ``user_not_found``."""
        self._ts_count = 0
        self._view_count = 0

    def answer(self, call: Call, socket_url: str | None) -> Answer:
        """Slack's answer to ``call``; ``socket_url`` is what ``apps.connections.open`` hands out (``None``:
        ``invalid_auth``)."""
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
                found = self.users.get(str(p.get("user", "")))
                if found is None:
                    return {"ok": False, "error": "user_not_found"}
                user = {k: v for k, v in found.items() if k != "_locale"}
                if _truthy(p.get("include_locale")):
                    user["locale"] = found["_locale"]
                return {"ok": True, "user": user}
            case "apps.connections.open":
                if socket_url is None:
                    return {"ok": False, "error": "invalid_auth"}
                return {"ok": True, "url": socket_url}
            case _:
                return {"ok": True}

    def _next_ts(self) -> str:
        self._ts_count += 1
        micros = _FIRST_TS_US + _TS_STEP_US * (self._ts_count - 1)
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _next_view_id(self) -> str:
        self._view_count += 1
        return f"V{self._view_count:08d}"

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
