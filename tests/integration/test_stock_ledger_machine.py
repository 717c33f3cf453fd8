"""A random life of the stock on a real SQLite desk, checked after every step.

Hypothesis drives the real commands through the bus — orders created, confirmed, held, resumed, shipped and
cancelled; counts and corrections with and without override; purchase orders created, approved, received
in parts and cancelled; work orders released, started, reported and closed — with the users whose roles
allow each. The business may refuse a step (a typed ``OrderbotError``); whatever it accepts, the tables
must still agree with each other afterwards.
"""

from __future__ import annotations

import atexit
import shutil
import sqlite3
import tempfile
from contextlib import closing
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import hypothesis.strategies as st
import pytest
from hypothesis import HealthCheck, settings
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, precondition, rule
from sqlalchemy import Connection, text

from bot.app.bootstrap import Desk, bootstrap
from bot.app.clock import FixedClock
from bot.app.config import Settings
from domain import commands as c
from domain.errors import ConcurrentUpdate, Conflict, OrderbotError, PermissionDenied
from domain.results import ChangeView
from domain.users import Front
from tests.conftest import T0, make_desk, sqlite_url
from tests.integration.seed import APPROVERS, USERS, pending_approver, seed

SKUS = ("BOLT-M8X30", "NUT-M8", "WASHER-M8")  # one make item (short lines get work orders), two buy items
DUES = (date(2026, 12, 5), date(2026, 12, 20), date(2027, 1, 15))  # due dates rank orders for new stock
OPEN = ("pending_confirmation", "confirmed", "in_production", "ready", "on_hold")
QTY = st.integers(1, 40).map(Decimal) | st.sampled_from([Decimal("0.5"), Decimal("12.345")])

_template: list[Path] = []


def template() -> Path:
    """A migrated, seeded database (no stock yet), built once; every example starts from a copy of it."""
    if not _template:
        where = Path(tempfile.mkdtemp(prefix="orderbot-machine-template-"))
        atexit.register(shutil.rmtree, where, True)
        desk = make_desk(sqlite_url(where), FixedClock(T0))
        seed(desk, opening_stock=0)
        desk.close()
        _template.append(where / "orderbot.db")
    return _template[0]


def copy_database(source: Path, target: Path) -> None:
    # sqlite3's backup copies what is committed, wherever it sits (main file or write-ahead log)
    with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(target)) as dst:
        src.backup(dst)


# -- invariants, read straight from the tables (quantities as the stored scaled integers: exact); the race
# tests (test_stock_races.py) check the same after every race -------------------------------------------
# Statuses whose lines may hold stock (a held order keeps what it had); and those past confirmation.
HOLDING = ("confirmed", "in_production", "ready", "on_hold")
STARTED = ("confirmed", "in_production", "ready", "shipped", "delivered", "closed")


def _by_product(conn: Connection, sql: str) -> dict[int, tuple[int, ...]]:
    return {row[0]: tuple(int(v or 0) for v in row[1:]) for row in conn.execute(text(sql))}


def stock_problems(conn: Connection) -> list[str]:
    """Every way stock, ledger and order lines disagree; empty when they agree."""
    holding = ", ".join(f"'{s}'" for s in HOLDING)
    started = ", ".join(f"'{s}'" for s in STARTED)
    stock = _by_product(conn, "SELECT product_id, on_hand, reserved FROM stock WHERE warehouse = 'MAIN'")
    ledger = _by_product(
        conn, "SELECT product_id, SUM(on_hand_delta), SUM(reserved_delta) FROM stock_moves GROUP BY product_id"
    )
    held = _by_product(
        conn,
        "SELECT l.product_id, SUM(l.reserved_qty) FROM order_lines l JOIN orders o ON o.id = l.order_id "
        f"WHERE o.status IN ({holding}) GROUP BY l.product_id",
    )
    out = []
    for pid in sorted(stock.keys() | ledger.keys() | held.keys()):
        on_hand, reserved = stock.get(pid, (0, 0))
        if ledger.get(pid, (0, 0)) != (on_hand, reserved):
            out.append(f"product {pid}: stock {on_hand}/{reserved} but ledger sums to {ledger.get(pid)}")
        if not 0 <= reserved <= on_hand:
            out.append(f"product {pid}: reserved {reserved} outside 0..on_hand {on_hand}")
        if held.get(pid, (0,))[0] != reserved:
            out.append(f"product {pid}: stock reserved {reserved} but open order lines hold {held.get(pid)}")
    bad_lines = conn.execute(
        text(
            "SELECT o.number, l.line_no, o.status, l.quantity, l.reserved_qty, l.backorder_qty, l.shipped_qty "
            "FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE "
            "l.reserved_qty < 0 OR l.backorder_qty < 0 OR l.shipped_qty < 0 "
            f"OR (o.status NOT IN ({holding}) AND (l.reserved_qty <> 0 OR l.backorder_qty <> 0)) "
            f"OR ((o.status IN ({started}) OR (o.status = 'on_hold' AND o.held_from IN ({started}))) "
            "    AND l.reserved_qty + l.backorder_qty + l.shipped_qty <> l.quantity)"
        )
    ).all()
    out += [f"line {n}#{no} ({st}): qty {q} = reserved {r} + backorder {b} + shipped {s}?" for n, no, st, q, r, b, s in
            bad_lines]  # fmt: skip
    return out


