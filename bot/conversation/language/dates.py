"""Date rules of the command language: turn "下周五", "3天后" or "2 weeks earlier" into a date.

``DateReader.read`` gives either an absolute ``date`` or a ``DateShift`` (a shift of the
order's current due date, e.g. 提前两周). The phrases people actually type are handled by
precompiled regexes, so a warm ``read`` costs microseconds; dateparser only sees the long
tail, because even with fixed languages it costs about a millisecond per call.

Decisions worth knowing (the tests pin each of them):

* ``+3d`` / ``+2w`` / ``+1m`` count from *today*, like "in 3 days"; ``-3d`` / ``-2w`` and
  every earlier/later/提前/推迟/延后/延期 phrase shift the *due date*. A minus count from
  today would always land in the past, so reading it as "pull the due date in" is the
  only useful meaning; the asymmetry is deliberate.
* Shifts are whole days (``DateShift.days``): 提前一个月 / "a month later" cannot be a
  fixed number of days, so they are refused instead of guessed as 30 days.
* Weeks run Monday to Sunday. A bare weekday (周五, 星期五, "friday") is the coming one,
  strictly after today: on a Wednesday 周五 is this Friday, on a Saturday (or a Friday)
  the next one — today has its own word (今天), so a salesperson naming today's weekday
  means next week's. 本周五 / 这周五 / "this friday" are this week's Friday even when it
  has passed (callers reject past dates); 下周五 / 下下周三 count whole weeks ahead.
* Parts of a month: 月初 is the first working day (Monday to Friday) of the month — a
  due date nobody ships on is no promise; 月中 is the 15th; 月底 the last calendar day.
  Bare, they are this month's unless that day has passed (then next month's); 本月… is
  this month's even when past, 下月… / 下下月… next month's and the one after. 年底 /
  年末 is December 31 (a deadline: "by the end of the year"), 明年底 next year's; 年初
  / 明年初 the first working day of the year. No holiday calendar: see 下个工作日.
* Dates without a year (12月5日, 12-05, 12/5) are month/day in the next year when already
  past; a day alone (5号) is the next 5th on or after today. Numeric dates with the year
  last (05/12/2026) are refused: month/day and day/month orders both occur among
  customers, and a silent swap is worse than asking again.
  12.5 is month.day like 12/5; any other decimal ("1.5天后") is refused, not rounded.
* A bare number ("5", "2026") is refused: in a command it is far more likely a quantity.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from types import MappingProxyType
from typing import Any, Final, NamedTuple
from zoneinfo import ZoneInfo

from dateparser import DateDataParser  # type: ignore[import-untyped, unused-ignore]

from bot.conversation.language.calendar_days import (
    add_months,
    coming,
    first_working_day,
    make_date,
    month_end,
    next_month_day,
)
from bot.conversation.language.errors import DateNeedsDueDate, DateNotUnderstood
from bot.conversation.language.numerals import parse_number


@dataclass(frozen=True)
class DateShift:
    """A shift relative to an order's current due date."""

    days: int  # negative = earlier (提前), positive = later (推迟/延后)
    phrase: str

    def resolve(self, due: date | None) -> date:
        if due is None:
            raise DateNeedsDueDate(self.phrase)
        try:
            return due + timedelta(days=self.days)
        except OverflowError:
            raise DateNotUnderstood(self.phrase) from None


DateSpec = date | DateShift

# Long text is a sentence, not a date; refusing it keeps dateparser's worst case away.
_MAX_LENGTH: Final = 64

_RELATIVE_DAYS: Final[Mapping[str, int]] = MappingProxyType({
    "今天": 0, "今日": 0, "明天": 1, "明日": 1, "后天": 2, "大后天": 3,
    "昨天": -1, "昨日": -1, "前天": -2,
    "today": 0, "tomorrow": 1, "yesterday": -1,
    "day after tomorrow": 2, "the day after tomorrow": 2,
})  # fmt: skip

_NEXT_WORKING_DAY: Final = frozenset({
    "下个工作日", "下一个工作日", "下一工作日",
    "next working day", "next business day", "next workday",
})  # fmt: skip

