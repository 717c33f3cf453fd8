"""Date rules, pinned against fixed days (never the clock): every absolute phrase of the brief on a Sunday
and on a Wednesday, roll-overs of months and years, the long tail left to dateparser, and what today is.

Due-date shifts are in test_date_shifts.py; refusals, numerals and random text in test_date_refusals.py."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.conversation.language import dates
from bot.conversation.language.dates import DateReader, DateShift
from tests.unit.date_support import SUNDAY, WEDNESDAY
from tests.unit.test_date_shifts import SHIFTS


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
    # weekdays: ISO weeks, Monday first; today is Sunday. 本周/这周 is this week's even when past; a bare
    # weekday is the coming one, strictly after today (issue 13 item 14: 周五 said on a Sunday is the next Friday)
    ("本周五", date(2026, 11, 20)),
    ("这周五", date(2026, 11, 20)),
    ("这个星期五", date(2026, 11, 20)),
    ("周五", date(2026, 11, 27)),
    ("星期五", date(2026, 11, 27)),
    ("礼拜五", date(2026, 11, 27)),
    ("周日", date(2026, 11, 29)),
    ("星期天", date(2026, 11, 29)),
    ("周1", date(2026, 11, 23)),
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
    ("sunday", date(2026, 11, 29)),  # today's weekday named: next week's (today is 今天 / today)
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
    ("周五", date(2026, 11, 20)),  # the coming Friday: this week's
    ("周一", date(2026, 11, 23)),  # this week's Monday has passed: the coming one
    ("本周一", date(2026, 11, 16)),  # explicitly this week's, past or not
    ("周三", date(2026, 11, 25)),  # today's weekday: next week's
    ("周日", date(2026, 11, 22)),
    ("下周五", date(2026, 11, 27)),
    ("下星期一", date(2026, 11, 23)),
    ("下礼拜三", date(2026, 11, 25)),
    ("下下周一", date(2026, 11, 30)),
    ("friday", date(2026, 11, 20)),
    ("this friday", date(2026, 11, 20)),
    ("next friday", date(2026, 11, 27)),
    ("wednesday", date(2026, 11, 25)),  # strictly after today, as 周三
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
