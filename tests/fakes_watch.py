"""In-memory fakes of the scheduler's ports (``uow.watch``, ``uow.alerts``, ``uow.delivery``) over the state of
``tests.fakes.FakeUnitOfWork``: the same answers the SQL adapters give, so the scans run on them in unit tests."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from domain.alerts import Alert
from domain.lifecycle import CHANGEABLE, NOT_SHIPPED, Status
from domain.orders import Order
from domain.ports import Backlog, DayCounts, DeadLetter, Lease, OrderBrief
from domain.stock import MAIN

if TYPE_CHECKING:
    from tests.fakes import State


def brief(o: Order) -> OrderBrief:
    return OrderBrief(o.number, o.customer.code, o.owner, o.status, o.due_date, o.status_changed_at)


class FakeWatch:
    def __init__(self, state: State) -> None:
        self._s = state

    def _briefs(self, keep: Any) -> list[OrderBrief]:
        return [brief(o) for o in self._s.orders.values() if keep(o)]

    def overdue(self, today: date) -> Sequence[OrderBrief]:
        found = self._briefs(lambda o: o.status in NOT_SHIPPED and o.due_date is not None and o.due_date < today)
        return sorted(found, key=lambda b: b.due_date or today)

    def due_between(self, first: date, last: date, statuses: Sequence[Status]) -> Sequence[OrderBrief]:
        return self._briefs(lambda o: o.status in statuses and o.due_date is not None and first <= o.due_date <= last)

    def in_stage_since(self, stage: Status, before: datetime) -> Sequence[OrderBrief]:
        return self._briefs(
            lambda o: o.status is stage and o.status_changed_at is not None and o.status_changed_at < before
        )

    def briefs(self, numbers: Sequence[str]) -> dict[str, OrderBrief]:
        return {n: brief(self._s.orders[n]) for n in numbers if n in self._s.orders}

    def at_risk(self) -> Sequence[OrderBrief]:
        found = self._briefs(lambda o: o.at_risk and o.status in CHANGEABLE)
        return sorted(found, key=lambda b: b.due_date or date.max)

    def low_mismatches(self) -> list[int]:
        found = []
        for item in self._s.stock.values():
            safety = item.product.safety_stock
            below = safety > 0 and item.available < safety
            if item.warehouse == MAIN and below != item.low and item.product_id is not None:
                found.append(item.product_id)
        return sorted(found)

    def day_counts(self, start: datetime, end: datetime, today: date, customer: str | None) -> DayCounts:
        mine = {n for n, o in self._s.orders.items() if customer is None or o.customer.code == customer}

        def done(action: str) -> int:
            return sum(
                1 for e in self._s.audit
                if e.action == action and e.outcome == "ok" and start <= e.at < end and e.subject in mine
            )  # fmt: skip

        new = sum(1 for n in mine if start <= self._s.orders[n].created_at < end)
        late = sum(1 for b in self.overdue(today) if b.number in mine)
        return DayCounts(new, done("confirm"), done("ship"), late)


class FakeAlerts:
    def __init__(self, state: State) -> None:
        self._s = state

    def active(self, kind: str) -> dict[str, Alert]:
        return {k: a for k, a in self._s.alerts.items() if a.kind == kind and a.active}

    def raise_alert(self, key: str, kind: str, subject: str, level: int, now: datetime, detail: dict[str, Any]) -> bool:
        found = self._s.alerts.get(key)
        if found is not None and found.active:
            return False
        times = found.times + 1 if found is not None else 1
        escalated_at = now if level > 1 else None
        self._s.alerts[key] = Alert(key, kind, subject, level, True, now, None, times, dict(detail), escalated_at)
        return True

    def escalate(self, key: str, level: int, now: datetime) -> bool:
        found = self._s.alerts.get(key)
        if found is None or not found.active or found.level >= level:
            return False
        found.level, found.escalated_at = level, now
        return True

    def clear(self, key: str, now: datetime) -> bool:
        found = self._s.alerts.get(key)
        if found is None or not found.active:
            return False
        found.active, found.cleared_at = False, now
        return True

    def mark_once(self, key: str, kind: str, now: datetime) -> bool:
        if key in self._s.alerts:
            return False
        self._s.alerts[key] = Alert(key, kind, key.partition(":")[2], 0, False, now, now)
        return True

    def all_active(self, limit: int = 50) -> Sequence[Alert]:
        return sorted((a for a in self._s.alerts.values() if a.active), key=lambda a: a.raised_at)[:limit]

    def count_active(self) -> int:
        return sum(1 for a in self._s.alerts.values() if a.active)

    def lease(self, name: str) -> Lease | None:
        return None


class FakeDelivery:
    """Dead letters only: the fake unit of work has no delivery of its own."""

    def __init__(self, state: State) -> None:
        self._s = state

    def dead(self, limit: int = 20) -> Sequence[DeadLetter]:
        return list(reversed(self._s.dead))[:limit]

    def backlog(self) -> Backlog:
        return Backlog(0, len(self._s.dead), None)

    def retry(self, ids: Sequence[int] | None, now: datetime) -> int:
        chosen = [d for d in self._s.dead if ids is None or d.id in ids]
        self._s.dead = [d for d in self._s.dead if d not in chosen]
        return len(chosen)
