"""Slack front-end figures (issue 5): signed `/order` slash commands over HTTP at a steady rate, ack
latency of orderbot on the 100 000 demo orders beside a bare bolt app that only acks, in the same run.

Both apps sit behind the same threaded WSGI server (`bot.app.slack_runtime.http_server`) with bolt's WSGI
adapter, so the difference is the work behind the ack: our replay check (one INSERT + fsync) before
it, and the command itself (parse, query, render, answer to the ``response_url``) after it, competing
for the same two cores and the same GIL. The load is open-loop: send times are fixed in advance
(start + i / rate) and each request runs in its own worker, so a slow answer never delays the next
send. The outbox dispatch loop is not started (read-only commands leave nothing to deliver).

Bolt itself sets the floor: with ``process_before_response=False`` (both apps) the request thread
polls for the listener's ack every 10 ms, so even the bare app's p50 is ≈ 10 ms.

A local sink on loopback plays Slack: it is the Web API base URL and the ``response_url`` target, and
counts the answers that arrive after the ack.
"""

from __future__ import annotations

import random
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import SimpleNamespace
from typing import Any, cast
from urllib.error import HTTPError
from urllib.parse import urlencode
from urllib.request import ProxyHandler, Request, build_opener
from wsgiref.simple_server import WSGIServer

from slack_bolt import Ack, App
from slack_sdk import WebClient
from slack_sdk.signature import SignatureVerifier
from sqlalchemy import select

from adapters.sql import tables as t
from bench.core import Figure, build_desk, percentiles
from bot.app.bootstrap import Desk
from bot.app.slack_runtime import SlackRuntime, SlackSecrets, build_slack, http_server
from bot.conversation.chat import Chat
from domain.users import Front

SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench"
SLACK_ID = "U0BENCH"  # given to the demo's "lily" (sales)
WARMUP = 20
DRAIN_S = 10.0


class _Sink:
    """Slack's side on loopback: every POST gets ``{"ok": true}``; ``/respond/N`` posts are counted."""

    def __init__(self) -> None:
        self.answered: set[int] = set()
        lock = threading.Lock()
        answered = self.answered

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                if self.path.startswith("/respond/"):
                    with lock:
                        answered.add(int(self.path.rsplit("/", 1)[1]))
                body = b'{"ok": true}'
                self.send_response(200)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.base = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, name="bench-sink", daemon=True).start()

    def count(self, ids: range) -> int:
        return sum(1 for i in ids if i in self.answered)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


