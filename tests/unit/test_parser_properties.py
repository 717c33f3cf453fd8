"""The command language as a whole: its case tables cover every verb and alias, odd Unicode digits are
refused in words, and any text at all -- random or grammar-shaped -- is a command or an OrderbotError; order
numbers and quantities read back exactly."""

from __future__ import annotations

import contextlib
import re
import unicodedata
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.conversation.language.dates import DateReader
from bot.conversation.language.errors import ParseError
from bot.conversation.language.parser import KEYWORDS, STATUS_WORDS
from bot.conversation.language.tokens import order_number
from bot.conversation.language.verbs import VERBS, CommandParser
from domain.commands import LineInput
from domain.errors import OrderbotError
from tests.unit.parser_support import TODAY
from tests.unit.test_parser import TABLE as ORDER_TABLE
from tests.unit.test_parser_admin import TABLE as ADMIN_TABLE
from tests.unit.test_parser_changes import TABLE as CHANGE_TABLE

FAST = settings(max_examples=300, deadline=None)


@pytest.fixture(scope="module")
def parser() -> CommandParser:
    return CommandParser(DateReader())


# Every case table of the language: test_parser.py, test_parser_admin.py and test_parser_changes.py.
TABLE = ORDER_TABLE + ADMIN_TABLE + CHANGE_TABLE


def test_the_table_covers_every_verb_and_alias() -> None:
    raw = {t.split()[0].lstrip("/") for t, _ in TABLE}
    used = raw | {unicodedata.normalize("NFKC", w).lower() for w in raw}
    assert {w for v in VERBS for w in (v.name, *v.aliases)} <= used


# ---------------------------------------------------------------- known bugs: digits of other scripts


def _has_odd_digit(text: str) -> bool:
    """Characters str.isdigit() accepts but int() refuses, even after NFKC (e.g. ❶, Ethiopic ፩)."""
    return any(ch.isdigit() and not ch.isdecimal() for ch in unicodedata.normalize("NFKC", text))


@pytest.mark.parametrize(
    "text", ["remove SO-2026-1 ❶", "list page ፩", "diff SO-2026-1 𐩀", "set SO-2026-1 line ❶ qty 9"]
)
def test_odd_digits_are_a_parse_error(parser: CommandParser, text: str) -> None:
    assert _has_odd_digit(text)
    with pytest.raises(ParseError) as err:
        parser.parse(text, TODAY)
    assert err.value.code == "bad_number"


def test_order_numbers_with_other_scripts_digits_are_refused_cleanly(parser: CommandParser) -> None:
    with pytest.raises(ParseError) as err:
        parser.parse("show SO-٢٠٢٦-٥", TODAY)
    assert err.value.code == "bad_order_number"


# ---------------------------------------------------------------- properties

no_odd_digits = st.text()  # odd Unicode digits included: they must end in a typed error too


@FAST
@given(no_odd_digits)
def test_any_text_is_a_command_or_an_orderbot_error(parser: CommandParser, text: str) -> None:
    with contextlib.suppress(OrderbotError):
        parser.parse(text, TODAY, "me")


VOCABULARY = sorted(
    {w for v in VERBS for w in (v.name, *v.aliases)}
    | set(KEYWORDS)
    | set(STATUS_WORDS)
    | {
        "SO-2026-1", "so2026000012", "SO-2026-1234567", "ＳＯ－２０２６－１", "BOLT-M8", "nut-m8", "A", "x/y.z",
        "1000", "1,000", "2.5kg", "1000件", "0", "-3", "1e3", "1e99", "0.0001", "Infinity", "NaN", "v2", "#3",
        "@0.5", "@", "¥12", "￥1,200.50", "@-1", "2026-12-05", "12/5", "05/12/2026", "12月5日", "下周五", "明天",
        "3天后", "提前两周", "推迟3天", "-14d", "+2w", "next", "friday", "2", "weeks", "later", "earlier", "tomorrow",
        "me", "我", "mine", "我的", "@bob", "grant", "revoke", "users", "授权", "admin", "boss", "'a b'", '"',
        "“引号”", "'", "\\", "--", "",
        "PO-2026-1", "po2026000001", "WO-2026-1", "wo-2026-000001", "low", "不足", "order", "订单", "+20", "-50",
        "override", "强制", "new", "from-suggestions", "按建议", "suggest", "approve", "receive", "收货", "all",
        "全部", "supplier", "供应商", "eta", "到货", "release", "start", "开工", "report", "报工", "scrap", "报废",
    }
)  # fmt: skip
token = st.sampled_from(VOCABULARY) | st.text(max_size=8).filter(lambda t: not _has_odd_digit(t))


@FAST
@given(st.lists(token, max_size=12))
def test_grammar_shaped_text_is_a_command_or_an_orderbot_error(parser: CommandParser, words: list[str]) -> None:
    with contextlib.suppress(OrderbotError):
        parser.parse(" ".join(words), TODAY, "me")


@FAST
@given(
    year=st.integers(1000, 9999),
    seq=st.integers(1, 999_999),
    width=st.integers(1, 6),
    prefix=st.sampled_from(["SO", "so", "So", "sO", "ＳＯ"]),
    dashes=st.sampled_from(["--", "-", "", "－－"]),
    verb=st.sampled_from(["show", "查看", "confirm", "history"]),
)
def test_order_numbers_round_trip_to_the_canonical_form(
    parser: CommandParser, year: int, seq: int, width: int, prefix: str, dashes: str, verb: str
) -> None:
    first, second = (dashes[0], dashes[1]) if len(dashes) == 2 else (dashes, "")
    token = f"{prefix}{first}{year}{second}{seq:0{width}d}"
    canonical = f"SO-{year}-{seq:06d}"
    assert re.fullmatch(r"SO-[0-9]{4}-[0-9]{6}", canonical)
    cmd = parser.parse(f"{verb} {token}", TODAY)
    assert cmd.number == canonical  # type: ignore[union-attr]
    assert order_number(canonical) == canonical


@FAST
@given(st.integers(1000, 9999), st.integers(1_000_000, 10**9))
def test_order_numbers_longer_than_six_digits_are_refused(year: int, seq: int) -> None:
    with pytest.raises(ParseError) as err:
        order_number(f"SO-{year}-{seq}")
    assert err.value.code == "bad_order_number"


@FAST
@given(st.decimals(min_value=Decimal("0.001"), max_value=Decimal("999999999999.999"), places=3))
def test_quantities_read_back_exactly(parser: CommandParser, qty: Decimal) -> None:
    cmd = parser.parse(f"new ACME BOLT-M8 {qty}", TODAY)
    assert cmd.lines == (LineInput("BOLT-M8", qty),)  # type: ignore[union-attr]
    assert cmd.lines[0].quantity.as_tuple() == qty.as_tuple()  # type: ignore[union-attr]
