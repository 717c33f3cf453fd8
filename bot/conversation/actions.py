"""A button's action: the command (or query) a click runs, carried as a compact JSON value — a Slack button's
``value``, a Feishu card's value — and read back into the same command object, never into text to parse again.

Only the commands and queries of ``domain.commands`` can be named. A field a click cannot know (a reason, a
carrier, a quantity) is listed in the button's ``asks``; the front end asks for it in a form and ``fill`` puts
the typed answer in, with the field's own type. Whatever arrives is checked again by the bus like typed text."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from bot.conversation.language.errors import ParseError
from domain import codec
from domain import commands as c
from domain.messages import Command, Query

MAX_VALUE = 2000  # a Slack button's value; Feishu allows more
ACTIONS: dict[str, type[Any]] = {
    name: cls
    for name, cls in vars(c).items()
    if isinstance(cls, type) and issubclass(cls, (Command, Query)) and dataclasses.is_dataclass(cls)
}


def encode(message: object) -> str:
    name = type(message).__name__
    if ACTIONS.get(name) is not type(message):
        raise ValueError(f"{name} is not a command or query of the desk")
    value = json.dumps({"c": name, "a": codec.encode(message)}, ensure_ascii=False, separators=(",", ":"))
    if len(value) > MAX_VALUE:
        raise ValueError(f"{name}: action value of {len(value)} characters is too long for a button")
    return value


def decode(value: str) -> Any:
    """The command a button carries; ``ParseError("bad_action")`` for anything that is not one of ours."""
    try:
        data = json.loads(value)
        cls = ACTIONS[data["c"]]
        return codec.decode(cls, data.get("a") or {})
    except (ValueError, TypeError, KeyError, InvalidOperation) as err:
        raise ParseError("bad_action") from err


def fill(message: Any, answers: Mapping[str, str]) -> Any:
    """``message`` with the asked fields set from a form's answers (text), each read as its field's type.
    A quantity that is not a number: ``ParseError("bad_quantity")``."""
    names = {f.name for f in dataclasses.fields(message)}
    data = codec.encode(message)
    for name, text in answers.items():
        if name not in names:
            raise ParseError("bad_action")
        data[name] = text.strip()
    try:
        return codec.decode(type(message), data)
    except (InvalidOperation, ValueError) as err:
        bad = next((v for k, v in answers.items() if isinstance(getattr(message, k), Decimal)), "")
        raise ParseError("bad_quantity", value=bad) from err
