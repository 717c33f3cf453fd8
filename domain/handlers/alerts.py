"""The scheduler's scans: each finds what holds now, reconciles it with the alerts already raised, and
records an event for what is new, worse or over — in the scan's own transaction, with the alert states.

Safe to run at any time, as often as wanted, by two schedulers at once: an alert is announced by the one
transaction that raised it (a conditional write), never twice."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from domain import commands as c
from domain.alert_events import (
    AlertCleared,
    ApprovalEscalated,
    ApprovalWaiting,
    DailySummary,
    DeliveryFailed,
    OrderDueSoon,
    OrderOverdue,
    StageOverdue,
    StockDigest,
)
from domain.alerts import SCANS, Finding, Outcome, reconcile
from domain.changes import ChangeRequest
from domain.errors import InvalidInput
from domain.lifecycle import Status
from domain.money import plain
from domain.ports import Context, OrderBrief, UnitOfWork
from domain.results import ScanReport
from domain.stock import ZERO
from domain.users import Role, require

# Orders that still need work before their due date: a heads-up is worth sending.
NOT_READY = (Status.draft, Status.pending_confirmation, Status.confirmed, Status.in_production, Status.on_hold)


def run_scans(cmd: c.RunScans, uow: UnitOfWork, ctx: Context) -> ScanReport:
    require(ctx.user, "run_scans")
    unknown = [k for k in cmd.kinds if k not in SCANS]
    if unknown:
        raise InvalidInput("unknown_scan", scan=unknown[0], allowed=", ".join(SCANS))
    counts: dict[str, tuple[int, int, int]] = {}
    for kind in cmd.kinds:
        out = SCAN[kind](uow, ctx)
        counts[kind] = (len(out.raised), len(out.escalated), len(out.cleared))
    return ScanReport(counts)


def _found(rows: list[OrderBrief], prefix: str) -> dict[str, Finding]:
    found = {}
    for r in rows:
        key = f"{prefix}:{r.number}"
        found[key] = Finding(key, r.number, 1, {"customer": r.customer, "owner": r.owner})
    return found


def _cleared(uow: UnitOfWork, out: Outcome, alert: str) -> None:
    """Tell the channel that a late or stuck order moved on, saying where it is now."""
    if not out.cleared:
        return
    now_at = uow.watch.briefs([a.subject for a in out.cleared])
    for a in out.cleared:
        brief = now_at.get(a.subject)
        status = brief.status.value if brief else "gone"
        uow.publish(
            AlertCleared(alert, a.subject, str(a.detail.get("customer", "")), status, str(a.detail.get("stage", "")))
        )


def _due_alerts(uow: UnitOfWork, ctx: Context, kind: str, rows: list[OrderBrief],
                event: type[OrderOverdue | OrderDueSoon]) -> Outcome:  # fmt: skip
    """Late or due soon: one alert per order, its event saying how many days (late, or left)."""
    by_number = {r.number: r for r in rows}
    out = reconcile(uow.alerts, kind, _found(rows, kind), ctx.now)
    for f in out.raised:
        r = by_number[f.subject]
        assert r.due_date is not None
        days = abs((ctx.today - r.due_date).days)
        uow.publish(event(r.number, r.customer, r.owner, r.status.value, r.due_date, days))
    return out


def scan_overdue(uow: UnitOfWork, ctx: Context) -> Outcome:
    out = _due_alerts(uow, ctx, "overdue", list(uow.watch.overdue(ctx.today)), OrderOverdue)
    _cleared(uow, out, "overdue")
    return out


def scan_due_soon(uow: UnitOfWork, ctx: Context) -> Outcome:
    days = ctx.alerts.due_soon_days
    rows = list(uow.watch.due_between(ctx.today, ctx.today + timedelta(days=days), NOT_READY)) if days > 0 else []
    # a heads-up ends quietly: the order became ready, or the overdue alert takes over
    return _due_alerts(uow, ctx, "due_soon", rows, OrderDueSoon)


def scan_at_risk(uow: UnitOfWork, ctx: Context) -> Outcome:
    """Orders with a line promised after the date asked for (``Order.at_risk``). The team heard it when the
    order was confirmed (``order_at_risk``); the alert stands in `admin alerts` until the promise is met or
    moved (a change request), or the order ships or is cancelled, and then ends quietly."""
    return reconcile(uow.alerts, "at_risk", _found(list(uow.watch.at_risk()), "at_risk"), ctx.now)


def scan_stages(uow: UnitOfWork, ctx: Context) -> Outcome:
    found: dict[str, Finding] = {}
    rows: dict[str, tuple[OrderBrief, Status]] = {}
    for stage, sla in ctx.alerts.stages.items():
        for r in uow.watch.in_stage_since(stage, ctx.now - timedelta(hours=sla.hours)):
            key = f"stage:{r.number}:{stage.value}"
            found[key] = Finding(key, r.number, 1, {"customer": r.customer, "owner": r.owner, "stage": stage.value})
            rows[key] = (r, stage)
    out = reconcile(uow.alerts, "stage", found, ctx.now)
    for f in out.raised:
        r, stage = rows[f.key]
        sla = ctx.alerts.stages[stage]
        since = r.status_changed_at or ctx.now
        hours = int((ctx.now - since).total_seconds() // 3600)
        uow.publish(StageOverdue(r.number, r.customer, r.owner, stage.value, hours, round(sla.hours), sla.role.value))
    _cleared(uow, out, "stage")
    return out


def scan_approvals(uow: UnitOfWork, ctx: Context) -> Outcome:
    """Per change request and pending role: a reminder to whoever may decide it once it waited
    ``approval_remind_hours``, escalation to the role's manager after ``approval_escalate_hours``
    (at once when nobody can decide it). A new round of approvals starts the clock again."""
    policy = ctx.alerts
    users = list(uow.users.all())
    backups = list(uow.changes.delegations(ctx.today))
    found: dict[str, Finding] = {}
    waiting: dict[str, tuple[ChangeRequest, Role, list[str], int]] = {}
    for cr in uow.changes.pending():
        hours = (ctx.now - cr.waiting_since).total_seconds() / 3600
        level = 2 if hours >= policy.approval_escalate_hours else 1 if hours >= policy.approval_remind_hours else 0
        if level == 0:
            continue
        for role in cr.pending_roles():
            # who may decide it, as ChangeRequest says (never the requester nor their backup, nobody twice)
            approvers = sorted(u.name for u in users if role in cr.asked_for(u, backups, ctx.changes))
            key = f"approval:{cr.number}:{cr.round}:{role.value}"
            # who it goes to once escalated, kept with the alert so `admin alerts` can say it
            about = {"role": role.value, "escalate_to": policy.escalation_for(role).value}
            found[key] = Finding(key, cr.number, level if approvers else 2, about)
            waiting[key] = (cr, role, approvers, int(hours))
    out = reconcile(uow.alerts, "approval", found, ctx.now)
    for f in out.raised:
        cr, role, approvers, hours = waiting[f.key]
        for name in approvers:
            uow.publish(ApprovalWaiting(cr.number, cr.order_number, cr.customer, role.value, name, hours))
    for f in [*out.raised, *out.escalated]:
        if f.level >= 2:
            cr, role, _, hours = waiting[f.key]
            to = policy.escalation_for(role).value
            uow.publish(ApprovalEscalated(cr.number, cr.order_number, cr.customer, (role.value,), hours, to))
    # decided or withdrawn requests are announced by their own events: their alerts end quietly
    return out


def scan_stock(uow: UnitOfWork, ctx: Context) -> Outcome:
    """Safety-stock crossings are announced by the transaction that crosses (one per crossing); this
    catches what no stock move noticed — a safety stock raised or lowered — and sends the morning digest."""
    ids = uow.watch.low_mismatches()
    if ids:
        items = uow.stock.lock(ids)
        waiting = uow.stock.waiting_qtys(ids)
        for pid, item in items.items():
            item.check_safety(ctx.stock.reorder_factor, waiting.get(pid, ZERO))
    at = ctx.alerts.stock_digest_at
    local = _local(ctx)
    if at is not None and local.time() >= at and uow.alerts.mark_once(f"stock_digest:{ctx.today}", "digest", ctx.now):
        low = list(uow.stock.low())
        if low:
            waits = uow.stock.waiting_qtys([i.product_id for i in low if i.product_id is not None])
            items_out = tuple(
                (
                    i.product.sku,
                    plain(i.available),
                    plain(i.product.safety_stock),
                    plain(i.to_replenish(ctx.stock.reorder_factor, waits.get(i.product_id or 0, ZERO))),
                )
                for i in low
            )
            uow.publish(StockDigest(ctx.today, items_out))
    return Outcome()


def scan_summary(uow: UnitOfWork, ctx: Context) -> Outcome:
    """Once a day, at ``summary_at`` local time or the first scan after it: per configured channel, the day's
    new, confirmed and shipped orders and how many are late now."""
    at = ctx.alerts.summary_at
    local = _local(ctx)
    if at is None or local.time() < at:
        return Outcome()
    start = datetime.combine(ctx.today, datetime.min.time(), local.tzinfo)
    for channel, customer in ctx.alerts.summary_channels.items():
        if not uow.alerts.mark_once(f"summary:{channel}:{ctx.today}", "digest", ctx.now):
            continue
        who = None if customer == "*" else customer
        n = uow.watch.day_counts(start, start + timedelta(days=1), ctx.today, who)
        uow.publish(DailySummary(channel, ctx.today, customer, n.new, n.confirmed, n.shipped, n.late))
    return Outcome()


def scan_delivery(uow: UnitOfWork, ctx: Context) -> Outcome:
    """Dead letters: the alert stands while any remain (keyed by the newest) and ends quietly when they are
    retried; the admins hear of each dead letter once, when it is the newest — retrying a newer one never
    announces an older one again. A failure to deliver this very alert raises nothing (no loop)."""
    dead = [d for d in uow.delivery.dead(50) if d.kind != DeliveryFailed.kind]
    found: dict[str, Finding] = {}
    if dead:
        newest = dead[0]
        key = f"delivery:dead:{newest.id}"
        found[key] = Finding(key, "outbox", 1, {"audience": newest.audience, "error": newest.last_error[:200]})
    out = reconcile(uow.alerts, "delivery", found, ctx.now)
    for f in out.raised:
        if uow.alerts.mark_once(f"told:{f.key}", "told", ctx.now):
            count = uow.delivery.backlog().dead
            uow.publish(DeliveryFailed(count, str(f.detail["audience"]), str(f.detail["error"])))
    return out


def _local(ctx: Context) -> datetime:
    return ctx.now.astimezone(ZoneInfo(ctx.alerts.timezone))


SCAN: dict[str, Callable[[UnitOfWork, Context], Outcome]] = {
    "overdue": scan_overdue,
    "due_soon": scan_due_soon,
    "at_risk": scan_at_risk,
    "stages": scan_stages,
    "approvals": scan_approvals,
    "stock": scan_stock,
    "summary": scan_summary,
    "delivery": scan_delivery,
}
