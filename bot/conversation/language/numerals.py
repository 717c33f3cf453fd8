"""Chinese numerals as people type them in chat: 3, 十五, 二十五, 两百, 一百零五, 一百五, 五千, 一万二, 两千五."""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Final

_DIGITS: Final[Mapping[str, int]] = MappingProxyType({
    "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
})  # fmt: skip
_ZEROS: Final = frozenset("零〇")
_UNITS: Final[Mapping[str, int]] = MappingProxyType({"十": 10, "百": 100, "千": 1000})
_NO_UNIT: Final = 10_000  # above every unit, so the first unit always "descends"
_WAN: Final = "万"


def parse_number(text: str) -> int | None:
    """The value of ASCII digits or a Chinese numeral below 100 000 000; None if it is neither.

    万 groups the numeral in two: 三万五千 is 35 000, 十二万 120 000. Spoken shortcuts read as people mean
    them: a lone digit after the last unit fills the unit below it (一百五 = 150, 两千五 = 2 500, 一万二 = 12 000),
    and after 万 anything below a thousand needs its 零 (一万零五 = 10 005; 一万五百 is refused, not guessed).
    Malformed numerals ("二三", "十百", "十十", "万") give None rather than a guess, since a wrong quantity or
    date is worse than asking again.
    """
    if not text:
        return None
    if text.isascii() and text.isdigit():
        return int(text)
    if _WAN not in text:
        return _below_wan(text)
    high_text, _, low_text = text.partition(_WAN)
    high = _below_wan(high_text)
    if not high or _WAN in low_text:
        return None
    if not low_text:
        return high * 10_000
    if low_text[0] in _ZEROS:  # 一万零五: the 零 says the thousands (and maybe more) are empty
        low = _below_wan(low_text[1:])
        return None if low is None or not 0 < low < 1000 else high * 10_000 + low
    if low_text in _DIGITS:  # 一万二: the digit is the thousands
        return high * 10_000 + _DIGITS[low_text] * 1000
    low = _below_wan(low_text)
    return None if low is None or low < 1000 else high * 10_000 + low


def _below_wan(text: str) -> int | None:
    """A numeral without 万 (below 10 000), or None."""
    if not text:
        return None
    total = 0
    digit: int | None = None
    last_unit = _NO_UNIT
    zero_since_unit = False  # 一百零五: the 零 says the tens are empty
    for char in text:
        if char in _ZEROS:
            if digit is not None or zero_since_unit:
                return None
            zero_since_unit = True
        elif char in _DIGITS:
            if digit is not None:
                return None
            digit = _DIGITS[char]
        elif char in _UNITS:
            unit = _UNITS[char]
            if unit >= last_unit:
                return None
            total += (1 if digit is None else digit) * unit  # 十五: a bare 十 is one ten
            last_unit, digit, zero_since_unit = unit, None, False
        else:
            return None
    if digit is not None:
        if last_unit != _NO_UNIT and last_unit >= 100 and not zero_since_unit:
            # Colloquial 一百五 is 150 and 两千三 is 2300: the digit fills the next unit down.
            total += digit * last_unit // 10
        else:
            total += digit
    return total
