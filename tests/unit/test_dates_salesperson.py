"""Issue 13 item 14: the dates and quantities a salesperson types, pinned on fixed days across every weekday and
over month and year ends (never the clock): 周五 is the coming Friday, 下下周三, 下月初 (the first working day),
月中 (the 15th), 年底 (December 31); Chinese numerals in quantities (五千, 一万二, 两千五, 三百件); and the date
hint's example is never in the past."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.conversation.language.dates import DateReader
from bot.conversation.language.errors import DateNotUnderstood, ParseError
from bot.conversation.language.numerals import parse_number
from bot.conversation.language.tokens import quantity

FAST = settings(max_examples=300, deadline=None)
WEEKDAYS = "一二三四五六日"
MONDAY = date(2026, 11, 16)
WEEK = [MONDAY + timedelta(days=i) for i in range(7)]  # Monday 16 to Sunday 22 November 2026
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 1))


@pytest.fixture(scope="module")
def reader() -> DateReader:
    return DateReader()


# ---------------------------------------------------------------- weekdays


@pytest.mark.parametrize("today", WEEK, ids=[d.strftime("%a") for d in WEEK])
def test_a_bare_weekday_is_the_coming_one_never_today(reader: DateReader, today: date) -> None:
    for index, char in enumerate(WEEKDAYS):
        found = reader.read(f"周{char}", today)
        assert found.weekday() == index and today < found <= today + timedelta(days=7), (today, char)
        this_week = reader.read(f"本周{char}", today)
        # this week's if still ahead, else next week's: what 下周X says
        assert found == (this_week if this_week > today else reader.read(f"下周{char}", today))
        assert reader.read(f"星期{char}", today) == found
        assert reader.read(f"下下周{char}", today) == reader.read(f"下周{char}", today) + timedelta(weeks=1)


@pytest.mark.parametrize(
    ("today", "phrase", "expected"),
    [
        (date(2026, 11, 18), "周五", date(2026, 11, 20)),  # on a Wednesday: this Friday
        (date(2026, 11, 21), "周五", date(2026, 11, 27)),  # on a Saturday: next Friday
        (date(2026, 11, 20), "周五", date(2026, 11, 27)),  # on the Friday itself: next week's (today is 今天)
        (date(2026, 11, 20), "friday", date(2026, 11, 27)),
        (date(2026, 11, 18), "下下周三", date(2026, 12, 2)),
        (date(2026, 11, 22), "下下周三", date(2026, 12, 2)),  # a Sunday still belongs to its Monday's week
        (date(2026, 12, 30), "周五", date(2027, 1, 1)),  # over the year's end
        (date(2026, 12, 30), "下下周三", date(2027, 1, 13)),
    ],
)
def test_weekdays_on_fixed_days(reader: DateReader, today: date, phrase: str, expected: date) -> None:
    assert reader.read(phrase, today) == expected


# ---------------------------------------------------------------- parts of a month and of the year


@pytest.mark.parametrize(
    ("today", "phrase", "expected"),
    [
        (date(2026, 11, 18), "下月初", date(2026, 12, 1)),  # a Tuesday
        (date(2026, 12, 10), "下月初", date(2027, 1, 1)),  # over the year's end (no holiday calendar)
        (date(2026, 7, 10), "下月初", date(2026, 8, 3)),  # 1 August 2026 is a Saturday: Monday the 3rd
        (date(2026, 10, 10), "下个月初", date(2026, 11, 2)),  # 1 November is a Sunday
        (date(2026, 11, 18), "月初", date(2026, 12, 1)),  # this month's beginning has passed
        (date(2026, 11, 1), "月初", date(2026, 11, 2)),  # a Sunday: the month's first working day is ahead
        (date(2026, 11, 18), "本月初", date(2026, 11, 2)),  # explicitly this month's, past or not
        (date(2026, 11, 18), "下下月初", date(2027, 1, 1)),
        (date(2026, 11, 10), "月中", date(2026, 11, 15)),
        (date(2026, 11, 15), "月中", date(2026, 11, 15)),  # today is the 15th
        (date(2026, 11, 16), "月中", date(2026, 12, 15)),  # passed: next month's
        (date(2026, 12, 20), "月中", date(2027, 1, 15)),
        (date(2026, 11, 16), "下月中", date(2026, 12, 15)),
        (date(2026, 11, 16), "下月中旬", date(2026, 12, 15)),
        (date(2026, 11, 16), "本月中", date(2026, 11, 15)),
        (date(2026, 11, 18), "年底", date(2026, 12, 31)),
        (date(2026, 12, 31), "年底", date(2026, 12, 31)),
        (date(2026, 11, 18), "年末", date(2026, 12, 31)),
        (date(2026, 11, 18), "今年底", date(2026, 12, 31)),
        (date(2026, 11, 18), "明年底", date(2027, 12, 31)),
        (date(2026, 11, 18), "明年初", date(2027, 1, 1)),
        (date(2026, 11, 18), "年初", date(2027, 1, 1)),  # this year's beginning has passed
        (date(2027, 12, 20), "明年初", date(2028, 1, 3)),  # 1 January 2028 is a Saturday
        (date(2026, 11, 18), "下下个月底", date(2027, 1, 31)),
        (date(2026, 11, 18), "beginning of next month", date(2026, 12, 1)),
        (date(2026, 11, 18), "mid-month", date(2026, 12, 15)),
        (date(2026, 11, 18), "middle of next month", date(2026, 12, 15)),
        (date(2026, 11, 18), "end of the year", date(2026, 12, 31)),
        (date(2026, 11, 18), "end of next year", date(2027, 12, 31)),
    ],
)
def test_parts_of_months_and_years(reader: DateReader, today: date, phrase: str, expected: date) -> None:
    assert reader.read(phrase, today) == expected


@FAST
@given(days)
def test_month_and_year_phrases_never_land_in_the_past_or_on_a_weekend(today: date) -> None:
    reader = DateReader()
    start = reader.read("下月初", today)
    assert isinstance(start, date) and start > today and start.weekday() < 5 and start.day <= 3
    assert (start.year * 12 + start.month) - (today.year * 12 + today.month) == 1
    begin = reader.read("月初", today)
    assert isinstance(begin, date) and today <= begin and begin.weekday() < 5 and begin.day <= 3
    middle = reader.read("月中", today)
    assert isinstance(middle, date) and middle.day == 15 and today <= middle < today + timedelta(days=32)
    assert reader.read("年底", today) == date(today.year, 12, 31)
    friday = reader.read("周五", today)
    assert isinstance(friday, date) and friday.weekday() == 4 and today < friday <= today + timedelta(days=7)


# ---------------------------------------------------------------- the hint's example


@FAST
@given(days)
def test_the_hint_example_is_never_in_the_past(today: date) -> None:
    with pytest.raises(DateNotUnderstood) as caught:
        DateReader().read("someday", today)
    [(key, params)] = caught.value.notes
    assert key == "date_hint" and date.fromisoformat(params["example"]) > today
    ahead = date.fromisoformat(params["example"])
    assert params["month_day"] == f"{ahead.month}月{ahead.day}日"


# ---------------------------------------------------------------- Chinese numerals in quantities


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("五千", "5000"), ("一万二", "12000"), ("两千五", "2500"), ("三百件", "300"), ("一万", "10000"),
        ("一万二千五", "12500"), ("一万零五", "10005"), ("十万", "100000"), ("十二万五", "125000"),
        ("一百二十万", "1200000"), ("两万五千个", "25000"), ("1.5万", "15000"), ("5千", "5000"), ("2k", "2000"),
        ("2.5K", "2500"), ("一百五", "150"), ("一百零五", "105"), ("１０００件", "1000"),
    ],
)  # fmt: skip
def test_chinese_numerals_are_quantities(typed: str, expected: str) -> None:
    assert quantity(typed) == Decimal(expected)


def test_signed_and_zero_chinese_quantities() -> None:
    assert quantity("-两百", signed=True) == Decimal(-200) and quantity("+五百", signed=True) == Decimal(500)
    assert quantity("-1万", signed=True) == Decimal(-10000) and quantity("零", zero=True) == 0
    for bad, kw in (("-两百", {}), ("零", {}), ("一万五百", {}), ("万", {}), ("二三", {}), ("-", {"signed": True})):
        with pytest.raises(ParseError) as caught:
            quantity(bad, **kw)  # type: ignore[arg-type]
        assert caught.value.code == "bad_quantity", bad


_DIGITS = "零一二三四五六七八九"


def _below_wan(n: int) -> str:
    """n (1..9999) as written out in full: 一千零五, 一百一十, 三千五百."""
    out, zero = "", False
    for unit, char in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // unit % 10
        if digit == 0:
            zero = bool(out)
            continue
        out += ("零" if zero else "") + _DIGITS[digit] + char
        zero = False
    return out


def written(n: int) -> str:
    if n == 0:
        return "零"
    high, low = divmod(n, 10_000)
    if not high:
        return _below_wan(low)
    return _below_wan(high) + "万" + ("" if not low else ("零" if low < 1000 else "") + _below_wan(low))


@FAST
@given(st.integers(0, 99_999_999))
def test_any_number_written_out_in_chinese_reads_back(n: int) -> None:
    assert parse_number(written(n)) == n


@FAST
@given(st.integers(1, 9999), st.integers(1, 9))
def test_a_digit_after_wan_is_thousands(high: int, digit: int) -> None:
    assert parse_number(f"{_below_wan(high)}万{_DIGITS[digit]}") == high * 10_000 + digit * 1000
