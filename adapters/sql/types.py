"""Column types that keep money exact and time in UTC on every database."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import BigInteger, DateTime, String
from sqlalchemy.engine import Dialect
from sqlalchemy.types import TypeDecorator

from domain.money import canonical


class ScaledDecimal(TypeDecorator[Decimal]):
    """A Decimal stored as a scaled integer: exact sums in SQL on SQLite as on PostgreSQL."""

    impl = BigInteger
    cache_ok = True

    def __init__(self, places: int) -> None:
        super().__init__()
        self.places = places
        self._factor = Decimal(10) ** places

    def process_bind_param(self, value: Any, dialect: Dialect) -> int | None:
        if value is None:
            return None
        return int((Decimal(value) * self._factor).to_integral_value())

    def process_result_value(self, value: Any, dialect: Dialect) -> Decimal | None:
        if value is None:
            return None
        return canonical(Decimal(value).scaleb(-self.places))


def Money() -> ScaledDecimal:  # noqa: N802 - reads as a type in table definitions
    return ScaledDecimal(4)


def Quantity() -> ScaledDecimal:  # noqa: N802
    return ScaledDecimal(3)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware UTC in, aware UTC out; stored naive-UTC where the database has no time zones."""

    impl = DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: pass timezone-aware UTC")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class RoleSet(TypeDecorator[set[Any]]):
    """A user's roles as a sorted comma list: tiny, readable in the database, easy to grep."""

    impl = String(200)
    cache_ok = True

    def __init__(self, enum_type: type) -> None:
        super().__init__()
        self.enum_type = enum_type

    def process_bind_param(self, value: Any, dialect: Dialect) -> str:
        return ",".join(sorted(r.value for r in value or ()))

    def process_result_value(self, value: Any, dialect: Dialect) -> set[Any]:
        return {self.enum_type(v) for v in (value or "").split(",") if v}
