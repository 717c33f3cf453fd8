"""The outbox: written with the change, delivered by lanes in order, paced, retried with backoff, held in quiet
hours, folded into digests, dead-lettered and sent again — never lost. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from adapters.delivery import DeliveryPolicy, Dispatcher, Pace, QuietHours
from adapters.delivery.pacing import MARGIN
from adapters.sql import tables as t
from adapters.sql.outbox import write_events
from bot.app.bootstrap import Desk
from bot.app.clock import FixedClock
from bot.conversation.delivery import Limit, Notification, RetryLater, Undeliverable
from domain import commands as c
from domain.errors import PermissionDenied
from domain.events import OrderShipped, StockLow
from domain.users import Front
from tests.integration.seed import seed


class Recorder:
    """A transport that records what it was given; it can fail, ask to wait, or refuse for good."""

    prefixes = ("channel:",)

    def __init__(self, fail_times: int = 0, pace: Pace | None = None) -> None:
        self.sent: list[list[Notification]] = []
        self.fail_times = fail_times
        self.retry_after: float | None = None
        self.gone: set[str] = set()
        self.pace = pace

    def accepts(self, audience: str) -> bool:
        return audience.startswith("channel:")

    def limits(self, message: Notification) -> Sequence[Limit]:
        return [Limit(message.audience, self.pace.per_second, self.pace.burst)] if self.pace else []

    def send(self, batch: Sequence[Notification]) -> None:
        if batch[0].audience in self.gone:
            raise Undeliverable("channel_not_found")
        if self.retry_after is not None:
            raise RetryLater(self.retry_after, "rate limited")
        if self.fail_times:
            self.fail_times -= 1
            raise ConnectionError("platform down")
        self.sent.append(list(batch))

    def texts(self, audience: str | None = None) -> list[str]:
        return [m.subject for b in self.sent for m in b if audience in (None, m.audience)]


def statuses(desk: Desk, audience: str = "channel:orders") -> list[tuple[str, int]]:
    o = t.outbox.c
    with desk.engine.connect() as conn:
        rows = conn.execute(select(o.status, o.attempts).where(o.audience == audience).order_by(o.id)).all()
    return [(r[0], r[1]) for r in rows]


def shipped(desk: Desk, numbers: Sequence[int], audience: str = "channel:orders") -> None:
    """Outbox rows as a committed change writes them (one event each, routed to ``audience``)."""
    events = [OrderShipped(f"SO-{i:06d}", "CUST-001", "SF", str(i), "liu") for i in numbers]
    with desk.engine.begin() as conn:
        write_events(conn, events, lambda e: (audience,), desk.clock.now())


def fixed(desk: Desk) -> FixedClock:
    assert isinstance(desk.clock, FixedClock)
    return desk.clock


def dispatcher(desk: Desk, rec: Recorder, **policy: object) -> Dispatcher:
    return Dispatcher(desk.engine, desk.clock, {"rec": rec}, replace(DeliveryPolicy(), **policy))  # type: ignore[arg-type]


@pytest.fixture
def two_events(any_desk: Desk) -> Desk:
    seed(any_desk)
    ctx = any_desk.context(Front.shell, "lily")
    any_desk.bus.handle(c.CreateOrder("CUST-001", (c.LineInput("NUT-M8", Decimal(10)),)), ctx)
    any_desk.bus.handle(c.CancelOrder("SO-2026-000001", "duplicate"), ctx)
    return any_desk


def test_delivered_in_order_and_once(two_events: Desk) -> None:
    rec = Recorder()
    d = dispatcher(two_events, rec)
    assert d.run_once() == 2
    assert d.run_once() == 0
    assert [b[0].kind for b in rec.sent] == ["order_created", "order_status_changed"]
    assert rec.sent[1][0].payload["reason"] == "duplicate"
    assert statuses(two_events) == [("sent", 0), ("sent", 0)]


def test_a_failure_holds_its_lane_with_backoff_and_keeps_the_order(any_desk: Desk) -> None:
    clock = fixed(any_desk)
    shipped(any_desk, [1, 2, 3])
    shipped(any_desk, [9], "channel:stock")
    rec = Recorder(fail_times=1)
    d = dispatcher(any_desk, rec, retry_base=10.0, workers=1)
    assert d.run_once() == 1  # orders failed on its first row and waits; stock went
    assert statuses(any_desk) == [("pending", 1), ("pending", 0), ("pending", 0)]
    assert d.run_once() == 0
    assert d.next_due() == clock.now() + timedelta(seconds=10)
    clock.advance(seconds=10)
    assert d.run_once() == 3
    assert rec.texts("channel:orders") == ["SO-000001", "SO-000002", "SO-000003"]


def test_backoff_doubles_up_to_its_cap(any_desk: Desk) -> None:
    clock = fixed(any_desk)
    shipped(any_desk, [1])
    rec = Recorder(fail_times=5)
    d = dispatcher(any_desk, rec, retry_base=5.0, retry_max=15.0)
    waits = []
    for _ in range(4):
        d.run_once()
        due = d.next_due()
        assert due is not None
        waits.append((due - clock.now()).total_seconds())
        clock.at = due
    assert waits == [5.0, 10.0, 15.0, 15.0]


def test_dead_letter_after_max_attempts_then_the_lane_goes_on(any_desk: Desk) -> None:
    clock = fixed(any_desk)
    shipped(any_desk, [1, 2])
    rec = Recorder(fail_times=3)
    d = dispatcher(any_desk, rec, max_attempts=3, retry_base=1.0)
    for _ in range(5):
        d.run_once()
        clock.advance(minutes=1)
    assert statuses(any_desk) == [("dead", 3), ("sent", 0)]
    assert rec.texts() == ["SO-000002"]


def test_retry_after_is_honoured_and_is_not_a_failed_try(any_desk: Desk) -> None:
    clock = fixed(any_desk)
    shipped(any_desk, [1, 2])
    rec = Recorder()
    rec.retry_after = 30
    d = dispatcher(any_desk, rec, max_attempts=1)
    assert d.run_once() == 0
    assert statuses(any_desk) == [("pending", 0), ("pending", 0)]  # not dead though max_attempts is 1
    rec.retry_after = None
    clock.advance(seconds=29)
    assert d.run_once() == 0
    clock.advance(seconds=1)
    assert d.run_once() == 2


def test_undeliverable_is_dead_at_once_and_others_go_on(any_desk: Desk) -> None:
    shipped(any_desk, [1], "channel:gone")
    shipped(any_desk, [2])
    rec = Recorder()
    rec.gone = {"channel:gone"}
    assert dispatcher(any_desk, rec).run_once() == 1
    assert statuses(any_desk, "channel:gone") == [("dead", 1)]
    assert rec.texts() == ["SO-000002"]


def test_pacing_queues_a_burst_instead_of_failing(any_desk: Desk) -> None:
    clock = fixed(any_desk)
    shipped(any_desk, range(1, 8))
    rec = Recorder(pace=Pace(1.0, 3))
    d = dispatcher(any_desk, rec, digest_kinds=frozenset())
    assert d.run_once() == 3  # the burst
    assert d.run_once() == 0
    assert d.next_due() == clock.now() + timedelta(seconds=1 + MARGIN)
    for _ in range(4):
        clock.at = d.next_due() or clock.now()
        assert d.run_once() == 1  # then one a second
    assert rec.texts() == [f"SO-{i:06d}" for i in range(1, 8)]


def test_two_dispatchers_keep_one_pace_for_a_channel(any_desk: Desk) -> None:
    """Two processes (two dispatchers, each with its own pacer) taking turns on one channel: the second
    goes on from the first's schedule instead of starting a burst of its own, which Slack would answer 429."""
    clock = fixed(any_desk)
    shipped(any_desk, range(1, 10))
    rec = Recorder(pace=Pace(1.0, 3))
    first, second = (dispatcher(any_desk, rec, digest_kinds=frozenset(), workers=1) for _ in range(2))
    sends: list[float] = []
    for turn in range(12):
        d = (first, second)[turn % 2]
        for _ in range(d.run_once()):
            sends.append(clock.now().timestamp())
        clock.at = d.next_due() or clock.now()
    assert rec.texts() == [f"SO-{i:06d}" for i in range(1, 10)]
    # Slack's bucket (1 a second, 3 at most) never runs dry: the n-th send is at least n - 3 seconds after the first
    assert all(t - sends[0] >= n - 3 for n, t in enumerate(sends, start=1) if n > 3), sends


