"""Delivery of the outbox: lanes leased from the database, rows sent in order through the transports,
paced to the platforms' limits, retried with backoff, dead-lettered after too many tries.

One lane per audience (``channel:orders``, ``customer:CUST-001``, ...). A lane is worked by one dispatcher
at a time and its rows go out in outbox order; a failure holds back only that lane, until its backoff or
the platform's Retry-After has passed. Nothing is sent inside a database transaction: a slow platform never
holds SQLite's write lock or a PostgreSQL row lock. A row is marked sent right after its send, so a process
that dies mid-lane re-sends at most the one message it was sending when its lease runs out.

Before it claims, a dispatcher looks (``adapters.sql.presence``): it says which audience kinds its process serves
(a heartbeat row), and marks the lanes no live process serves — a customer's lane on a desk without Telegram — so
`admin outbox` lists them apart instead of as waiting; a lane served again is unmarked, its rows older than
``delivery.stale_days`` expired rather than sent late.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
import uuid
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from sqlalchemy import Connection, Engine

from adapters.delivery.pacing import Pacer
from adapters.delivery.policy import DeliveryPolicy
from adapters.sql import lanes as store
from adapters.sql import presence
from adapters.sql.engine import READONLY
from bot.conversation.delivery import Notification, RetryLater, Transport, Undeliverable
from domain.ports import Clock

log = logging.getLogger(__name__)


def audience_kinds(transports: Mapping[str, Transport]) -> tuple[str, ...]:
    """The audience kinds ("channel:", "customer:", ...) the transports offer now."""
    found: list[str] = []
    for transport in transports.values():
        found += [p for p in getattr(transport, "prefixes", ()) if p not in found]
    return tuple(found)


def dispatcher_name() -> str:
    """Who holds a lane: host, process and a random part (two dispatchers in one process differ)."""
    return f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:6]}"


class Dispatcher:
    def __init__(
        self,
        engine: Engine,
        clock: Clock,
        transports: Mapping[str, Transport],
        policy: DeliveryPolicy | None = None,
        *,
        name: str | None = None,
        pacer: Pacer | None = None,
        serves: Sequence[str] | None = None,
    ) -> None:
        """``serves``: the audience kinds this process delivers as configured, whether or not their platform is up
        now (the runtime passes them; by default what the transports offer when the dispatcher is made)."""
        self.engine, self.clock, self.transports = engine, clock, transports
        self.serves = tuple(serves) if serves is not None else audience_kinds(transports)
        self.policy = policy or DeliveryPolicy()
        self.name = name or dispatcher_name()
        self.pacer = pacer or Pacer()
        self._lease = timedelta(seconds=self.policy.lease)
        self._pool = ThreadPoolExecutor(self.policy.workers, "orderbot-send") if self.policy.workers > 1 else None
        self._beat_at: datetime | None = None

    @property
    def _prefixes(self) -> tuple[str, ...]:
        """Asked at each pass: a transport whose platform is not up yet offers no prefixes meanwhile, so its
        lanes are left alone (not claimed, not counted as due) until it is."""
        return audience_kinds(self.transports)

    def _transport(self, audience: str) -> Transport | None:
        return next((t for t in self.transports.values() if t.accepts(audience)), None)

    # -- one pass ---------------------------------------------------------------------------------
    def run_once(self) -> int:
        """Deliver what may go now; returns how many rows were delivered (a digest counts its rows)."""
        now = self.clock.now()
        self.look(now)
        if not self._prefixes:
            return 0
        with self.engine.begin() as conn:
            lanes = store.claim_lanes(
                conn, now, self.name, self._lease, self._prefixes, lambda a: self._transport(a) is not None,
                self.policy.lanes_per_pass,
            )  # fmt: skip
        # a lane's lease runs from the claim, not from when a worker gets to it
        if self._pool is not None and len(lanes) > 1:
            return sum(self._pool.map(lambda a: self._work(a, now), lanes))
        return sum(self._work(a, now) for a in lanes)

    def next_due(self) -> datetime | None:
        """When something not due now will be (for the loop to sleep until then)."""
        if not self._prefixes:
            return None
        with self.engine.connect() as conn:
            return store.next_due(conn, self.clock.now(), self._prefixes, held=self.policy.quiet is not None)

    def close(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True)
        if self._beat_at is not None:
            try:
                with self.engine.begin() as conn:
                    presence.leave(conn, self.name)
            except Exception:  # the row runs out on its own (delivery.presence)
                log.exception("could not say this process stopped delivering")

    # -- who serves what --------------------------------------------------------------------------
    def look(self, now: datetime) -> presence.Settled | None:
        """Say which kinds this process serves, then mark the lanes no live process serves and unmark those one
        does (expiring what is stale). A look that finds every mark right writes nothing but the heartbeat, and
        that only every quarter of ``delivery.presence``. A process that serves nothing says nothing."""
        if not self.serves:
            return None
        try:
            ttl = timedelta(seconds=self.policy.presence)
            if self._beat_at is None or not self._beat_at <= now < self._beat_at + ttl / 4:
                with self.engine.begin() as conn:
                    presence.beat(conn, self.name, self.serves, now, now + ttl)
                self._beat_at = now
            with self.engine.connect().execution_options(**{READONLY: True}) as conn:
                kinds = presence.live_kinds(conn, now) | set(self.serves)
                if not presence.unsettled(conn, kinds):
                    return presence.Settled()
            days = self.policy.stale_days
            stale = now - timedelta(days=days) if days > 0 else None
            with self.engine.begin() as conn:
                done = presence.settle(conn, kinds, now, stale, self.name)
        except Exception:  # delivery goes on without the marks; the next look tries again
            log.exception("could not look which lanes no process serves")
            return None
        if done.marked or done.unmarked:
            log.info("lanes no delivering process serves: %s newly marked, %s served again (%s stale rows expired)",
                     done.marked, done.unmarked, done.expired)  # fmt: skip
        return done

    # -- one lane ---------------------------------------------------------------------------------
    def _work(self, audience: str, leased_at: datetime) -> int:
        transport = self._transport(audience)
        assert transport is not None  # the claim took only lanes a transport accepts
        sent, not_before, error = 0, None, None
        keys: set[str] = set()  # the destinations paced on this lane, whose schedule it carries
        try:
            with self.engine.begin() as conn:
                due = store.lane_rows(conn, audience, self.clock.now(), self.policy.rows_per_lane)
                rows = self._not_quiet(conn, due)
                left = store.lane_pace(conn, audience)
            self.pacer.adopt(left)
            keys.update(left)
            i = 0
            while i < len(rows):
                now = self.clock.now()
                if now - leased_at > self._lease / 2:
                    with self.engine.begin() as conn:
                        if not store.renew(conn, audience, self.name, now, self._lease):
                            log.warning("lost the lease of lane %s; another dispatcher goes on", audience)
                            break
                    leased_at = now
                batch = self._fold(rows, i)
                limits = transport.limits(batch[0])
                keys.update(lim.key for lim in limits)
                wait = self.pacer.reserve(limits, now)
                if wait > 0:
                    not_before = now + timedelta(seconds=wait)  # queue, do not earn a 429
                    break
                done, not_before, error = self._send(transport, batch, now)
                if done is None:
                    break
                sent += done
                i += len(batch)
        except Exception as exc:  # a bad row or a lost connection must not kill the loop; the lease runs out
            log.exception("delivery on lane %s failed", audience)
            error = repr(exc)
        finally:
            try:
                pace = self.pacer.schedule(keys, self.clock.now())
                with self.engine.begin() as conn:
                    store.release(conn, audience, self.name, not_before, error, pace)
            except Exception:
                log.exception("could not release lane %s; its lease will run out", audience)
        return sent

    def _send(
        self, transport: Transport, batch: Sequence[Notification], now: datetime
    ) -> tuple[int | None, datetime | None, str | None]:
        """(rows delivered or None to stop the lane, the lane's next chance, the error to note on it)."""
        ids = [m.id for m in batch]
        try:
            transport.send(batch)
        except RetryLater as later:
            with self.engine.begin() as conn:
                store.note(conn, ids, str(later))
            return None, now + timedelta(seconds=max(later.retry_after, 0.0)), str(later)
        except Undeliverable as gone:
            log.warning("outbox %s to %s dead-lettered: %s", ids, batch[0].audience, gone)
            with self.engine.begin() as conn:
                store.mark_failed(conn, ids, f"undeliverable: {gone}", batch[0].attempts + 1, dead=True)
            return 0, None, None
        except Exception as exc:  # the platform is down or answered an error: try again later
            tries = batch[0].attempts + 1
            dead = tries >= self.policy.max_attempts
            log.warning("delivery of outbox %s to %s failed (try %s): %r", ids, batch[0].audience, tries, exc)
            with self.engine.begin() as conn:
                store.mark_failed(conn, ids, repr(exc), tries, dead=dead)
            if dead:
                return 0, None, None
            return None, now + timedelta(seconds=self.policy.backoff(tries)), repr(exc)
        with self.engine.begin() as conn:
            store.mark_sent(conn, ids, now, self.name)
        return len(batch), None, ""

    def _not_quiet(self, conn: Connection, rows: list[Notification]) -> list[Notification]:
        """In quiet hours only urgent kinds go; the rest wait until the hours end (in order, then folded)."""
        quiet = self.policy.quiet
        until = quiet.until(self.clock.now()) if quiet is not None else None
        if until is None:
            return rows
        held = [m.id for m in rows if m.kind not in self.policy.urgent]
        if held:
            store.hold(conn, held, until)
        return [m for m in rows if m.kind in self.policy.urgent]

    def _fold(self, rows: list[Notification], i: int) -> list[Notification]:
        """A run of one digest kind becomes one message; everything else goes one by one. Only rows tried
        as often as the head fold with it: a digest retried after reaching some of its targets stays the
        digest those targets got (their record is the head's), and later rows go as a message of their own."""
        head = rows[i]
        if head.kind not in self.policy.digest_kinds:
            return [head]
        j = i + 1
        while (
            j < len(rows)
            and rows[j].kind == head.kind
            and rows[j].attempts == head.attempts
            and j - i < self.policy.digest_max
        ):
            j += 1
        return rows[i:j] if j - i >= self.policy.digest_min else [head]


class DispatchLoop:
    """Delivers the outbox in the background: at once when woken (right after a command changed
    something), when a lane's pacing or backoff ends, and at least every ``interval`` seconds."""

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
        self.dispatcher.close()

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.clear()
            wait = self.interval
            try:
                while self.dispatcher.run_once() and not self._stop.is_set():
                    pass
                due = self.dispatcher.next_due()
                if due is not None:
                    wait = min(wait, max(0.01, (due - self.dispatcher.clock.now()).total_seconds()))
            except Exception:  # the loop must outlive a lost database connection
                log.exception("outbox delivery failed; trying again shortly")
            self._wake.wait(wait)
