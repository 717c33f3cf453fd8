"""Settings: one orderbot.toml for the business, environment variables for secrets and the database."""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from adapters.delivery.policy import DeliveryPolicy
from bot.app.config_alerts import (
    ALERT_KEYS,
    DELIVERY_KEYS,
    SCHEDULER_KEYS,
    SchedulerSettings,
    alert_policy,
    delivery_policy,
    scheduler_settings,
)
from bot.app.config_alerts import ConfigError as ConfigError  # where every front end looks for it
from bot.conversation.i18n import LANGUAGES
from domain.alerts import AlertPolicy
from domain.approval import CONDITIONS, ApprovalPolicy, ApprovalRule, ChangeWindow, finance_threshold
from domain.checks import OrderPolicy
from domain.ports import StockPolicy
from domain.users import Role

DEFAULT_DB = "sqlite:///var/orderbot.db"
# Who hears what unless [routes] says otherwise (per kind; "*" for the rest). "{customer}" is filled
# from the event, so a customer hears about their own orders only.
_TEAM = ("channel:orders",)
_CUSTOMER = ("channel:orders", "customer:{customer}")
_APPROVALS = ("channel:approvals",)
_ALERTS = ("channel:alerts",)
_STOCK = ("channel:stock",)
DEFAULT_ROUTES: dict[str, tuple[str, ...]] = {
    "*": _TEAM,
    "order_confirmed": _CUSTOMER,
    "order_shipped": _CUSTOMER,
    "order_changed": _CUSTOMER,
    "order_status_changed": _CUSTOMER,  # customers hear of their orders' stages (in production, delivered, ...)
    "customer_change_decided": _CUSTOMER,  # a change request a customer filed was approved or rejected
    "cr_created": (*_TEAM, *_APPROVALS),
    "cr_approval": _APPROVALS,
    "cr_approved": (*_TEAM, *_APPROVALS),
    "cr_rejected": (*_TEAM, *_APPROVALS),
    "cr_reassessed": _APPROVALS,
    "cr_withdrawn": _APPROVALS,
    # the scheduler's alerts: {owner}, {role}, {approver}, {escalate_to}, {channel} come from the event
    "alert_overdue": (*_ALERTS, "user:{owner}"),
    "alert_due_soon": ("user:{owner}",),
    "alert_stage_sla": (*_ALERTS, "role:{role}"),
    "alert_approval_waiting": ("user:{approver}",),
    "alert_approval_escalated": (*_APPROVALS, "role:{escalate_to}"),
    "alert_cleared": _ALERTS,
    "daily_summary": ("channel:{channel}",),
    "alert_delivery_failed": (*_ALERTS, "role:admin"),
    "stock_low": _STOCK,
    "stock_recovered": _STOCK,
    "stock_digest": _STOCK,
}


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DB
    timezone: str = "Asia/Shanghai"
    language: str = "zh"
    admins: tuple[str, ...] = ("admin",)
    shell_user: str = "admin"
    # does the shell print (and so take) notifications? "auto": only where no Slack front end serves them
    shell_notifications: str = "auto"
    demo_when_empty: bool = True
    policy: OrderPolicy = OrderPolicy()
    stock: StockPolicy = StockPolicy()
    approval: ApprovalPolicy = ApprovalPolicy()
    # route channel name (orders, approvals, ...) -> Slack channel id
    slack_channels: Mapping[str, str] = field(default_factory=dict)
    telegram_bot: str = ""  # the bot's @username, for invitation deep links (https://t.me/<bot>?start=<code>)
    # event kind (or "*") -> audiences such as "channel:orders"; the shell prints every channel
    routes: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: dict(DEFAULT_ROUTES))
    delivery: DeliveryPolicy = DeliveryPolicy()
    scheduler: SchedulerSettings = SchedulerSettings()
    alerts: AlertPolicy = AlertPolicy()
    source: str = "defaults"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


SHELL_NOTIFICATIONS = ("auto", "on", "off")

