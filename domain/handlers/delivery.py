"""Administration of notifications and alerts: what was given up on (and sending it again), what is raised."""

from __future__ import annotations

from domain import commands as c
from domain.errors import NotFound
from domain.history import AuditEntry
from domain.ports import Context, UnitOfWork
from domain.results import AlertsView, DeadLettersView, Done
from domain.users import require

SCHEDULER_LEASE = "scheduler"


def list_dead_letters(q: c.ListDeadLetters, uow: UnitOfWork, ctx: Context) -> DeadLettersView:
    require(ctx.user, "manage_delivery")
    return DeadLettersView(list(uow.delivery.dead(q.limit)), uow.delivery.backlog())


def retry_dead_letters(cmd: c.RetryDeadLetters, uow: UnitOfWork, ctx: Context) -> Done:
    require(ctx.user, "manage_delivery")
    ids = list(cmd.ids) or None
    count = uow.delivery.retry(ids, ctx.now)
    if ids and count == 0:
        raise NotFound("dead_letter", ", ".join(str(i) for i in ids))
    detail = "all" if ids is None else ", ".join(str(i) for i in ids)
    uow.history.audit(AuditEntry(ctx.now, ctx.user.name, ctx.front.value, "outbox_retry", "outbox", detail=detail))
    return Done("outbox_retried", {"count": count})


def list_alerts(q: c.ListAlerts, uow: UnitOfWork, ctx: Context) -> AlertsView:
    return AlertsView(list(uow.alerts.all_active()), uow.alerts.count_active(), uow.alerts.lease(SCHEDULER_LEASE))
