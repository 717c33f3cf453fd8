"""When an order line can be ready, counting what production can still do.

A line's own work orders are its own supply (their output goes to the line first), not supply for anyone:
one that has not started can be re-planned, so it is ready a lead time from today whatever due date it was
planned for; one that has started keeps its due date — the floor will not finish it sooner. What the line's
work orders do not cover waits for free stock, incoming supply (available-to-promise) or, for a make item, a
new work order a lead time from today.

The impact analysis (before anyone decides) and applying a change (the new confirmed dates and work orders'
due dates) both ask here, so what approvers were told is what is promised.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from domain.allocation import available_to_promise
from domain.supply import WorkOrder, WOStatus

ZERO = Decimal(0)
Incoming = tuple[tuple[date | None, Decimal], ...]


@dataclass(frozen=True)
class Work:
    """One open work order of a line: what it still brings, when it is due, whether it has started."""

    number: str
    due: date | None
    qty: Decimal
    started: bool

    @classmethod
    def of(cls, wo: WorkOrder) -> Work:
        return cls(wo.number, wo.due_date, wo.remaining, wo.started)

    def ready(self, lead_time_days: int, today: date) -> date:
        """Not started: re-planned, a lead time from today. Started: its due date (never before today)."""
        fresh = today + timedelta(days=lead_time_days)
        if not self.started:
            return fresh
        return max(today, self.due or fresh)


def open_works(wos: Iterable[WorkOrder]) -> dict[int, list[Work]]:
    """By line number: the open work orders of an order's lines that still bring something."""
    out: dict[int, list[Work]] = {}
    for wo in wos:
        if wo.line_no is not None and wo.status not in (WOStatus.done, WOStatus.cancelled) and wo.remaining > 0:
            out.setdefault(wo.line_no, []).append(Work.of(wo))
    return out


def without(incoming: Iterable[tuple[date | None, Decimal]], works: Iterable[Work]) -> Incoming:
    """A product's incoming supply (summed per date) less what ``works`` bring: an order's own work orders are
    counted as its lines', not as supply anyone may wait for."""
    rows = list(incoming)
    dates = [when for when, _ in rows]
    qtys = [qty for _, qty in rows]
    for work in works:
        left = work.qty
        for i, when in enumerate(dates):
            if left <= 0:
                break
            if when == work.due and qtys[i] > 0:
                taken = min(left, qtys[i])
                qtys[i] -= taken
                left -= taken
    return tuple((when, qty) for when, qty in zip(dates, qtys, strict=True) if qty > 0)


@dataclass(frozen=True)
class Promise:
    earliest: date  # the earliest date the line's remaining need can be ready
    held_by_started: date | None = None  # a started work order's due date that holds the line back to ``earliest``


def earliest(left: Decimal, works: Sequence[Work], available: Decimal, waiting: Decimal, incoming: Incoming,
             lead_time_days: int, make: bool, today: date) -> Promise:  # fmt: skip
    """When ``left`` more units of a line can be ready: its own work orders first (soonest ready first), the
    rest from stock and incoming supply after the ``waiting`` backorders — or, for a make item, a new work order
    a lead time from today, whichever is sooner."""
    if left <= 0:
        return Promise(today)
    when, covered, started = today, ZERO, None
    for work in sorted(works, key=lambda w: w.ready(lead_time_days, today)):
        if covered >= left:
            break
        ready = work.ready(lead_time_days, today)
        covered += work.qty
        when = max(when, ready)
        if work.started:
            started = ready
    if covered < left:
        atp = available_to_promise(left - covered, available, waiting, incoming, lead_time_days, today)
        if make:
            atp = min(atp, today + timedelta(days=lead_time_days))
        when = max(when, atp)
    return Promise(when, started if started is not None and started >= when else None)