def stock_of(desk: Desk, sku: str) -> tuple[Decimal, Decimal]:
    with desk.uow(readonly=True) as uow:
        p = uow.products.get(sku)
        item = uow.stock.get(p.id) if p is not None and p.id is not None else None
        assert item is not None
        return item.on_hand, item.reserved


def lines_of(desk: Desk, numbers: list[str]) -> dict[str, list[tuple[Decimal, Decimal, Decimal]]]:
    """Per order: (reserved, backorder, shipped) of each line, in line order."""
    with desk.uow(readonly=True) as uow:
        orders = {n: uow.orders.get(n) for n in numbers}
        return {
            n: [(ln.reserved_qty, ln.backorder_qty, ln.shipped_qty) for ln in o.lines] for n, o in orders.items() if o
        }


def assert_consistent(desk: Desk) -> None:
    with desk.engine.connect() as conn:
        assert stock_problems(conn) == []


def extra_problems(conn: Connection) -> list[str]:
    """What the stock row says is coming and idle, against the documents it summarises."""
    rows = conn.execute(
        text(
            "SELECT s.product_id, s.on_order, s.planned, s.on_hand - s.reserved, "
            " (SELECT COALESCE(SUM(l.quantity - l.received), 0) FROM purchase_lines l "
            "   JOIN purchase_orders p ON p.id = l.po_id "
            "   WHERE l.product_id = s.product_id AND p.status IN ('approved', 'partially_received')), "
            " (SELECT COALESCE(SUM(CASE WHEN w.quantity > w.done + w.scrap THEN w.quantity - w.done - w.scrap "
            "   ELSE 0 END), 0) FROM work_orders w "
            "   WHERE w.product_id = s.product_id AND w.status IN ('planned', 'released', 'in_progress')), "
            " (SELECT COALESCE(SUM(l.backorder_qty), 0) FROM order_lines l JOIN orders o ON o.id = l.order_id "
            "   WHERE l.product_id = s.product_id AND o.status IN ('confirmed', 'in_production', 'ready')) "
            "FROM stock s"
        )
    ).all()
    out = []
    for pid, on_order, planned, available, ordered, to_make, waiting in rows:
        if on_order != ordered:
            out.append(f"product {pid}: on_order {on_order} but open purchase lines say {ordered}")
        if planned != to_make:
            out.append(f"product {pid}: planned {planned} but open work orders say {to_make}")
        if available > 0 and waiting > 0:  # new stock goes to waiting orders at once; none may sit idle
            out.append(f"product {pid}: {available} available while confirmed orders wait for {waiting}")
    return out


class StockLedgerMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.dir = Path(tempfile.mkdtemp(prefix="orderbot-machine-"))
        copy_database(template(), self.dir / "orderbot.db")
        self.desk = bootstrap(Settings(database_url=sqlite_url(self.dir)), FixedClock(T0))
        self.ctx = {name: self.desk.context(Front.shell, name) for name in USERS}
        self.orders: list[str] = []

    def teardown(self) -> None:
        self.desk.close()
        shutil.rmtree(self.dir, ignore_errors=True)

    def do(self, user: str, cmd: object) -> Any:
        """Run one command; a refusal in words is fine, anything else fails the run."""
        try:
            return self.desk.bus.handle(cmd, self.ctx[user])
        except (ConcurrentUpdate, PermissionDenied):
            raise  # one writer, right roles: either would be a bug here, not a refusal
        except OrderbotError:  # the business said no (illegal step, short stock, ...): nothing changed
            return None

    def sql(self, query: str, **params: object) -> list[Any]:
        with self.desk.engine.connect() as conn:
            return list(conn.execute(text(query), params).all())

    def status(self, number: str) -> str:
        return str(self.sql("SELECT status FROM orders WHERE number = :n", n=number)[0][0])

    @initialize(opening=st.tuples(*[st.integers(0, 60)] * len(SKUS)))
    def opening_stock(self, opening: tuple[int, ...]) -> None:
        for sku, qty in zip(SKUS, opening, strict=True):
            if qty:
                self.do("liu", c.AdjustStock(sku, "opening balance", counted=Decimal(qty)))

    # -- orders -----------------------------------------------------------------------------------------
    @rule(
        customer=st.sampled_from(["CUST-001", "CUST-002"]),  # key and normal tier: both ranks of priority
        lines=st.lists(st.tuples(st.sampled_from(SKUS), QTY), min_size=1, max_size=3),
        due=st.sampled_from(DUES),
        confirm=st.integers(0, 3),  # mostly confirmed at once: that is where stock moves
    )
    def new_order(self, customer: str, lines: list[tuple[str, Decimal]], due: date, confirm: int) -> None:
        done = self.do("lily", c.CreateOrder(customer, tuple(c.LineInput(s, q) for s, q in lines), due))
        if done is not None:
            self.orders.append(done.order.number)
            if confirm:
                self.do("lily", c.ConfirmOrder(done.order.number))

    def pick(self, data: st.DataObject, *statuses: str, table: str = "orders") -> str:
        """Mostly a document the step makes sense for, sometimes any (so that refusals get exercised too)."""
        rows = self.sql(f"SELECT number, status FROM {table} ORDER BY id")
        fitting = [n for n, s in rows if s in statuses]
        return data.draw(st.sampled_from(fitting if fitting and data.draw(st.integers(0, 9)) else [n for n, _ in rows]))

    @precondition(lambda self: self.orders)
    @rule(data=st.data())
    def confirm(self, data: st.DataObject) -> None:
        self.do("lily", c.ConfirmOrder(self.pick(data, "draft", "pending_confirmation")))

    @precondition(lambda self: self.orders)
    @rule(data=st.data())
    def cancel(self, data: st.DataObject) -> None:
        """Lily asks; past confirmation that files a change request, and the order (its stock released, its
        unstarted work orders stopped) is cancelled when the last role it calls for approves."""
        number = self.pick(data, *OPEN)
        view = self.do("lily", c.CancelOrder(number, "customer withdrew"))
        if not isinstance(view, ChangeView):
            return  # a draft cancelled at once, or refused (shipped, already cancelled, ...)
        assert view.code == "cr_created", view.code
        for _ in range(2 * len(APPROVERS)):  # a last approval may call for one more role (production started)
            approver = pending_approver(self.desk, view.cr.number)
            if approver is None:
                break
            view = self.desk.bus.handle(c.ApproveChange(view.cr.number), self.ctx[approver])
        assert view.code == "cr_applied", view.code  # one writer: nothing may stand in its way
        assert self.status(number) == "cancelled"

    @precondition(lambda self: self.orders)
    @rule(data=st.data())
    def hold(self, data: st.DataObject) -> None:
        self.do("lily", c.HoldOrder(self.pick(data, *OPEN), "waiting for drawing"))

    @precondition(lambda self: self.orders)
    @rule(data=st.data())
    def resume(self, data: st.DataObject) -> None:
        self.do("zhao", c.ResumeOrder(self.pick(data, "on_hold")))

    @precondition(lambda self: self.orders)
    @rule(data=st.data())
    def ship(self, data: st.DataObject) -> None:
        """Production moves it along, the warehouse ships: refused (and only refused) while anything waits."""
        number = self.pick(data, "confirmed", "in_production", "ready")
        for _ in range(2):
            if self.status(number) in ("confirmed", "in_production"):
                self.do("zhao", c.AdvanceOrder(number))
        short = self.sql(
            "SELECT SUM(l.backorder_qty) FROM order_lines l JOIN orders o ON o.id = l.order_id WHERE o.number = :n",
            n=number,
        )[0][0]
        if self.status(number) == "ready" and short:
            try:
                self.desk.bus.handle(c.ShipOrder(number, "SF", "SF123"), self.ctx["liu"])
                raise AssertionError(f"{number} shipped while {short} of it was still backordered")
            except Conflict as refused:
                assert refused.code == "ship_short"
        else:
            self.do("liu", c.ShipOrder(number, "SF", "SF123"))

    @precondition(lambda self: self.orders)
    @rule(data=st.data())
    def deliver(self, data: st.DataObject) -> None:
        self.do("liu", c.DeliverOrder(self.pick(data, "shipped")))

    # -- counts and corrections ----------------------------------------------------------------------------
    @rule(sku=st.sampled_from(SKUS), delta=st.integers(-30, 40).filter(bool), override=st.booleans())
    def correct(self, sku: str, delta: int, override: bool) -> None:
        self.do("liu", c.AdjustStock(sku, "found damaged", delta=Decimal(delta), override=override))

    @rule(sku=st.sampled_from(SKUS), counted=st.integers(0, 80), override=st.booleans())
    def count(self, sku: str, counted: int, override: bool) -> None:
        self.do("liu", c.AdjustStock(sku, "cycle count", counted=Decimal(counted), override=override))

    # -- purchase orders -----------------------------------------------------------------------------------
    @rule(lines=st.lists(st.tuples(st.sampled_from(SKUS), QTY), min_size=1, max_size=2), approve=st.booleans())
    def new_po(self, lines: list[tuple[str, Decimal]], approve: bool) -> None:
        done = self.do("zhao", c.CreatePurchaseOrder(tuple(lines), "Ningbo Fasteners"))
        if done is not None and approve:
            self.do("chen", c.ApprovePurchaseOrder(done.params["number"]))

    @rule()
    def po_from_suggestions(self) -> None:
        self.do("zhao", c.PurchaseFromSuggestions())

    @precondition(lambda self: self.sql("SELECT 1 FROM purchase_orders LIMIT 1"))
    @rule(data=st.data())
    def approve_po(self, data: st.DataObject) -> None:
        self.do("chen", c.ApprovePurchaseOrder(self.pick(data, "draft", table="purchase_orders")))

    @precondition(lambda self: self.sql("SELECT 1 FROM purchase_orders LIMIT 1"))
    @rule(data=st.data(), sku=st.sampled_from(SKUS), qty=st.none() | QTY)
    def receive(self, data: st.DataObject, sku: str, qty: Decimal | None) -> None:
        """All that is open (no quantity), or part of one line (possibly more than is open: refused)."""
        number = self.pick(data, "approved", "partially_received", table="purchase_orders")
        self.do("liu", c.ReceivePurchaseOrder(number, () if qty is None else ((sku, qty),)))

    @precondition(lambda self: self.sql("SELECT 1 FROM purchase_orders LIMIT 1"))
    @rule(data=st.data())
    def cancel_po(self, data: st.DataObject) -> None:
        self.do("chen", c.CancelPurchaseOrder(self.pick(data, "draft", "approved", table="purchase_orders")))

    # -- work orders (made by confirming orders short of the make item) -------------------------------------
    def has_work_orders(self) -> bool:
        return bool(self.sql("SELECT 1 FROM work_orders LIMIT 1"))

    @precondition(lambda self: self.has_work_orders())
    @rule(data=st.data(), to=st.sampled_from(["released", "in_progress", "done", "cancelled"]))
    def move_wo(self, data: st.DataObject, to: str) -> None:
        self.do("zhao", c.MoveWorkOrder(self.pick(data, "planned", "released", "in_progress", table="work_orders"), to))

    @precondition(lambda self: self.has_work_orders())
    @rule(data=st.data(), good=st.integers(0, 40), scrap=st.integers(0, 5))
    def report_wo(self, data: st.DataObject, good: int, scrap: int) -> None:
        number = self.pick(data, "in_progress", table="work_orders")
        self.do("zhao", c.ReportWorkOrder(number, Decimal(good), Decimal(scrap)))

    # -- after every step -----------------------------------------------------------------------------------
    @invariant()
    def tables_agree(self) -> None:
        with self.desk.engine.connect() as conn:
            problems = stock_problems(conn) + extra_problems(conn)
        assert problems == [], problems


StockLedgerMachine.TestCase.settings = settings(
    max_examples=25,
    stateful_step_count=20,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
)
TestStockLedger = pytest.mark.slow(StockLedgerMachine.TestCase)
