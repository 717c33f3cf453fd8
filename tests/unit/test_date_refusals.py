"""What the date reader refuses, and the numerals it counts with: phrases that are not dates (or not one
day), the Chinese numerals of the rules, and random text, which reads or is refused but never breaks."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.conversation.language.dates import DateReader, DateShift
from bot.conversation.language.errors import DateNotUnderstood
from bot.conversation.language.numerals import parse_number
from tests.unit.date_support import SUNDAY


@pytest.fixture(scope="module")
def reader() -> DateReader:
    return DateReader()


# ---------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    "phrase",
    [
        "",
        "   ",
        "。",
        "garbage",
        "32号",
        "0号",
        "13月1日",
        "2月30日",
        "2026-02-30",
        "2026-13-01",
        "12/32",
        "0/5",
        "05/12/2026",  # year last: day/month order is ambiguous
        "5/12/26",
        "5",  # bare numbers are quantities
        "2026",
        "十二",
        "march 2027",  # dateparser would invent the day
        "1.5天后",  # fractions would be silently dropped
        "1.5 days later",
        "二三天后",  # malformed numeral
        "十十天后",
        "推迟一个月",  # months have no fixed number of days to shift by
        "a month later",
        "-1m",
        "monkey",
        "明天" * 40,
    ],
)
def test_not_understood(reader: DateReader, phrase: str) -> None:
    with pytest.raises(DateNotUnderstood) as caught:
        reader.read(phrase, SUNDAY)
    assert caught.value.params == {"phrase": phrase.strip()}


def test_next_month_day_that_does_not_exist(reader: DateReader) -> None:
    with pytest.raises(DateNotUnderstood):
        reader.read("下月31号", date(2026, 1, 5))


# ---------------------------------------------------------------- numerals


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3", 3),
        ("一", 1),
        ("两", 2),
        ("十", 10),
        ("十五", 15),
        ("二十", 20),
        ("二十五", 25),
        ("一百", 100),
        ("两百", 200),
        ("一百零五", 105),
        ("一百一十", 110),
        ("一百五", 150),
        ("零", 0),
    ],
)
def test_parse_number(text: str, value: int) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize("text", ["", "二三", "十十", "十百", "零零", "3十", "abc"])
def test_parse_number_refuses_malformed(text: str) -> None:
    assert parse_number(text) is None


# ---------------------------------------------------------------- properties

# Characters the rules react to, so random text also reaches the regex paths, not only junk.
DATEISH = st.text(alphabet=st.sampled_from(list("0123456789-/+.号日月周下本这个天后提前推迟年dwm ")))


@settings(max_examples=300, deadline=None)
@given(phrase=st.text() | DATEISH)
def test_any_text_reads_or_is_not_understood(reader: DateReader, phrase: str) -> None:
    try:
        spec = reader.read(phrase, SUNDAY)
    except DateNotUnderstood:
        return
    assert isinstance(spec, (date, DateShift))
    if isinstance(spec, DateShift):
        assert spec.phrase == phrase.strip()


@settings(max_examples=100, deadline=None)
@given(days=st.integers(min_value=0, max_value=9999))
def test_day_counts_agree_across_spellings(reader: DateReader, days: int) -> None:
    expected = SUNDAY + timedelta(days=days)
    assert reader.read(f"{days}天后", SUNDAY) == expected
    assert reader.read(f"+{days}d", SUNDAY) == expected
    assert reader.read(f"in {days} days", SUNDAY) == expected
    assert reader.read(f"提前{days}天", SUNDAY) == DateShift(-days, f"提前{days}天")
