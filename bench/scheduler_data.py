"""The scheduler benchmark's order book: a factory's open book of the same size at every scale, and years of
closed history behind it (orders, the alerts they once raised, change requests decided long ago), written with
SQLAlchemy Core executemany; master data is the demo company's, through the unit of work."""

from __future__ import annotations

import random
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, insert

from adapters.sql import tables as t
from bot.app.bootstrap import Desk
from bot.app.demo import _customers, _ensure_users, _products, _reserve_numbers, _store_new
from bot.app.demo_data import CARRIERS, HOLD_REASONS
from domain.alerts import DEFAULT_STAGES
from domain.changes import ChangeKind, CRStatus, RequestedChange
from domain.lifecycle import Status
from domain.orders import number_for
from domain.parties import Customer, Product, Tier
from domain.stock import MAIN

S = Status
CHUNK = 25_000
PER_DAY = 400  # orders a day: 1 M orders are ~7 years of history
SOURCE = "bench"

# The open book, identical at every size: (orders, share stuck past the stage SLA).
OPEN_BOOK: dict[Status, tuple[int, float]] = {
    S.draft: (120, 0.0),
    S.pending_confirmation: (240, 0.15),
    S.confirmed: (700, 0.08),
    S.in_production: (1000, 0.0),
    S.ready: (300, 0.10),
    S.shipped: (440, 0.0),
    S.on_hold: (200, 0.20),
}
OVERDUE_SHARE, DUE_SOON_SHARE = 0.10, 0.08
PENDING_CRS = 40
# the history's traces, cleared long ago: half the orders were still in the works 3 days before their due
# date (a due-soon heads-up), one in ten sat past a stage SLA; every late one was overdue. One order in 30
# had a change request.
HISTORY_ALERTS = {"due_soon": 0.5, "stage": 0.10}
HISTORY_CRS = 1 / 30


def log(msg: str) -> None:
    print(f"[scheduler bench] {msg}", file=sys.stderr, flush=True)


# -- data ------------------------------------------------------------------------------------------------------
@dataclass(frozen=True)
class OpenOrder:
    created: datetime
    status: Status
    due: date
    changed: datetime
    held_from: Status | None