_EN_NUMBERS: Final[Mapping[str, int]] = MappingProxyType({
    "a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
})  # fmt: skip

# Weekday index (Monday = 0) by the character after 周/星期/礼拜, or the English stem.
_ZH_WEEKDAYS: Final[Mapping[str, int]] = MappingProxyType({
    "一": 0, "二": 1, "三": 2, "四": 3, "五": 4, "六": 5, "日": 6, "天": 6, "七": 6,
    "1": 0, "2": 1, "3": 2, "4": 3, "5": 4, "6": 5, "7": 6,
})  # fmt: skip
_EN_WEEKDAYS: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_EN_WEEK_OFFSETS: Final[Mapping[str, int]] = MappingProxyType({"this": 0, "next": 1, "last": -1})

_NUM = r"(?:[0-9]{1,4}|[零〇一二两三四五六七八九十百]{1,6})"
_EN_NUM = r"(?:[0-9]{1,4}|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
# Months need 个 (三个月): "3月后" could as well mean "after March".
_ZH_UNIT = r"(?P<unit>天|日|周|个?星期|个?礼拜|个月|年)"
_EN_UNIT = r"(?P<unit>days?|weeks?|months?|years?)"
_SIGNED_UNIT = r"(?P<unit>d(?:ays?)?|w(?:eeks?)?|m(?:onths?)?|y(?:ears?)?)"
_UNIT_KEYS: Final[Mapping[str, str]] = MappingProxyType({
    "天": "d", "日": "d", "d": "d", "周": "w", "星": "w", "礼": "w", "w": "w",
    "月": "m", "m": "m", "年": "y", "y": "y",
})  # fmt: skip
_EARLIER_ZH: Final = frozenset({"提前", "提早", "早"})
# 下月 / 下个月 / 下下个月 / 本月 / 这个月 before 月底, 月初, 月中
_MONTH_PREFIX = r"下下?个?|本|这个?"
_EARLIER_EN: Final = frozenset({"earlier", "sooner", "bring forward", "pull in"})

# Handlers return None when the shape matched but the values do not make a date
# ("32号", "13月1日"): such text must not fall through to dateparser's guesses.
_Handler = Callable[[re.Match[str], date, str], DateSpec | None]


class _Rule(NamedTuple):
    pattern: re.Pattern[str]
    compact: bool  # match the whitespace-free form (Chinese, symbols) or the spaced one
    handler: _Handler


def _amount(text: str) -> int | None:
    return _EN_NUMBERS.get(text) if text in _EN_NUMBERS else parse_number(text)


def _unit_key(unit: str) -> str:
    """'d', 'w', 'm' or 'y' for any spelling of a unit (天, 个星期, weeks, m, ...)."""
    return _UNIT_KEYS[unit.lstrip("个")[0]]


def _offset(today: date, count: int, unit: str) -> date:
    key = _unit_key(unit)
    if key == "d":
        return today + timedelta(days=count)
    if key == "w":
        return today + timedelta(weeks=count)
    return add_months(today, count * (12 if key == "y" else 1))


def _shift(count: int | None, unit: str, earlier: bool, phrase: str) -> DateShift | None:
    key = _unit_key(unit)
    if count is None or key in ("m", "y"):
        return None  # months vary in length: no honest number of days to shift by
    days = count * (7 if key == "w" else 1)
    return DateShift(-days if earlier else days, phrase)


def _iso(m: re.Match[str], today: date, phrase: str) -> DateSpec | None:
    return make_date(int(m["y"]), int(m["m"]), int(m["d"]))


def _zh_full(m: re.Match[str], today: date, phrase: str) -> DateSpec | None:
    month, day = parse_number(m["m"]), parse_number(m["d"])
    return None if month is None or day is None else make_date(int(m["y"]), month, day)


def _month_day(m: re.Match[str], today: date, phrase: str) -> DateSpec | None:
    month = parse_number(m["m"])
    return None if month is None else next_month_day(today, month, parse_number(m["d"]))


