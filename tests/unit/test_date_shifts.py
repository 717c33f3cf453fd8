"""Due-date shifts: phrases that move the due date by a number of days rather than name a day, and how they
resolve against a due date (or refuse to without one)."""

from __future__ import annotations

import dataclasses
from datetime import date, timedelta

import pytest

from bot.conversation.language.dates import DateReader, DateShift
from bot.conversation.language.errors import DateNeedsDueDate, DateNotUnderstood
from tests.unit.date_support import SUNDAY


@pytest.fixture(scope="module")
def reader() -> DateReader:
    return DateReader()


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
