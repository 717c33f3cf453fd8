"""What runs in the background of every bot process: the chat front ends whose secrets are set, one
dispatch loop delivering for all of them, and the scheduler (which scans only where it holds the lead).

A chat platform that cannot be reached at start, or refuses its token, does not stop the process: it is
brought up by a ``Connector`` in the background (``health`` says how each one is doing) and its notifications
wait meanwhile."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from adapters.delivery import Dispatcher, DispatchLoop
from adapters.delivery.dispatcher import audience_kinds
from bot.app.bootstrap import Desk
from bot.app.health import Connector, Health, HeldTransport
from bot.app.scheduler import Scheduler

log = logging.getLogger(__name__)


@dataclass
class Runtime:
    slack: Any  # SlackRuntime | None
    telegram: Any  # TelegramRuntime | None
    loop: DispatchLoop
    scheduler: Scheduler | None
    health: Health = field(default_factory=Health)
    wait: Callable[[float], bool] | None = None  # the connectors' waiting between tries (tests inject theirs)
    connectors: list[Connector] = field(default_factory=list)
    socket: Any = None  # the Socket Mode handler once `connect(socket=True)` made one

    def start(self) -> None:
        """The dispatch loop and the scheduler; the front ends are started by the command that serves them."""
        self.loop.start()
        if self.scheduler is not None:
            self.scheduler.start()

    def connect(self, *, polling: bool = False, socket: bool = False) -> None:
        """Bring each chat platform up in the background, each on its own: Telegram (long polling, or ready for
        the webhook), Slack (its token checked; with ``socket``, the Socket Mode connection dialled out)."""
        from bot.app.slack_runtime import slack_connect, socket_mode

        if self.telegram is not None:
            telegram = self.telegram
            self.connectors.append(Connector("telegram", lambda: telegram.connect(polling), self.health,
                                             wait=self.wait, on_up=self.loop.wake))  # fmt: skip
        if self.slack is not None:
            self.socket = socket_mode(self.slack) if socket else None
            self.connectors.append(Connector("slack", slack_connect(self.slack, self.socket), self.health,
                                             wait=self.wait, on_up=self.loop.wake))  # fmt: skip
        for connector in self.connectors:
            connector.start()

    def stop(self) -> None:
        for connector in self.connectors:
            connector.stop()
        for connector in self.connectors:
            connector.join(10)
        if self.socket is not None:
            self.socket.close()
        # the dispatcher before Telegram: a push in flight needs Telegram's client still open
        if self.scheduler is not None:
            self.scheduler.stop()
        self.loop.stop()
        if self.telegram is not None:
            self.telegram.stop()


def build_runtime(desk: Desk, slack: Any, telegram: Any, *, scheduler: bool = True,
                  wait: Callable[[float], bool] | None = None) -> Runtime:  # fmt: skip
    """Each front end wakes the loop after a change, and so does the scheduler after its scans, so
    notifications go out at once. Nothing here calls Slack or Telegram: ``Runtime.connect`` does, in the
    background; until a platform is up its notifications wait (``HeldTransport``)."""
    from bot.app.slack_runtime import build_slack
    from bot.app.telegram_runtime import TelegramRuntime

    health = Health()
    slack_rt = build_slack(desk, slack, verify_token=False) if slack is not None else None
    tg_rt = TelegramRuntime(desk, telegram) if telegram is not None else None
    configured: dict[str, Any] = {}
    if slack_rt is not None:
        configured["slack"] = slack_rt.dispatcher.transports["slack"]
    if tg_rt is not None:
        configured["telegram"] = tg_rt.transport
    transports = {name: HeldTransport(inner, health, name) for name, inner in configured.items()}
    # what this process serves is what is configured, up or not: a platform down is an outage, and its lanes are
    # not marked unserved meanwhile (adapters.sql.presence)
    serves = audience_kinds(configured)
    loop = DispatchLoop(Dispatcher(desk.engine, desk.clock, transports, desk.settings.delivery, serves=serves))
    for rt in (slack_rt, tg_rt):
        if rt is not None:
            rt.front.wake = loop.wake
    enabled = scheduler and desk.settings.scheduler.enabled
    sched = Scheduler(desk, on_change=loop.wake, holder=loop.dispatcher.name) if enabled else None
    unmapped = _unmapped_channels(desk) if slack_rt is not None else []
    if unmapped:
        log.warning("routes name channels not mapped in [slack] channels, delivered nowhere: %s", ", ".join(unmapped))
    return Runtime(slack_rt, tg_rt, loop, sched, health, wait)


def _unmapped_channels(desk: Desk) -> list[str]:
    named = {a.partition(":")[2] for audiences in desk.settings.routes.values() for a in audiences
             if a.startswith("channel:") and "{" not in a}  # fmt: skip
    named |= set(desk.settings.alerts.summary_channels)
    return sorted(named - set(desk.settings.slack_channels))