def _serve(server: WSGIServer) -> str:
    threading.Thread(target=server.serve_forever, name="bench-slack-http", daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/slack/events"


def _bare_server(sink: _Sink) -> WSGIServer:
    """A bolt app that only acks, behind the very same server function as ours."""
    client = WebClient(token=TOKEN, base_url=f"{sink.base}/api/")
    # the token travels in the client (as in ours); giving it to App too only makes bolt warn it is unused
    app = App(signing_secret=SECRET, token_verification_enabled=False, client=client)

    @app.command("/order")
    def _(ack: Ack) -> None:
        ack()

    # http_server reads only .app and .secrets.signing_secret
    runtime = cast(SlackRuntime, SimpleNamespace(app=app, secrets=SlackSecrets(TOKEN, SECRET)))
    return http_server(runtime, "127.0.0.1", 0)


class _Load:
    """Builds, signs and posts one slash command per call; ``n`` numbers the ``response_url``."""

    def __init__(self, url: str, sink: _Sink, texts: list[str]) -> None:
        self.url, self.sink, self.texts = url, sink, texts
        self.verifier = SignatureVerifier(SECRET)
        self.opener = build_opener(ProxyHandler({}))  # straight to loopback, whatever *_proxy says

    def post(self, n: int) -> tuple[int, float]:
        body = urlencode({
            "token": "bench-legacy-token", "team_id": "T0BENCH", "team_domain": "bench", "channel_id": "C0BENCH",
            "channel_name": "orders", "user_id": SLACK_ID, "user_name": "lily", "command": "/order",
            "text": self.texts[n % len(self.texts)], "api_app_id": "A0BENCH",
            "response_url": f"{self.sink.base}/respond/{n}", "trigger_id": f"{n}.bench.trigger",
        })  # fmt: skip
        signature = self.verifier.generate_signature(timestamp=str(ts := int(time.time())), body=body)
        request = Request(self.url, data=body.encode(), method="POST")
        request.add_header("Content-Type", "application/x-www-form-urlencoded")
        request.add_header("X-Slack-Request-Timestamp", str(ts))
        request.add_header("X-Slack-Signature", signature or "")
        started = time.perf_counter()
        try:
            with self.opener.open(request, timeout=10) as response:
                status = int(response.status)
                response.read()
        except HTTPError as error:
            status = error.code
        except OSError:  # refused, reset, timed out
            status = 0
        return status, time.perf_counter() - started


def _run_load(load: _Load, first: int, seconds: int, rate: int) -> dict[str, Any]:
    """Open loop: request i is sent at start + i / rate from a pool big enough that no send waits."""
    for i in range(WARMUP):  # imports and caches on both sides, outside the measurement
        load.post(first - WARMUP + i)
    n = seconds * rate
    lat: list[float] = [0.0] * n
    lag: list[float] = [0.0] * n
    status: list[int] = [0] * n

    def one(i: int, due: float) -> None:
        lag[i] = time.perf_counter() - due
        status[i], lat[i] = load.post(first + i)

    with ThreadPoolExecutor(max_workers=max(64, rate * 4), thread_name_prefix="bench-load") as pool:
        start = time.perf_counter() + 0.1
        for i in range(n):
            due = start + i / rate
            if (delay := due - time.perf_counter()) > 0:
                time.sleep(delay)
            pool.submit(one, i, due)
        sent = time.perf_counter() - start
    ok = [x for x, s in zip(lat, status, strict=True) if s == 200]
    p50, p99 = percentiles(ok) if ok else (float("nan"), float("nan"))
    return {"n": n, "p50": p50, "p99": p99, "max": max(ok, default=0) * 1000, "errors": n - len(ok),
            "rate": n / sent if sent > 0 else float("nan"), "lag99": percentiles(lag)[1]}  # fmt: skip


def _commands(desk: Desk, orders: int) -> list[str]:
    with desk.engine.connect() as conn:
        skus = list(conn.execute(select(t.products.c.sku).order_by(t.products.c.id)).scalars())
    rng = random.Random(5)
    texts = []
    for _ in range(1000):
        roll = rng.random()
        if roll < 0.7:
            texts.append(f"show SO-2026-{rng.randint(1, orders):06d}")
        elif roll < 0.8:
            texts.append("list status confirmed")
        elif roll < 0.9:
            texts.append(f"stock {rng.choice(skus)}")
        else:
            texts.append(f"atp {rng.choice(skus)} 100")
    return texts


def run(workdir: Path, orders: int = 100_000, seconds: int = 60, rate: int = 50) -> list[Figure]:
    sink = _Sink()
    n = seconds * rate

    bare = _bare_server(sink)
    bare_url = _serve(bare)
    b = _run_load(_Load(bare_url, sink, ["show SO-2026-000001"]), WARMUP, seconds, rate)
    bare.shutdown()
    bare.server_close()

    desk, _ = build_desk(workdir, orders)
    with desk.uow() as uow:
        lily = uow.users.get("lily")
        assert lily is not None, "the demo has no user lily"
        lily.slack_id = SLACK_ID
        uow.commit()
    texts = _commands(desk, orders)
    chat = Chat(desk)
    for verb in ("show", "list", "stock", "atp"):  # each kind of command works for this user, before timing
        sample = next(x for x in texts if x.startswith(verb))
        msg = chat.handle(Front.slack, SLACK_ID, sample)
        assert not msg.error, f"{sample!r} fails: {msg}"
    runtime = build_slack(desk, SlackSecrets(TOKEN, SECRET, "", f"{sink.base}/api/"), verify_token=False)
    server = http_server(runtime, "127.0.0.1", 0)
    url = _serve(server)
    first = 2 * WARMUP + n
    o = _run_load(_Load(url, sink, texts), first, seconds, rate)
    acked = time.monotonic()
    ids = range(first, first + n)
    while sink.count(ids) < n and time.monotonic() < acked + DRAIN_S:
        time.sleep(0.05)
    answered, drained = sink.count(ids), time.monotonic() - acked
    server.shutdown()
    server.server_close()
    # commands still running after the drain window must finish before their database goes away
    runtime.app.listener_runner.listener_executor.shutdown(wait=True)
    sink.close()
    desk.close()

    goal = "p99 ≤ 100 ms, p50 ≤ 3 × bare"
    ratio = o["p50"] / b["p50"] if b["p50"] else float("nan")
    return [
        Figure("slash ack latency, bare bolt app (only acks) p50 / p99", f"{b['p50']:.2f} / {b['p99']:.2f} ms", "",
               f"{b['n']:,} signed /order at {b['rate']:.1f}/s open loop, max {b['max']:.1f} ms, "
               f"{b['errors']} non-200, sender lag p99 {b['lag99']:.1f} ms"),
        Figure(f"slash ack latency, orderbot on {orders:,} orders p50 / p99", f"{o['p50']:.2f} / {o['p99']:.2f} ms",
               goal,
               f"p50 = {ratio:.1f} × bare; {o['n']:,} at {o['rate']:.1f}/s (70 % show, 10 % each list status "
               f"confirmed / stock / atp), max {o['max']:.1f} ms, {o['errors']} non-200, sender lag p99 "
               f"{o['lag99']:.1f} ms; {answered:,}/{n:,} response_url answers arrived ≤ {DRAIN_S:.0f} s after "
               f"the last ack (last one at +{drained:.2f} s)"),
    ]  # fmt: skip