def test_a_burst_of_one_kind_becomes_one_digest(any_desk: Desk) -> None:
    lows = [StockLow(f"SKU-{i:02d}", Decimal(1), Decimal(10), Decimal(20), "MAIN") for i in range(40)]
    with any_desk.engine.begin() as conn:
        write_events(conn, lows, lambda e: ("channel:stock",), any_desk.clock.now())
    shipped(any_desk, [1], "channel:stock")
    rec = Recorder()
    assert dispatcher(any_desk, rec).run_once() == 41
    assert [len(b) for b in rec.sent] == [40, 1]  # the digest, then the next kind on its own
    assert [m.subject for m in rec.sent[0]] == [f"SKU-{i:02d}" for i in range(40)]


def test_quiet_hours_hold_what_is_not_urgent_until_morning(any_desk: Desk) -> None:
    clock = fixed(any_desk)
    zone = ZoneInfo("Asia/Shanghai")
    clock.at = clock.at.replace(hour=15)  # 23:00 in Shanghai
    shipped(any_desk, [1])
    with any_desk.engine.begin() as conn:
        from domain.alert_events import ApprovalEscalated

        urgent = ApprovalEscalated("CR-1", "SO-000001", "CUST-001", ("finance",), 30, "sales_manager")
        write_events(conn, [urgent], lambda e: ("channel:orders",), clock.now())
    rec = Recorder()
    quiet = QuietHours(time(22, 0), time(7, 0), zone)
    d = dispatcher(any_desk, rec, quiet=quiet)
    assert d.run_once() == 1
    assert [b[0].kind for b in rec.sent] == ["alert_approval_escalated"]
    morning = clock.now().astimezone(zone).replace(hour=7, minute=0) + timedelta(days=1)
    assert d.next_due() == morning
    clock.at = morning
    assert d.run_once() == 1
    assert [b[0].kind for b in rec.sent] == ["alert_approval_escalated", "order_shipped"]