_KNOWN = {
    "orderbot": {"timezone", "language", "admins", "database_url", "demo_when_empty"},
    "policy": {"max_discount_pct", "require_po_ref"},
    "shell": {"user", "notifications"},
    "stock": {"reorder_factor"},
    "changes": {"penalty", "many_per_month"},
    "approval": {"rule", "distinct_approvers_over"},
    "slack": {"channels"},
    "telegram": {"bot_username"},
    "routes": None,  # free keys: event kinds
    "delivery": DELIVERY_KEYS,
    "scheduler": SCHEDULER_KEYS,
    "alerts": ALERT_KEYS,
}


def load_settings(path: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    chosen = Path(path or env.get("ORDERBOT_CONFIG") or "orderbot.toml")
    data: dict[str, Any] = {}
    if chosen.exists():
        try:
            data = tomllib.loads(chosen.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            line, column = _where_in_toml(exc)
            raise ConfigError("cfg_toml", path=str(chosen), line=line, column=column) from None
    elif path is not None or "ORDERBOT_CONFIG" in env:
        raise ConfigError("cfg_missing", path=str(chosen))
    _reject_unknown(data, chosen)
    core = data.get("orderbot", {})
    policy = data.get("policy", {})
    timezone = str(core.get("timezone", "Asia/Shanghai"))
    _zone(timezone)
    settings = Settings(
        database_url=env.get("ORDERBOT_DATABASE_URL") or core.get("database_url", DEFAULT_DB),
        timezone=timezone,
        language=core.get("language", "zh"),
        admins=tuple(core.get("admins", ["admin"])),
        shell_user=data.get("shell", {}).get("user", "admin"),
        shell_notifications=str(data.get("shell", {}).get("notifications", "auto")),
        demo_when_empty=bool(core.get("demo_when_empty", True)),
        policy=OrderPolicy(
            max_discount_pct=_decimal(policy.get("max_discount_pct", "15"), "policy.max_discount_pct"),
            require_po_ref=bool(policy.get("require_po_ref", False)),
        ),
        stock=StockPolicy(
            reorder_factor=_decimal(data.get("stock", {}).get("reorder_factor", "2"), "stock.reorder_factor")
        ),
        approval=_approval(data.get("approval", {}), data.get("changes", {})),
        slack_channels=_channels(data.get("slack", {}).get("channels", {})),
        telegram_bot=str(data.get("telegram", {}).get("bot_username", "")).lstrip("@"),
        routes={**DEFAULT_ROUTES, **{k: tuple(v) for k, v in data.get("routes", {}).items()}},
        delivery=delivery_policy(data.get("delivery", {}), timezone),
        scheduler=scheduler_settings(data.get("scheduler", {})),
        alerts=alert_policy(data.get("alerts", {}), timezone),
        source=str(chosen) if chosen.exists() else "defaults",
    )
    _validate(settings)
    return settings


def _channels(raw: Any) -> dict[str, str]:
    if not isinstance(raw, dict) or not all(isinstance(v, str) and v for v in raw.values()):
        raise ConfigError("cfg_slack_channels")
    return {str(k): str(v) for k, v in raw.items()}


RULE_KEYS = {"roles", "when", "amount_delta_over", "sunk_cost_over"}


def _approval(section: dict[str, Any], changes: dict[str, Any]) -> ApprovalPolicy:
    """[[approval.rule]] tables (none given: the default policy) and the [changes] window."""
    default = ApprovalPolicy()
    rules = default.rules
    if "rule" in section:
        raw = section["rule"]
        if not isinstance(raw, list) or not raw:
            raise ConfigError("cfg_rules")
        rules = tuple(_rule(i, r) for i, r in enumerate(raw, 1))
    window = default.window
    if "penalty" in changes:
        try:
            tiers = tuple((int(days), _decimal(pct, "changes.penalty")) for days, pct in changes["penalty"])
            window = ChangeWindow(tiers)
        except (TypeError, ValueError):
            raise ConfigError("cfg_penalty_pairs") from None
        if any(days < 0 or not Decimal(0) <= pct <= 100 for days, pct in window.tiers):
            raise ConfigError("cfg_penalty_range")
    many = changes.get("many_per_month", default.many_changes)
    if not isinstance(many, int) or many < 0:
        raise ConfigError("cfg_many_per_month")
    return ApprovalPolicy(rules, window, many, _distinct(section, rules))


def _distinct(section: dict[str, Any], rules: tuple[ApprovalRule, ...]) -> Decimal | None:
    """approval.distinct_approvers_over: an order amount over which every role needs a different person; not
    given: the finance threshold of the rules (the lowest amount_delta_over of a rule naming finance); false: never."""
    if "distinct_approvers_over" not in section:
        return finance_threshold(rules)
    raw = section["distinct_approvers_over"]
    if raw is False:
        return None
    if isinstance(raw, bool) or not isinstance(raw, (int, float, str)):
        raise ConfigError("cfg_distinct")
    limit = _decimal(raw, "approval.distinct_approvers_over")
    if not limit.is_finite() or limit < 0:
        raise ConfigError("cfg_distinct")
    return limit


def _rule(i: int, raw: Any) -> ApprovalRule:
    where = f"approval.rule #{i}"
    if not isinstance(raw, dict):
        raise ConfigError("cfg_rule_table", key=where)
    unknown = set(raw) - RULE_KEYS
    if unknown:
        raise ConfigError("cfg_unknown_key", where=where, key=sorted(unknown)[0], allowed=sorted(RULE_KEYS))
    try:
        roles = tuple(Role(r) for r in raw.get("roles", []))
    except ValueError:
        raise ConfigError("cfg_rule_roles", key=where, allowed=[r.value for r in Role]) from None
    if not roles:
        raise ConfigError("cfg_rule_no_roles", key=where)
    when = raw.get("when", [])
    when = [when] if isinstance(when, str) else when
    bad = [w for w in when if w not in CONDITIONS]
    if bad:
        raise ConfigError("cfg_rule_condition", key=where, value=bad[0], allowed=list(CONDITIONS))
    limits = {k: _decimal(raw[k], f"{where}.{k}") for k in ("amount_delta_over", "sunk_cost_over") if k in raw}
    if not when and not limits:
        raise ConfigError("cfg_rule_no_when", key=where)
    return ApprovalRule(roles, frozenset(when), **limits)


def _reject_unknown(data: dict[str, Any], where: Path) -> None:
    for section, value in data.items():
        if section not in _KNOWN:
            raise ConfigError("cfg_unknown_section", where=str(where), section=section)
        allowed = _KNOWN[section]
        if allowed is not None and isinstance(value, dict):
            for key in value:
                if key not in allowed:
                    raise ConfigError(
                        "cfg_unknown_key", where=str(where), key=f"{section}.{key}", allowed=sorted(allowed)
                    )


def _where_in_toml(exc: tomllib.TOMLDecodeError) -> tuple[str, str]:
    """The line and column a TOML error names (its message is English; where it is, is enough to find it)."""
    found = re.search(r"line (\d+), column (\d+)", str(exc))
    return (found.group(1), found.group(2)) if found else ("?", "?")


def _decimal(value: Any, name: str) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ConfigError("cfg_not_number", key=name, value=value) from None


def _zone(name: str) -> None:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError("cfg_timezone", value=name) from None


def _validate(s: Settings) -> None:
    if s.language not in LANGUAGES:
        raise ConfigError("cfg_language", allowed=list(LANGUAGES), value=s.language)
    if s.shell_notifications not in SHELL_NOTIFICATIONS:
        raise ConfigError("cfg_shell_notifications", value=s.shell_notifications)
    if s.stock.reorder_factor < 1:
        raise ConfigError("cfg_reorder_factor")
    if not Decimal(0) <= s.policy.max_discount_pct <= Decimal(100):
        raise ConfigError("cfg_max_discount")
    for kind, audiences in s.routes.items():
        for audience in audiences:
            if ":" not in audience:
                raise ConfigError("cfg_route", kind=kind, value=audience)
