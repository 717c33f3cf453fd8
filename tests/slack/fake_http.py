"""The HTTP side of the fake Slack Web API (``fake_api.FakeSlack``): a threaded server on 127.0.0.1 that turns
each request into a ``Call`` and sends back the ``Reply`` its answer function gives.

``/api/<method>`` becomes a call of ``<method>``; ``/respond/<key>`` (a stand-in ``response_url``) becomes a call of
``response_url:<key>``; any other path answers 404 without being recorded. ``params`` merges the query string with
the body (form-urlencoded, JSON or multipart), with JSON-string fields such as ``blocks`` or ``view`` decoded;
``token`` comes from ``Authorization: Bearer ...`` or else from a ``token`` field.

This module knows nothing of Slack's answers; the fake passes its answer function to ``Server``.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from email.message import Message
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, urlsplit

API_PREFIX = "/api/"
RESPOND_PREFIX = "/respond/"
RESPONSE_URL_METHOD = "response_url:"

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

Answer = dict[str, Any]


@dataclass(frozen=True)
class Call:
    """One request the fake received: the API method (or ``response_url:<key>``), its parameters and token."""

    method: str
    params: dict[str, Any]
    token: str | None


@dataclass(frozen=True)
class Reply:
    """What to send back: an HTTP status, extra headers and a JSON body."""

    status: int
    headers: dict[str, str]
    body: Answer


class Server(ThreadingHTTPServer):
    """Serves on ``127.0.0.1`` at ``port`` (0: an OS-chosen one); every recognised request goes to ``answer``."""

    daemon_threads = True

    def __init__(self, answer: Callable[[Call], Reply], port: int = 0) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.answer = answer


class _Handler(BaseHTTPRequestHandler):
    server: Server

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
            self._send(Reply(404, {}, {"ok": False, "error": "unknown_path"}))
            return
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        params: dict[str, Any] = dict(parse_qsl(url.query, keep_blank_values=True))
        params.update(_parse_body(raw, self.headers.get("Content-Type", "")))
        params = {key: _decode_json_field(key, value) for key, value in params.items()}
        self._send(self.server.answer(Call(method, params, _token(self.headers.get("Authorization"), params))))

    def _send(self, reply: Reply) -> None:
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
