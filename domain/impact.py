"""Impact analysis: what a change request would do to money, stock, production, purchasing, the schedule
and cost — computed before anyone decides, from a ``Situation`` the handler reads in one transaction.

Pure: no storage here, so it is tested with plain objects and re-run when an order moves on.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from domain.approval import ApprovalPolicy, Facts
from domain.changes import ChangeKind, RequestedChange
from domain.codec import decode, encode
from domain.orders import MONEY_PLACES, Order
from domain.parties import MakeOrBuy, Product
from domain.promising import Incoming, Work, earliest

ZERO = Decimal(0)


@dataclass(frozen=True)
class Supply:
    """One product's stock picture: free now, already promised to backorders, and arriving when."""

    product: Product
    available: Decimal
    waiting: Decimal
    incoming: Incoming = ()  # without the order's own work orders: those are its lines' (``Production.works``)


@dataclass(frozen=True)
class Production:
    """One order line's work orders: units done, still to come from started ones, and not started — and each
    open one, to know when the line can be ready (``domain.promising``)."""

    done: Decimal = ZERO
    in_progress: Decimal = ZERO
    planned: Decimal = ZERO
    works: tuple[Work, ...] = ()


@dataclass
class Situation:
    today: date
    supply: dict[str, Supply]  # by SKU: every product the order has or the request adds
    production: dict[int, Production] = field(default_factory=dict)  # by line number
    ordered_before: frozenset[str] = frozenset()  # SKUs this customer has on other orders
    open_elsewhere: Decimal = ZERO  # the customer's other open orders, for the credit check
    changes_this_month: int = 1  # this customer's change requests this month, this one included
    production_started: bool = False


@dataclass
class LineImpact:
    line: int | None  # None: a line the request adds
    sku: str
    old_qty: Decimal
    new_qty: Decimal
    reserved: Decimal = ZERO
    released: Decimal = ZERO  # reservation given back to free stock (the rest of ``reserved`` is still needed)
    unneeded_backorder: Decimal = ZERO  # backorder no longer waited for
    extra: Decimal = ZERO  # more units needed than the line holds or waits for
    available: Decimal = ZERO  # free stock of the product now
    done: Decimal = ZERO
    in_progress: Decimal = ZERO
    planned: Decimal = ZERO
    made_beyond: Decimal = ZERO  # produced or in production beyond the new quantity
    cut: Decimal = ZERO  # units of work orders not started that the new quantity no longer needs
    wanted: date | None = None  # the date the line is now wanted
    earliest: date | None = None  # the earliest date its remaining need can be promised
    feasible: bool = True
    unit_cost: Decimal = ZERO
    moved: bool = False  # the line's wanted date moves
    held_by_started: date | None = None  # a started work order's due date that holds the line back


