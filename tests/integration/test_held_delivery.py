"""A platform that is not up yet (Slack unreachable at start, a token being fixed) leaves its outbox lanes alone:
not claimed, not leased, not counted as due (so the loop does not spin), no try spent; the other platform's lanes
go; the moment it is up, its notifications go, in order. On SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select

from adapters.delivery import DeliveryPolicy, Dispatcher
from adapters.sql import tables as t
from bot.app.bootstrap import Desk
from bot.app.health import Health, HeldTransport
from tests.integration.test_outbox import Recorder, shipped, statuses


class CustomerRecorder(Recorder):
    prefixes = ("customer:",)

    def accepts(self, audience: str) -> bool:
        return audience.startswith("customer:")


def test_a_degraded_platform_keeps_its_rows_untouched_until_it_is_up(any_desk: Desk) -> None:
    shipped(any_desk, [1, 2])
    shipped(any_desk, [3], "customer:CUST-001")
    health, slack, telegram = Health(), Recorder(), CustomerRecorder()
    health.set("slack", False, "Slack cannot be reached")
    health.set("telegram", True)
    transports = {
        "slack": HeldTransport(slack, health, "slack"),
        "telegram": HeldTransport(telegram, health, "telegram"),
    }
    d = Dispatcher(any_desk.engine, any_desk.clock, transports, replace(DeliveryPolicy(), workers=1))  # type: ignore[arg-type]

    assert d.run_once() == 1  # Telegram's row went
    assert telegram.texts() == ["SO-000003"] and slack.sent == []
    assert d.run_once() == 0
    assert d.next_due() is None  # nothing of Slack's is "due" for the loop to spin on
    assert statuses(any_desk) == [("pending", 0), ("pending", 0)]  # no try spent
    with any_desk.engine.connect() as conn:
        lane = t.outbox_lanes.c
        leased = conn.execute(select(lane.leased_by).where(lane.audience == "channel:orders")).scalar_one_or_none()
    assert not leased  # not even leased

    health.set("slack", True)
    assert d.run_once() == 2
    assert slack.texts() == ["SO-000001", "SO-000002"]
    assert statuses(any_desk) == [("sent", 0), ("sent", 0)]
