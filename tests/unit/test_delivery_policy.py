"""Pacing, quiet hours, and the [delivery] / [scheduler] / [alerts] sections of orderbot.toml."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from adapters.delivery.pacing import MARGIN, Pacer
from adapters.delivery.policy import DeliveryPolicy, QuietHours
from bot.app.config import ConfigError, load_settings
from bot.conversation.delivery import Limit
from domain.lifecycle import Status
from domain.users import Role

T = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)
SHANGHAI = ZoneInfo("Asia/Shanghai")


def test_a_burst_goes_at_once_then_one_per_interval() -> None:
    pacer, lim = Pacer(), [Limit("slack:C1", 1.0, 3)]
    assert [pacer.reserve(lim, T) for _ in range(3)] == [0, 0, 0]
    # a send that must wait waits a little longer than the schedule says (see MARGIN)
    assert pacer.reserve(lim, T) == pytest.approx(1.0 + MARGIN)
    assert pacer.reserve(lim, T + timedelta(seconds=0.5)) == pytest.approx(0.5 + MARGIN)
    assert pacer.reserve(lim, T + timedelta(seconds=1)) == 0
    assert pacer.reserve(lim, T + timedelta(seconds=1)) == pytest.approx(1.0 + MARGIN)
    # a quiet minute refills the burst, never more
    later = T + timedelta(minutes=1)
    assert [pacer.reserve(lim, later) for _ in range(4)] == [0, 0, 0, pytest.approx(1.0 + MARGIN)]


def test_all_limits_of_a_send_are_taken_or_none() -> None:
    pacer = Pacer()
    chat, bot = Limit("tg:1", 1.0, 1), Limit("tg:bot", 30.0, 30)
    assert pacer.reserve([chat, bot], T) == 0
    assert pacer.reserve([chat, bot], T) == pytest.approx(1.0 + MARGIN)  # the chat is full: the bot's token is kept
    assert all(pacer.reserve([Limit(f"tg:{i}", 1.0, 1), bot], T) == 0 for i in range(2, 31))
    # the bot's 30 a second are used up: the next chat waits for the bot, not for itself
    assert pacer.reserve([Limit("tg:99", 1.0, 1), bot], T) == pytest.approx(1 / 30 + MARGIN, abs=1e-4)


def test_a_send_to_many_chats_costs_as_many_tokens() -> None:
    pacer = Pacer()
    assert pacer.reserve([Limit("tg:bot", 30.0, 30, cost=25)], T) == 0
    assert pacer.reserve([Limit("tg:bot", 30.0, 30, cost=10)], T) == pytest.approx(5 / 30 + MARGIN, abs=1e-4)


def test_a_lane_taken_over_goes_on_from_the_schedule_it_carries() -> None:
    first, second, lim = Pacer(), Pacer(), [Limit("slack:C1", 1.0, 3)]
    assert [first.reserve(lim, T) for _ in range(3)] == [0, 0, 0]
    left = first.schedule(["slack:C1", "slack:C2"], T)
    assert left == {"slack:C1": T.timestamp() + 3}  # C2 was never booked: nothing to carry
    second.adopt(left)
    assert second.reserve(lim, T) == pytest.approx(1.0 + MARGIN)  # no fresh burst in the other process
    assert first.schedule(["slack:C1"], T + timedelta(seconds=5)) == {}  # a schedule in the past binds nobody
    second.adopt({"slack:C1": T.timestamp()})  # an older schedule never loosens a newer one
    assert second.reserve(lim, T) == pytest.approx(1.0 + MARGIN)


@pytest.mark.parametrize(
    ("local", "until"),
    [
        ("2026-11-22 22:30", "2026-11-23 07:00"),
        ("2026-11-23 06:59", "2026-11-23 07:00"),
        ("2026-11-23 07:00", None),
        ("2026-11-22 21:59", None),
        ("2026-11-22 12:00", None),
    ],
)
def test_quiet_hours_across_midnight(local: str, until: str | None) -> None:
    quiet = QuietHours(time(22, 0), time(7, 0), SHANGHAI)
    now = datetime.fromisoformat(local).replace(tzinfo=SHANGHAI).astimezone(UTC)
    expected = datetime.fromisoformat(until).replace(tzinfo=SHANGHAI) if until else None
    assert quiet.until(now) == expected


def test_quiet_hours_within_a_day() -> None:
    quiet = QuietHours(time(12, 0), time(13, 30), SHANGHAI)
    noon = datetime(2026, 11, 22, 12, 15, tzinfo=SHANGHAI)
    assert quiet.until(noon) == datetime(2026, 11, 22, 13, 30, tzinfo=SHANGHAI)
    assert quiet.until(noon + timedelta(hours=2)) is None


def test_backoff_doubles_and_is_capped() -> None:
    p = DeliveryPolicy(retry_base=5, retry_max=60)
    assert [p.backoff(n) for n in range(1, 7)] == [5, 10, 20, 40, 60, 60]


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "orderbot.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_delivery_scheduler_and_alerts_from_the_config(tmp_path: Path) -> None:
    s = load_settings(
        write(
            tmp_path,
            """
