"""The scheduler's reads and writes: what its scans watch (each read answers from an index, so a scan costs
what is wrong now, not the size of the order history), alert states, and dead-lettered notifications."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, and_, func, not_, or_, select, text, update
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from adapters.sql import tables as t
from domain.alerts import Alert
from domain.lifecycle import CHANGEABLE, NOT_SHIPPED, Status
from domain.ports import Backlog, DayCounts, DeadLetter, Lease, OrderBrief, UnservedLane
from domain.stock import MAIN

o, cu = t.orders.c, t.customers.c
# Literal on purpose: SQLite uses the partial index ix_alerts_active_kind only when a query repeats its
# predicate word for word (`active IS 1` scans the table), and PostgreSQL does not derive `active` from
# `active IS true`. Without the index every scan read the whole alert history (80 ms at 1 M orders).
ACTIVE = text("active")
AT_RISK = text("at_risk")  # the predicate of ix_orders_at_risk, word for word


def _briefs() -> Select[Any]:
    return select(o.number, cu.code, o.owner, o.status, o.due_date, o.status_changed_at).join_from(
        t.orders, t.customers, o.customer_id == cu.id
    )


class SqlWatch:
    def __init__(self, session: Session) -> None:
        self.session = session

    def _run(self, stmt: Select[Any]) -> list[OrderBrief]:
        return [OrderBrief(*row) for row in self.session.execute(stmt).all()]

    def overdue(self, today: date) -> Sequence[OrderBrief]:
        # (status, due_date) index: one range per open status
        return self._run(_briefs().where(o.status.in_(tuple(NOT_SHIPPED)), o.due_date < today).order_by(o.due_date))

    def due_between(self, first: date, last: date, statuses: Sequence[Status]) -> Sequence[OrderBrief]:
        stmt = _briefs().where(o.status.in_(tuple(statuses)), o.due_date >= first, o.due_date <= last)
        return self._run(stmt.order_by(o.due_date))

    def in_stage_since(self, stage: Status, before: datetime) -> Sequence[OrderBrief]:
        # (status, status_changed_at) index
        return self._run(_briefs().where(o.status == stage, o.status_changed_at < before).order_by(o.status_changed_at))

    def briefs(self, numbers: Sequence[str]) -> dict[str, OrderBrief]:
        if not numbers:
            return {}
        return {b.number: b for b in self._run(_briefs().where(o.number.in_(list(numbers))))}

    def at_risk(self) -> Sequence[OrderBrief]:
        # the partial index ix_orders_at_risk: only the few orders at risk are read
        return self._run(_briefs().where(AT_RISK, o.status.in_(tuple(CHANGEABLE))).order_by(o.due_date, o.id))

    def low_mismatches(self) -> list[int]:
        s, p = t.stock.c, t.products.c
        below = and_(p.safety_stock > 0, s.on_hand - s.reserved < p.safety_stock)
        stmt = (
            select(s.product_id)
            .join_from(t.stock, t.products, s.product_id == p.id)
            .where(s.warehouse == MAIN, or_(and_(s.low.is_(False), below), and_(s.low.is_(True), not_(below))))
            .order_by(s.product_id)
        )
        return list(self.session.scalars(stmt).all())

    def day_counts(self, start: datetime, end: datetime, today: date, customer: str | None) -> DayCounts:
        a = t.audit_log.c
        new = select(func.count()).select_from(t.orders).where(o.created_at >= start, o.created_at < end)
        late = select(func.count()).select_from(t.orders).where(o.status.in_(tuple(NOT_SHIPPED)), o.due_date < today)
        if customer is not None:
            mine = select(cu.id).where(cu.code == customer).scalar_subquery()
            new, late = new.where(o.customer_id == mine), late.where(o.customer_id == mine)

        def done(action: str) -> int:
            stmt = (
                select(func.count())
                .select_from(t.audit_log)
                .where(a.action == action, a.outcome == "ok", a.at >= start, a.at < end)
            )
            if customer is not None:
                theirs = select(o.number).join_from(t.orders, t.customers, o.customer_id == cu.id)
                stmt = stmt.where(a.subject.in_(theirs.where(cu.code == customer)))
            return int(self.session.execute(stmt).scalar_one())

        run = self.session.execute
        return DayCounts(int(run(new).scalar_one()), done("confirm"), done("ship"), int(run(late).scalar_one()))


def _insert(session: Session):  # type: ignore[no-untyped-def]
    return pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert


class SqlAlerts:
    def __init__(self, session: Session) -> None:
        self.session = session

    @staticmethod
    def _alert(row: Any) -> Alert:
        return Alert(row.key, row.kind, row.subject, row.level, row.active, row.raised_at, row.cleared_at,
                     row.times, dict(row.detail or {}), row.escalated_at)  # fmt: skip

    def active(self, kind: str) -> dict[str, Alert]:
        a = t.alerts.c
        rows = self.session.execute(select(t.alerts).where(a.kind == kind, ACTIVE)).all()
        return {r.key: self._alert(r) for r in rows}

    def raise_alert(self, key: str, kind: str, subject: str, level: int, now: datetime, detail: dict[str, Any]) -> bool:
        a = t.alerts.c
        escalated_at = now if level > 1 else None  # raised escalated: nobody can decide it
        stmt = _insert(self.session)(t.alerts).values(
            key=key, kind=kind, subject=subject, level=level, active=True, raised_at=now, cleared_at=None, times=1,
            detail=detail, escalated_at=escalated_at,
        )  # fmt: skip
        # raised again after a clear: the same row comes back; while active, nothing happens (another
        # scan got there first)
        stmt = stmt.on_conflict_do_update(
            index_elements=["key"],
            set_={"active": True, "level": level, "raised_at": now, "cleared_at": None, "times": a.times + 1,
                  "subject": subject, "detail": detail, "escalated_at": escalated_at},
            where=a.active.is_(False),
        ).returning(a.id)  # fmt: skip
        return self.session.execute(stmt).first() is not None

    def escalate(self, key: str, level: int, now: datetime) -> bool:
        a = t.alerts.c
        stmt = (
            update(t.alerts)
            .where(a.key == key, a.active.is_(True), a.level < level)
            .values(level=level, escalated_at=now)
        )
        return bool(self.session.execute(stmt).rowcount)  # type: ignore[attr-defined]

    def clear(self, key: str, now: datetime) -> bool:
        a = t.alerts.c
        stmt = update(t.alerts).where(a.key == key, a.active.is_(True)).values(active=False, cleared_at=now)
        return bool(self.session.execute(stmt).rowcount)  # type: ignore[attr-defined]

    def mark_once(self, key: str, kind: str, now: datetime) -> bool:
        a = t.alerts.c
        stmt = _insert(self.session)(t.alerts).values(
            key=key, kind=kind, subject=key.partition(":")[2][:64], level=0, active=False, raised_at=now,
            cleared_at=now, times=1, detail={},
        )  # fmt: skip
        stmt = stmt.on_conflict_do_nothing(index_elements=["key"]).returning(a.id)
        return self.session.execute(stmt).first() is not None

    def all_active(self, limit: int = 50) -> Sequence[Alert]:
        a = t.alerts.c
        stmt = select(t.alerts).where(ACTIVE).order_by(a.raised_at, a.id).limit(limit)
        return [self._alert(r) for r in self.session.execute(stmt).all()]

    def count_active(self) -> int:
        return int(self.session.execute(select(func.count()).select_from(t.alerts).where(ACTIVE)).scalar_one())

    def lease(self, name: str) -> Lease | None:
        row = self.session.execute(select(t.leases).where(t.leases.c.name == name)).first()
        return Lease(row.name, row.holder, row.since, row.expires_at) if row else None


class SqlDelivery:
    """Dead-lettered notifications: listed for `admin outbox`, sent again on `admin outbox retry`."""

    def __init__(self, session: Session) -> None:
        self.session = session

    def dead(self, limit: int = 20) -> Sequence[DeadLetter]:
        c = t.outbox.c
        stmt = (
            select(c.id, c.kind, c.audience, c.subject, c.attempts, c.last_error, c.created_at)
            .where(c.status == "dead")
            .order_by(c.id.desc())
            .limit(limit)
        )
        return [DeadLetter(*row) for row in self.session.execute(stmt).all()]

    def backlog(self, lanes: int = 10) -> Backlog:
        """What waits, what was given up on, and apart what no running process serves (its ``lanes`` largest
        audiences): a lane is unserved when a dispatcher marked it so (adapters.sql.presence)."""
        c, ln = t.outbox.c, t.outbox_lanes.c
        on_lanes = select(c.status).join_from(t.outbox, t.outbox_lanes, ln.audience == c.audience)
        rows = on_lanes.where(c.status == "pending")
        waiting = rows.where(ln.unserved_since.is_(None)).with_only_columns(func.count(), func.min(c.created_at))
        count, oldest = self.session.execute(waiting).one()
        unserved = rows.where(ln.unserved_since.is_not(None))
        total, audiences = self.session.execute(
            unserved.with_only_columns(func.count(), func.count(func.distinct(c.audience)))
        ).one()
        n = func.count().label("n")
        largest = (
            unserved.with_only_columns(c.audience, n, func.min(c.created_at), ln.unserved_since)
            .group_by(c.audience, ln.unserved_since)
            .order_by(n.desc(), c.audience)
            .limit(lanes)
        )
        groups = tuple(UnservedLane(*row) for row in self.session.execute(largest))
        status = select(c.status, func.count()).where(c.status.in_(("dead", "expired"))).group_by(c.status)
        settled = {str(k): int(v) for k, v in self.session.execute(status)}
        return Backlog(int(count), settled.get("dead", 0), oldest, int(total), groups, int(audiences),
                       settled.get("expired", 0))  # fmt: skip

    def retry(self, ids: Sequence[int] | None, now: datetime) -> int:
        c = t.outbox.c
        stmt = update(t.outbox).where(c.status == "dead")
        if ids is not None:
            stmt = stmt.where(c.id.in_(list(ids)))
        stmt = stmt.values(status="pending", attempts=0, available_at=now, last_error="")
        return int(self.session.execute(stmt).rowcount)  # type: ignore[attr-defined]
