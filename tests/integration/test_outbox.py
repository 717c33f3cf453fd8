"""The outbox: written with the change, delivered by the dispatcher, retried, dead-lettered, never lost."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select

from adapters.sql import tables as t
from adapters.sql.outbox import OutboxMessage
from bot.bootstrap import Desk
from bot.clock import FixedClock
from bot.dispatch import Dispatcher
from domain import commands as c
from domain.users import Front
from tests.integration.seed import seed


class Recorder:
    def __init__(self, fail_times: int = 0) -> None:
        self.sent: list[OutboxMessage] = []
        self.fail_times = fail_times

    def accepts(self, audience: str) -> bool:
        return audience.startswith("channel:")

    def send(self, message: OutboxMessage) -> None:
        if self.fail_times:
            self.fail_times -= 1
            raise ConnectionError("platform down")
        self.sent.append(message)


def statuses(desk: Desk, audience: str = "channel:orders") -> list[tuple[str, int]]:
    """The rows for one audience (the cancellation also goes to the customer: a row the recorder never takes)."""
    o = t.outbox.c
    with desk.engine.connect() as conn:
        rows = conn.execute(select(o.status, o.attempts).where(o.audience == audience).order_by(o.id)).all()
    return [(r[0], r[1]) for r in rows]


@pytest.fixture
def two_events(any_desk: Desk) -> Desk:
    seed(any_desk)
    ctx = any_desk.context(Front.shell, "lily")
    any_desk.bus.handle(c.CreateOrder("CUST-001", (c.LineInput("NUT-M8", Decimal(10)),)), ctx)
    any_desk.bus.handle(c.CancelOrder("SO-2026-000001", "duplicate"), ctx)
    return any_desk


def test_delivered_in_order_and_once(two_events: Desk) -> None:
    rec = Recorder()
    dispatcher = Dispatcher(two_events.engine, two_events.clock, {"rec": rec})
    assert dispatcher.run_once() == 2
    assert dispatcher.run_once() == 0
    assert [m.kind for m in rec.sent] == ["order_created", "order_status_changed"]
    assert rec.sent[1].payload["reason"] == "duplicate"
    assert statuses(two_events) == [("sent", 0), ("sent", 0)]


def test_failure_is_retried_later_with_backoff(two_events: Desk) -> None:
    clock = two_events.clock
    assert isinstance(clock, FixedClock)
    rec = Recorder(fail_times=1)
    dispatcher = Dispatcher(two_events.engine, clock, {"rec": rec}, base_delay=timedelta(seconds=10))
    assert dispatcher.run_once() == 1  # the first failed, the second went out
    assert statuses(two_events) == [("pending", 1), ("sent", 0)]
    assert dispatcher.run_once() == 0  # not due yet
    clock.advance(seconds=11)
    assert dispatcher.run_once() == 1
    assert [m.kind for m in rec.sent] == ["order_status_changed", "order_created"]


def test_dead_letter_after_max_attempts(two_events: Desk) -> None:
    clock = two_events.clock
    assert isinstance(clock, FixedClock)
    rec = Recorder(fail_times=100)
    dispatcher = Dispatcher(two_events.engine, clock, {"rec": rec}, max_attempts=3, base_delay=timedelta(seconds=1))
    for _ in range(5):
        dispatcher.run_once()
        clock.advance(minutes=1)
    assert statuses(two_events) == [("dead", 3), ("dead", 3)]


def test_rows_for_audiences_nobody_serves_stay_pending(two_events: Desk) -> None:
    class Nobody(Recorder):
        def accepts(self, audience: str) -> bool:
            return audience.startswith("telegram:")

    assert Dispatcher(two_events.engine, two_events.clock, {"x": Nobody()}).run_once() == 0
    assert statuses(two_events) == [("pending", 0), ("pending", 0)]
    assert statuses(two_events, "customer:CUST-001") == [("pending", 0)]


def test_rows_nobody_here_serves_never_block_the_rest(two_events: Desk) -> None:
    """A Slack-only process: thousands of rows for customers on Telegram must not hide the team's rows."""
    from adapters.sql.outbox import write_events
    from domain.events import OrderShipped

    class TeamOnly(Recorder):
        prefixes = ("channel:",)

    with two_events.engine.begin() as conn:
        shipped = [OrderShipped(f"SO-2026-{i:06d}", "CUST-001", "SF", str(i), "liu") for i in range(5000)]
        write_events(conn, shipped, lambda e: ("customer:CUST-001",), two_events.clock.now())
        write_events(conn, shipped[:1], lambda e: ("channel:orders",), two_events.clock.now())
    rec = TeamOnly()
    assert Dispatcher(two_events.engine, two_events.clock, {"team": rec}).run_once() == 3
    assert [m.audience for m in rec.sent] == ["channel:orders"] * 3
