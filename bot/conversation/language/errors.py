"""Errors of the command language: text the bot could not turn into a command.

An error may carry ``notes``: further lines of the reply, each a catalog key with its params (a hint with an
example, a suggestion), so the reason itself stays one line.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from domain.errors import InvalidInput

# How far ahead the date hint's own example lies: close enough to be a real due date, and never in the past.
EXAMPLE_AHEAD = timedelta(days=14)


class ParseError(InvalidInput):
    """Raised by the parser and the date rules; ``code`` picks the catalog message."""

    default = "I could not read that: {detail}"

    def __init__(self, code: str | None = None, /, **params: Any) -> None:
        super().__init__(code, **params)
        self.notes: list[tuple[str, dict[str, Any]]] = []


def date_examples(today: date) -> dict[str, str]:
    """A date two weeks from ``today``, as 2026-12-05 and as 12月5日: the hint's examples follow the calendar."""
    ahead = today + EXAMPLE_AHEAD
    return {"example": ahead.isoformat(), "month_day": f"{ahead.month}月{ahead.day}日"}


class DateNotUnderstood(ParseError):
    code = "date_not_understood"
    default = "I don't understand the date '{phrase}'."

    def __init__(self, phrase: str, today: date | None = None) -> None:
        super().__init__("date_not_understood", phrase=phrase)
        if today is not None:
            self.notes.append(("date_hint", date_examples(today)))


class DateNeedsDueDate(ParseError):
    code = "date_needs_due"
    default = "'{phrase}' is relative to the order's due date, and there is none to shift."

    def __init__(self, phrase: str) -> None:
        super().__init__("date_needs_due", phrase=phrase)


class UnknownVerb(ParseError):
    """A first word that is no verb; with the nearest verb (or alias) when one is close enough to be a typo."""

    code = "unknown_verb"
    default = "I don't know the command '{word}'."

    def __init__(self, word: str, suggestion: str | None = None) -> None:
        if suggestion is None:
            super().__init__("unknown_verb", word=word)
        else:
            super().__init__("unknown_verb_suggest", word=word, suggestion=suggestion)
