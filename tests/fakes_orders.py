"""In-memory fakes of the order ports (``uow.orders``, ``uow.history``) over a ``tests.fakes_state.State``.

They answer as the SQL adapters do (``tests/contract`` holds them to it): orders newest first (overdue ones earliest
due first), versions in order, audit entries by subject.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from typing import Any

from domain.history import AuditEntry, OrderVersion
from domain.lifecycle import CHANGEABLE, OPEN, Status
from domain.orders import Order
from domain.ports import OrderFilter
from tests.fakes_state import State, see

NOT_YET_SHIPPED = frozenset(
    {Status.draft, Status.pending_confirmation, Status.confirmed, Status.in_production, Status.ready, Status.on_hold}
)


class FakeOrders:
    def __init__(self, state: State, seen: list[Any]) -> None:
        self._s, self._seen = state, seen

    def _see(self, order: Order) -> Order:
        return see(self._seen, order)

    def add(self, order: Order) -> None:
        if order.number in self._s.orders:
            raise AssertionError(f"duplicate order number {order.number}")
        if order.id is None:
            order.id = self._s.new_id()
        self._s.orders[order.number] = self._see(order)

    def get(self, number: str) -> Order | None:
        found = self._s.orders.get(number)
        return self._see(found) if found is not None else None

    def refresh_lines(self, order: Order) -> None:
        """Nothing to re-read: one process, one working copy, no other writer between read and lock."""

    def _matching(self, flt: OrderFilter) -> list[Order]:
        out = []
        for o in self._s.orders.values():
            if flt.customer_id is not None and o.customer.id != flt.customer_id:
                continue
            if flt.status is not None and o.status is not Status(flt.status):
                continue
            if o.status.value in flt.exclude_statuses:
                continue
            if flt.owner is not None and o.owner != flt.owner:
                continue
            if flt.at_risk and not (o.at_risk and o.status in CHANGEABLE):
                continue
            if flt.overdue_on is not None and not (
                o.status in NOT_YET_SHIPPED and o.due_date is not None and o.due_date < flt.overdue_on
            ):
                continue
            if flt.text:
                needle = flt.text.lower()
                hay = (o.number, o.po_ref, o.notes, o.tracking, o.customer.name, o.customer.code)
                if not any(needle in h.lower() for h in hay):
                    continue
            out.append(o)
        if flt.overdue_on is not None:  # as the SQL adapter: the latest-running first, which a chaser works down
            return sorted(out, key=lambda o: (o.due_date or date.max, o.id or 0))
        return sorted(out, key=lambda o: o.id or 0, reverse=True)

    def search(self, flt: OrderFilter) -> Sequence[Order]:
        return [self._see(o) for o in self._matching(flt)[flt.offset : flt.offset + flt.limit]]

    def count(self, flt: OrderFilter) -> int:
        return len(self._matching(flt))

    def open_value(self, customer_id: int, excluding_number: str) -> Decimal:
        return sum(
            (
                o.amount
                for o in self._s.orders.values()
                if o.customer.id == customer_id and o.status in OPEN and o.number != excluding_number
            ),
            Decimal(0),
        )

    def by_external_ref(self, customer_id: int, external_ref: str) -> str | None:
        found = (o for o in self._s.orders.values() if o.customer.id == customer_id and o.external_ref == external_ref)
        return next((o.number for o in found), None)

    def skus_ordered(self, customer_id: int, skus: Sequence[str], excluding_number: str) -> set[str]:
        wanted = set(skus)
        return {
            ln.product.sku
            for o in self._s.orders.values()
            if o.customer.id == customer_id and o.number != excluding_number and o.status is not Status.cancelled
            for ln in o.lines
            if ln.product.sku in wanted
        }


class FakeHistory:
    def __init__(self, state: State) -> None:
        self._s = state

    def add_version(self, version: OrderVersion) -> None:
        if self.version(version.order_number, version.version) is not None:
            raise AssertionError(f"duplicate version {version.order_number} v{version.version}")
        version.id = self._s.new_id()
        self._s.versions.append(version)

    def version(self, order_number: str, version: int) -> OrderVersion | None:
        return next((v for v in self._s.versions if v.order_number == order_number and v.version == version), None)

    def versions(self, order_number: str) -> Sequence[OrderVersion]:
        return sorted((v for v in self._s.versions if v.order_number == order_number), key=lambda v: v.version)

    def audit(self, entry: AuditEntry) -> None:
        entry.id = self._s.new_id()
        self._s.audit.append(entry)

    def audit_of(self, subject: str) -> Sequence[AuditEntry]:
        return [e for e in self._s.audit if e.subject == subject]
