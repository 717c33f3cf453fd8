"""Delivery of outbox rows through transports, with retries and a dead letter after too many tries."""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from datetime import timedelta
from typing import Protocol

from sqlalchemy import Engine

from adapters.sql.outbox import OutboxMessage, claim, mark_failed, mark_sent
from domain.ports import Clock

log = logging.getLogger(__name__)


class Transport(Protocol):
    def accepts(self, audience: str) -> bool: ...
    def send(self, message: OutboxMessage) -> None: ...


def _prefixes(transports: Mapping[str, Transport]) -> tuple[str, ...]:
    """The audience kinds the transports serve ("channel:", …), when every one of them says: the claim
    then filters in SQL. A transport that does not say means every row must be looked at."""
    found: list[str] = []
    for transport in transports.values():
        declared = getattr(transport, "prefixes", None)
        if not declared:
            return ()
        found += [p for p in declared if p not in found]
    return tuple(found)


class Dispatcher:
    """Claims due rows for the audiences its transports serve and delivers them in outbox order."""

    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        transports: Mapping[str, Transport],
        max_attempts: int = 8,
        base_delay: timedelta = timedelta(seconds=5),
    ) -> None:
        self.engine, self.clock, self.transports = engine, clock, transports
        self.max_attempts, self.base_delay = max_attempts, base_delay

    def _transport(self, audience: str) -> Transport | None:
        return next((t for t in self.transports.values() if t.accepts(audience)), None)

    def run_once(self, limit: int = 100) -> int:
        """Deliver what is due now; returns how many rows were delivered.

        Rows are leased in one short transaction, sent with no transaction open, and each marked in its
        own: a slow or rate-limited platform never holds the database's write lock."""
        now = self.clock.now()
        with self.engine.begin() as conn:
            batch = claim(
                conn, lambda a: self._transport(a) is not None, now, limit, prefixes=_prefixes(self.transports)
            )
        sent = 0
        for msg in batch:
            transport = self._transport(msg.audience)
            assert transport is not None
            try:
                transport.send(msg)
            except Exception as exc:  # a transport's failure must not lose the row
                tries = msg.attempts + 1
                retry = None if tries >= self.max_attempts else self.base_delay * (2 ** (tries - 1))
                asked = getattr(exc, "retry_after", None)  # the platform said when (HTTP 429 Retry-After)
                if retry is not None and isinstance(asked, (int, float)):
                    retry = timedelta(seconds=max(float(asked), 0.0))
                log.warning("delivery of outbox %s to %s failed (try %s): %s", msg.id, msg.audience, tries, exc)
                with self.engine.begin() as conn:
                    mark_failed(conn, msg.id, now, repr(exc), retry)
            else:
                with self.engine.begin() as conn:
                    mark_sent(conn, [msg.id], now)
                sent += 1
        return sent


class DispatchLoop:
    """Delivers the outbox in the background: every ``interval`` seconds, and at once when woken
    (right after a command changed something)."""

    def __init__(self, dispatcher: Dispatcher, interval: float = 2.0) -> None:
        self.dispatcher, self.interval = dispatcher, interval
        self._wake, self._stop = threading.Event(), threading.Event()
        self._thread = threading.Thread(target=self._run, name="orderbot-dispatch", daemon=True)

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        self._thread.join(10)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            try:
                while self.dispatcher.run_once():
                    pass
            except Exception:  # the loop must outlive a bad row or a lost database connection
                log.exception("outbox delivery failed; trying again shortly")
            self._wake.wait(self.interval)
