"""Plain dataclasses <-> JSON-safe dicts (decimals and dates as strings), for values stored as JSON."""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from datetime import date
from decimal import Decimal
from typing import Any

from domain.money import plain


@functools.cache
def _names(cls: type) -> tuple[str, ...]:
    return tuple(f.name for f in dataclasses.fields(cls))


def encode(value: Any) -> Any:
    if isinstance(value, (str, int, bool)) or value is None:
        return value
    if isinstance(value, Decimal):
        return plain(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {name: encode(getattr(value, name)) for name in _names(type(value))}
    if isinstance(value, Decimal):
        return plain(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [encode(v) for v in value]
    if isinstance(value, dict):
        return {k: encode(v) for k, v in value.items()}
    return value


def decode(cls: type[Any], data: dict[str, Any]) -> Any:
    hints = typing.get_type_hints(cls)
    kwargs = {f.name: _value(hints[f.name], data[f.name]) for f in dataclasses.fields(cls) if f.name in data}
    return cls(**kwargs)


def _value(hint: Any, raw: Any) -> Any:
    if raw is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (typing.Union, types.UnionType):
        inner = [a for a in typing.get_args(hint) if a is not type(None)]
        return _value(inner[0], raw) if len(inner) == 1 else raw
    if origin in (list, tuple):
        (item, *_) = typing.get_args(hint) or (Any,)
        values = [_value(item, v) for v in raw]
        return values if origin is list else tuple(values)
    if hint is Decimal:
        return Decimal(str(raw))
    if hint is date:
        return date.fromisoformat(raw)
    if dataclasses.is_dataclass(hint) and isinstance(raw, dict):
        return decode(hint, raw)  # type: ignore[arg-type]
    return raw
