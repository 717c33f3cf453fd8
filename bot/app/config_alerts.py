"""orderbot.toml [delivery], [scheduler] and [alerts]: how notifications go out, when the scans run, and
what they watch. Every value is checked at start-up; a wrong one is a one-line reason, not a traceback."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import time
from typing import Any
from zoneinfo import ZoneInfo

from adapters.delivery.policy import DIGEST_KINDS, DeliveryPolicy, Pace, QuietHours
from domain.alerts import DEFAULT_ESCALATION, DEFAULT_STAGES, AlertPolicy, StageSla
from domain.errors import OrderbotError
from domain.lifecycle import Status
from domain.users import Role


class ConfigError(OrderbotError):
    """A wrong setting: ``code`` names its message in the catalogs (``cfg_…``, said in the reader's language),
    ``params`` fill it; a sentence that is no catalog key is the detail of the general ``config_error``."""

    code = "config_error"
    default = "Configuration problem: {detail}"

    def __init__(self, code: str, /, **params: Any) -> None:
        if params or code.startswith("cfg_"):
            super().__init__(code, **params)
        else:
            super().__init__("config_error", detail=code)

    def english(self) -> str:
        from bot.conversation.i18n import Translator  # the catalogs say it in English too (logs, str(err))

        return Translator("en", ZoneInfo("UTC"))(self.code, **self.params)


@dataclass(frozen=True)
class SchedulerSettings:
    enabled: bool = True
    every: float = 60.0  # seconds between runs of the scans
    leader_every: float = 10.0  # seconds between a standby's tries to take over (and the holder's renewal)
    lease: float = 30.0  # SQLite: seconds a silent holder keeps the scheduler before another takes over


DELIVERY_KEYS = {
    "max_attempts", "retry_base_seconds", "retry_max_seconds", "lease_seconds", "quiet_hours", "urgent",
    "digest_min", "digest_kinds", "slack_per_channel", "slack_burst", "telegram_per_chat",
    "telegram_per_group_minute", "telegram_per_bot", "workers", "keep_sent_days", "stale_days",
}  # fmt: skip
SCHEDULER_KEYS = {"enabled", "every_seconds", "leader_seconds", "lease_seconds"}
ALERT_KEYS = {
    "due_soon_days", "approval_remind_hours", "approval_escalate_hours", "escalate_to", "summary_at",
    "summary_channels", "stock_digest_at", "stages",
}  # fmt: skip


def _number(data: dict[str, Any], key: str, default: float, section: str, minimum: float = 0.0) -> float:
    value = data.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value < minimum:
        raise ConfigError("cfg_number", key=f"{section}.{key}", minimum=minimum, value=value)
    return float(value)


def _clock_time(value: Any, name: str) -> time | None:
    if value in ("", None, False):
        return None
    if isinstance(value, time):  # a TOML local time (summary_at = 18:00:00) arrives as one already
        return value
    try:
        hours, minutes = str(value).split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        raise ConfigError("cfg_time", key=name, value=value) from None


def _kinds(value: Any, name: str) -> frozenset[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError("cfg_kinds", key=name)
    return frozenset(value)


def delivery_policy(data: dict[str, Any], timezone: str) -> DeliveryPolicy:
    d, s = DeliveryPolicy(), "delivery"
    quiet = None
    raw = data.get("quiet_hours", "")
    if raw:
        start, _, end = str(raw).partition("-")
        first, last = (_clock_time(part.strip(), "delivery.quiet_hours") for part in (start, end))
        if first is None or last is None or first == last:
            raise ConfigError("cfg_quiet_hours", value=raw)
        quiet = QuietHours(first, last, ZoneInfo(timezone))
    burst = int(_number(data, "slack_burst", d.slack_channel.burst, s, 1))
    per_bot = _number(data, "telegram_per_bot", d.telegram_bot.per_second, s, 1)
    return DeliveryPolicy(
        max_attempts=int(_number(data, "max_attempts", d.max_attempts, s, 1)),
        retry_base=_number(data, "retry_base_seconds", d.retry_base, s, 0.1),
        retry_max=_number(data, "retry_max_seconds", d.retry_max, s, 1),
        lease=_number(data, "lease_seconds", d.lease, s, 5),
        quiet=quiet,
        urgent=_kinds(data["urgent"], "delivery.urgent") if "urgent" in data else d.urgent,
        digest_min=int(_number(data, "digest_min", d.digest_min, s, 2)),
        digest_kinds=_kinds(data["digest_kinds"], "delivery.digest_kinds") if "digest_kinds" in data else DIGEST_KINDS,
        slack_channel=Pace(_number(data, "slack_per_channel", d.slack_channel.per_second, s, 0.01), burst),
        telegram_chat=Pace(
            _number(data, "telegram_per_chat", d.telegram_chat.per_second, s, 0.01), d.telegram_chat.burst
        ),
        telegram_group=Pace(
            _number(data, "telegram_per_group_minute", d.telegram_group.per_second * 60, s, 1) / 60,
            d.telegram_group.burst,
        ),
        telegram_bot=Pace(per_bot, int(per_bot)),
        workers=int(_number(data, "workers", d.workers, s, 1)),
        keep_sent_days=int(_number(data, "keep_sent_days", d.keep_sent_days, s, 0)),
        stale_days=int(_number(data, "stale_days", d.stale_days, s, 0)),
    )


def scheduler_settings(data: dict[str, Any]) -> SchedulerSettings:
    d, s = SchedulerSettings(), "scheduler"
    return SchedulerSettings(
        enabled=bool(data.get("enabled", True)),
        every=_number(data, "every_seconds", d.every, s, 0.1),
        leader_every=_number(data, "leader_seconds", d.leader_every, s, 0.1),
        lease=_number(data, "lease_seconds", d.lease, s, 1),
    )


def alert_policy(data: dict[str, Any], timezone: str) -> AlertPolicy:
    d, s = AlertPolicy(), "alerts"
    remind = _number(data, "approval_remind_hours", d.approval_remind_hours, s, 0)
    escalate = _number(data, "approval_escalate_hours", d.approval_escalate_hours, s, 0)
    if escalate < remind:
        raise ConfigError("cfg_escalate_before_remind")
    channels = data.get("summary_channels", dict(d.summary_channels))
    if not isinstance(channels, dict) or not all(isinstance(v, str) and v for v in channels.values()):
        raise ConfigError("cfg_summary_channels")
    return AlertPolicy(
        due_soon_days=int(_number(data, "due_soon_days", d.due_soon_days, s, 0)),
        stages=_stages(data["stages"]) if "stages" in data else dict(DEFAULT_STAGES),
        approval_remind_hours=remind,
        approval_escalate_hours=escalate,
        escalate_to=_escalation(data.get("escalate_to", {})),
        summary_at=_clock_time(data.get("summary_at", "18:00"), "alerts.summary_at"),
        summary_channels={str(k): str(v) for k, v in channels.items()},
        stock_digest_at=_clock_time(data.get("stock_digest_at", "08:30"), "alerts.stock_digest_at"),
        timezone=timezone,
    )


def _role(value: Any, where: str) -> Role:
    try:
        return Role(str(value))
    except ValueError:
        raise ConfigError("cfg_not_role", key=where, value=value, allowed=[r.value for r in Role]) from None


def _stages(raw: Any) -> dict[Status, StageSla]:
    """[alerts.stages] pending_confirmation = { hours = 24, role = "sales_manager" }; hours = 0 turns one off."""
    if not isinstance(raw, dict):
        raise ConfigError("cfg_stages")
    stages: dict[Status, StageSla] = dict(DEFAULT_STAGES)
    for name, spec in raw.items():
        where = f"alerts.stages.{name}"
        try:
            stage = Status(name)
        except ValueError:
            raise ConfigError("cfg_not_stage", key=where, allowed=[s.value for s in Status]) from None
        if not isinstance(spec, dict) or set(spec) - {"hours", "role"} or "hours" not in spec:
            raise ConfigError("cfg_stage_spec", key=where)
        hours = _number(spec, "hours", 0, where, 0)
        default = DEFAULT_STAGES.get(stage)
        role = _role(spec["role"], where) if "role" in spec else (default.role if default else Role.sales_manager)
        stages[stage] = StageSla(hours, role)
    return {stage: sla for stage, sla in stages.items() if sla.hours > 0}


def _escalation(raw: Any) -> dict[Role, Role]:
    if not isinstance(raw, dict):
        raise ConfigError("cfg_escalate_to")
    found = dict(DEFAULT_ESCALATION)
    for role, manager in raw.items():
        found[_role(role, "alerts.escalate_to")] = _role(manager, f"alerts.escalate_to.{role}")
    return found
