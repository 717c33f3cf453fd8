"""What runs in the background of every bot process: the chat front ends whose secrets are set, one
dispatch loop delivering for all of them, and the scheduler (which scans only where it holds the lead)."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import Any

from adapters.delivery import Dispatcher, DispatchLoop
from bot.app.bootstrap import Desk
from bot.app.scheduler import Scheduler

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    slack: Any  # SlackRuntime | None
    telegram: Any  # TelegramRuntime | None
    loop: DispatchLoop
    scheduler: Scheduler | None

    def start(self) -> None:
        """The dispatch loop and the scheduler; the front ends are started by the command that serves them."""
        self.loop.start()
        if self.scheduler is not None:
            self.scheduler.start()

    def stop(self) -> None:
        # the dispatcher before Telegram: a push in flight needs Telegram's client still open
        if self.scheduler is not None:
            self.scheduler.stop()
        self.loop.stop()
        if self.telegram is not None:
            self.telegram.stop()


def build_runtime(desk: Desk, slack: Any, telegram: Any, *, scheduler: bool = True) -> Runtime:
    """Each front end wakes the loop after a change, and so does the scheduler after its scans, so
    notifications go out at once."""
    from bot.app.slack_runtime import build_slack
    from bot.app.telegram_runtime import TelegramRuntime

    slack_rt = build_slack(desk, slack) if slack is not None else None
    tg_rt = TelegramRuntime(desk, telegram) if telegram is not None else None
    transports: dict[str, Any] = {}
    if slack_rt is not None:
        transports["slack"] = slack_rt.dispatcher.transports["slack"]
    if tg_rt is not None:
        transports["telegram"] = tg_rt.transport
    loop = DispatchLoop(Dispatcher(desk.engine, desk.clock, transports, desk.settings.delivery))
    for rt in (slack_rt, tg_rt):
        if rt is not None:
            rt.front.wake = loop.wake
    enabled = scheduler and desk.settings.scheduler.enabled
    sched = Scheduler(desk, on_change=loop.wake, holder=loop.dispatcher.name) if enabled else None
    unmapped = _unmapped_channels(desk) if slack_rt is not None else []
    if unmapped:
        log.warning("routes name channels not mapped in [slack] channels, delivered nowhere: %s", ", ".join(unmapped))
    return Runtime(slack_rt, tg_rt, loop, sched)


def _unmapped_channels(desk: Desk) -> list[str]:
    named = {a.partition(":")[2] for audiences in desk.settings.routes.values() for a in audiences
             if a.startswith("channel:") and "{" not in a}  # fmt: skip
    named |= set(desk.settings.alerts.summary_channels)
    return sorted(named - set(desk.settings.slack_channels))
