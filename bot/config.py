"""Settings: one orderbot.toml for the business, environment variables for secrets and the database."""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from domain.checks import OrderPolicy
from domain.errors import OrderbotError
from domain.ports import StockPolicy

DEFAULT_DB = "sqlite:///var/orderbot.db"
LANGUAGES = ("zh", "en")


class ConfigError(OrderbotError):
    code = "config_error"
    default = "Configuration problem: {detail}"

    def __init__(self, detail: str) -> None:
        super().__init__("config_error", detail=detail)


@dataclass(frozen=True)
class Settings:
    database_url: str = DEFAULT_DB
    timezone: str = "Asia/Shanghai"
    language: str = "zh"
    admins: tuple[str, ...] = ("admin",)
    shell_user: str = "admin"
    demo_when_empty: bool = True
    policy: OrderPolicy = OrderPolicy()
    stock: StockPolicy = StockPolicy()
    # event kind (or "*") -> audiences such as "channel:orders"; the shell prints every channel
    routes: Mapping[str, tuple[str, ...]] = field(default_factory=lambda: {"*": ("channel:orders",)})
    source: str = "defaults"

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)


_KNOWN = {
    "orderbot": {"timezone", "language", "admins", "database_url", "demo_when_empty"},
    "policy": {"max_discount_pct", "require_po_ref"},
    "shell": {"user"},
    "stock": {"reorder_factor"},
    "routes": None,  # free keys: event kinds
}


def load_settings(path: str | os.PathLike[str] | None = None, env: Mapping[str, str] | None = None) -> Settings:
    env = os.environ if env is None else env
    chosen = Path(path or env.get("ORDERBOT_CONFIG") or "orderbot.toml")
    data: dict[str, Any] = {}
    if chosen.exists():
        try:
            data = tomllib.loads(chosen.read_text(encoding="utf-8"))
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(f"{chosen}: {exc}") from None
    elif path is not None or "ORDERBOT_CONFIG" in env:
        raise ConfigError(f"{chosen} does not exist")
    _reject_unknown(data, chosen)
    core = data.get("orderbot", {})
    policy = data.get("policy", {})
    settings = Settings(
        database_url=env.get("ORDERBOT_DATABASE_URL") or core.get("database_url", DEFAULT_DB),
        timezone=core.get("timezone", "Asia/Shanghai"),
        language=core.get("language", "zh"),
        admins=tuple(core.get("admins", ["admin"])),
        shell_user=data.get("shell", {}).get("user", "admin"),
        demo_when_empty=bool(core.get("demo_when_empty", True)),
        policy=OrderPolicy(
            max_discount_pct=_decimal(policy.get("max_discount_pct", "15"), "policy.max_discount_pct"),
            require_po_ref=bool(policy.get("require_po_ref", False)),
        ),
        stock=StockPolicy(
            reorder_factor=_decimal(data.get("stock", {}).get("reorder_factor", "2"), "stock.reorder_factor")
        ),
        routes={k: tuple(v) for k, v in data.get("routes", {"*": ["channel:orders"]}).items()},
        source=str(chosen) if chosen.exists() else "defaults",
    )
    _validate(settings)
    return settings


def _reject_unknown(data: dict[str, Any], where: Path) -> None:
    for section, value in data.items():
        if section not in _KNOWN:
            raise ConfigError(f"{where}: unknown section [{section}]")
        allowed = _KNOWN[section]
        if allowed is not None and isinstance(value, dict):
            for key in value:
                if key not in allowed:
                    raise ConfigError(f"{where}: unknown key {section}.{key}")


def _decimal(value: Any, name: str) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise ConfigError(f"{name} must be a number, not {value!r}") from None


def _validate(s: Settings) -> None:
    try:
        ZoneInfo(s.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"unknown timezone {s.timezone!r}") from None
    if s.language not in LANGUAGES:
        raise ConfigError(f"language must be one of {', '.join(LANGUAGES)}, not {s.language!r}")
    if s.stock.reorder_factor < 1:
        raise ConfigError("stock.reorder_factor must be at least 1")
    if not Decimal(0) <= s.policy.max_discount_pct <= Decimal(100):
        raise ConfigError("policy.max_discount_pct must be between 0 and 100")
    for kind, audiences in s.routes.items():
        for audience in audiences:
            if ":" not in audience:
                raise ConfigError(f"routes.{kind}: {audience!r} is not kind:name (e.g. channel:orders)")
