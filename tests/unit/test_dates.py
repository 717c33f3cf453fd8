"""Date rules: every phrase of the brief, pinned against fixed days (never the clock)."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.language import dates
from bot.language.dates import DateReader, DateShift
from bot.language.errors import DateNeedsDueDate, DateNotUnderstood
from bot.language.numerals import parse_number

SUNDAY = date(2026, 11, 22)
WEDNESDAY = date(2026, 11, 18)


@pytest.fixture(scope="module")
def reader() -> DateReader:
    return DateReader()


# ---------------------------------------------------------------- absolute dates

SUNDAY_TABLE: list[tuple[str, date]] = [
    # numeric and Chinese calendar dates
    ("2026-12-05", date(2026, 12, 5)),
    ("2026/12/05", date(2026, 12, 5)),
    ("2026.12.5", date(2026, 12, 5)),
    ("2026-11-01", date(2026, 11, 1)),  # explicit year: past dates stay past
    ("12-05", date(2026, 12, 5)),
    ("12/05", date(2026, 12, 5)),
    ("12/5", date(2026, 12, 5)),
    ("11/22", date(2026, 11, 22)),  # today is not "past"
    ("11/21", date(2027, 11, 21)),  # already past this year
    ("1/3", date(2027, 1, 3)),
    ("12.5", date(2026, 12, 5)),
    ("3.5", date(2027, 3, 5)),
    ("12月5日", date(2026, 12, 5)),
    ("12月5号", date(2026, 12, 5)),
    ("12月5", date(2026, 12, 5)),
    ("十二月五日", date(2026, 12, 5)),
    ("3月1日", date(2027, 3, 1)),
    ("2月29日", date(2028, 2, 29)),  # waits for the next leap year
    ("2027年1月3日", date(2027, 1, 3)),
    ("2027年1月3号", date(2027, 1, 3)),
    ("5号", date(2026, 12, 5)),
    ("5日", date(2026, 12, 5)),
    ("22号", date(2026, 11, 22)),
    ("25号", date(2026, 11, 25)),
    ("十五号", date(2026, 12, 15)),
    ("三十日", date(2026, 11, 30)),
    ("31号", date(2026, 12, 31)),  # November has no 31st: the next one
    ("本月15号", date(2026, 11, 15)),  # explicitly this month, even if past
    # weekdays: ISO weeks, Monday first; today is Sunday
    ("本周五", date(2026, 11, 20)),
    ("这周五", date(2026, 11, 20)),
    ("这个星期五", date(2026, 11, 20)),
    ("周五", date(2026, 11, 20)),
    ("星期五", date(2026, 11, 20)),
    ("礼拜五", date(2026, 11, 20)),
    ("周日", date(2026, 11, 22)),
    ("星期天", date(2026, 11, 22)),
    ("周1", date(2026, 11, 16)),
    ("下周五", date(2026, 11, 27)),
    ("下个周五", date(2026, 11, 27)),
    ("下星期一", date(2026, 11, 23)),
    ("下礼拜三", date(2026, 11, 25)),
    ("下周日", date(2026, 11, 29)),
    ("下下周一", date(2026, 11, 30)),
    ("上周五", date(2026, 11, 13)),
    ("friday", date(2026, 11, 27)),
    ("fri", date(2026, 11, 27)),
    ("this friday", date(2026, 11, 20)),
    ("next friday", date(2026, 11, 27)),
    ("monday", date(2026, 11, 23)),
    ("sunday", date(2026, 11, 22)),
    ("next tue", date(2026, 11, 24)),
    ("last friday", date(2026, 11, 13)),
    # relative to today
    ("今天", SUNDAY),
    ("明天", date(2026, 11, 23)),
    ("后天", date(2026, 11, 24)),
    ("大后天", date(2026, 11, 25)),
    ("昨天", date(2026, 11, 21)),
    ("today", SUNDAY),
    ("tomorrow", date(2026, 11, 23)),
    ("day after tomorrow", date(2026, 11, 24)),
    ("两周后", date(2026, 12, 6)),
    ("十天后", date(2026, 12, 2)),
    ("3天后", date(2026, 11, 25)),
    ("3日后", date(2026, 11, 25)),
    ("十五天后", date(2026, 12, 7)),
    ("二十天后", date(2026, 12, 12)),
    ("二十五天后", date(2026, 12, 17)),
    ("一百天后", date(2027, 3, 2)),
    ("一百五十天后", date(2027, 4, 21)),
    ("两个星期以后", date(2026, 12, 6)),
    ("一个月后", date(2026, 12, 22)),
    ("三个月后", date(2027, 2, 22)),
    ("一年后", date(2027, 11, 22)),
    ("过两天", date(2026, 11, 24)),
    ("in 3 days", date(2026, 11, 25)),
    ("in a week", date(2026, 11, 29)),
    ("in two weeks", date(2026, 12, 6)),
    ("3 days from now", date(2026, 11, 25)),
    ("+2w", date(2026, 12, 6)),
    ("+10d", date(2026, 12, 2)),
    ("+1m", date(2026, 12, 22)),
    ("+1y", date(2027, 11, 22)),
    # month ends and next month
    ("月底", date(2026, 11, 30)),
    ("本月底", date(2026, 11, 30)),
    ("下个月底", date(2026, 12, 31)),
    ("下月底", date(2026, 12, 31)),
    ("下月末", date(2026, 12, 31)),
    ("下月15号", date(2026, 12, 15)),
    ("下个月15日", date(2026, 12, 15)),
    ("下月十五号", date(2026, 12, 15)),
    ("end of month", date(2026, 11, 30)),
    ("end of the month", date(2026, 11, 30)),
    ("end of next month", date(2026, 12, 31)),
    # working days (Mon-Fri): Sunday -> Monday
    ("下个工作日", date(2026, 11, 23)),
    ("next working day", date(2026, 11, 23)),
    ("next business day", date(2026, 11, 23)),
    # spelling variants the reader must tolerate
    ("  FRIDAY  ", date(2026, 11, 27)),
    ("Next Friday", date(2026, 11, 27)),
    ("１２月５日", date(2026, 12, 5)),
    ("２０２６－１２－０５", date(2026, 12, 5)),
    ("＋２ｗ", date(2026, 12, 6)),
    ("下 周 五", date(2026, 11, 27)),
    ("in  3   days", date(2026, 11, 25)),
    ("明天。", date(2026, 11, 23)),
]

WEDNESDAY_TABLE: list[tuple[str, date]] = [
    ("本周五", date(2026, 11, 20)),
    ("周五", date(2026, 11, 20)),
    ("周一", date(2026, 11, 16)),
    ("周日", date(2026, 11, 22)),
    ("下周五", date(2026, 11, 27)),
    ("下星期一", date(2026, 11, 23)),
    ("下礼拜三", date(2026, 11, 25)),
    ("下下周一", date(2026, 11, 30)),
    ("friday", date(2026, 11, 20)),
    ("this friday", date(2026, 11, 20)),
    ("next friday", date(2026, 11, 27)),
    ("wednesday", WEDNESDAY),  # on or after today
    ("monday", date(2026, 11, 23)),
    ("this monday", date(2026, 11, 16)),
    ("今天", WEDNESDAY),
    ("明天", date(2026, 11, 19)),
    ("后天", date(2026, 11, 20)),
    ("大后天", date(2026, 11, 21)),
    ("昨天", date(2026, 11, 17)),
    ("5号", date(2026, 12, 5)),
    ("18号", WEDNESDAY),
    ("17号", date(2026, 12, 17)),
    ("30号", date(2026, 11, 30)),
    ("两周后", date(2026, 12, 2)),
    ("十天后", date(2026, 11, 28)),
    ("一百天后", date(2027, 2, 26)),
    ("+2w", date(2026, 12, 2)),
    ("+1m", date(2026, 12, 18)),
    ("下个工作日", date(2026, 11, 19)),
    ("月底", date(2026, 11, 30)),
]


@pytest.mark.parametrize(("phrase", "expected"), SUNDAY_TABLE)
def test_reads_phrase_on_a_sunday(reader: DateReader, phrase: str, expected: date) -> None:
    assert reader.read(phrase, SUNDAY) == expected


@pytest.mark.parametrize(("phrase", "expected"), WEDNESDAY_TABLE)
def test_reads_phrase_on_a_wednesday(reader: DateReader, phrase: str, expected: date) -> None:
    assert reader.read(phrase, WEDNESDAY) == expected


def test_fixed_phrases_never_reach_dateparser(monkeypatch: pytest.MonkeyPatch) -> None:
    # The <2 ms budget rests on the regex rules answering these; dateparser is the slow path.
    reader = DateReader()

    def no_dateparser(*args: object, **kwargs: object) -> None:
        raise AssertionError("dateparser was called")

    monkeypatch.setattr(dates, "DateDataParser", no_dateparser)
    for phrase, expected in SUNDAY_TABLE:
        assert reader.read(phrase, SUNDAY) == expected, phrase
    for phrase, _days in SHIFTS:
        assert isinstance(reader.read(phrase, SUNDAY), DateShift), phrase


@pytest.mark.parametrize(
    ("today", "phrase", "expected"),
    [
        (date(2026, 1, 31), "+1m", date(2026, 2, 28)),
        (date(2028, 1, 31), "+1m", date(2028, 2, 29)),
        (date(2026, 1, 31), "一个月后", date(2026, 2, 28)),
        (date(2026, 3, 31), "in 1 month", date(2026, 4, 30)),
        (date(2026, 1, 31), "月底", date(2026, 1, 31)),
        (date(2026, 1, 31), "下月底", date(2026, 2, 28)),
        (date(2026, 12, 10), "下月15号", date(2027, 1, 15)),
        (date(2026, 12, 10), "下个月底", date(2027, 1, 31)),
        (date(2026, 12, 10), "end of next month", date(2027, 1, 31)),
        (date(2026, 12, 10), "+1m", date(2027, 1, 10)),
        (date(2026, 12, 10), "12-05", date(2027, 12, 5)),
        (date(2026, 12, 10), "12/10", date(2026, 12, 10)),
        (date(2026, 12, 10), "1/3", date(2027, 1, 3)),
        (date(2026, 12, 28), "5号", date(2027, 1, 5)),
        (date(2027, 1, 31), "30号", date(2027, 3, 30)),  # February has no 30th
        (date(2026, 12, 28), "下周一", date(2027, 1, 4)),
        (date(2026, 11, 20), "下个工作日", date(2026, 11, 23)),  # Friday -> Monday
        (date(2026, 11, 21), "next business day", date(2026, 11, 23)),  # Saturday
        # No holiday calendar: New Year's Day counts as a working day.
        (date(2026, 12, 31), "下个工作日", date(2027, 1, 1)),
    ],
)
def test_rolls_over_months_and_years(reader: DateReader, today: date, phrase: str, expected: date) -> None:
    assert reader.read(phrase, today) == expected


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        ("dec 5", date(2030, 12, 5)),
        ("december 5th", date(2030, 12, 5)),
        ("march 3", date(2030, 3, 3)),
        ("in a fortnight", date(2030, 1, 15)),
        ("next week", date(2030, 1, 8)),
    ],
)
def test_long_tail_goes_to_dateparser_relative_to_the_given_today(
    reader: DateReader, phrase: str, expected: date
) -> None:
    # 2030 is far from the real clock: a system-clock leak would show up as a wrong year.
    assert reader.read(phrase, date(2030, 1, 1)) == expected


# ---------------------------------------------------------------- due-date shifts

SHIFTS: list[tuple[str, int]] = [
    ("提前两周", -14),
    ("提前3天", -3),
    ("提前 3 天", -3),
    ("提前一个星期", -7),
    ("提早两天", -2),
    ("早两天", -2),
    ("推迟3天", 3),
    ("推迟了3天", 3),
    ("延后5天", 5),
    ("延期一周", 7),
    ("延迟2天", 2),
    ("推后1周", 7),
    ("顺延三天", 3),
    ("晚两天", 2),
    ("2 weeks earlier", -14),
    ("3 days later", 3),
    ("a week earlier", -7),
    ("3 days sooner", -3),
    ("delay 2 weeks", 14),
    ("postpone by 3 days", 3),
    ("push back 1 day", 1),
    ("bring forward 2 days", -2),
    ("pull in a week", -7),
    ("-3d", -3),
    ("-2w", -14),
    ("－３ｄ", -3),
]


@pytest.mark.parametrize(("phrase", "days"), SHIFTS)
def test_shift_phrases_shift_the_due_date(reader: DateReader, phrase: str, days: int) -> None:
    spec = reader.read(phrase, SUNDAY)
    assert spec == DateShift(days, phrase.strip())
    due = date(2026, 12, 20)
    assert reader.resolve(phrase, SUNDAY, due=due) == due + timedelta(days=days)


def test_plus_counts_from_today_but_minus_shifts_the_due_date(reader: DateReader) -> None:
    assert reader.read("+3d", SUNDAY) == date(2026, 11, 25)
    assert reader.read("-3d", SUNDAY) == DateShift(-3, "-3d")


def test_resolve_passes_absolute_dates_through(reader: DateReader) -> None:
    assert reader.resolve("明天", SUNDAY) == date(2026, 11, 23)
    assert reader.resolve("明天", SUNDAY, due=date(2027, 1, 1)) == date(2026, 11, 23)


def test_shift_without_due_date_needs_one(reader: DateReader) -> None:
    with pytest.raises(DateNeedsDueDate) as caught:
        reader.resolve("提前3天", SUNDAY)
    assert caught.value.params == {"phrase": "提前3天"}
    with pytest.raises(DateNeedsDueDate):
        DateShift(-14, "提前两周").resolve(None)


def test_shift_resolves_and_is_frozen() -> None:
    shift = DateShift(-14, "提前两周")
    assert shift.resolve(date(2026, 12, 5)) == date(2026, 11, 21)
    with pytest.raises(dataclasses.FrozenInstanceError):
        shift.days = 3  # type: ignore[misc]


def test_shift_past_the_calendar_is_not_understood() -> None:
    with pytest.raises(DateNotUnderstood):
        DateShift(30, "推迟30天").resolve(date.max)


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


# ---------------------------------------------------------------- today() and set-up


@pytest.mark.parametrize(
    ("now", "expected"),
    [
        (datetime(2026, 11, 22, 15, 59, tzinfo=UTC), date(2026, 11, 22)),
        (datetime(2026, 11, 22, 16, 0, tzinfo=UTC), date(2026, 11, 23)),  # 00:00 in Shanghai
    ],
)
def test_today_is_the_local_date(reader: DateReader, now: datetime, expected: date) -> None:
    assert reader.today(now) == expected


def test_today_in_another_zone_and_refuses_naive_times() -> None:
    reader = DateReader(timezone="America/Los_Angeles")
    assert reader.today(datetime(2026, 11, 22, 7, 0, tzinfo=UTC)) == date(2026, 11, 21)
    with pytest.raises(ValueError, match="timezone-aware"):
        reader.today(datetime(2026, 11, 22, 7, 0))


def test_bad_configuration_fails_at_start_up() -> None:
    with pytest.raises(KeyError):  # ZoneInfoNotFoundError
        DateReader(timezone="Mars/Olympus_Mons")
    with pytest.raises(ValueError, match="xx"):
        DateReader(languages=("xx",))


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
