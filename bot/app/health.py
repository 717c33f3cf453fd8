"""How each chat platform of this process is doing, and bringing one up in the background.

A process starts whatever Slack or Telegram say: a platform that cannot be reached is *degraded* (``/healthz``
says which and why) and retried with backoff by a ``Connector`` thread, while the others serve; a token the
platform refuses is one log line naming its variable, and that platform stays degraded (no retry mends a bad
token). While a platform is degraded its notifications wait in the outbox, untouched (``HeldTransport``),
instead of spending their tries."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from bot.conversation.delivery import Limit, Notification, RetryLater, Transport

log = logging.getLogger(__name__)
HELD_SECONDS = 15.0  # a degraded platform's lanes are looked at again after this long


class Unreachable(Exception):
    """The platform did not answer, or answered an error that may pass: try again later."""


class BadToken(Exception):
    """The platform refused the token: trying again cannot help until it is fixed."""

    def __init__(self, variable: str, error: str) -> None:
        super().__init__(f"{variable} was refused ({error})")
        self.variable, self.error = variable, error


@dataclass(frozen=True)
class PlatformStatus:
    ok: bool
    reason: str = ""


class Health:
    """Each platform's status, as ``/healthz`` reports it (``report``)."""

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._platforms: dict[str, PlatformStatus] = {}

    def set(self, platform: str, ok: bool, reason: str = "") -> None:
        with self._cond:
            self._platforms[platform] = PlatformStatus(ok, reason)
            self._cond.notify_all()

    def ok(self, platform: str) -> bool:
        with self._cond:
            status = self._platforms.get(platform)
            return status is not None and status.ok

    def report(self) -> dict[str, Any]:
        """``{"status": "ok" | "degraded", "platforms": {"slack": {"status": "degraded", "reason": …}, …}}``."""
        with self._cond:
            platforms = dict(self._platforms)
        shown = {
            name: {"status": "ok"} if s.ok else {"status": "degraded", "reason": s.reason}
            for name, s in sorted(platforms.items())
        }
        return {"status": "ok" if all(s.ok for s in platforms.values()) else "degraded", "platforms": shown}

    def wait_until(self, predicate: Callable[[Health], bool], timeout: float) -> bool:
        """Block until ``predicate(self)`` holds after a change (tests, and anyone waiting for a platform)."""
        with self._cond:
            return self._cond.wait_for(lambda: predicate(self), timeout)


def backoff(first: float = 1.0, cap: float = 300.0) -> Iterator[float]:
    """1, 2, 4 … seconds, at most ``cap``."""
    delay = first
    while True:
        yield delay
        delay = min(delay * 2, cap)


class Connector:
    """Runs ``attempt`` on its own thread until it succeeds: a failure marks the platform degraded and waits the
    next backoff delay; a ``BadToken`` is logged once and ends the tries; ``on_up`` runs once it is up.
    ``wait(seconds)`` does the waiting and answers True when the connector was stopped meanwhile (default: the
    stop event's own wait; tests inject theirs, so nothing sleeps)."""

    def __init__(
        self,
        platform: str,
        attempt: Callable[[], None],
        health: Health,
        *,
        wait: Callable[[float], bool] | None = None,
        delays: Iterator[float] | None = None,
        on_up: Callable[[], None] | None = None,
    ) -> None:
        self.platform, self.attempt, self.health, self.on_up = platform, attempt, health, on_up
        self._stop = threading.Event()
        self._wait = wait or self._stop.wait
        self._delays = delays or backoff()
        self._thread = threading.Thread(target=self.run, name=f"orderbot-connect-{platform}", daemon=True)
        health.set(platform, False, "starting")

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def join(self, timeout: float | None = None) -> None:
        if self._thread.is_alive():
            self._thread.join(timeout)

    def run(self) -> None:
        said = ""
        while not self._stop.is_set():
            try:
                self.attempt()
            except BadToken as bad:
                self.health.set(self.platform, False, str(bad))
                log.error("%s: %s; %s stays off until the token is fixed and the process restarted",
                          self.platform, bad, self.platform)  # fmt: skip
                return
            except Exception as err:  # Unreachable, or a failure nobody foresaw: both are tried again
                reason = (str(err) or "unreachable") if isinstance(err, Unreachable) else f"{type(err).__name__}: {err}"
                self.health.set(self.platform, False, reason)
                delay = next(self._delays)
                if reason != said:  # one line per kind of trouble, not one per try
                    log.warning("%s: %s; retrying in the background (next try in %gs)", self.platform, reason, delay)
                    said = reason
                if self._wait(delay) or self._stop.is_set():
                    return
            else:
                self.health.set(self.platform, True)
                log.warning("%s: connected", self.platform)  # as the scheduler's lead is: an operator looks for it
                if self.on_up is not None:
                    self.on_up()  # what waited for the platform goes now
                return


class HeldTransport:
    """A platform's transport that holds its lanes while the platform is degraded, so nothing is dead-lettered
    for an outage or while a token is being fixed; a send that slips in meanwhile is told to come back later
    (not a failed try)."""

    def __init__(self, inner: Transport, health: Health, platform: str) -> None:
        self.inner, self.health, self.platform = inner, health, platform

    @property
    def prefixes(self) -> tuple[str, ...]:
        """None while the platform is down: the dispatcher then leaves its lanes alone (no claim, no lease, not
        counted as due), so nothing spins or spends a try, and they go the moment it is up."""
        return self.inner.prefixes if self.health.ok(self.platform) else ()

    def accepts(self, audience: str) -> bool:
        return self.health.ok(self.platform) and self.inner.accepts(audience)

    def limits(self, message: Notification) -> Sequence[Limit]:
        return self.inner.limits(message)

    def send(self, batch: Sequence[Notification]) -> None:
        if not self.health.ok(self.platform):
            raise RetryLater(HELD_SECONDS, f"({self.platform} is not connected)")
        self.inner.send(batch)

    def __getattr__(self, name: str) -> Any:  # anything else a caller reads from the transport itself
        return getattr(self.inner, name)