def _day_of_month(m: re.Match[str], today: date, phrase: str) -> DateSpec | None:
    return next_month_day(today, None, parse_number(m["d"]))


def _day_in_month(m: re.Match[str], today: date, phrase: str) -> DateSpec | None:
    day = parse_number(m["d"])
    first = add_months(today.replace(day=1), 1 if m["next"] else 0)
    return None if day is None else make_date(first.year, first.month, day)


def _months_ahead(m: re.Match[str]) -> int:
    """下月 is one month ahead, 下下个月 two, "next month" one; 本月, 这个月 or nothing: this month."""
    prefix = m.groupdict().get("pre") or ""
    return 1 if prefix == "next" else prefix.count("下")


def _month_end_rule(m: re.Match[str], today: date, phrase: str) -> DateSpec | None:
    return month_end(today, _months_ahead(m))


def _part_of_month(day_of: Callable[[date], date]) -> _Handler:
    """月初 / 月中 (and 下月初, 本月中 ...): ``day_of`` picks the day in a month given by its first day."""

    def handler(m: re.Match[str], today: date, phrase: str) -> DateSpec | None:
        found = day_of(add_months(today.replace(day=1), _months_ahead(m)))
        if m["pre"] is None and found < today:  # bare: the coming one
            found = day_of(add_months(today.replace(day=1), 1))
        return found

    return handler


def _year_end(m: re.Match[str], today: date, phrase: str) -> DateSpec | None:
    return date(today.year + (1 if m["next"] else 0), 12, 31)


def _year_start(m: re.Match[str], today: date, phrase: str) -> DateSpec | None:
    found = first_working_day(date(today.year + (1 if m["next"] else 0), 1, 1))
    if m["next"] is None and m["this"] is None and found < today:  # bare 年初: the coming one
        found = first_working_day(date(today.year + 1, 1, 1))
    return found


def _zh_weekday(m: re.Match[str], today: date, phrase: str) -> DateSpec | None:
    weekday = _ZH_WEEKDAYS[m["wd"]]
    if m["pre"] is None:
        return coming(today, weekday)
    weeks = m["pre"].count("下") - m["pre"].count("上")
    monday = today - timedelta(days=today.weekday())
    return monday + timedelta(weeks=weeks, days=weekday)


def _en_weekday(m: re.Match[str], today: date, phrase: str) -> DateSpec | None:
    weekday = _EN_WEEKDAYS.index(m["wd"][:3])
    if m["pre"] is None:
        return coming(today, weekday)
    weeks = _EN_WEEK_OFFSETS[m["pre"]]
    return today + timedelta(weeks=weeks, days=weekday - today.weekday())


def _after(m: re.Match[str], today: date, phrase: str) -> DateSpec | None:
    count = _amount(m["n"])
    return None if count is None else _offset(today, count, m["unit"])


def _zh_shift(m: re.Match[str], today: date, phrase: str) -> DateSpec | None:
    return _shift(parse_number(m["n"]), m["unit"], m["verb"] in _EARLIER_ZH, phrase)


def _en_shift(m: re.Match[str], today: date, phrase: str) -> DateSpec | None:
    return _shift(_amount(m["n"]), m["unit"], m["dir"] in _EARLIER_EN, phrase)


def _minus(m: re.Match[str], today: date, phrase: str) -> DateSpec | None:
    return _shift(int(m["n"]), m["unit"], True, phrase)


def _refuse(m: re.Match[str], today: date, phrase: str) -> DateSpec | None:
    return None


def _rule(pattern: str, handler: _Handler, *, compact: bool = True) -> _Rule:
    return _Rule(re.compile(pattern), compact, handler)


