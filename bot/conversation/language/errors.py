"""Errors of the command language: text the bot could not turn into a command."""

from __future__ import annotations

from domain.errors import InvalidInput


class ParseError(InvalidInput):
    """Raised by the parser and the date rules; ``code`` picks the catalog message."""

    default = "I could not read that: {detail}"


class DateNotUnderstood(ParseError):
    code = "date_not_understood"
    default = "I don't understand the date '{phrase}'."

    def __init__(self, phrase: str) -> None:
        super().__init__("date_not_understood", phrase=phrase)


class DateNeedsDueDate(ParseError):
    code = "date_needs_due"
    default = "'{phrase}' is relative to the order's due date, and there is none to shift."

    def __init__(self, phrase: str) -> None:
        super().__init__("date_needs_due", phrase=phrase)
