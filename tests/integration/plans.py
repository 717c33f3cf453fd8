"""Query plans in tests: catch the statements a piece of code sends, and ask the database how it would run one.
PostgreSQL is told to prefer an index, so a tiny test table still shows whether an index could answer."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import Connection, event


@contextmanager
def statements(target: Any) -> Iterator[list[tuple[str, Any]]]:
    """(SQL, parameters) of every statement sent through ``target`` (an engine or a connection) meanwhile."""
    seen: list[tuple[str, Any]] = []

    def keep(_conn: object, _cursor: object, statement: str, parameters: object, *_: object) -> None:
        seen.append((statement, parameters))

    event.listen(target, "before_cursor_execute", keep)
    try:
        yield seen
    finally:
        event.remove(target, "before_cursor_execute", keep)


def plan(conn: Connection, query: str, params: Any) -> str:
    """The plan of one caught statement, as text (in the caller's transaction)."""
    if conn.dialect.name == "sqlite":
        rows = conn.exec_driver_sql("EXPLAIN QUERY PLAN " + query, params).all()
    else:
        conn.exec_driver_sql("SET LOCAL enable_seqscan = off")
        rows = conn.exec_driver_sql("EXPLAIN " + query, params).all()
    return " ".join(str(row) for row in rows)
