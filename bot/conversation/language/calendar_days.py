"""Calendar arithmetic behind the date phrases people type: adding months as people count them, a month's last
day, the next time a (month/)day comes round, the first working day, the coming weekday. Pure functions of dates."""

from __future__ import annotations

import calendar
from datetime import date, timedelta


def make_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except (ValueError, OverflowError):
        return None


def add_months(start: date, months: int) -> date:
    # Clamp to the month's end: Jan 31 + 1 month is Feb 28, as people count.
    year, month0 = divmod(start.year * 12 + start.month - 1 + months, 12)
    return date(year, month0 + 1, min(start.day, calendar.monthrange(year, month0 + 1)[1]))


def month_end(start: date, months: int) -> date:
    first = add_months(start.replace(day=1), months)
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


def next_month_day(today: date, month: int | None, day: int | None) -> date | None:
    """The first (month/)day on or after today; None when that day never exists."""
    if day is None or not 1 <= day <= 31 or (month is not None and not 1 <= month <= 12):
        return None
    if month is None:  # 5号: this month, else the next month that has that day
        for ahead in range(12):
            first = add_months(today.replace(day=1), ahead)
            found = make_date(first.year, first.month, day)
            if found is not None and found >= today:
                return found
        return None
    for year in range(today.year, today.year + 9):  # 2月29日 waits for a leap year
        found = make_date(year, month, day)
        if found is not None and found >= today:
            return found
    return None


def first_working_day(first: date) -> date:
    """The first Monday-to-Friday day on or after ``first`` (no holiday calendar, as 下个工作日)."""
    return first + timedelta(days=max(0, 7 - first.weekday()) if first.weekday() >= 5 else 0)


def coming(today: date, weekday: int) -> date:
    """The next ``weekday`` strictly after today (on a Friday, "friday" is next week's)."""
    return today + timedelta(days=(weekday - today.weekday() - 1) % 7 + 1)
