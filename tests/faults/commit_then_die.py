"""Run as ``python -m tests.faults.commit_then_die URL COUNT``: commands that write outbox rows, each
committed, then SIGKILL — before any dispatcher ever ran in this process (none is even built).

Prints ``committed <number>`` after each order's create + confirm commit, so the test knows how far it got."""

from __future__ import annotations

import os
import signal
import sys
from datetime import timedelta
from decimal import Decimal

from bot.app.bootstrap import bootstrap
from bot.app.clock import FixedClock
from bot.app.config import Settings
from domain import commands as c
from domain.users import Front
from tests.conftest import T0


def main(url: str, count: int) -> None:
    desk = bootstrap(Settings(database_url=url), FixedClock(T0))
    lily, wang = desk.context(Front.shell, "lily"), desk.context(Front.shell, "wang")
    due = desk.today() + timedelta(days=14)
    for i in range(count):
        line = c.LineInput("NUT-M8", Decimal(10 + i))
        number = desk.bus.handle(c.CreateOrder("CUST-001", (line,), due), lily).params["number"]
        desk.bus.handle(c.ConfirmOrder(number), wang)
        print(f"committed {number}", flush=True)
    os.kill(os.getpid(), signal.SIGKILL)  # no finally, no atexit, no dispose: as a power cut would
    print("still alive", flush=True)  # never reached


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
