"""Messages in the user's language; English is the fallback for a missing key.

The catalogs are gettext PO files, one per language, in ``locales/`` (``en.po``, ``zh.po``): the format
translators' tools read (Poedit, Weblate, Crowdin, Babel). A message's ``msgid`` is the key the code uses
(``bad_quantity``), its ``msgstr`` the text with ``{named}`` placeholders. The languages the desk speaks are
the files there: a third language is one more file, not code. Babel reads them, once, at first use.

Whatever a message's parameters are — a code (a status, a role, an action, a field), a number, a date, a list of
rows an event carries — the Translator puts them into words of the reader's language (``values.py``): no Python
structure, no code word of ours ever reaches a reader as it is."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from babel.messages.pofile import read_po

from bot.conversation.i18n.values import Values

LOCALES = Path(__file__).with_name("locales")
# English first (the fallback), then the rest by name: the order `lang` and error messages list them in.
LANGUAGES: tuple[str, ...] = tuple(sorted((p.stem for p in LOCALES.glob("*.po")), key=lambda s: (s != "en", s)))


@cache
def catalog(lang: str) -> dict[str, str]:
    """Key -> text of one language (an untranslated, empty entry falls back to English)."""
    with (LOCALES / f"{lang}.po").open("rb") as fh:
        po = read_po(fh, locale=None, abort_invalid=True)
    return {str(m.id): str(m.string) for m in po if m.id and m.string}


def language_of(value: str | None, default: str) -> str:
    if value:
        short = value.lower().replace("_", "-").split("-")[0]
        if short in LANGUAGES:
            return short
    return default


class _Blank(dict[str, Any]):
    """Parameters for ``format_map``: one a message names but was not given reads as "—", never as ``{name}``."""

    def __init__(self, params: dict[str, Any], blank: str) -> None:
        super().__init__(params)
        self.blank = blank

    def __missing__(self, key: str) -> str:
        return self.blank


class Translator:
    def __init__(self, lang: str, zone: ZoneInfo) -> None:
        self.lang = lang if lang in LANGUAGES else "en"
        self.zone = zone
        self._catalog = catalog(self.lang)
        self._fallback = catalog("en")
        self._values = Values(self)

    def __call__(self, key: str, /, **params: Any) -> str:
        template = self.text(key)
        values = {name: self._values.word(key, name, value) for name, value in params.items()}
        try:
            return template.format_map(_Blank(values, self.text("lbl_none")))
        except (IndexError, ValueError, AttributeError):
            return template

    def text(self, key: str) -> str:
        """The catalog's text for ``key`` as it stands (the key itself when no language has it)."""
        return self._catalog.get(key) or self._fallback.get(key) or key

    def has(self, key: str) -> bool:
        return key in self._catalog or key in self._fallback

    def name(self, prefix: str, value: str) -> str:
        return self._catalog.get(prefix + value) or self._fallback.get(prefix + value) or value

    def status(self, value: str) -> str:
        return self.name("status_", value)

    def action(self, value: str) -> str:
        """What someone did or tried to do (``confirm``, ``in_production``, ``cr_approve``), as a reader says it."""
        return self.name("act_", value)

    def front(self, value: str) -> str:
        """The front end someone spoke through (``shell``, ``slack``, ``import``)."""
        return self.name("front_", value)

    def language(self, value: str) -> str:
        return self.name("lang_", value)

    def audience(self, value: str) -> str:
        """Where a notification goes (``channel:orders``, ``role:finance``, ``customer:CUST-001``), in words."""
        return self._values.audience(value)

    def value(self, value: Any) -> str:
        """Any value in words: a number, a date, a code of ours, a list of them, the rows an event carries."""
        return self._values.plain(value)

    def date(self, value: date | None) -> str:
        return value.isoformat() if value else self("lbl_none")

    def when(self, value: datetime | None) -> str:
        """A stored UTC instant, as the sales office reads its clock."""
        return value.astimezone(self.zone).strftime("%Y-%m-%d %H:%M") if value else self("lbl_none")

    def money(self, value: Decimal) -> str:
        return f"{value:,.2f}"
