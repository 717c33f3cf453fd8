"""How notifications are delivered, from orderbot.toml [delivery]: retries, pacing, quiet hours, digests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

# Kinds folded into one message when several wait for one destination: a list reads better than a flood.
DIGEST_KINDS = frozenset(
    {
        "stock_low",
        "stock_recovered",
        "alert_overdue",
        "alert_due_soon",
        "alert_stage_sla",
        "alert_approval_waiting",
        "alert_approval_escalated",
        "alert_cleared",
        "order_backordered",
        "order_stock_complete",
    }
)


@dataclass(frozen=True)
class Pace:
    per_second: float
    burst: int


@dataclass(frozen=True)
class QuietHours:
    """A nightly window in the configured timezone (it may cross midnight) when only urgent kinds go out."""

    start: time
    end: time
    zone: ZoneInfo

    def until(self, now: datetime) -> datetime | None:
        """The end of the quiet window ``now`` is in, as UTC; None outside it."""
        local = now.astimezone(self.zone)
        t = local.time()
        crosses = self.start > self.end
        inside = (t >= self.start or t < self.end) if crosses else (self.start <= t < self.end)
        if not inside:
            return None
        day = local.date() + timedelta(days=1) if crosses and t >= self.start else local.date()
        return datetime.combine(day, self.end, self.zone).astimezone(now.tzinfo)


@dataclass(frozen=True)
class DeliveryPolicy:
    max_attempts: int = 12  # failed tries before a row is dead-lettered (`admin outbox`): about an hour
    retry_base: float = 5.0  # seconds before the first retry; doubled each try ...
    retry_max: float = 600.0  # ... up to this
    lease: float = 60.0  # seconds a dispatcher holds a lane before another may take it over
    quiet: QuietHours | None = None
    urgent: frozenset[str] = frozenset({"alert_approval_escalated"})
    digest_min: int = 2  # this many rows of one digest kind waiting for one destination become one message
    digest_max: int = 50
    digest_kinds: frozenset[str] = DIGEST_KINDS
    slack_channel: Pace = Pace(1.0, 3)  # Slack: about one message a second per channel, short bursts
    telegram_chat: Pace = Pace(1.0, 3)  # Telegram: about one a second per chat ...
    telegram_group: Pace = Pace(20 / 60, 3)  # ... twenty a minute in a group ...
    telegram_bot: Pace = Pace(30.0, 30)  # ... thirty a second for the whole bot
    workers: int = 8  # lanes delivered at once
    lanes_per_pass: int = 100
    rows_per_lane: int = 50
    keep_sent_days: int = 30  # sent notifications are deleted after this many days (0: kept for good)
    # a notification that waited this long for a transport (a customer's, before Telegram was configured) is not
    # sent when one comes: it is marked expired instead (0: send them all, however old)
    stale_days: int = 7
    presence: float = 300.0  # seconds a delivering process counts as alive after its last heartbeat

    def backoff(self, tries: int) -> float:
        return float(min(self.retry_max, self.retry_base * 2 ** max(0, tries - 1)))
