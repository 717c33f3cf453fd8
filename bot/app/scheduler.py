"""The scheduler: APScheduler 3 runs two jobs in every bot process — one that tries to take (or keep) the
lead, and one that runs the scans — but only the process holding the lead scans. The lead is a database
lock (adapters.sql.leader), so when its holder dies a standby takes over at its next try.

Each scan is one domain command (`RunScans`) in its own transaction, run as the bot itself; what they find
goes to the outbox with the alert states, and the dispatcher is woken to deliver it. After the scans the
leader deletes notifications sent more than `delivery.keep_sent_days` ago. The scans are safe to
run twice (the alert states make them so), which is what APScheduler's documentation asks of jobs that
several processes might run. Its job store is in memory and never shared between processes.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.interval import IntervalTrigger

from adapters.delivery.dispatcher import dispatcher_name
from adapters.sql.leader import Leader, leader_for
from adapters.sql.retention import purge_sent
from bot.app.bootstrap import Desk
from bot.app.config_alerts import SchedulerSettings
from domain.alerts import SCANS
from domain.commands import RunScans
from domain.errors import OrderbotError
from domain.handlers.delivery import SCHEDULER_LEASE
from domain.results import ScanReport
from domain.users import Front

log = logging.getLogger(__name__)


class Scheduler:
    def __init__(self, desk: Desk, settings: SchedulerSettings | None = None, *, leader: Leader | None = None,
                 on_change: Callable[[], None] | None = None, holder: str | None = None) -> None:  # fmt: skip
        self.desk = desk
        self.settings = settings or desk.settings.scheduler
        self.leader = leader or leader_for(
            desk.engine,
            desk.clock,
            SCHEDULER_LEASE,
            holder or dispatcher_name(),
            timedelta(seconds=self.settings.lease),
        )
        self.on_change = on_change
        self.leading = False
        self._aps: BackgroundScheduler | None = None

    # -- what the jobs do (also called directly by tests and by `admin scan`'s neighbours) ---------------
    def lead(self) -> bool:
        try:
            was, self.leading = self.leading, self.leader.try_lead()
        except Exception:
            log.exception("could not reach the database to take the scheduler lead")
            was, self.leading = self.leading, False
        if self.leading != was:
            log.warning("scheduler: %s the lead (%s)", "took" if self.leading else "lost", self.leader.holder)
        return self.leading

    def tick(self) -> dict[str, ScanReport]:
        """Run every scan if this process leads; each in its own transaction, one failing never stops
        the others."""
        if not self.leading:
            return {}
        reports: dict[str, ScanReport] = {}
        ctx = self.desk.system_context(Front.system)
        for kind in SCANS:
            try:
                reports[kind] = self.desk.bus.handle(RunScans((kind,)), ctx)
            except OrderbotError as err:  # e.g. two schedulers raced on one alert: the next tick sees it
                log.warning("scan %s: %s", kind, err)
            except Exception:
                log.exception("scan %s failed", kind)
        if self.on_change is not None:
            self.on_change()
        self.tidy()
        return reports

    def tidy(self) -> int:
        """Delete what was sent long ago (pending and dead-lettered rows stay); a failure waits for the next tick."""
        keep = self.desk.settings.delivery.keep_sent_days
        if not keep:
            return 0
        try:
            gone = purge_sent(self.desk.engine, self.desk.clock.now() - timedelta(days=keep))
        except Exception:
            log.exception("could not delete old sent notifications; trying again at the next run")
            return 0
        if gone:
            log.info("deleted %s notifications sent more than %s days ago", gone, keep)
        return gone

    # -- running in the background ---------------------------------------------------------------------
    def start(self) -> None:
        s = self.settings
        aps = BackgroundScheduler(
            timezone=UTC, job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": int(s.every) + 1}
        )
        now = datetime.now(UTC)
        aps.add_job(self.lead, IntervalTrigger(seconds=s.leader_every), id="lead", next_run_time=now)
        # the first scan a moment after start-up: a process back from a long stop catches up at once
        aps.add_job(self.tick, IntervalTrigger(seconds=s.every), id="scans", next_run_time=now + timedelta(seconds=1))
        aps.start()
        self._aps = aps

    def stop(self) -> None:
        if self._aps is not None:
            self._aps.shutdown(wait=True)
            self._aps = None
        try:
            self.leader.release()
        except Exception:
            log.exception("could not release the scheduler lead; it runs out on its own")
        self.leading = False
