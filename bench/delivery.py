"""Outbox delivery figures: 10 000 outbox rows to 20 Slack channels through a fake Slack that enforces
Slack's posting limit — 1 message/s per channel with a burst of 3, HTTP 429 with Retry-After beyond it —
delivered by the real dispatcher loop on SQLite in real time.

What is measured: the wall time from starting the ``DispatchLoop`` until every row is out of ``pending``,
as a ratio to the floor the limit itself sets (per channel (rows − burst) / rate, the slowest channel),
and how many posts Slack answered 429 (the pacer exists so that a burst queues instead of earning them).
A 429 costs more than the post: Slack's Retry-After is whole seconds, so the lane sits out at least one.
Also checked, and reported rather than asserted: every row accepted exactly once, each channel's messages
in row order, no dead rows.

The rows are ``order_status_changed`` events, a kind outside ``DeliveryPolicy.digest_kinds``: one
message per row, nothing folded into a digest (a digest would turn a burst into a single post and
measure nothing). They are written straight to the outbox (``write_events``) in one transaction before
the clock starts, round-robin over ``channel:c01`` … ``channel:c20`` (mapped to Slack ids C01 … C20).

Everything is the production path: ``build_slack`` (transport, dispatcher, loop) with the default
``DeliveryPolicy`` (Slack pace 1/s burst 3, 8 workers), the real ``SystemClock``, the fake on loopback
(``tests/slack/fake_api.py``, so this group needs the test tree). The fake keeps its bucket on
``time.monotonic`` and counts a post when it arrives; the pacer keeps its own on the clock when the send
is reserved, before the HTTP call. A post that reaches the fake a few ms sooner after its reservation than
the one that set the lane's pace (the lane's first, on a cold connection, is the slow one) would find the
bucket a few ms short of a token; a send that had to wait therefore goes ``adapters.delivery.pacing.MARGIN``
(50 ms) after its slot — the schedule still advances 1 s per post, so the rate is unchanged.

The default run takes about 500 s (10 000 rows / 20 channels at 1/s); ``--delivery-rows 1000`` is ≈ 50 s.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

from sqlalchemy import func, select

from adapters.sql import tables as t
from adapters.sql.engine import make_engine
from adapters.sql.outbox import write_events
from adapters.sql.schema import upgrade
from bench.core import Figure
from bot.app.bootstrap import Desk, bootstrap
from bot.app.clock import SystemClock
from bot.app.config import Settings
from bot.app.slack_runtime import SlackSecrets, build_slack
from domain.events import OrderStatusChanged
from tests.slack.fake_api import FakeSlack

CHANNELS = 20
RATE = 1.0  # Slack's limit per channel, and our pace (the policy's default)
BURST = 3
INTERVAL = 1.0  # the loop's longest sleep
POLL_S = 0.2
NUMBER = re.compile(r"SO-B-(\d{6})")
PROXY_VARS = ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy")


@contextmanager
def _no_proxy() -> Iterator[None]:
    """slack_sdk sends through HTTPS_PROXY/HTTP_PROXY when set; the fake lives on loopback."""
    saved = {k: os.environ.pop(k) for k in PROXY_VARS if k in os.environ}
    try:
        yield
    finally:
        os.environ.update(saved)


def _desk(workdir: Path) -> Desk:
    url = f"sqlite:///{workdir / 'delivery.db'}"
    engine = make_engine(url)
    upgrade(engine)
    return bootstrap(Settings(database_url=url), SystemClock(), engine=engine)


def _fill(desk: Desk, rows: int) -> dict[str, list[int]]:
    """``rows`` outbox rows, row i to channel i mod 20; returns each Slack channel's row numbers in order."""
    events = [OrderStatusChanged(f"SO-B-{i:06d}", "BENCH", "confirmed", "in_production", "bench") for i in range(rows)]
    audience = {e.number: f"channel:c{i % CHANNELS + 1:02d}" for i, e in enumerate(events)}
    with desk.engine.begin() as conn:
        write_events(conn, events, lambda e: [audience[str(getattr(e, "number", ""))]], desk.clock.now())
    expected: dict[str, list[int]] = {}
    for i in range(rows):
        expected.setdefault(f"C{i % CHANNELS + 1:02d}", []).append(i)
    return expected


def _counts(desk: Desk) -> dict[str, int]:
    with desk.engine.connect() as conn:
        found = conn.execute(select(t.outbox.c.status, func.count()).group_by(t.outbox.c.status)).all()
    return {str(status): int(n) for status, n in found}


def run(workdir: Path, rows: int = 10_000) -> list[Figure]:
    desk = _desk(workdir)
    expected = _fill(desk, rows)
    channels = {f"c{n:02d}": f"C{n:02d}" for n in range(1, CHANNELS + 1)}
    desk.settings = replace(desk.settings, slack_channels=channels)
    policy = desk.settings.delivery
    floor = max(max(0, len(v) - BURST) / RATE for v in expected.values())
    deadline_s = 3 * floor + 120  # a stuck run ends and says so instead of hanging the bench
    fake = FakeSlack().start()
    fake.rate_limit(RATE, burst=BURST)
    loop = None
    try:
        with _no_proxy():
            runtime = build_slack(
                desk, SlackSecrets("xoxb-bench", "", "", fake.base_url), verify_token=False, interval=INTERVAL
            )
            loop = runtime.loop
            start = time.monotonic()
            loop.start()
            counts = _counts(desk)
            while counts.get("pending", 0) and time.monotonic() - start < deadline_s:
                time.sleep(POLL_S)
                counts = _counts(desk)
            total = time.monotonic() - start
    finally:
        if loop is not None:
            loop.stop()
        fake.stop()
        desk.close()

    pending, sent, dead = counts.get("pending", 0), counts.get("sent", 0), counts.get("dead", 0)
    limited, accepted = fake.rate_limited, len(fake.posted)
    posts = accepted + limited
    out_of_order = []
    for channel, want in expected.items():
        got = [int(m.group(1)) if (m := NUMBER.search(text)) else -1 for text in fake.posted_to(channel)]
        if got != want:
            out_of_order.append(channel)
    order_note = (
        f"every channel's messages in row order, each row once ({CHANNELS} channels)"
        if not out_of_order
        else f"{len(out_of_order)} channel(s) differ from row order or repeat/miss rows: {', '.join(out_of_order)}"
    )
    unfinished = f"; STOPPED after {deadline_s:.0f} s with {pending:,} rows pending" if pending else ""
    pace = f"{policy.slack_channel.per_second:g}/s burst {policy.slack_channel.burst}"
    return [
        Figure(
            f"outbox delivery, {rows:,} rows to {CHANNELS} Slack channels",
            f"{total:.1f} s = {total / floor:.3f} × floor" if floor else f"{total:.1f} s",
            "≤ 1.1 × floor",
            f"floor {floor:.0f} s (Slack {RATE:g}/s per channel, burst {BURST}: (rows − burst)/rate, slowest channel); "
            f"pace {pace}, {policy.workers} workers, loop interval {INTERVAL:g} s, SQLite, real clock{unfinished}",
        ),
        Figure(
            "Slack 429 answers",
            f"{limited:,} = {limited / posts:.2%} of posts" if posts else "0 (no posts)",
            "≤ 1 %",
            f"{posts:,} chat.postMessage calls, {accepted:,} accepted",
        ),
        Figure(
            "rows delivered / dead / pending",
            f"{sent:,} / {dead:,} / {pending:,}",
            "all sent, 0 dead",
            f"Slack accepted {accepted:,} messages for {rows:,} rows; {order_note}",
        ),
    ]
