"""What reached the person at a terminal from elsewhere — the scheduler's alerts, what waited for the user `/as`
switched to, what another process sent — kept to be counted in one line before the next prompt and printed in
full by `/news`, instead of between a command and its answer."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Sequence

from bot.conversation.delivery import Notification


class News:
    def __init__(self, keep: int = 500) -> None:
        self._lines: deque[str] = deque(maxlen=keep)  # the oldest go first when nobody reads them
        self._fresh = 0  # notifications not yet counted in a summary line
        self._lock = threading.Lock()  # the scheduler's thread adds while the prompt reads the count

    def add(self, batch: Sequence[Notification], line: str) -> None:
        with self._lock:
            self._lines.append(line)
            self._fresh += len(batch)  # a digest is as many notifications as it folds

    @property
    def fresh(self) -> int:
        return self._fresh

    def take_fresh(self) -> int:
        """How many arrived since the last summary; the next summary counts from here."""
        with self._lock:
            count, self._fresh = self._fresh, 0
            return count

    def take_all(self) -> list[str]:
        """Everything kept, oldest first; read, it is gone."""
        with self._lock:
            lines = list(self._lines)
            self._lines.clear()
            self._fresh = 0
            return lines
