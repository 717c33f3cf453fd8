"""The HTTP side of the fake Telegram Bot API: a loopback server that decodes requests the way PTB encodes them.

``make_server`` binds 127.0.0.1 on a free port. Each request to ``/bot<token>/<method>`` has its params
decoded (query string plus a form, multipart or JSON body; see ``_STRING_PARAMS``) and is handed to the
``Backend`` (``FakeBotApi``), whose ``(status, body)`` answer goes back as JSON. ``/file/bot<token>/<path>``
serves what the backend holds under that file path. It knows nothing of the Bot API methods themselves.
"""

from __future__ import annotations

import json
from email import policy
from email.parser import BytesParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import parse_qs, unquote, urlsplit

from tests.telegram.fake_types import UploadedFile

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


class Backend(Protocol):
    """What the server hands requests to (``FakeBotApi``); called from the server's request threads."""

    def _handle(self, method: str, params: dict[str, Any], token: str) -> tuple[int, dict[str, Any]]: ...

    def _file(self, file_path: str) -> bytes | None: ...


def make_server(backend: Backend) -> ThreadingHTTPServer:
    """A server on 127.0.0.1:<free port> answering from ``backend``; run it with ``serve_forever``."""
    server = _Server(("127.0.0.1", 0), _Handler)
    server.fake = backend
    return server


# -- body decoding -----------------------------------------------------------------------------------


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


# -- server and handler ------------------------------------------------------------------------------


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    fake: Backend

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