[delivery]
max_attempts = 4
quiet_hours = "22:00-07:30"
urgent = ["alert_overdue"]
slack_per_channel = 0.5
slack_burst = 2
keep_sent_days = 0
[scheduler]
every_seconds = 30
[alerts]
due_soon_days = 0
approval_remind_hours = 2
approval_escalate_hours = 6
escalate_to = { finance = "admin" }
summary_at = ""
stock_digest_at = 07:45:00
summary_channels = { orders = "*", "CUST-001" = "CUST-001" }
[alerts.stages]
pending_confirmation = { hours = 12 }
ready = { hours = 0 }
in_production = { hours = 240, role = "production" }
""",
        ),
        env={},
    )
    d, a = s.delivery, s.alerts
    assert d.max_attempts == 4 and d.urgent == {"alert_overdue"}
    assert d.quiet is not None and (d.quiet.start, d.quiet.end) == (time(22), time(7, 30))
    assert (d.slack_channel.per_second, d.slack_channel.burst) == (0.5, 2)
    assert d.keep_sent_days == 0
    assert s.scheduler.every == 30 and s.scheduler.enabled
    assert a.due_soon_days == 0 and a.summary_at is None and a.stock_digest_at == time(7, 45)
    assert a.escalation_for(Role.finance) is Role.admin and a.escalation_for(Role.production) is Role.sales_manager
    assert a.stages[Status.pending_confirmation].hours == 12
    assert a.stages[Status.pending_confirmation].role is Role.sales_manager  # kept from the defaults
    assert Status.ready not in a.stages  # 0 hours: off
    assert a.stages[Status.in_production].role is Role.production
    assert a.summary_channels == {"orders": "*", "CUST-001": "CUST-001"}
    assert a.timezone == s.timezone


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("[delivery]\nretries = 3", "unknown key delivery.retries"),
        ('[delivery]\nquiet_hours = "late"', "quiet_hours"),
        ('[delivery]\nquiet_hours = "22:00-22:00"', "quiet_hours"),
        ("[delivery]\nmax_attempts = 0", "delivery.max_attempts"),
        ('[delivery]\nurgent = "alert_overdue"', "delivery.urgent"),
        ("[delivery]\nkeep_sent_days = -1", "delivery.keep_sent_days"),
        ("[scheduler]\nevery_seconds = -1", "scheduler.every_seconds"),
        ('[alerts]\nsummary_at = "six"', "alerts.summary_at"),
        ("[alerts]\napproval_remind_hours = 10\napproval_escalate_hours = 5", "approval_escalate_hours"),
        ('[alerts]\nescalate_to = { finance = "boss" }', "not a role"),
        ("[alerts.stages]\nshipping = { hours = 3 }", "not a stage"),
        ('[alerts.stages]\nready = { role = "warehouse" }', "alerts.stages.ready"),
        ("[alerts]\nsummary_channels = { orders = 1 }", "summary_channels"),
    ],
)
def test_bad_settings_are_refused_with_a_reason(tmp_path: Path, text: str, says: str) -> None:
    with pytest.raises(ConfigError) as err:
        load_settings(write(tmp_path, text), env={})
    assert says in str(err.value)