_RULES: Final = (
    _rule(r"(?P<y>[0-9]{4})([-/.])(?P<m>[0-9]{1,2})\2(?P<d>[0-9]{1,2})", _iso),
    _rule(r"[0-9]{1,2}([-/.])[0-9]{1,2}\1[0-9]{2,4}", _refuse),  # year last: ambiguous
    _rule(r"(?P<m>[0-9]{1,2})[-/.](?P<d>[0-9]{1,2})", _month_day),
    # Any other decimal ("1.5天后", "3.5 weeks later"): dateparser drops the fraction.
    _rule(r".*[0-9]\.[0-9].*", _refuse),
    _rule(rf"(?P<y>[0-9]{{4}})年(?P<m>{_NUM})月(?P<d>{_NUM})[日号]?", _zh_full),
    _rule(rf"(?P<m>{_NUM})月(?P<d>{_NUM})[日号]?", _month_day),
    _rule(rf"(?:(?P<next>下个?)|本|这个?)月(?P<d>{_NUM})[日号]?", _day_in_month),
    _rule(rf"(?P<d>{_NUM})[日号]", _day_of_month),
    _rule(rf"(?P<pre>{_MONTH_PREFIX})?月[底末]", _month_end_rule),
    _rule(rf"(?P<pre>{_MONTH_PREFIX})?月初", _part_of_month(lambda first: first_working_day(first))),
    _rule(rf"(?P<pre>{_MONTH_PREFIX})?月中旬?", _part_of_month(lambda first: first.replace(day=15))),
    _rule(r"(?:(?P<this>今|本)|(?P<next>明|下一?))?年[底末]", _year_end),
    _rule(r"(?:(?P<this>今|本)|(?P<next>明|下一?))?年初", _year_start),
    _rule(
        r"end of (?:(?:the )?(?P<pre>next)|the|this) month|end of month|eom",
        _month_end_rule,
        compact=False,
    ),
    _rule(
        r"(?:(?:the )?(?:beginning|start) of|early) (?P<pre>next|this) month",
        _part_of_month(lambda first: first_working_day(first)),
        compact=False,
    ),
    _rule(
        r"(?:mid|middle of)[- ](?:the |(?P<pre>next|this) )?month",
        _part_of_month(lambda first: first.replace(day=15)),
        compact=False,
    ),
    _rule(r"(?:the )?end of (?:the|this|(?P<next>next)) year|year[- ]end|eoy", _year_end, compact=False),
    _rule(
        r"(?P<pre>上上?个?|本|这个?|下下?个?)?(?:周|星期|礼拜)(?P<wd>[一二三四五六日天七1-7])",
        _zh_weekday,
    ),
    _rule(
        r"(?:(?P<pre>this|next|last) )?(?P<wd>mon(?:day)?|tue(?:s|sday)?|wed(?:nesday)?"
        r"|thu(?:r|rs|rsday)?|fri(?:day)?|sat(?:urday)?|sun(?:day)?)",
        _en_weekday,
        compact=False,
    ),
    _rule(rf"(?P<n>{_NUM}){_ZH_UNIT}(?:后|以后|之后)", _after),
    _rule(rf"过(?P<n>{_NUM}){_ZH_UNIT}", _after),
    _rule(rf"in (?P<n>{_EN_NUM}) {_EN_UNIT}", _after, compact=False),
    _rule(rf"(?P<n>{_EN_NUM}) {_EN_UNIT} from (?:now|today)", _after, compact=False),
    _rule(rf"\+(?P<n>[0-9]{{1,4}}){_SIGNED_UNIT}", _after),
    _rule(rf"-(?P<n>[0-9]{{1,4}}){_SIGNED_UNIT}", _minus),
    _rule(
        rf"(?P<verb>提前|提早|早|推迟|推后|延后|延期|延迟|顺延|晚)了?(?P<n>{_NUM}){_ZH_UNIT}",
        _zh_shift,
    ),
    _rule(rf"(?P<n>{_EN_NUM}) {_EN_UNIT} (?P<dir>earlier|sooner|later)", _en_shift, compact=False),
    _rule(
        rf"(?P<dir>delay|postpone|push back|bring forward|pull in)(?: by)? "
        rf"(?P<n>{_EN_NUM}) {_EN_UNIT}",
        _en_shift,
        compact=False,
    ),
    # A bare number is far more likely a quantity than a date.
    _rule(r"[+-]?(?:[0-9]+|[零〇一二两三四五六七八九十百]+)", _refuse),
)

_SPACES = re.compile(r"\s+")
_TRAILING_PUNCTUATION: Final = "。.,，!！"


