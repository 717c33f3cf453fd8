"""Pacing sends to the platforms' rate limits, so a burst queues instead of earning HTTP 429s.

GCRA (the generic cell rate algorithm, a token bucket kept as one timestamp per key): a key that allows
``per_second`` with ``burst`` accepts a send at time t if t ≥ TAT − (burst − 1)/rate, then moves its
theoretical arrival time TAT to max(TAT, t) + cost/rate. One timestamp per destination, no timers, and
time comes from the injected clock, so tests move it by hand.

Our own ten lines rather than a rate-limit library: the limits are checked for several keys at once
(a channel and the whole bot) and either all are taken or none, and the answer we need is "wait this
long" for the dispatcher's lane — not a sleep, not an exception. The timestamps of a lane's keys travel
with the lane (``adopt`` / ``schedule``), so a lane taken over by another process keeps its pace.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime

from bot.conversation.delivery import Limit

# A send that had to wait goes a little after the schedule allows: we count a send when it is reserved, the
# platform when it arrives, and a post that overtakes the one before it on the wire must not find the
# platform's bucket a few milliseconds short. The schedule still advances one interval per send, so the
# rate is unchanged; a burst into an idle bucket is not delayed at all.
MARGIN = 0.05


class Pacer:
    def __init__(self) -> None:
        self._tat: dict[str, float] = {}
        self._lock = threading.Lock()

    def reserve(self, limits: Sequence[Limit], now: datetime) -> float:
        """0 when the send may go now (and it is counted); else how many seconds to wait."""
        t = now.timestamp()
        with self._lock:
            wait = max((self._wait(lim, t) for lim in limits), default=0.0)
            if wait > 0:
                return wait + MARGIN
            for lim in limits:
                interval = 1.0 / lim.per_second
                self._tat[lim.key] = max(self._tat.get(lim.key, t), t) + interval * lim.cost
            return 0.0

    def adopt(self, schedule: Mapping[str, float]) -> None:
        """Go on from a schedule another dispatcher left on a lane: a key is as busy as either of us says."""
        with self._lock:
            for key, tat in schedule.items():
                self._tat[key] = max(self._tat.get(key, tat), tat)

    def schedule(self, keys: Iterable[str], now: datetime) -> dict[str, float]:
        """What to leave on a lane for the next dispatcher: its keys still booked beyond ``now``."""
        t = now.timestamp()
        with self._lock:
            return {k: self._tat[k] for k in keys if self._tat.get(k, t) > t}

    def _wait(self, lim: Limit, t: float) -> float:
        interval = 1.0 / lim.per_second
        tolerance = interval * (max(lim.burst, lim.cost) - 1)
        tat = max(self._tat.get(lim.key, t), t)
        return max(0.0, tat + interval * (lim.cost - 1) - tolerance - t)