def test_rows_nobody_here_serves_never_block_the_rest(two_events: Desk) -> None:
    """A Slack-only process: thousands of rows for customers on Telegram must not hide the team's rows."""
    shipped(two_events, range(5000), "customer:CUST-001")
    shipped(two_events, [1])
    rec = Recorder()
    assert dispatcher(two_events, rec).run_once() == 3
    assert {b[0].audience for b in rec.sent} == {"channel:orders"}
    assert statuses(two_events, "customer:CUST-001")[-1] == ("pending", 0)


def test_admin_lists_dead_letters_and_sends_them_again(two_events: Desk) -> None:
    clock = fixed(two_events)
    rec = Recorder(fail_times=2)
    d = dispatcher(two_events, rec, max_attempts=1)
    d.run_once()
    admin = two_events.context(Front.shell, "admin")
    view = two_events.bus.handle(c.ListDeadLetters(), admin)
    assert [r.kind for r in view.rows] == ["order_status_changed", "order_created"]  # newest first
    assert view.backlog.dead == 2
    assert "platform down" in view.rows[0].last_error
    with pytest.raises(PermissionDenied):
        two_events.bus.handle(c.RetryDeadLetters(), two_events.context(Front.shell, "lily"))
    done = two_events.bus.handle(c.RetryDeadLetters((view.rows[1].id,)), admin)
    assert done.params["count"] == 1
    clock.advance(minutes=1)
    assert d.run_once() == 1
    assert rec.texts() == ["SO-2026-000001"]
    assert two_events.bus.handle(c.RetryDeadLetters(), admin).params["count"] == 1
    assert d.run_once() == 1
    with two_events.uow(readonly=True) as uow:
        assert [e.action for e in uow.history.audit_of("outbox")] == ["outbox_retry", "outbox_retry"]


def test_a_lane_leased_by_a_dead_dispatcher_is_taken_over_after_its_lease(any_desk: Desk) -> None:
    from adapters.sql import lanes

    clock = fixed(any_desk)
    shipped(any_desk, [1])
    with any_desk.engine.begin() as conn:  # a dispatcher took the lane, then its process died
        assert lanes.claim_lanes(conn, clock.now(), "dead-one", timedelta(seconds=60), ("channel:",), bool) == [
            "channel:orders"
        ]
    rec = Recorder()
    d = dispatcher(any_desk, rec, lease=60.0)
    assert d.run_once() == 0
    clock.advance(seconds=60)
    assert d.run_once() == 1


def test_a_fan_out_resumes_where_it_failed(any_desk: Desk) -> None:
    from adapters.sql.fanout import FanOut

    shipped(any_desk, [1], "role:warehouse")
    with any_desk.engine.connect() as conn:
        row_id = conn.execute(select(t.outbox.c.id)).scalar_one()
    reached: list[str] = []

    def send(target: str) -> None:
        if target == "b" and "b-failed" not in reached:
            reached.append("b-failed")
            raise ConnectionError("down")
        reached.append(target)

    fan = FanOut(any_desk.engine)
    with pytest.raises(ConnectionError):
        fan.each(row_id, ["a", "b", "c"], str, send)
    fan.each(row_id, ["a", "b", "c"], str, send)
    assert reached == ["a", "b-failed", "b", "c"]


def test_a_digest_retried_after_failing_half_way_still_reaches_everyone_with_everything(any_desk: Desk) -> None:
    """A digest to two people fails after the first; a new row arrives before the retry. The retry must not
    fold the new row into what the first person was already sent, or they would never see it."""
    from adapters.sql.fanout import FanOut

    clock = fixed(any_desk)
    fan, seen = FanOut(any_desk.engine), {"a": set(), "b": set()}  # type: ignore[var-annotated]

    class TwoPeople(Recorder):
        def send(self, batch: Sequence[Notification]) -> None:
            def push(person: str) -> None:
                if person == "b" and self.fail_times:
                    self.fail_times -= 1
                    raise ConnectionError("down")
                seen[person] |= {m.subject for m in batch}

            fan.each(batch[0].id, ["a", "b"], str, push)

    def low(i: int) -> None:
        with any_desk.engine.begin() as conn:
            row = StockLow(f"SKU-{i}", Decimal(1), Decimal(10), Decimal(20), "MAIN")
            write_events(conn, [row], lambda e: ("channel:stock",), clock.now())

    low(0), low(1)
    d = dispatcher(any_desk, TwoPeople(fail_times=1))
    assert d.run_once() == 0  # a got the digest of two, b failed
    low(2)
    clock.advance(seconds=10)
    while d.run_once():
        pass
    assert seen == {"a": {"SKU-0", "SKU-1", "SKU-2"}, "b": {"SKU-0", "SKU-1", "SKU-2"}}
