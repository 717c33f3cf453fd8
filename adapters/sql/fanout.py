"""Progress of a notification that goes to several targets (a role's members, a customer's contacts): each
target reached is recorded at once, so a send retried after failing half-way reaches only the rest."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TypeVar

from sqlalchemy import Engine, insert, select

from adapters.sql.tables import outbox_targets

T = TypeVar("T")


class FanOut:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def each(self, outbox_id: int, targets: Sequence[T], key: Callable[[T], str], send: Callable[[T], None]) -> None:
        """``send`` to every target not reached before; one target needs no bookkeeping."""
        if len(targets) <= 1:
            for target in targets:
                send(target)
            return
        c = outbox_targets.c
        with self.engine.connect() as conn:
            done = set(conn.execute(select(c.target).where(c.outbox_id == outbox_id)).scalars())
        for target in targets:
            name = key(target)
            if name in done:
                continue
            send(target)
            with self.engine.begin() as conn:
                conn.execute(insert(outbox_targets).values(outbox_id=outbox_id, target=name[:64]))