@dataclass
class Impact:
    amount_before: Decimal
    amount_after: Decimal
    lines: list[LineImpact]
    due_before: date | None
    due_after: date | None
    notice_days: int | None  # days from today to the current due date
    sunk_cost: Decimal
    affected_value: Decimal
    penalty_pct: Decimal
    penalty: Decimal
    risk: str  # low | medium | high
    risk_reasons: list[list[Any]]  # [[code, params], ...]
    flags: list[str]
    changes_this_month: int
    new_products: list[str] = field(default_factory=list)
    dated: int = 0  # lines whose wanted date moves (feasible ones without production are not in ``lines``)

    @property
    def amount_delta(self) -> Decimal:
        return self.amount_after - self.amount_before

    @property
    def released(self) -> Decimal:
        return sum((ln.released for ln in self.lines), ZERO)

    @property
    def extra(self) -> Decimal:
        return sum((ln.extra for ln in self.lines), ZERO)

    @property
    def made_beyond(self) -> Decimal:
        return sum((ln.made_beyond for ln in self.lines), ZERO)

    @property
    def earliest(self) -> date | None:
        dates = [ln.earliest for ln in self.lines if ln.earliest is not None]
        return max(dates) if dates else None

    @property
    def feasible(self) -> bool:
        """Every line can be ready by its (new) date: the lines left out of ``lines`` are feasible."""
        return all(ln.feasible for ln in self.lines)

    def facts(self) -> Facts:
        params: dict[str, Any] = {
            "date_earlier": {"old": _iso(self.due_before), "new": _iso(self.due_after)},
            "date_later": {"old": _iso(self.due_before), "new": _iso(self.due_after)},
            "new_product": {"skus": ", ".join(self.new_products)},
            "many_changes": {"count": self.changes_this_month},
            "inside_window": {"days": self.notice_days, "pct": str(self.penalty_pct)},
            "schedule_infeasible": {"date": _iso(self.earliest)},
        }
        return Facts(
            frozenset(self.flags) | {"always"}, abs(self.amount_delta), self.sunk_cost, self.changes_this_month, params
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = encode(self)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Impact:
        impact: Impact = decode(cls, data)
        return impact


def _iso(value: date | None) -> str:
    return value.isoformat() if value else "—"


def _money(value: Decimal) -> Decimal:
    return value.quantize(MONEY_PLACES)


@dataclass
class _Planned:
    """A line as it would be after the request."""

    line: int | None
    sku: str
    old_qty: Decimal
    qty: Decimal
    price: Decimal
    wanted: date | None
    date_moved: bool = False


def _plan(order: Order, changes: list[RequestedChange]) -> tuple[list[_Planned], date | None, bool]:
    by_line = {
        ln.line_no: _Planned(ln.line_no, ln.product.sku, ln.quantity, ln.quantity, ln.unit_price,
                             ln.requested_date or order.due_date)
        for ln in sorted(order.lines, key=lambda ln: ln.line_no)
    }  # fmt: skip
    added: list[_Planned] = []
    due = order.due_date
    cancel = False
    for ch in changes:
        p = by_line.get(ch.line) if ch.line is not None else None
        if ch.kind is ChangeKind.cancel:
            cancel = True
        elif ch.kind is ChangeKind.due_date:
            due = ch.new_date
        elif p is not None and ch.kind is ChangeKind.quantity and ch.new_qty is not None:
            p.qty = ch.new_qty
        elif p is not None and ch.kind is ChangeKind.remove_line:
            p.qty = ZERO
        elif p is not None and ch.kind is ChangeKind.price and ch.new_price is not None:
            p.price = ch.new_price
        elif p is not None and ch.kind is ChangeKind.line_date:
            p.wanted, p.date_moved = ch.new_date, True
        elif ch.kind is ChangeKind.add_line and ch.new_qty is not None:
            added.append(_Planned(None, ch.sku, ZERO, ch.new_qty, ch.new_price or ZERO, ch.new_date or due, True))
    for p in by_line.values():
        if cancel:
            p.qty = ZERO
        if not p.date_moved:
            line = order.line(p.line) if p.line is not None else None
            own = line.requested_date if line is not None else None
            p.wanted = own or due
            p.date_moved = p.wanted != (own or order.due_date)
    return [*by_line.values(), *added], due, cancel


def assess(order: Order, changes: list[RequestedChange], sit: Situation, policy: ApprovalPolicy) -> Impact:
    planned, due_after, cancel = _plan(order, changes)
    pools = {sku: s.available for sku, s in sit.supply.items()}
    lines: list[LineImpact] = []
    affected = ZERO
    dated = 0
    for p in planned:
        line = order.line(p.line) if p.line is not None else None
        reserved = line.reserved_qty if line else ZERO
        backorder = line.backorder_qty if line else ZERO
        shipped = line.shipped_qty if line else ZERO
        supply = sit.supply[p.sku]
        made = sit.production.get(p.line, Production()) if p.line is not None else Production()
        need = max(ZERO, p.qty - shipped)
        held = min(reserved, need)
        extra = max(ZERO, need - reserved - backorder)
        beyond = max(ZERO, reserved + made.in_progress - need)
        awaited = need - held  # what the line still waits for once the change is made
        li = LineImpact(
            p.line, p.sku, p.old_qty, p.qty, reserved,
            released=reserved - held,
            unneeded_backorder=max(ZERO, backorder - max(ZERO, need - reserved)),
            extra=extra,
            available=supply.available,
            done=made.done, in_progress=made.in_progress, planned=made.planned,
            made_beyond=min(made.done + made.in_progress, beyond),
            cut=min(made.planned, max(ZERO, made.in_progress + made.planned - awaited)),
            wanted=p.wanted,
            unit_cost=supply.product.unit_cost,
            moved=p.date_moved,
        )  # fmt: skip
        if awaited > 0:
            # its own work orders first (re-planned when not started), then what others do not wait for already
            # (its own backorder is counted in ``waiting``)
            promise = earliest(
                awaited, made.works, pools[p.sku], max(ZERO, supply.waiting - backorder), supply.incoming,
                supply.product.lead_time_days, supply.product.make_or_buy is MakeOrBuy.make, sit.today,
            )  # fmt: skip
            li.earliest, li.held_by_started = promise.earliest, promise.held_by_started
            pools[p.sku] = max(ZERO, pools[p.sku] - extra)
        elif need > 0:
            li.earliest = sit.today
        if li.earliest is not None and li.wanted is not None:
            li.feasible = li.earliest <= li.wanted
        changed = p.qty != p.old_qty or (line is not None and p.price != line.unit_price)
        dated += p.date_moved
        # a line that only moves its date, can make it and has no production is not worth a row
        if changed or cancel or (p.date_moved and (not li.feasible or made != Production())):
            lines.append(li)
        old_amount = p.old_qty * (line.unit_price if line else ZERO)
        new_amount = p.qty * p.price
        if cancel or p.date_moved:
            affected += max(old_amount, new_amount)
        else:
            affected += abs(new_amount - old_amount)
    before = order.amount
    after = ZERO if cancel else _money(sum((p.qty * p.price for p in planned), ZERO))
    notice = (order.due_date - sit.today).days if order.due_date else None
    pct = policy.window.penalty_pct(notice)
    impact = Impact(
        amount_before=before, amount_after=after, lines=lines,
        due_before=order.due_date, due_after=None if cancel else due_after, notice_days=notice,
        sunk_cost=_money(sum((ln.made_beyond * ln.unit_cost for ln in lines), ZERO)),
        affected_value=_money(affected), penalty_pct=pct, penalty=_money(affected * pct / 100),
        risk="low", risk_reasons=[], flags=[], changes_this_month=sit.changes_this_month, dated=dated,
        new_products=sorted({p.sku for p in planned if p.line is None} - sit.ordered_before),
    )  # fmt: skip
    impact.flags = sorted(_flags(order, changes, impact, sit, policy))
    impact.risk, impact.risk_reasons = _risk(impact)
    return impact


def _flags(order: Order, changes: list[RequestedChange], impact: Impact, sit: Situation,
           policy: ApprovalPolicy) -> set[str]:  # fmt: skip
    kinds = {c.kind for c in changes}
    flags: set[str] = set()
    if ChangeKind.cancel in kinds:
        flags.add("cancel")
    if ChangeKind.price in kinds:
        flags.add("price_change")
    if any(ln.new_qty > ln.old_qty for ln in impact.lines):
        flags.add("quantity_up")
    if any(ln.new_qty < ln.old_qty for ln in impact.lines):
        flags.add("quantity_down")
    moves = [(c.old_date, c.new_date) for c in changes if c.kind in (ChangeKind.due_date, ChangeKind.line_date)]
    if any(old and new and new < old for old, new in moves):
        flags.add("date_earlier")
    if any(old and new and new > old for old, new in moves):
        flags.add("date_later")
    if sit.production_started:
        flags.add("production_started")
    if impact.new_products:
        flags.add("new_product")
    limit = order.customer.credit_limit
    if limit is not None and impact.amount_delta > 0 and sit.open_elsewhere + impact.amount_after > limit:
        flags.add("over_credit")
    if sit.changes_this_month > policy.many_changes:
        flags.add("many_changes")
    if impact.penalty_pct > 0:
        flags.add("inside_window")
    if any(ln.extra > ln.available for ln in impact.lines):
        flags.add("stock_short")
    if not impact.feasible:
        flags.add("schedule_infeasible")
    return flags


def _risk(impact: Impact) -> tuple[str, list[list[Any]]]:
    flags = set(impact.flags)
    high: list[list[Any]] = []
    medium: list[list[Any]] = []
    if impact.sunk_cost > 0:
        high.append(["risk_sunk_cost", {"units": str(impact.made_beyond), "cost": str(impact.sunk_cost)}])
    if "schedule_infeasible" in flags:
        high.append(["risk_infeasible", {"date": _iso(impact.earliest)}])
    if {"date_earlier", "production_started"} <= flags:
        high.append(["risk_earlier_in_production", {}])
    for flag in ("inside_window", "stock_short", "new_product", "over_credit", "many_changes",
                 "production_started", "cancel"):  # fmt: skip
        if flag in flags:
            medium.append([f"risk_{flag}", impact.facts().params.get(flag, {})])
    if high:
        return "high", high + medium
    if medium:
        return "medium", medium
    return "low", []
