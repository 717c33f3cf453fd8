"""Progress of a notification that goes to several targets (a role's members, a customer's contacts): each
target reached is recorded at once, so a send retried after failing half-way reaches only the rest. A target
that can never be reached (a deactivated Slack user) is skipped and the others are still told; only when none
could be is the notification undeliverable."""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from typing import TypeVar

from sqlalchemy import Engine, insert, select

from adapters.sql.tables import outbox_targets
from bot.conversation.delivery import Undeliverable

log = logging.getLogger(__name__)

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
        gone: dict[str, Undeliverable] = {}
        for target in targets:
            name = key(target)[:64]
            if name in done:
                continue
            try:
                send(target)
            except Undeliverable as err:
                log.warning("outbox %s: %s skipped: %s", outbox_id, name, err)
                gone[name] = err
                continue
            self._reached(outbox_id, [name])
        if len(gone) == len(targets):  # nobody at all: dead-letter it, and a retry tries everyone again
            raise next(iter(gone.values()))
        self._reached(outbox_id, list(gone))  # the others got it: a retry must not send it to them again

    def _reached(self, outbox_id: int, names: Sequence[str]) -> None:
        if names:
            with self.engine.begin() as conn:
                conn.execute(insert(outbox_targets), [{"outbox_id": outbox_id, "target": n} for n in names])
