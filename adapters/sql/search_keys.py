"""What typed searches compare against: pinyin initials of a name (stored with the row, so finding 沈阳鑫源 by
``syxy`` is an indexed LIKE, not a scan in Python) and typed text made literal for LIKE.

pypinyin, not our own table: it knows the readings of ~20 000 characters and, through its phrase dictionary, which
reading a character takes in a word (重庆 is chóng, 长沙 cháng, 银行 háng) — data we would otherwise have to keep.
"""

from __future__ import annotations

import re

from pypinyin import Style, lazy_pinyin  # type: ignore[import-untyped, unused-ignore]

INITIALS_LENGTH = 200  # as long as a name can be: one letter per character at most
_HAN = re.compile(r"[\u3400-\u9fff]")
_KEEP = re.compile(r"[a-z0-9]")
# A typed text that can be initials: letters (and digits, as in 3M中国 -> 3mzg), nothing else.
_INITIALS_TYPED = re.compile(r"^[A-Za-z0-9]+$")


def name_initials(name: str) -> str:
    """The pinyin initials of a Chinese name, lower case (沈阳鑫源机械有限公司 -> syxyjxyxgs); letters and digits in
    it are kept as they are (3M中国 -> 3mzg). A name without Chinese characters has none: its letters are already
    searched as the name."""
    if not _HAN.search(name):
        return ""
    parts = lazy_pinyin(name, style=Style.FIRST_LETTER, errors="default")
    return "".join(_KEEP.findall("".join(parts).lower()))[:INITIALS_LENGTH]


def may_be_initials(text: str) -> bool:
    return bool(_INITIALS_TYPED.match(text))


def literal(text: str) -> str:
    r"""``text`` for LIKE ... ESCAPE '\': its %, _ and \ match themselves."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


ESCAPE = "\\"