class DateReader:
    """Reads date phrases in Chinese and English; one instance serves every chat."""

    def __init__(self, timezone: str = "Asia/Shanghai", languages: tuple[str, ...] = ("zh", "en")) -> None:
        self.timezone = timezone
        self.languages = languages
        self._zone = ZoneInfo(timezone)  # fails here, at start-up, on a bad name
        self._dateparser_settings: Mapping[str, Any] = MappingProxyType({
            "PREFER_DATES_FROM": "future",
            "RETURN_AS_TIMEZONE_AWARE": False,
            # Times with a zone ("Dec 5 23:00 UTC") land on the local calendar day.
            "TIMEZONE": timezone,
            "TO_TIMEZONE": timezone,
        })  # fmt: skip
        # RELATIVE_BASE lives in the parser's settings, so each long-tail call needs its
        # own DateDataParser (about 15 µs); this one validates the languages now and
        # loads dateparser's locale data (~200 ms) at start-up instead of in a chat.
        self._parser(date(2000, 1, 1)).get_date_data("today")

    def read(self, phrase: str, today: date) -> DateSpec:
        phrase = phrase.strip()  # the user's words, as echoed in errors and DateShift
        compact, spaced = _normalize(phrase)
        if not compact or len(spaced) > _MAX_LENGTH:
            raise DateNotUnderstood(phrase, today)
        try:
            spec = self._read_rules(compact, spaced, today, phrase)
        except (ValueError, OverflowError):  # date arithmetic past year 9999
            raise DateNotUnderstood(phrase, today) from None
        if spec is None:
            raise DateNotUnderstood(phrase, today)
        return spec

    def resolve(self, phrase: str, today: date, due: date | None = None) -> date:
        spec = self.read(phrase, today)
        if not isinstance(spec, DateShift):
            return spec
        try:
            return spec.resolve(due)
        except DateNotUnderstood:
            raise DateNotUnderstood(phrase.strip(), today) from None

    def today(self, now: datetime) -> date:
        # A naive datetime would be read in the server's zone: a silent off-by-one-day.
        if now.utcoffset() is None:
            raise ValueError("now must be timezone-aware")
        return now.astimezone(self._zone).date()

    def _read_rules(self, compact: str, spaced: str, today: date, phrase: str) -> DateSpec | None:
        days = _RELATIVE_DAYS.get(compact, _RELATIVE_DAYS.get(spaced))
        if days is not None:
            return today + timedelta(days=days)
        if compact in _NEXT_WORKING_DAY or spaced in _NEXT_WORKING_DAY:
            # Monday to Friday only: there is no holiday calendar (春节, 国庆 are workdays
            # here), so callers that care must check the result against their own.
            found = today + timedelta(days=1)
            while found.weekday() >= 5:
                found += timedelta(days=1)
            return found
        for rule in _RULES:
            match = rule.pattern.fullmatch(compact if rule.compact else spaced)
            if match is not None:
                return rule.handler(match, today, phrase)
        return self._long_tail(spaced, today)

    def _long_tail(self, text: str, today: date) -> date | None:
        try:
            data = self._parser(today).get_date_data(text)
        except Exception:
            return None
        found = data["date_obj"]
        # "March 2027" or "2026" would get today's day filled in: not a date anyone meant.
        if not isinstance(found, datetime) or data["period"] not in ("day", "week"):
            return None
        return found.date()

    def _parser(self, today: date) -> Any:
        settings = {**self._dateparser_settings, "RELATIVE_BASE": datetime.combine(today, time())}
        return DateDataParser(languages=list(self.languages), settings=settings)


def _normalize(phrase: str) -> tuple[str, str]:
    """Both forms of the phrase: without any whitespace, and with single spaces."""
    # NFKC folds full-width digits and symbols (１２月５日, ＋２ｗ) into ASCII.
    text = unicodedata.normalize("NFKC", phrase).lower().strip().rstrip(_TRAILING_PUNCTUATION)
    return _SPACES.sub("", text), _SPACES.sub(" ", text).strip()
