"""A message's parameters in words: the rendering edge between what the core says and what a reader sees.

The core passes codes (``in_production``, ``sales_manager``, ``submit``, ``due_date``), numbers, dates and now and
then a structure (the rows an event carries, a tuple of roles). Each parameter is put into words here, by its name
— or by the message and its name where one message means something else by it — so no Python structure
(``[[1, 'BOLT', '600']]``, ``Decimal('5')``, ``None``) and no code word of ours reaches a reader. A code with no
name in the catalogs is shown as typed text (``literal``), never as if it were a word of the reader's language."""

from __future__ import annotations

import dataclasses
import enum
import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from domain.money import plain

if TYPE_CHECKING:
    from bot.conversation.i18n import Translator

STATUSES = ("status_", "wo_status_", "po_status_")
LITERAL = ("",)  # shown as something one types: a value a cell may hold, a config key, a command word
COLUMN = ("col_", "")  # a CSV column: as the file must say it (and, in Chinese, what it means)
LANGUAGE = ("=language",)  # a language code one types (`lang zh`), with the language's name
TYPED = "=typed"  # a code as one types it (`admin grant wang finance`), with its name where that differs
ROLE_CODE = (TYPED, "role_")
SCAN_CODE = (TYPED, "scan_")
AS_GIVEN: tuple[str, ...] = ()  # the reader's own word, echoed (inside quotes the message puts around it)

# A parameter's name -> the catalog prefixes its value is looked up under, in order.
NAMED: dict[str, tuple[str, ...]] = {
    "kind": ("kind_",),
    "status": STATUSES,
    "old": STATUSES,
    "new": STATUSES,
    "stage": ("status_",),
    "target": ("act_", *STATUSES),
    "role": ("role_",),
    "escalate_to": ("role_",),
    "wo_status": ("wo_status_",),
    "po_status": ("po_status_",),
    "cr_status": ("cr_status_",),
    "action": ("act_",),
    "language": ("lang_",),
    "field": ("field_",),
    "what": ("arg_",),
    "front": ("front_",),
    "risk": ("risk_",),
    "scan": ("scan_",),
}
# Parameters that hold a list of codes (a sequence, or one string "a, b, c"): each named.
LISTS: dict[str, tuple[str, ...]] = {
    "allowed": STATUSES,
    "roles": ("role_",),
    "required": ("role_",),
    "pending": ("role_",),
    "kinds": ("kindname_",),
}
# Where one message means something else by a parameter than the name says.
BY_MESSAGE: dict[tuple[str, str], tuple[str, ...]] = {
    ("unknown_role", "allowed"): ROLE_CODE,
    ("cr_name_role", "roles"): ROLE_CODE,
    ("cr_name_role", "example"): AS_GIVEN,
    ("unknown_scan", "allowed"): SCAN_CODE,
    ("unknown_scan", "scan"): AS_GIVEN,
    ("unknown_change", "kind"): ("kindname_",),
    ("change_twice", "kind"): ("kindname_",),
    ("unknown_language", "allowed"): LANGUAGE,
    ("unknown_language", "language"): AS_GIVEN,
    ("bad_source", "allowed"): LITERAL,
    ("bad_source", "source"): AS_GIVEN,
    ("unknown_field", "field"): ("field_", *LITERAL),
    ("unknown_status", "status"): AS_GIVEN,
    ("unknown_role", "role"): AS_GIVEN,
}
# Every import message: its ``column`` is a CSV column, its ``allowed`` what a cell (or the command) may say.
IMPORT = {"column": COLUMN, "allowed": LITERAL, "kind": AS_GIVEN}
# Every configuration message: where in orderbot.toml, and what it may say there, as one writes it.
CONFIG = {"key": LITERAL, "where": LITERAL, "allowed": LITERAL, "path": LITERAL}
ARG_SPLIT = re.compile(r"\s+([/+])\s+")
AUDIENCE = re.compile(r"^(channel|user|role|customer|chat):(.+)$")


