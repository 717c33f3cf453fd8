"""Faults in delivery: a process killed after its commit, or in the middle of a send; Slack answering 429,
500 and going down for ten minutes; two workers on one outbox. Nothing committed is lost, each channel
hears its messages in outbox order, and a message is repeated only when Slack may already have shown it."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine, func, select

from adapters.delivery import DeliveryPolicy
from adapters.sql import tables as t
from adapters.sql.outbox import write_events
from bot.app.clock import FixedClock
from domain.events import OrderShipped
from tests.conftest import T0, UNPACED, make_desk
from tests.faults.helpers import (
    ROOT,
    TOKEN,
    TimedSlack,
    child_env,
    config,
    every_message,
    messages,
    rows,
    shipped,
    slack,
    start_worker,
    stop_all,
    texts,
    to,
    wait_until,
)
from tests.integration.seed import seed
from tests.slack.fake_api import FakeSlack

ORDERS = "C0ORDERS"


def lane_not_before(engine: Engine, audience: str) -> datetime:
    lane = t.outbox_lanes.c
    with engine.connect() as conn:
        found: datetime = conn.execute(select(lane.not_before).where(lane.audience == audience)).scalar_one()
    return found


def max_id(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.coalesce(func.max(t.outbox.c.id), 0))).scalar_one())


@pytest.mark.slow
def test_killed_between_commit_and_delivery(any_url: str, clock: FixedClock) -> None:
    desk = make_desk(any_url, clock, slack_channels={"orders": ORDERS}, delivery=UNPACED)
    try:
        seed(desk)
        before = max_id(desk.engine)
        child = subprocess.run(
            [sys.executable, "-m", "tests.faults.commit_then_die", any_url, "3"],
            env=child_env(any_url), cwd=ROOT, capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert child.returncode == -signal.SIGKILL, child.stderr
        assert child.stdout.splitlines() == [f"committed SO-2026-00000{i}" for i in (1, 2, 3)]

        committed = [r for r in rows(desk.engine) if r.id > before]
        # per order: order_created to the team, order_confirmed to the team and to the customer
        assert [r.kind for r in committed if r.audience == "channel:orders"] == 3 * ["order_created", "order_confirmed"]
        assert {(r.status, r.attempts) for r in committed} == {("pending", 0)}  # nobody delivered anything
        team = messages(desk.engine, "channel:orders", clock.now())
        assert [m.id for m in team] == [r.id for r in committed if r.audience == "channel:orders"]

        with FakeSlack() as fake:
            runtime = slack(desk, fake)
            expected = texts(runtime, team)
            while runtime.dispatcher.run_once():
                pass
            assert runtime.dispatcher.run_once() == 0
            assert fake.posted_to(ORDERS) == expected  # all of them, in order, once
            assert {ch for ch, _ in fake.posted} == {ORDERS}
        assert {r.status for r in rows(desk.engine, "channel:orders") if r.id > before} == {"sent"}
        # the customer's copies are Telegram's: a Slack-only dispatcher leaves them for it, still pending
        assert {r.status for r in rows(desk.engine, "customer:CUST-001")} == {"pending"}
    finally:
        desk.close()


@pytest.mark.slow
def test_killed_mid_send_is_sent_after_the_lease(any_url: str, clock: FixedClock, tmp_path: Path) -> None:
    desk = make_desk(any_url, clock, slack_channels={"orders": ORDERS})  # the default policy: lease 60 s
    lease = timedelta(seconds=desk.settings.delivery.lease)
    shipped(desk.engine, [1, 2, 3], "channel:orders", clock.now())
    with FakeSlack() as fake:
        runtime = slack(desk, fake)
        expected = texts(runtime, messages(desk.engine, "channel:orders", clock.now()))
        fake.stall()  # the worker's first post reaches Slack and gets no answer
        env = child_env(
            any_url,
            config(tmp_path / "orderbot.toml", {"orders": ORDERS}),
            ORDERBOT_NOW=T0.isoformat(),  # the worker leases the lane until T0 + 60 s
            SLACK_BOT_TOKEN=TOKEN,
            ORDERBOT_SLACK_API_URL=fake.base_url,
        )
        worker = start_worker(env, tmp_path / "worker.log", "--no-scheduler")
        try:
            name = worker.name()
            fake.wait_for("chat.postMessage", 1, timeout=30)
            worker.kill()
        finally:
            worker.stop()
        assert worker.proc.returncode == -signal.SIGKILL
        lane = t.outbox_lanes.c
        with desk.engine.connect() as conn:
            held = conn.execute(select(lane.leased_by, lane.leased_until)).one()
        assert tuple(held) == (name, T0 + lease)
        assert [r.status for r in rows(desk.engine)] == ["pending"] * 3  # its send never came back

        # Slack had the whole request when the worker died; it goes on and shows the message. The worker
        # never heard so, never marked the row sent: that one message will be shown twice. Nothing else can
        # be: rows are marked sent one by one right after each send, and the worker sent nothing more.
        fake.release()
        wait_until(lambda: fake.posted, 10, "Slack to show the stalled post")
        assert fake.posted_to(ORDERS) == expected[:1]

        d = runtime.dispatcher
        clock.at = T0 + lease / 2
        assert d.run_once() == 0  # the dead worker's lease still holds the lane
        assert d.next_due() == T0 + lease  # ... until it runs out
        clock.at = T0 + lease
        assert d.run_once() == 3
        assert d.run_once() == 0
        # at least once: the one message in flight when the worker died is seen twice, the rest once, in order
        assert fake.posted_to(ORDERS) == [expected[0], *expected]
        assert {(r.status, r.sent_by) for r in rows(desk.engine)} == {("sent", d.name)}
    desk.close()


def test_429_500_and_a_ten_minute_outage_lose_nothing(any_url: str, clock: FixedClock) -> None:
    channels = {"orders": "C0ORDERS", "stock": "C0STOCK", "alerts": "C0ALERTS"}
    desk = make_desk(any_url, clock, slack_channels=channels)  # the default policy: 10 tries, backoff ≤ 600 s
    policy = desk.settings.delivery
    assert (policy.max_attempts, policy.retry_max) == (DeliveryPolicy().max_attempts, DeliveryPolicy().retry_max)
    for i in range(60):  # 20 rows a channel, interleaved as commits would write them
        name = list(channels)[i % 3]
        shipped(desk.engine, [i], f"channel:{name}", clock.now())
    with TimedSlack(lambda: clock.now().timestamp()) as fake:
        fake.rate_limit(1.0, 3, clock=fake.clock)
        runtime = slack(desk, fake)
        expected = {
            ch: texts(runtime, messages(desk.engine, f"channel:{name}", clock.now())) for name, ch in channels.items()
        }
        fake.fail("chat.postMessage", 500, times=4)  # the first sends: a few plain errors
        d = runtime.dispatcher
        outage_start = T0 + timedelta(seconds=10)  # mid-stream: each channel still has most of its rows
        outage_end = outage_start + timedelta(minutes=10)
        restarted, seen = False, 0
        audience = {ch: f"channel:{name}" for name, ch in channels.items()}
        for _ in range(2000):
            if outage_start <= clock.now() < outage_end:
                fake.outage(500)
            else:
                fake.outage(None)
            sent = d.run_once()
            for at, ch, status, retry in fake.answers[seen:]:
                if status == 429:  # the lane waits what Slack asked before it may be claimed again
                    asked = datetime.fromtimestamp(at + retry, UTC)
                    assert lane_not_before(desk.engine, audience[ch]) >= asked, (ch, asked)
            seen = len(fake.answers)
            if not any(r.status == "pending" for r in rows(desk.engine)):
                break
            if sent and not restarted:
                # The process restarts right after a burst: its pacer starts empty, but the lanes carry their
                # schedule; and Slack throttles a few posts anyway (429 with Retry-After, as it may at any time).
                d.close()
                runtime = slack(desk, fake)
                d, restarted = runtime.dispatcher, True
                fake.fail("chat.postMessage", 429, retry_after=3, times=3)
            due = d.next_due()  # when a backoff, a Retry-After or pacing ends; else a short step
            clock.at = due if due is not None and due > clock.now() else clock.now() + timedelta(seconds=0.1)
        else:
            pytest.fail("the outbox did not drain")
        d.close()
        assert restarted and clock.now() > outage_end  # it really went through the restart and the outage
        final = rows(desk.engine)
        assert Counter(r.status for r in final) == {"sent": 60}  # none dead, none left behind
        for ch, want in expected.items():
            assert fake.posted_to(ch) == want  # in outbox order, no gaps, no duplicates
        assert len(fake.posted) == 60
        # The outage cost the rows at the heads of the lanes several tries each, not all ten: the backoff
        # (5 s doubling, capped at 600 s) spans a 10-minute outage in 7 failed tries.
        tries = sorted(r.attempts for r in final)
        assert 5 <= tries[-1] < policy.max_attempts, tries
        # Ridden out with backoff, not hammered: a few tries per channel in ten minutes (7 with these times).
        down = outage_start.timestamp(), outage_end.timestamp()
        for ch in channels.values():
            assert 1 < sum(down[0] <= at < down[1] and ch == c for at, c, _, _ in fake.answers) <= 8
        # 429s honoured: our pacer keeps to Slack's limit, even across the restart (the lanes carry the
        # schedule), so Slack's limit itself never answers 429; the three it sent anyway were waited out —
        # after each, that channel heard nothing until its Retry-After had passed. And a 429 is not a failed
        # try (the tries above are the 500s').
        assert fake.rate_limited == 0
        assert sum(status == 429 for _, _, status, _ in fake.answers) == 3
        for i, (at, ch, status, retry) in enumerate(fake.answers):
            if status == 429:
                later = [a for a, c, _, _ in fake.answers[i + 1 :] if c == ch]
                assert retry >= 1 and later and later[0] >= at + retry, (at, ch, retry, later[:1])
    desk.close()


@pytest.mark.slow
def test_two_workers_send_each_notification_once(pg_url: str, clock: FixedClock, tmp_path: Path) -> None:
    channels = {f"ch{i}": f"C0CH{i:02d}" for i in range(10)}
    desk = make_desk(pg_url, clock, slack_channels=channels)
    seed(desk, opening_stock=0)
    assert rows(desk.engine) == []
    with FakeSlack() as fake:
        # 10 a second a channel, no burst: a lane is released after every post, so the workers take turns
        cfg = config(tmp_path / "orderbot.toml", channels, delivery={"slack_per_channel": 10, "slack_burst": 1})
        env = child_env(pg_url, cfg, SLACK_BOT_TOKEN=TOKEN, ORDERBOT_SLACK_API_URL=fake.base_url)
        workers = [start_worker(env, tmp_path / f"worker{i}.log", "--no-scheduler") for i in (1, 2)]
        try:
            names = [w.name() for w in workers]  # both running before the first row is committed
            for i in range(0, 300, 10):  # 30 commits of one row per channel; the workers run on the real clock
                with desk.engine.begin() as conn:
                    for n in range(i, i + 10):
                        event = OrderShipped(f"SO-{n:06d}", "CUST-001", "SF", str(n), "liu")
                        write_events(conn, [event], to(f"channel:ch{n % 10}"), datetime.now(UTC))
            wait_until(lambda: all(r.status == "sent" for r in rows(desk.engine)), 60, "every row sent", every=0.1)
        finally:
            stop_all(workers)
        sent = rows(desk.engine)
        assert len(sent) == 300
        runtime = slack(desk, fake)  # only to render what each row reads in Slack
        expected = {ch: texts(runtime, every_message(desk.engine, f"channel:{n}")) for n, ch in channels.items()}
        assert Counter(fake.posted) == Counter({(ch, text): 1 for ch, want in expected.items() for text in want})
        for ch, want in expected.items():
            assert fake.posted_to(ch) == want  # each channel in outbox order
        by = Counter(r.sent_by for r in sent)
        print(f"sent by worker: {dict(by)}")
        assert set(by) == set(names)  # both took part
    desk.close()
