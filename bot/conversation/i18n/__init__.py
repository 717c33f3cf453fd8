"""Messages in the user's language (zh-CN or en); English is the fallback for a missing key."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

from bot.conversation.i18n import en, zh
from domain.money import plain

CATALOGS: dict[str, dict[str, str]] = {"en": en.MESSAGES, "zh": zh.MESSAGES}
_NAMED = {
    "kind": "kind_", "status": "status_", "target": "status_", "old": "status_", "new": "status_", "role": "role_",
    "wo_status": "wo_status_", "po_status": "po_status_", "cr_status": "cr_status_", "stage": "status_",
    "escalate_to": "role_",
}  # fmt: skip


def language_of(value: str | None, default: str) -> str:
    if value:
        short = value.lower().replace("_", "-").split("-")[0]
        if short in CATALOGS:
            return short
    return default


class Translator:
    def __init__(self, lang: str, zone: ZoneInfo) -> None:
        self.lang = lang if lang in CATALOGS else "en"
        self.zone = zone
        self._catalog = CATALOGS[self.lang]

    def __call__(self, key: str, /, **params: Any) -> str:
        template = self._catalog.get(key) or en.MESSAGES.get(key) or key
        try:
            return template.format(**{k: self._value(k, v) for k, v in params.items()})
        except (KeyError, IndexError, ValueError):
            return template

    def _value(self, key: str, value: Any) -> Any:
        if key in _NAMED and isinstance(value, str):
            return self.name(_NAMED[key], value)
        if key in ("allowed", "roles") and isinstance(value, str) and value not in ("", "-"):
            prefix = "status_" if key == "allowed" else "role_"
            return ", ".join(self.name(prefix, v.strip()) for v in value.split(","))
        if isinstance(value, Decimal):
            return plain(value)
        return value

    def name(self, prefix: str, value: str) -> str:
        return self._catalog.get(prefix + value) or en.MESSAGES.get(prefix + value) or value

    def status(self, value: str) -> str:
        return self.name("status_", value)

    def date(self, value: date | None) -> str:
        return value.isoformat() if value else self("lbl_none")

    def when(self, value: datetime | None) -> str:
        """A stored UTC instant, as the sales office reads its clock."""
        return value.astimezone(self.zone).strftime("%Y-%m-%d %H:%M") if value else self("lbl_none")

    def money(self, value: Decimal) -> str:
        return f"{value:,.2f}"
