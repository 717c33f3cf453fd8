"""Messages in the user's language; English is the fallback for a missing key.

The catalogs are gettext PO files, one per language, in ``locales/`` (``en.po``, ``zh.po``): the format
translators' tools read (Poedit, Weblate, Crowdin, Babel). A message's ``msgid`` is the key the code uses
(``bad_quantity``), its ``msgstr`` the text with ``{named}`` placeholders. The languages the desk speaks are
the files there: a third language is one more file, not code. Babel reads them, once, at first use."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.messages.pofile import read_po

from domain.money import plain

LOCALES = Path(__file__).with_name("locales")
# English first (the fallback), then the rest by name: the order `lang` and error messages list them in.
LANGUAGES: tuple[str, ...] = tuple(sorted((p.stem for p in LOCALES.glob("*.po")), key=lambda s: (s != "en", s)))


@cache
def catalog(lang: str) -> dict[str, str]:
    """Key -> text of one language (an untranslated, empty entry falls back to English)."""
    with (LOCALES / f"{lang}.po").open("rb") as fh:
        po = read_po(fh, locale=None, abort_invalid=True)
    return {str(m.id): str(m.string) for m in po if m.id and m.string}
_NAMED = {
    "kind": "kind_", "status": "status_", "target": "status_", "old": "status_", "new": "status_", "role": "role_",
    "wo_status": "wo_status_", "po_status": "po_status_", "cr_status": "cr_status_", "stage": "status_",
    "escalate_to": "role_",
}  # fmt: skip


def language_of(value: str | None, default: str) -> str:
    if value:
        short = value.lower().replace("_", "-").split("-")[0]
        if short in LANGUAGES:
            return short
    return default


class Translator:
    def __init__(self, lang: str, zone: ZoneInfo) -> None:
        self.lang = lang if lang in LANGUAGES else "en"
        self.zone = zone
        self._catalog = catalog(self.lang)
        self._fallback = catalog("en")

    def __call__(self, key: str, /, **params: Any) -> str:
        template = self._catalog.get(key) or self._fallback.get(key) or key
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
        return self._catalog.get(prefix + value) or self._fallback.get(prefix + value) or value

    def status(self, value: str) -> str:
        return self.name("status_", value)

    def date(self, value: date | None) -> str:
        return value.isoformat() if value else self("lbl_none")

    def when(self, value: datetime | None) -> str:
        """A stored UTC instant, as the sales office reads its clock."""
        return value.astimezone(self.zone).strftime("%Y-%m-%d %H:%M") if value else self("lbl_none")

    def money(self, value: Decimal) -> str:
        return f"{value:,.2f}"