class Values:
    def __init__(self, t: Translator) -> None:
        self.t = t

    # -- a parameter of a message -------------------------------------------------------------------------------
    def word(self, message: str, name: str, value: Any) -> Any:
        prefixes = BY_MESSAGE.get((message, name))
        if prefixes is None and message.startswith("import_"):
            prefixes = IMPORT.get(name)
        if prefixes is None and message.startswith("cfg_"):
            prefixes = CONFIG.get(name)
        if prefixes is None and name in LISTS:
            prefixes = LISTS[name]
        if prefixes is None:
            prefixes = NAMED.get(name)
        if name == "audience" and isinstance(value, str):
            return self.audience(value)
        if name == "changes" and isinstance(value, list | tuple):
            return self.changes(value)
        if not prefixes:
            return self.plain(value)
        if name in LISTS or name == "column":  # one code or several: "confirmed, on_hold", ("sales", "finance")
            return self.listed(value, prefixes)
        if name == "what" and isinstance(value, str):
            return self.arguments(value)
        return self.named(value, prefixes)

    def named(self, value: Any, prefixes: tuple[str, ...]) -> str:
        """One code by its name under the first prefix that has one; a code nobody named is shown as typed."""
        if isinstance(value, enum.Enum):
            value = value.value
        if not isinstance(value, str):
            return self.plain(value)
        if prefixes == LANGUAGE:  # a code one types (`lang zh`), with its name
            return self.t("language_named", code=value, name=self.t.language(value))
        if prefixes[0] == TYPED:
            name = self.t.name(prefixes[1], value)
            same = name.lower().replace(" ", "_") == value
            return self.literal(value) if same else self.t("code_named", code=value, name=name)
        for prefix in prefixes:
            if prefix and self.t.has(prefix + value):
                return self.t.text(prefix + value)
        return self.literal(value) if "" in prefixes and value.strip() else value

    def listed(self, value: Any, prefixes: tuple[str, ...]) -> str:
        items = [v.strip() for v in value.split(",")] if isinstance(value, str) else _items(value)
        items = [v for v in items if not (isinstance(v, str) and v in ("", "-"))]
        if not items:
            return self.t.text("nobody" if prefixes == ("role_",) else "lbl_none")
        return self.t.text("list_sep").join(self.named(v, prefixes) for v in items)

    def literal(self, value: str) -> str:
        """Something one types as it is (a CSV column, a cell's value, a command word), marked as such."""
        return self.t("literal", value=value)

    def arguments(self, what: str) -> str:
        """What a command is missing (``reason``, ``carrier + tracking``, ``new / suggest / approve``): the words
        the catalogs name, the rest as typed."""
        parts = ARG_SPLIT.split(what.strip())
        out = []
        for i, part in enumerate(parts):
            if i % 2:  # a separator
                out.append(f" {part} ")
                continue
            key = "arg_" + re.sub(r"\W+", "_", part).strip("_").lower()
            out.append(self.t.text(key) if self.t.has(key) else part if part.isupper() else self.literal(part))
        return "".join(out)

    def changes(self, rows: list[Any] | tuple[Any, ...]) -> str:
        """The (kind, sku, old, new) rows a change carries: ``数量 BOLT-M8：1000 → 800``."""
        none = self.t.text("lbl_none")
        said = []
        for row in rows:
            if isinstance(row, list | tuple) and len(row) == 4 and self.t.has(f"ck_{row[0]}"):
                kind, sku, old, new = (self.plain(v) for v in row)
                said.append(self.t(f"ck_{kind}", sku=sku, old=old or none, new=new or none))
            else:
                said.append(self.plain(row))
        return self.t.text("row_sep").join(said)

    def audience(self, value: str) -> str:
        found = AUDIENCE.match(value.strip())
        if found is None:
            return value
        kind, name = found.groups()
        shown = self.t.name("role_", name) if kind == "role" else name
        return self.t(f"aud_{kind}", name=shown)

    # -- any value --------------------------------------------------------------------------------------------
    def plain(self, value: Any) -> str:
        """Any value in words; a structure (the rows an event carries) as its parts, never its Python form."""
        if value is None:
            return self.t.text("lbl_none")
        if isinstance(value, bool):
            return self.t.text("lbl_yes" if value else "lbl_no")
        if isinstance(value, enum.Enum):
            return self.plain(value.value)
        if isinstance(value, str):
            return value
        if isinstance(value, Decimal):
            return plain(value) if value.is_finite() else str(value)
        if isinstance(value, int | float):
            return plain(Decimal(str(value)))
        if isinstance(value, datetime):
            return self.t.when(value)
        if isinstance(value, date):
            return value.isoformat()
        if isinstance(value, Mapping):
            return self.t.text("list_sep").join(f"{self.plain(k)} {self.plain(v)}" for k, v in value.items())
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return " ".join(self.plain(getattr(value, f.name)) for f in dataclasses.fields(value))
        if isinstance(value, list | tuple | set | frozenset):
            if any(_is_structure(v) for v in value):  # rows (a line, a SKU, a quantity): one after the other
                return self.t.text("row_sep").join(self._row(v) for v in value)
            return self.t.text("list_sep").join(self.plain(v) for v in value)
        return str(value)

    def _row(self, value: Any) -> str:
        """One row of a structure: its parts with spaces between (``1 BOLT-M8 600``)."""
        if isinstance(value, list | tuple):
            return " ".join(self.plain(v) for v in value)
        return self.plain(value)


def _items(value: Any) -> list[Any]:
    if value is None:
        return []
    if isinstance(value, list | tuple | set | frozenset):
        return list(value)
    return [value]


def _is_structure(value: Any) -> bool:
    return isinstance(value, list | tuple | set | frozenset | Mapping) or (
        dataclasses.is_dataclass(value) and not isinstance(value, type)
    )