class Loader:
    """Writes one order book: master data through the unit of work, the rest with Core executemany."""

    def __init__(self, desk: Desk, total: int, seed: int = 7) -> None:
        self.desk, self.total = desk, total
        self.now, self.today, self.zone = desk.clock.now(), desk.today(), desk.settings.zone
        self.rng = random.Random(seed)  # the history's: depends on its size
        self.open_rng = random.Random(seed + 1)  # the open book's: the same at every size
        self.counts: Counter[str] = Counter()

    def run(self) -> Counter[str]:
        desk = self.desk
        _ensure_users(desk)
        master = random.Random(7)  # the demo company, as `orderbot demo` builds it
        self.customers: list[Customer] = _store_new(desk, _customers(master), lambda c: c.code)
        self.products: list[Product] = _store_new(desk, _products(master), lambda p: p.sku)
        weights = [{Tier.strategic: 8, Tier.key: 3, Tier.normal: 1}[c.tier] for c in self.customers]
        self.cum = [sum(weights[: i + 1]) for i in range(len(weights))]
        opened = self.open_book()
        history = self.total - len(opened)
        if history < 0:
            raise ValueError(f"{self.total} orders is fewer than the open book ({len(opened)})")
        span = max(60, history // PER_DAY) * 86_400
        end = (self.now - timedelta(days=50)).timestamp()
        stamps = sorted(self.rng.uniform(end - span, end) for _ in range(history))
        plans: list[tuple[float, OpenOrder | None]] = [(s, None) for s in stamps]
        plans += [(o.created.timestamp(), o) for o in opened]
        plans.sort(key=lambda p: p[0])
        years = Counter(datetime.fromtimestamp(p[0], self.zone).year for p in plans)
        with desk.engine.begin() as conn:
            seq = _reserve_numbers(conn, years)
            self.changeable: list[tuple[str, Customer, str, datetime]] = []
            self.cr_seq = 0
            began = time.perf_counter()
            for start in range(0, len(plans), CHUNK):
                orders: list[dict[str, Any]] = []
                alerts: list[dict[str, Any]] = []
                crs: list[dict[str, Any]] = []
                for stamp, spec in plans[start : start + CHUNK]:
                    created = datetime.fromtimestamp(stamp, UTC)
                    year = created.astimezone(self.zone).year
                    number = number_for(year, seq[year])
                    seq[year] += 1
                    row = self.open_row(number, spec) if spec else self.history_row(number, created, alerts, crs)
                    orders.append(row)
                conn.execute(insert(t.orders), orders)
                if alerts:
                    conn.execute(insert(t.alerts), alerts)
                if crs:
                    self.insert_crs(conn, crs)
                done = start + len(orders)
                rate = done / (time.perf_counter() - began)
                log(f"{self.total:,} orders: {done:,} written ({rate:,.0f}/s)")
            self.pending_requests(conn)
            self.stock_rows(conn)
            conn.execute(insert(t.number_series).values(name="CR", last=self.cr_seq))
        return self.counts

    def customer(self, rng: random.Random) -> Customer:
        return rng.choices(self.customers, cum_weights=self.cum)[0]

    @staticmethod
    def owner(customer: Customer) -> str:
        return "lily" if customer.code[-1] in "02468" else "mike"  # one account owner per customer

    def base_row(self, rng: random.Random, number: str, customer: Customer, created: datetime) -> dict[str, Any]:
        po = f"PO{created:%y%m}-{rng.randint(100, 9999)}" if rng.random() < 0.7 else ""
        return {
            "number": number, "customer_id": customer.id, "owner": self.owner(customer), "created_at": created,
            "source": SOURCE, "rush": rng.random() < 0.05, "po_ref": po, "notes": "", "held_from": None,
            "carrier": "", "tracking": "", "amount": Decimal(rng.randint(500, 300_000)), "version": 1,
            "last_line_no": 0,
        }  # fmt: skip

    def history_row(
        self, number: str, created: datetime, alerts: list[dict[str, Any]], crs: list[dict[str, Any]]
    ) -> dict[str, Any]:
        """A closed, delivered or cancelled order, and the traces it left: cleared alerts, a decided request."""
        rng, now = self.rng, self.now
        customer = self.customer(rng)
        row = self.base_row(rng, number, customer, created)
        lead = rng.randint(7, 40)
        due = (created + timedelta(days=lead)).astimezone(self.zone).date()
        if rng.random() < 0.06:
            status, changed = S.cancelled, created + timedelta(hours=rng.uniform(1, 200))
        else:
            changed = created + timedelta(days=lead + rng.uniform(-5, 3))
            changed = min(max(changed, created + timedelta(hours=1)), now - timedelta(hours=1))
            status = S.delivered if changed > now - timedelta(days=30) else S.closed
            carrier, prefix = rng.choice(CARRIERS)
            row |= {"carrier": carrier, "tracking": f"{prefix}{rng.randint(10**11, 10**12 - 1)}"}
        row |= {"due_date": due, "status": status, "updated_at": changed, "status_changed_at": changed}
        self.counts[f"history {status.value}"] += 1
        detail = {"customer": customer.code, "owner": row["owner"]}
        due_at = datetime.combine(due, datetime.min.time(), UTC)

        def alert(kind: str, key: str, raised: datetime, cleared: datetime, **more: str) -> None:
            raised = min(raised, now - timedelta(hours=2))
            cleared = min(max(cleared, raised + timedelta(minutes=1)), now - timedelta(hours=1))
            row = {"key": key, "kind": kind, "subject": number, "level": 1, "active": False, "raised_at": raised}
            alerts.append(row | {"cleared_at": cleared, "times": 1, "detail": detail | more})
            self.counts["history alerts"] += 1

        if status is not S.cancelled:
            if rng.random() < HISTORY_ALERTS["due_soon"]:
                alert("due_soon", f"due_soon:{number}", due_at - timedelta(days=3), due_at - timedelta(days=1))
            if changed > due_at + timedelta(days=1):  # delivered late: it was overdue for a while
                alert("overdue", f"overdue:{number}", due_at + timedelta(days=1), changed)
            if rng.random() < HISTORY_ALERTS["stage"]:
                stage = rng.choice(list(DEFAULT_STAGES))
                at = created + (changed - created) * rng.uniform(0.1, 0.7)
                alert("stage", f"stage:{number}:{stage.value}", at, at + timedelta(hours=rng.uniform(2, 72)),
                      stage=stage.value)  # fmt: skip
        if rng.random() < HISTORY_CRS:
            asked = created + (changed - created) * rng.uniform(0.1, 0.6)
            outcome = rng.choices((CRStatus.approved, CRStatus.rejected, CRStatus.withdrawn), (80, 12, 8))[0]
            decided = asked + timedelta(hours=rng.uniform(0.5, 30))
            crs.append(self.cr_row(rng, number, customer, row["owner"], asked, outcome, decided, due, self.cr_seq))
        return row

    def open_book(self) -> list[OpenOrder]:
        """The orders still in the works, the same 3 000 at every size, with their problems."""
        rng, now, today = self.open_rng, self.now, self.today
        out = []
        for status, (count, stuck) in OPEN_BOOK.items():
            sla = DEFAULT_STAGES.get(status)
            for _ in range(count):
                if sla is not None:
                    hours = sla.hours
                    age = (
                        rng.uniform(hours + 1, min(hours * 5, 720))
                        if rng.random() < stuck
                        else rng.uniform(0.2, hours - 0.5)
                    )
                else:
                    age = rng.uniform(0, {S.draft: 96, S.in_production: 600, S.shipped: 240}[status])
                changed = now - timedelta(hours=age)
                before = {S.draft: (0, 0), S.pending_confirmation: (0, 2), S.confirmed: (0.5, 48),
                          S.in_production: (72, 240), S.ready: (120, 600), S.shipped: (168, 720),
                          S.on_hold: (24, 360)}[status]  # fmt: skip
                created = changed - timedelta(hours=rng.uniform(*before))
                made = created.astimezone(self.zone).date()
                roll = rng.random()
                if status is S.shipped:
                    due = today + timedelta(days=rng.randint(-10, 10))
                elif status is not S.draft and roll < OVERDUE_SHARE:
                    due = max(today - timedelta(days=rng.randint(1, 20)), made + timedelta(days=1))
                elif status is not S.ready and roll < OVERDUE_SHARE + DUE_SOON_SHARE:
                    due = today + timedelta(days=rng.randint(0, 3))
                else:
                    due = today + timedelta(days=rng.randint(4, 60))
                held = rng.choice((S.pending_confirmation, S.confirmed, S.in_production, S.ready))
                out.append(OpenOrder(created, status, due, changed, held if status is S.on_hold else None))
        return out

    def open_row(self, number: str, spec: OpenOrder) -> dict[str, Any]:
        rng = self.open_rng
        customer = self.customer(rng)
        row = self.base_row(rng, number, customer, spec.created)
        row |= {"due_date": spec.due, "status": spec.status, "updated_at": spec.changed,
                "status_changed_at": spec.changed, "held_from": spec.held_from}  # fmt: skip
        if spec.status is S.on_hold:
            row["notes"] = rng.choice(HOLD_REASONS)
        if spec.status is S.shipped:
            carrier, prefix = rng.choice(CARRIERS)
            row |= {"carrier": carrier, "tracking": f"{prefix}{rng.randint(10**11, 10**12 - 1)}"}
        if spec.status in (S.confirmed, S.in_production, S.ready, S.on_hold):
            self.changeable.append((number, customer, row["owner"], spec.created))
        self.counts[f"open {spec.status.value}"] += 1
        return row

    def cr_row(self, rng: random.Random, order: str, customer: Customer, by: str, asked: datetime,
               status: CRStatus, decided: datetime | None, due: date, variant: int) -> dict[str, Any]:  # fmt: skip
        self.cr_seq += 1
        later = due + timedelta(days=rng.randint(3, 14))
        change = RequestedChange(ChangeKind.due_date, old_date=due, new_date=later).to_dict()
        required: dict[str, list[list[Any]]] = {"sales_manager": [["why_always", {}]]}
        if variant % 3 == 0:
            required["production"] = [["why_production_started", {}]]
        if variant % 7 == 0:
            required["finance"] = [["why_many_changes", {"count": 4}]]
        return {
            "number": f"CR-{self.cr_seq}", "order_number": order, "customer": customer.code, "requested_by": by,
            "requested_at": asked, "requested_on": asked.astimezone(self.zone).date(), "front": "slack",
            "reason": "客户要求延期 customer asks for a later date", "evidence": "", "base_version": 1,
            "changes": [change], "inputs": [{"kind": "due_date", "when": later.isoformat()}], "impact": {},
            "required": required, "status": status, "round": 1, "round_started_at": asked, "decided_at": decided,
            "applied_version": 2 if status is CRStatus.approved else None, "note": "",
        }  # fmt: skip

    def insert_crs(
        self, conn: Connection, crs: list[dict[str, Any]], approved: dict[str, list[str]] | None = None
    ) -> None:
        """Requests and their decisions: every required role's word on a decided one (the sales manager's
        rejection on a rejected one); on a pending one, the roles in ``approved``."""
        stmt = insert(t.change_requests).returning(t.change_requests.c.id, sort_by_parameter_order=True)
        ids = conn.execute(stmt, crs).scalars().all()
        decisions = []
        for cr, cid in zip(crs, ids, strict=True):
            status = cr["status"]
            if status is CRStatus.withdrawn:
                continue
            roles = (approved or {}).get(cr["number"], []) if status is CRStatus.pending else list(cr["required"])
            at = cr["decided_at"] or cr["round_started_at"] + timedelta(minutes=30)
            for role in roles:
                word = "rejected" if status is CRStatus.rejected and role == "sales_manager" else "approved"
                approver = {"sales_manager": "wang", "production": "zhao", "finance": "chen"}[role]
                decisions.append({"change_request_id": cid, "role": role, "approver": approver, "outcome": word,
                                  "at": at, "round": cr["round"], "on_behalf_of": "", "reason": "",
                                  "order_version": 1})  # fmt: skip
        if decisions:
            conn.execute(insert(t.cr_decisions), decisions)
        self.counts["change requests"] += len(crs)

    def pending_requests(self, conn: Connection) -> None:
        """40 requests waiting: some for less than the 8 h reminder, some past it, some past the 24 h escalation;
        some in a second round, some with one of two roles' approval already given."""
        rng = self.open_rng
        picked = rng.sample(self.changeable, PENDING_CRS)
        rows, approved = [], {}
        for i, (number, customer, owner, created) in enumerate(picked):
            hours = (
                rng.uniform(0.5, 7.5) if i % 3 == 0 else rng.uniform(8.5, 23.5) if i % 3 == 1 else rng.uniform(25, 96)
            )
            started = self.now - timedelta(hours=hours)
            asked = max(created, started - timedelta(hours=rng.uniform(0, 48))) if i % 10 == 0 else started
            row = self.cr_row(rng, number, customer, owner, asked, CRStatus.pending, None, self.today, i)
            row |= {"round_started_at": started, "round": 2 if i % 10 == 0 else 1}
            if "production" in row["required"] and i % 2 == 0:
                approved[row["number"]] = ["production"]
            rows.append(row)
            self.counts["pending change requests"] += 1
        self.insert_crs(conn, rows, approved)
        today = self.today
        conn.execute(insert(t.delegations), [
            {"delegator": "wang", "backup": "admin", "role": "sales_manager", "starts": today - timedelta(days=2),
             "ends": today + timedelta(days=5), "created_at": self.now - timedelta(days=3), "active": True},
            {"delegator": "zhao", "backup": "liu", "role": "production", "starts": today - timedelta(days=90),
             "ends": today - timedelta(days=80), "created_at": self.now - timedelta(days=91), "active": False},
        ])  # fmt: skip

    def stock_rows(self, conn: Connection) -> None:
        """A stock row per product: most well above safety stock, 8 below it (flagged), 3 below it with the
        flag not yet set and 1 flagged above it — safety stocks changed since, which only the scan notices."""
        rng = random.Random(11)
        order = list(range(len(self.products)))
        rng.shuffle(order)
        low, missed, stale = set(order[:8]), set(order[8:11]), set(order[11:12])
        rows = []
        for i, p in enumerate(self.products):
            safety = p.safety_stock
            below = i in low or i in missed
            free = (safety * Decimal(rng.choice(("0", "0.3", "0.6")))) if below else safety * rng.randint(1, 4)
            flag = i in low or i in stale
            rows.append({"product_id": p.id, "warehouse": MAIN, "on_hand": free.quantize(Decimal(1)), "reserved": 0,
                         "on_order": 0, "planned": 0, "low": flag})  # fmt: skip
        conn.execute(insert(t.stock), rows)
        self.counts["products below safety stock"] = len(low) + len(missed)
