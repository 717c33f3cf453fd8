"""From chat text to tokens, and the small readers every verb shares (order numbers, quantities, dates)."""

from __future__ import annotations

import re
import shlex
import unicodedata
from datetime import date
from decimal import Decimal, InvalidOperation

from bot.conversation.language.dates import DateReader, DateShift
from bot.conversation.language.errors import DateNotUnderstood, ParseError
from bot.conversation.language.numerals import parse_number
from domain.commands import DueInput, DueShift
from domain.numbers import ORDER

# Chat apps and Chinese keyboards send typographic quotes; shlex only knows the ASCII ones.
_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "「": '"', "」": '"', "『": '"', "』": '"', "‘": "'", "’": "'"})
_QTY_UNIT = re.compile(r"(?:pcs|pc|kg|件|个|只|套|箱|支|颗|公斤)$", re.IGNORECASE)
# 1.5万, 5千, 2k: digits times a Chinese (or shorthand) unit, as people type round quantities.
_SCALED = re.compile(r"^([+-]?[0-9]+(?:\.[0-9]+)?)(万|千|k)$", re.IGNORECASE)
_SCALES = {"万": Decimal(10_000), "千": Decimal(1000), "k": Decimal(1000)}
_SHORT_ORDER = re.compile(r"^[0-9]{1,6}$")
_SKU = re.compile(r"^[A-Za-z][A-Za-z0-9._/-]{1,63}$")
# A code with a letter first and a digit inside (BOLT-M8X30, NUT-M8) is never part of a date phrase.
_CODE = re.compile(r"^[A-Za-z][A-Za-z._/-]*[0-9][A-Za-z0-9._/-]*$")
MAX_TEXT = 2000


def tokenize(text: str) -> list[str]:
    if len(text) > MAX_TEXT:
        raise ParseError("too_long", limit=MAX_TEXT)
    # NFKC folds full-width letters, digits and spaces (１２月, ＳＯ) into their plain forms.
    normal = unicodedata.normalize("NFKC", text).translate(_QUOTES).strip()
    try:
        return shlex.split(normal)
    except ValueError:
        raise ParseError("unbalanced_quotes") from None


def looks_like_code(token: str) -> bool:
    """A product code such as BOLT-M8X30 (a letter first, a digit inside) — never a date word."""
    return bool(_CODE.match(token))


def order_number(token: str, year: int | None = None) -> str:
    """An order number as stored; with ``year`` (this year), a bare sequence number too: 398 is SO-<year>-000398."""
    number = ORDER.read(token)
    if number is None and year is not None and _SHORT_ORDER.match(token.strip()) and int(token) > 0:
        number = ORDER.format(int(token), year)
    if number is None:
        example = ORDER.example if year is None else ORDER.format(123, year)
        raise ParseError("bad_order_number", value=token, example=example)
    return number


def looks_like_sku(token: str) -> bool:
    return bool(_SKU.match(token))


def _number(text: str) -> Decimal | None:
    """Digits (1000, 2.5), digits times a unit (1.5万, 5千, 2k) or a Chinese numeral (五千, 一万二, 两千五)."""
    try:
        return Decimal(text)
    except InvalidOperation:
        pass
    scaled = _SCALED.match(text)
    if scaled:
        return Decimal(scaled.group(1)) * _SCALES[scaled.group(2).lower()]
    sign, body = (text[0], text[1:]) if text[:1] in ("+", "-") else ("", text)
    value = parse_number(body)
    if value is None or (sign and not body):
        return None
    return Decimal(-value if sign == "-" else value)


def quantity(token: str, *, zero: bool = False, signed: bool = False) -> Decimal:
    """A positive quantity (1000, 五千, 1.5万; a unit may follow: 1000件, 50kg); ``zero`` admits 0, ``signed`` ±N."""
    raw = _QTY_UNIT.sub("", token.replace(",", "").strip())
    value = _number(raw)
    if value is None:
        raise ParseError("bad_quantity", value=token)
    if not value.is_finite() or abs(value) >= Decimal("1e12") or value != value.quantize(Decimal("0.001")):
        raise ParseError("bad_quantity", value=token)
    if (value < 0 and not signed) or (value == 0 and not zero):
        raise ParseError("bad_quantity", value=token)
    return value


def price(token: str) -> Decimal:
    raw = token.lstrip("@¥￥").replace(",", "").strip()
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise ParseError("bad_price", value=token) from None
    if not value.is_finite() or value < 0 or value >= Decimal("1e10") or value != value.quantize(Decimal("0.0001")):
        raise ParseError("bad_price", value=token)
    return value


def integer(token: str, what: str) -> int:
    raw = token.lstrip("vV#")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
        raise ParseError("bad_number", what=what, value=token)
    return int(raw)


class DateTaker:
    """Reads a date phrase that may span several tokens ("next friday", "2 weeks earlier")."""

    MAX_WORDS = 4

    def __init__(self, reader: DateReader, today: date) -> None:
        self.reader = reader
        self.today = today

    def take(
        self, tokens: list[str], start: int, stop_words: frozenset[str], max_words: int = MAX_WORDS
    ) -> tuple[DueInput, int]:
        """The longest phrase from ``start`` that parses; returns it and the index after it.

        The phrase never runs into a keyword or a product code, so "by tomorrow NUT-M8 5" keeps its next line.
        """
        end = start
        while (
            end < len(tokens)
            and end - start < max_words
            and tokens[end].lower() not in stop_words
            and not (end > start and _CODE.match(tokens[end]))
        ):
            end += 1
        if end == start:
            raise ParseError("date_missing")
        for stop in range(end, start, -1):
            phrase = " ".join(tokens[start:stop])
            try:
                spec = self.reader.read(phrase, self.today)
            except DateNotUnderstood:
                continue
            if isinstance(spec, DateShift):
                return DueShift(spec.days, spec.phrase), stop
            return spec, stop
        raise DateNotUnderstood(" ".join(tokens[start:end]), self.today)

    def absolute(
        self, tokens: list[str], start: int, stop_words: frozenset[str], max_words: int = MAX_WORDS
    ) -> tuple[date, int]:
        spec, nxt = self.take(tokens, start, stop_words, max_words)
        if isinstance(spec, DueShift):
            raise ParseError("date_needs_due", phrase=spec.phrase)
        return spec, nxt
