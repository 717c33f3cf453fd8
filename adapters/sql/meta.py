"""The metadata every table belongs to (one naming convention, so migrations name constraints alike), and
how enums are stored."""

from __future__ import annotations

from sqlalchemy import Enum, MetaData

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_N_name)s",
        "uq": "uq_%(table_name)s_%(column_0_N_name)s",
        "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
        "pk": "pk_%(table_name)s",
        "ck": "ck_%(table_name)s_%(constraint_name)s",
    }
)


def stored_enum(kind: type, length: int = 24) -> Enum:
    # Stored as text with no database enum type: adding a status later is a code change only.
    return Enum(
        kind, native_enum=False, create_constraint=False, length=length, values_callable=lambda e: [m.value for m in e]
    )
