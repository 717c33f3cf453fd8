"""The scheduler's scans through the one door (MessageBus) on the in-memory unit of work: every condition is
alerted once however often the scans run, cleared when it is over, raised again when it comes back."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest

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
from domain.alerts import AlertPolicy, StageSla
from domain.bus import MessageBus
from domain.commands import ChangeInput, LineInput
from domain.errors import InvalidInput, PermissionDenied
from domain.events import Event, StockLow, StockRecovered
from domain.lifecycle import Status
from domain.ports import Context, DeadLetter
from domain.users import Front, Role, User
from tests.fakes import TODAY, FakeUnitOfWork, ctx, customer, events_of, product, user

D = Decimal
SHANGHAI = ZoneInfo("Asia/Shanghai")
T0 = datetime.combine(TODAY, time(1, 0), tzinfo=UTC)  # 09:00 in Shanghai
LILY, WANG = user("lily", "sales"), user("wang", "sales_manager")
ZHAO, LIU = user("zhao", "production"), user("liu", "warehouse")
BOT = User("orderbot", roles={Role.admin})
# the summary and the stock digest at times the tests choose; the rest are the defaults
POLICY = AlertPolicy(summary_at=time(18, 0), stock_digest_at=time(8, 30))


@pytest.fixture
def uow() -> FakeUnitOfWork:
    fake = FakeUnitOfWork().seed(
        customer("CUST-001", "Acme"),
        customer("CUST-002", "Small Co"),
        product("NUT-M8", "0.05", safety_stock=D(100)),
        product("BOLT-M8", "0.50"),
        *(user(u.name, *u.roles) for u in (LILY, WANG, ZHAO, LIU)),
    )
    fake.opening("NUT-M8", 1000)
    fake.opening("BOLT-M8", 1000)
    return fake


@pytest.fixture
def bus(uow: FakeUnitOfWork) -> MessageBus:
    return MessageBus(uow.factory)


def at(now: datetime, who: User = BOT, policy: AlertPolicy = POLICY) -> Context:
    return Context(who, Front.system, now, now.astimezone(SHANGHAI).date(), alerts=policy)


def scan(bus: MessageBus, uow: FakeUnitOfWork, now: datetime, *kinds: str, policy: AlertPolicy = POLICY) -> list[Event]:
    """Run scans at ``now``; the events they recorded."""
    before = len(uow.outbox)
    bus.handle(c.RunScans(kinds or c.RunScans().kinds), at(now, policy=policy))
    return uow.outbox[before:]


def new_order(bus: MessageBus, due: date, cust: str = "CUST-001", qty: int = 10, when: datetime = T0) -> str:
    cmd = c.CreateOrder(cust, (LineInput("BOLT-M8", D(qty)),), due)
    return str(bus.handle(cmd, at(when, LILY)).params["number"])


def test_a_late_order_is_told_once_then_cleared_when_it_ships(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    number = new_order(bus, TODAY + timedelta(days=2))
    bus.handle(c.ConfirmOrder(number), ctx(LILY))
    soon = scan(bus, uow, T0 + timedelta(hours=1), "due_soon", "overdue")
    assert events_of(soon, OrderDueSoon) == [
        OrderDueSoon(number, "CUST-001", "lily", "confirmed", TODAY + timedelta(2), 2)
    ]
    late_at = T0 + timedelta(days=3)
    late = scan(bus, uow, late_at, "due_soon", "overdue")
    assert late == [OrderOverdue(number, "CUST-001", "lily", "confirmed", TODAY + timedelta(days=2), 1)]
    for hours in range(1, 30):  # many scheduler runs while it stays late: nothing more
        assert scan(bus, uow, late_at + timedelta(hours=hours), "due_soon", "overdue") == []
    bus.handle(c.AdvanceOrder(number), at(late_at, ZHAO))
    bus.handle(c.AdvanceOrder(number), at(late_at, ZHAO))
    bus.handle(c.ShipOrder(number, "SF", "SF1"), at(late_at, LIU))
    cleared = scan(bus, uow, late_at + timedelta(days=2), "overdue")
    assert cleared == [AlertCleared("overdue", number, "CUST-001", "shipped")]
    assert scan(bus, uow, late_at + timedelta(days=2, hours=1), "overdue") == []


def test_rescheduled_then_late_again_is_alerted_again(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    number = new_order(bus, TODAY + timedelta(days=1))
    bus.handle(c.ConfirmOrder(number), ctx(LILY))
    day3 = T0 + timedelta(days=3)
    assert events_of(scan(bus, uow, day3, "overdue"), OrderOverdue)
    later = TODAY + timedelta(days=5)
    asked = bus.handle(
        c.RequestChange(number, (ChangeInput("due_date", when=later),), "customer asked"), at(day3, LILY)
    )
    bus.handle(c.ApproveChange(asked.cr.number), at(day3, WANG))
    assert scan(bus, uow, day3 + timedelta(hours=1), "overdue") == [
        AlertCleared("overdue", number, "CUST-001", "confirmed")
    ]
    again = scan(bus, uow, T0 + timedelta(days=6), "overdue")
    assert [type(e) for e in again] == [OrderOverdue]
    assert uow.saved.alerts[f"overdue:{number}"].times == 2


def test_a_stage_past_its_sla_goes_to_the_stage_owner_once(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    number = new_order(bus, TODAY + timedelta(days=30))
    bus.handle(c.SubmitOrder(number), at(T0, LILY))
    assert scan(bus, uow, T0 + timedelta(hours=23), "stages") == []
    found = scan(bus, uow, T0 + timedelta(hours=25), "stages")
    assert found == [StageOverdue(number, "CUST-001", "lily", "pending_confirmation", 25, 24, "sales_manager")]
    assert scan(bus, uow, T0 + timedelta(hours=40), "stages") == []
    confirmed_at = T0 + timedelta(hours=41)
    bus.handle(c.ConfirmOrder(number), at(confirmed_at, LILY))
    assert scan(bus, uow, confirmed_at + timedelta(minutes=1), "stages") == [
        AlertCleared("stage", number, "CUST-001", "confirmed", "pending_confirmation")
    ]
    # confirmed and production never started: the next stage's owner hears after its own 72 h
    stuck = scan(bus, uow, confirmed_at + timedelta(hours=73), "stages")
    assert [(e.stage, e.role) for e in events_of(stuck, StageOverdue)] == [("confirmed", "production")]


def test_hold_twice_is_alerted_twice(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    number = new_order(bus, TODAY + timedelta(days=60))
    bus.handle(c.ConfirmOrder(number), at(T0, LILY))
    policy = AlertPolicy(stages={Status.on_hold: StageSla(48, Role.sales_manager)})
    for round_start in (T0, T0 + timedelta(days=5)):
        bus.handle(c.HoldOrder(number, "drawing"), at(round_start, LILY))
        assert scan(bus, uow, round_start + timedelta(hours=47), "stages", policy=policy) == []
        assert len(scan(bus, uow, round_start + timedelta(hours=49), "stages", policy=policy)) == 1
        bus.handle(c.ResumeOrder(number), at(round_start + timedelta(hours=50), LILY))
        cleared = scan(bus, uow, round_start + timedelta(hours=51), "stages", policy=policy)
        assert [type(e) for e in cleared] == [AlertCleared]
    assert uow.saved.alerts[f"stage:{number}:on_hold"].times == 2


def test_approvals_remind_then_escalate_once_each(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    number = new_order(bus, TODAY + timedelta(days=30))
    bus.handle(c.ConfirmOrder(number), at(T0, LILY))
    cr = bus.handle(
        c.RequestChange(number, (ChangeInput("quantity", "BOLT-M8", quantity=D(8)),), "less"), at(T0, LILY)
    ).cr.number
    assert scan(bus, uow, T0 + timedelta(hours=7), "approvals") == []
    reminded = scan(bus, uow, T0 + timedelta(hours=9), "approvals")
    assert reminded == [ApprovalWaiting(cr, number, "CUST-001", "sales_manager", "wang", 9)]
    assert scan(bus, uow, T0 + timedelta(hours=20), "approvals") == []
    escalated = scan(bus, uow, T0 + timedelta(hours=25), "approvals")
    assert escalated == [ApprovalEscalated(cr, number, "CUST-001", ("sales_manager",), 25, "admin")]
    assert scan(bus, uow, T0 + timedelta(hours=30), "approvals") == []
    bus.handle(c.ApproveChange(cr), at(T0 + timedelta(hours=31), WANG))
    assert scan(bus, uow, T0 + timedelta(hours=32), "approvals") == []  # decided: announced by its own event
    assert not uow.saved.alerts[f"approval:{cr}:1:sales_manager"].active


def test_an_approval_nobody_can_give_is_escalated_at_once(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    number = new_order(bus, TODAY + timedelta(days=30))
    bus.handle(c.ConfirmOrder(number), at(T0, LILY))
    cr = bus.handle(
        c.RequestChange(number, (ChangeInput("quantity", "BOLT-M8", quantity=D(8)),), "less"), at(T0, WANG)
    ).cr.number  # wang asked: the only sales manager cannot approve his own request
    found = scan(bus, uow, T0 + timedelta(hours=9), "approvals")
    assert [type(e) for e in found] == [ApprovalEscalated]
    assert found[0].cr == cr


def test_a_safety_stock_nobody_crossed_is_noticed_once(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    uow.saved.products["BOLT-M8"].safety_stock = D(5000)  # raised by an import, no stock move noticed
    found = scan(bus, uow, T0 - timedelta(hours=1), "stock")  # 08:00, before the digest
    assert [(type(e), e.sku) for e in found] == [(StockLow, "BOLT-M8")]
    assert scan(bus, uow, T0 - timedelta(minutes=40), "stock") == []
    uow.saved.products["BOLT-M8"].safety_stock = D(10)
    assert [type(e) for e in scan(bus, uow, T0 - timedelta(minutes=35), "stock")] == [StockRecovered]


def test_the_morning_stock_digest_once_a_day(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    uow.saved.products["BOLT-M8"].safety_stock = D(5000)
    scan(bus, uow, T0 - timedelta(hours=1), "stock")
    digest = events_of(scan(bus, uow, T0, "stock"), StockDigest)  # 09:00 ≥ 08:30
    assert digest == [StockDigest(TODAY, (("BOLT-M8", "1000", "5000", "9000"),))]
    assert scan(bus, uow, T0 + timedelta(hours=2), "stock") == []
    assert len(events_of(scan(bus, uow, T0 + timedelta(days=1), "stock"), StockDigest)) == 1


def test_the_daily_summary_per_channel_once(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    a = new_order(bus, TODAY + timedelta(days=10))
    bus.handle(c.ConfirmOrder(a), at(T0, LILY))
    new_order(bus, TODAY + timedelta(days=10), cust="CUST-002")
    policy = AlertPolicy(summary_channels={"orders": "*", "acme": "CUST-001"}, stock_digest_at=None)
    evening = T0 + timedelta(hours=9)  # 18:00 in Shanghai
    assert scan(bus, uow, evening - timedelta(minutes=1), "summary", policy=policy) == []
    found = scan(bus, uow, evening, "summary", policy=policy)
    assert found == [
        DailySummary("orders", TODAY, "*", 2, 1, 0, 0),
        DailySummary("acme", TODAY, "CUST-001", 1, 1, 0, 0),
    ]
    assert scan(bus, uow, evening + timedelta(hours=1), "summary", policy=policy) == []


def test_only_an_admin_runs_scans_and_a_refusal_is_audited(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    number = new_order(bus, TODAY + timedelta(days=1))
    bus.handle(c.ConfirmOrder(number), ctx(LILY))
    late = T0 + timedelta(days=3)  # a scan allowed to run now would raise an alert
    with pytest.raises(PermissionDenied):
        bus.handle(c.RunScans(), at(late, LILY))
    assert [e.outcome for e in uow.audit_entries("RunScans")] == ["denied"]
    with pytest.raises(InvalidInput):
        bus.handle(c.RunScans(("weather", "overdue")), at(late))
    assert not [e for e in uow.outbox if e.kind.startswith("alert")]


def test_active_alerts_are_listed(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    number = new_order(bus, TODAY + timedelta(days=1))
    bus.handle(c.ConfirmOrder(number), ctx(LILY))
    scan(bus, uow, T0 + timedelta(days=3), "overdue")
    view = bus.handle(c.ListAlerts(), ctx(LILY))
    assert [(a.kind, a.subject) for a in view.alerts] == [("overdue", number)] and view.total == 1


def test_notifications_given_up_on_are_told_once_per_new_failure(bus: MessageBus, uow: FakeUnitOfWork) -> None:
    def given_up(i: int, to: str = "channel:gone", kind: str = "order_shipped") -> None:
        uow.saved.dead.append(DeadLetter(i, kind, to, "SO-1", 12, "undeliverable: channel_not_found", T0))

    assert scan(bus, uow, T0, "delivery") == []
    given_up(7)
    told = scan(bus, uow, T0, "delivery")
    assert told == [DeliveryFailed(1, "channel:gone", "undeliverable: channel_not_found")]
    assert scan(bus, uow, T0 + timedelta(minutes=5), "delivery") == []  # still standing: not told again
    given_up(9, "user:lily")
    assert scan(bus, uow, T0 + timedelta(minutes=10), "delivery") == [
        DeliveryFailed(2, "user:lily", "undeliverable: channel_not_found")
    ]
    bus.handle(c.RetryDeadLetters((9,)), ctx(user("admin", "admin")))
    assert scan(bus, uow, T0 + timedelta(minutes=12), "delivery") == []  # 7 is the newest again: told already
    bus.handle(c.RetryDeadLetters(), ctx(user("admin", "admin")))
    assert scan(bus, uow, T0 + timedelta(minutes=15), "delivery") == []  # retried: over, quietly
    assert not [a for a in bus.handle(c.ListAlerts(), ctx(LILY)).alerts if a.kind == "delivery"]
    # failing to tell the admins that something failed raises nothing more: no loop
    given_up(11, "channel:alerts", DeliveryFailed.kind)
    assert scan(bus, uow, T0 + timedelta(minutes=20), "delivery") == []
