"""The alerts of the stories, end to end: a new order left unconfirmed past its 24 h, a product falling below
safety stock, an approval nobody gives — each reaches the right Slack channel (and the right people's DMs)
exactly once, however often the scheduler runs, through the real bolt app, scheduler, dispatcher and
Slack transport against the fake Slack Web API."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from bot.app.clock import FixedClock
from bot.app.config_alerts import SchedulerSettings
from bot.app.scheduler import Scheduler
from domain import commands as c
from domain.alerts import AlertPolicy
from domain.commands import ChangeInput, LineInput
from tests.slack.fake_api import FakeSlack
from tests.slack.world import CHANNELS, SLACK_IDS, World, slack_world

ALERTS, STOCK = "C0ALERTS", "C0STOCK"
# no morning digest or evening summary here: this test counts the alerts themselves
POLICY = AlertPolicy(summary_at=None, stock_digest_at=None)


@pytest.fixture
def world(tmp_path: Path, fake_slack: FakeSlack) -> Iterator[World]:
    channels = {**CHANNELS, "alerts": ALERTS, "stock": STOCK}
    with slack_world(tmp_path, fake_slack, slack_channels=channels, alerts=POLICY) as w:
        with w.desk.uow() as uow:
            washer = uow.products.get("WASHER-M8")
            assert washer is not None
            washer.safety_stock = Decimal(99_500)  # 100 000 on hand: one order of 1 000 crosses it
            uow.commit()
        yield w


def posts(fake: FakeSlack, channel: str, mark: str) -> list[str]:
    return [text for text in fake.posted_to(channel) if mark in text]


def test_each_alert_arrives_once_in_the_right_place(world: World) -> None:
    clock = world.desk.clock
    assert isinstance(clock, FixedClock)
    due = date(2026, 12, 20)
    # a new order, submitted for confirmation and then forgotten
    world.slash("lily", "new CUST-001 NUT-M8 10 due 2026-12-20", key="new")
    world.changed()
    forgotten = "SO-2026-000001"
    world.slash("lily", f"submit {forgotten}", key="submit")
    world.changed()
    # an order whose confirmation takes the washers below their safety stock
    crossing = str(
        world.bus("lily", c.CreateOrder("CUST-001", (LineInput("WASHER-M8", Decimal(1000)),), due)).order.number
    )
    world.slash("lily", f"confirm {crossing}", key="confirm")
    world.changed()
    # a change request waiting for the sales manager (wang), who never decides
    cr = world.bus(
        "lily", c.RequestChange(crossing, (ChangeInput("quantity", "WASHER", quantity=Decimal(900)),), "less needed")
    ).cr.number
    world.deliver()

    scheduler = Scheduler(world.desk, SchedulerSettings(), holder="test", on_change=world.runtime.loop.wake)
    assert scheduler.lead()
    start = clock.now()
    for hours in (0, 1, 9, 10, 20, 25, 26, 30, 48):  # many runs of the scans over two days
        clock.at = start + timedelta(hours=hours)
        scheduler.tick()
        world.deliver()

    fake, wang, admin = world.fake, SLACK_IDS["wang"], "U0ADMIN"
    # the stage past its 24 h: the alerts channel, and the stage's owner role (sales managers) by DM
    assert len(posts(fake, ALERTS, forgotten)) == 1 and "🐢" in posts(fake, ALERTS, forgotten)[0]
    assert len([t for t in posts(fake, wang, forgotten) if "🐢" in t]) == 1
    # the safety-stock crossing: the stock channel, once (the scans found nothing new to say)
    assert len(posts(fake, STOCK, "WASHER-M8")) == 1
    assert "99000" in posts(fake, STOCK, "WASHER-M8")[0]
    # the approval: a reminder to wang after 8 h, escalation to the approvals channel and the admins after 24 h
    assert len([t for t in posts(fake, wang, cr) if "⌛" in t]) == 1
    assert len([t for t in posts(fake, CHANNELS["approvals"], cr) if "🚨" in t]) == 1
    assert len([t for t in posts(fake, admin, cr) if "🚨" in t]) == 1
    # nothing else about them anywhere: no second copy of any alert
    everything = [text for _, text in fake.posted]
    assert len([t for t in everything if "🐢" in t]) == 2
    assert len([t for t in everything if "⌛" in t]) == 1 and len([t for t in everything if "🚨" in t]) == 2

    # confirmed at last: the alerts channel hears that it moved on, once
    world.bus("lily", c.ConfirmOrder(forgotten))
    for hours in (49, 50):
        clock.at = start + timedelta(hours=hours)
        scheduler.tick()
        world.deliver()
    cleared = [t for t in posts(fake, ALERTS, forgotten) if "✅" in t]
    assert len(cleared) == 1
    scheduler.stop()
