"""Delivering to Slack through the real transport and the fake Web API: digests, a role's DMs, pacing to
Slack's limit, a channel that no longer exists."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from adapters.delivery import DeliveryPolicy, Dispatcher, Pace
from adapters.delivery.pacing import MARGIN
from adapters.sql import tables as t
from adapters.sql.outbox import write_events
from bot.app.clock import FixedClock
from domain.alert_events import StageOverdue
from domain.events import OrderShipped, StockLow
from domain.users import Role
from tests.slack.fake_api import Call, FakeSlack
from tests.slack.world import CHANNELS, SLACK_IDS, World, slack_world

STOCK = "C0STOCK"


@pytest.fixture
def world(tmp_path: Path, fake_slack: FakeSlack) -> Iterator[World]:
    with slack_world(tmp_path, fake_slack, slack_channels={**CHANNELS, "stock": STOCK, "gone": "C0GONE"}) as w:
        yield w


def write(world: World, events: list, audience: str) -> None:  # type: ignore[type-arg]
    with world.desk.engine.begin() as conn:
        write_events(conn, events, lambda e: (audience,), world.desk.clock.now())


def test_forty_low_stock_items_are_one_message(world: World) -> None:
    lows = [StockLow(f"SKU-{i:02d}", Decimal(1), Decimal(10), Decimal(20), "MAIN") for i in range(40)]
    write(world, lows, "channel:stock")
    assert world.deliver() == 40
    (text,) = world.fake.posted_to(STOCK)
    assert len(text.splitlines()) == 41 and "40" in text.splitlines()[0] and "SKU-39" in text


def test_a_role_is_everyone_holding_it_by_dm(world: World) -> None:
    write(world, [StageOverdue("SO-2026-000009", "CUST-001", "lily", "ready", 50, 48, "warehouse")], "role:warehouse")
    assert world.deliver() == 1
    assert [ch for ch, _ in world.fake.posted] == [SLACK_IDS["liu"]]  # liu is the warehouse
    assert "SO-2026-000009" in world.fake.posted[0][1]


def test_a_channel_that_is_gone_is_dead_lettered_at_once_and_the_rest_goes_on(world: World) -> None:
    world.fake.fail("chat.postMessage", error="channel_not_found", channel="C0GONE")
    write(world, [OrderShipped("SO-2026-000001", "CUST-001", "SF", "1", "liu")], "channel:gone")
    write(world, [OrderShipped("SO-2026-000002", "CUST-001", "SF", "2", "liu")], "channel:orders")
    assert world.deliver() == 1
    o = t.outbox.c
    with world.desk.engine.connect() as conn:
        rows = conn.execute(select(o.audience, o.status, o.last_error).order_by(o.id)).all()
    assert [(r.audience, r.status) for r in rows] == [("channel:gone", "dead"), ("channel:orders", "sent")]
    assert "channel_not_found" in rows[0].last_error


def test_slacks_limit_is_kept_by_queueing_not_by_429s(world: World) -> None:
    """Slack's own limit, played by the fake on the test's clock: what the dispatcher sends never earns a 429."""
    clock = world.desk.clock
    assert isinstance(clock, FixedClock)
    world.fake.rate_limit(1.0, 3, clock=lambda: clock.now().timestamp())
    transport = world.runtime.dispatcher.transports["slack"]
    dispatcher = Dispatcher(world.desk.engine, clock, {"slack": transport}, replace(DeliveryPolicy(), workers=1))
    transport.pace = Pace(1.0, 3)  # type: ignore[attr-defined]
    write(
        world, [OrderShipped(f"SO-2026-{i:06d}", "CUST-001", "SF", str(i), "liu") for i in range(12)], "channel:orders"
    )
    start = clock.now()
    sent = dispatcher.run_once()
    while sent < 12:
        due = dispatcher.next_due()
        assert due is not None
        clock.at = due
        sent += dispatcher.run_once()
    assert world.fake.rate_limited == 0
    texts = world.fake.posted_to(CHANNELS["orders"])
    assert [re.search(r"SO-2026-\d{6}", x).group(0) for x in texts] == [f"SO-2026-{i:06d}" for i in range(12)]  # type: ignore[union-attr]
    # 3 at once, then one a second: the limit's floor, each paced send a margin after its slot
    assert timedelta(seconds=9) < clock.now() - start <= timedelta(seconds=9 + MARGIN)


def test_a_role_dm_that_failed_half_way_reaches_only_the_rest_on_the_retry(world: World) -> None:
    with world.desk.uow() as uow:
        lily = uow.users.get("lily")
        assert lily is not None
        lily.roles = lily.roles | {Role.warehouse}  # lily and liu are the warehouse now
        uow.commit()
    calls = {"n": 0}

    def second_fails(call: Call) -> dict[str, object]:
        calls["n"] += 1
        if calls["n"] == 2:
            return {"ok": False, "error": "fatal_error"}
        return {"ok": True, "channel": call.params["channel"], "ts": f"1700000000.{calls['n']:06d}"}

    world.fake.on("chat.postMessage", second_fails)
    write(world, [StageOverdue("SO-2026-000009", "CUST-001", "lily", "ready", 50, 48, "warehouse")], "role:warehouse")
    assert world.deliver() == 0  # lily got it, liu's failed: the row waits
    clock = world.desk.clock
    assert isinstance(clock, FixedClock)
    clock.advance(seconds=10)
    assert world.deliver() == 1
    assert [ch for ch, _ in world.fake.posted] == [SLACK_IDS["lily"], SLACK_IDS["liu"]]  # lily once, liu once


def test_one_member_who_cannot_be_reached_does_not_stop_a_roles_message(world: World) -> None:
    with world.desk.uow() as uow:
        lily = uow.users.get("lily")
        assert lily is not None
        lily.roles = lily.roles | {Role.warehouse}  # lily and liu are the warehouse now
        uow.commit()
    world.fake.fail("chat.postMessage", error="user_disabled", channel=SLACK_IDS["lily"])
    write(world, [StageOverdue("SO-2026-000009", "CUST-001", "lily", "ready", 50, 48, "warehouse")], "role:warehouse")
    assert world.deliver() == 1  # sent: liu has it, lily's account is gone
    assert [ch for ch, _ in world.fake.posted] == [SLACK_IDS["liu"]]
    o = t.outbox.c
    with world.desk.engine.connect() as conn:
        assert conn.execute(select(o.status)).scalars().all() == ["sent"]
