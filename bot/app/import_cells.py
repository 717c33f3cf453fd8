"""One CSV row of an import and the typed readings of its cells, as a sales office's Excel writes them.

Numbers may carry Excel's thousands separators (``1,000,000``, ``1 000`` with a plain, no-break or thin space)
and full-width digits (``１２００``, as a Chinese input method types them); dates are ISO (``2026-12-05``), in
full-width digits too. Each refusal is a typed error that says what would have been accepted: the number
formats and decimals a column keeps, the allowed values of a choice (tiers, make or buy, languages, units).
"""

from __future__ import annotations

import enum
import re
import unicodedata
from collections.abc import Mapping
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import TypeVar

from domain.errors import InvalidInput

E = TypeVar("E", bound=enum.Enum)
LIMIT = Decimal(10) ** 12  # what the scaled-integer columns hold
# Thousands grouped by a comma or a space (a no-break, narrow or thin one reads as a space once normalized).
_PLAIN = re.compile(r"\d+(\.\d+)?|\.\d+")
_GROUPED = re.compile(r"\d{1,3}(?:,\d{3})+(\.\d+)?|\d{1,3}(?: \d{3})+(\.\d+)?")

# The units a product may be kept in, each with what people type for it (Chinese included).
UNITS: Mapping[str, tuple[str, ...]] = {
    "pcs": ("pc", "piece", "pieces", "ea", "each", "件", "个", "只", "支", "颗", "粒", "片"),
    "set": ("sets", "套"),
    "pair": ("pairs", "对", "双"),
    "box": ("boxes", "箱", "盒"),
    "bag": ("bags", "袋", "包"),
    "roll": ("rolls", "卷"),
    "kg": ("kgs", "千克", "公斤"),
    "g": ("gram", "grams", "克"),
    "t": ("ton", "tons", "吨"),
    "m": ("meter", "meters", "metre", "metres", "米"),
    "l": ("litre", "liter", "litres", "liters", "升"),
}
# Chinese (and other) words for the values of a choice column, by column.
ALIASES: Mapping[str, Mapping[str, str]] = {
    "tier": {"普通": "normal", "一般": "normal", "重点": "key", "关键": "key", "大客户": "key", "战略": "strategic"},
    "make_or_buy": {"自制": "make", "生产": "make", "外购": "buy", "采购": "buy", "purchase": "buy"},
    "language": {"中文": "zh", "汉语": "zh", "chinese": "zh", "英文": "en", "英语": "en", "english": "en"},
}


def normalized(text: str) -> str:
    """Full-width letters, digits and punctuation as their plain forms (NFKC), outer spaces gone."""
    return unicodedata.normalize("NFKC", text).strip()


def number_text(value: str) -> str | None:
    """The plain decimal a cell means (``"1,000,000"`` → ``"1000000"``, ``１ ２００`` → ``"1200"``), or None when
    it is not a number in a form Excel writes. ``1,5`` is refused, not guessed: a decimal comma or a thousands one."""
    text = normalized(value)
    if _PLAIN.fullmatch(text):
        return text
    if _GROUPED.fullmatch(text):
        return text.replace(",", "").replace(" ", "")
    return None


class Row:
    """One CSV row: its number, its cells by column, and the typed readings every kind shares."""

    def __init__(self, number: int, cells: dict[str, str], extra: bool = False) -> None:
        self.number, self.cells = number, cells
        self.extra = extra  # values beyond the header's columns

    def check_width(self) -> None:
        if self.extra:
            raise InvalidInput("import_extra_values", row=self.number)

    def text(self, column: str, max_len: int, required: bool = False) -> str:
        value = self.cells.get(column, "")
        if required and not value:
            raise InvalidInput("import_missing_value", column=column)
        if len(value) > max_len:
            raise InvalidInput("import_too_long", column=column, max=max_len)
        return value

    def key(self, column: str, max_len: int) -> str:
        """A code or SKU: upper case as the bot looks them up, and no spaces (chat splits on them)."""
        value = normalized(self.text(column, max_len, required=True)).upper()
        if any(ch.isspace() for ch in value):
            raise InvalidInput("import_key_spaces", column=column, value=value)
        return value

    def decimal(self, column: str, places: int, positive: bool = False) -> Decimal | None:
        """A number as Excel writes it; at most ``places`` decimals, as the column keeps."""
        value = self.cells.get(column, "")
        if not value:
            return None
        text = number_text(value)
        if text is None and normalized(value).startswith("-") and number_text(normalized(value)[1:]) is not None:
            raise InvalidInput("import_out_of_range", column=column, value=value, low=0, high="999,999,999,999")
        if text is None:
            raise InvalidInput("import_bad_number", column=column, value=value, places=places)
        try:
            number = Decimal(text)
        except InvalidOperation:  # pragma: no cover - number_text lets only digits through
            raise InvalidInput("import_bad_number", column=column, value=value, places=places) from None
        if number >= LIMIT:
            raise InvalidInput("import_out_of_range", column=column, value=value, low=0, high="999,999,999,999")
        if positive and number == 0:
            raise InvalidInput("import_not_positive", column=column, value=value)
        if -int(number.normalize().as_tuple().exponent) > places:
            raise InvalidInput("import_too_precise", column=column, value=value, places=places)
        return number

    def required_decimal(self, column: str, places: int, positive: bool = False) -> Decimal:
        number = self.decimal(column, places, positive)
        if number is None:
            raise InvalidInput("import_missing_value", column=column)
        return number

    def integer(self, column: str, low: int, high: int) -> int | None:
        value = self.cells.get(column, "")
        if not value:
            return None
        text = number_text(value)
        if text is None or not text.isdigit():
            raise InvalidInput("import_bad_whole_number", column=column, value=value)
        if not low <= int(text) <= high:
            raise InvalidInput("import_out_of_range", column=column, value=value, low=low, high=high)
        return int(text)

    def day(self, column: str) -> date | None:
        """ISO dates only: 03/04/2026 is 3 April to some customers and 4 March to others."""
        value = self.cells.get(column, "")
        if not value:
            return None
        try:
            return date.fromisoformat(normalized(value))
        except ValueError:
            raise InvalidInput("import_bad_date", column=column, value=value) from None

    def choice(self, column: str, kind: type[E]) -> E | None:
        """One of an enum's values (or a word for one); refused with the values allowed."""
        value = normalized(self.cells.get(column, "")).lower()
        if not value:
            return None
        value = ALIASES.get(column, {}).get(value, value)
        try:
            return kind(value)
        except ValueError:
            allowed = ", ".join(str(m.value) for m in kind)
            raise InvalidInput("import_bad_choice", column=column, value=self.cells[column], allowed=allowed) from None

    def word(self, column: str, allowed: Mapping[str, tuple[str, ...]] | tuple[str, ...]) -> str | None:
        """One of ``allowed`` (with its aliases when a mapping), lower case; refused with the values allowed."""
        value = normalized(self.cells.get(column, "")).lower()
        if not value:
            return None
        value = ALIASES.get(column, {}).get(value, value)
        if isinstance(allowed, Mapping):
            value = next((code for code, words in allowed.items() if value == code or value in words), value)
        if value not in allowed:
            shown = ", ".join(allowed)
            raise InvalidInput("import_bad_choice", column=column, value=self.cells[column], allowed=shown)
        return value
