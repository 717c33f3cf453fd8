"""Change requests, their decisions and delegations, stored and read back on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import select, update

from adapters.sql import tables as t
from bot.app.bootstrap import Desk
from bot.app.clock import FixedClock
from domain import commands as c
from domain.changes import Acting, ChangeKind, ChangeRequest, CRStatus, Decision, Delegation, RequestedChange
from domain.errors import ConcurrentUpdate
from domain.events import ChangeWithdrawn
from domain.users import Front, Role
from tests.conftest import make_desk
from tests.integration.seed import seed

AT = datetime(2026, 11, 20, 2, 30, tzinfo=UTC)
CHANGE = RequestedChange(ChangeKind.quantity, 1, "NUT-M8", Decimal(1000), Decimal(800))
IMPACT = {"risk": "medium", "amount": {"old": "50", "new": "40"}, "lines": [1]}
REQUIRED = {"sales_manager": [["qty_down", {"pct": "20"}]], "finance": [["amount_down", {}]]}


def request(number: str, customer: str, on: date, status: CRStatus = CRStatus.pending, hours: int = 0) -> ChangeRequest:
    at = datetime.combine(on, AT.timetz()) + timedelta(hours=hours)
    cr = ChangeRequest(
        number, "SO-2026-000001", customer, "lily", at, on, "shell", "customer mail", "mail of 20 Nov", 3,
        [CHANGE.to_dict()], [{"kind": "quantity", "line": 1, "value": "-200"}], IMPACT, REQUIRED,
    )  # fmt: skip
    if status is not CRStatus.pending:
        cr.close(status, at + timedelta(hours=1), "no longer needed")
    return cr


@pytest.fixture
def stored(any_url: str, clock: FixedClock) -> Iterator[Desk]:
    desk = make_desk(any_url, clock)
    with desk.uow() as uow:
        cr = request("CR-2026-0001", "CUST-001", date(2026, 11, 20))
        cr.approve(Acting(Role.sales_manager), "wang", AT + timedelta(hours=2), 3)
        cr.approve(Acting(Role.finance, "chen"), "wang", AT + timedelta(hours=2), 3)
        uow.changes.add(cr)
        uow.changes.add(request("CR-2026-0002", "CUST-001", date(2026, 10, 31), CRStatus.withdrawn))
        uow.changes.add(request("CR-2026-0003", "CUST-002", date(2026, 11, 1)))
        uow.changes.add(request("CR-2026-0004", "CUST-001", date(2026, 11, 1), hours=-1))
        day = date(2026, 11, 22)
        uow.changes.add_delegation(Delegation("wang", "lily", Role.sales_manager, day, day + timedelta(7), AT))
        uow.changes.add_delegation(Delegation("chen", "wang", Role.finance, day + timedelta(3), day + timedelta(9), AT))
        uow.changes.add_delegation(Delegation("zhao", "sun", Role.production, day, day, AT, active=False))
        uow.commit()
    yield desk
    desk.close()


def test_read_back(stored: Desk) -> None:
    with stored.uow(readonly=True) as uow:
        cr = uow.changes.get("CR-2026-0001")
        assert cr is not None and cr.id is not None
        assert cr.events == []
        assert cr.status is CRStatus.pending and cr.round == 1 and cr.decided_at is None
        assert cr.requested_at == AT and cr.requested_at.tzinfo is not None
        assert cr.requested_on == date(2026, 11, 20)
        assert cr.requested == [CHANGE]
        assert cr.inputs == [{"kind": "quantity", "line": 1, "value": "-200"}]
        assert cr.impact == IMPACT and cr.required == REQUIRED
        assert cr.required_roles == [Role.sales_manager, Role.finance]
        decided = [(d.role, d.approver, d.on_behalf_of, d.outcome, d.round, d.order_version) for d in cr.decisions]
        assert decided == [
            (Role.sales_manager, "wang", "", "approved", 1, 3),
            (Role.finance, "wang", "chen", "approved", 1, 3),
        ]
        assert all(d.id is not None and d.at == AT + timedelta(hours=2) for d in cr.decisions)
        assert cr.pending_roles() == []
        assert [x.number for x in uow.changes.of_order("SO-2026-000001")] == [
            "CR-2026-0001", "CR-2026-0002", "CR-2026-0003", "CR-2026-0004",
        ]  # fmt: skip
        closed = uow.changes.get("CR-2026-0002")
        assert closed is not None and closed.status is CRStatus.withdrawn and closed.note == "no longer needed"
        assert uow.changes.get("CR-2026-9999") is None


def test_queries(stored: Desk) -> None:
    with stored.uow(readonly=True) as uow:
        # oldest first: 0004 was requested an hour before 0003 on the same day
        assert [x.number for x in uow.changes.pending()] == ["CR-2026-0004", "CR-2026-0003", "CR-2026-0001"]
        assert uow.changes.count_for_customer("CUST-001", date(2026, 11, 1)) == 2
        assert uow.changes.count_for_customer("CUST-001", date(2026, 10, 1)) == 3
        assert uow.changes.count_for_customer("CUST-009", date(2026, 1, 1)) == 0
        between = uow.changes.requested_between(date(2026, 11, 1), date(2026, 11, 20))  # both ends included
        assert sorted(x.number for x in between) == ["CR-2026-0001", "CR-2026-0003", "CR-2026-0004"]
        assert [x.number for x in uow.changes.requested_between(date(2026, 10, 1), date(2026, 10, 31))] == [
            "CR-2026-0002"
        ]
        everyone = [(d.delegator, d.backup, d.role) for d in uow.changes.delegations()]
        assert everyone == [("wang", "lily", Role.sales_manager), ("chen", "wang", Role.finance)]
        today = [(d.delegator, d.role) for d in uow.changes.delegations(date(2026, 11, 22))]
        assert today == [("wang", Role.sales_manager)]
        later = [d.delegator for d in uow.changes.delegations(date(2026, 11, 29))]
        assert later == ["wang", "chen"]  # 29 Nov is the last day of wang's
        assert [d.delegator for d in uow.changes.delegations(date(2026, 12, 1))] == ["chen"]


def test_reassigned_json_and_closing_are_kept(stored: Desk) -> None:
    now = AT + timedelta(days=1)
    with stored.uow() as uow:
        cr = uow.changes.get("CR-2026-0001", lock=True)
        assert cr is not None
        new_change = RequestedChange(ChangeKind.quantity, 1, "NUT-M8", Decimal(900), Decimal(700)).to_dict()
        cr.reassess([new_change], {"risk": "high"}, {"finance": [["amount_down", {}]]}, 4, now)
        assert cr.add_required({"production": [["started", {}]]}) == [Role.production]
        cr.approve(Acting(Role.finance), "chen", now, 4)
        uow.commit()
    with stored.uow() as uow:
        cr = uow.changes.get("CR-2026-0001")
        assert cr is not None
        assert cr.round == 2 and cr.base_version == 4 and cr.changes == [new_change] and cr.impact == {"risk": "high"}
        assert cr.required == {"finance": [["amount_down", {}]], "production": [["started", {}]]}
        assert len(cr.decisions) == 3 and list(cr.approvals()) == [Role.finance]
        assert cr.pending_roles() == [Role.production]
        cr.close(CRStatus.stale, now, "shipped meanwhile")
        uow.commit()
    with stored.uow(readonly=True) as uow:
        assert [x.number for x in uow.changes.pending()] == ["CR-2026-0004", "CR-2026-0003"]
        cr = uow.changes.get("CR-2026-0001")
        assert cr is not None and cr.status is CRStatus.stale and cr.decided_at == now


def test_ending_a_delegation_is_kept(stored: Desk) -> None:
    with stored.uow() as uow:
        for d in uow.changes.delegations():
            if d.delegator == "wang":
                d.active = False
        uow.commit()
    with stored.uow(readonly=True) as uow:
        assert [d.delegator for d in uow.changes.delegations()] == ["chen"]


def test_one_decision_per_role_and_round(stored: Desk) -> None:
    """Two approvals of the same role in the same round (say, from two racing approvers) cannot both land."""
    with stored.uow() as uow:
        cr = uow.changes.get("CR-2026-0001", lock=True)
        assert cr is not None
        cr.decisions.append(Decision(Role.finance, "chen", "approved", AT, 1, "", "", 3))
        with pytest.raises(ConcurrentUpdate):  # a unique key lost the race: a refusal in words
            uow.commit()
    with stored.uow(readonly=True) as uow:
        cr = uow.changes.get("CR-2026-0001")
        assert cr is not None and len(cr.decisions) == 2
    with stored.uow() as uow:  # the next round is a new word, and so is a role not yet decided
        cr = uow.changes.get("CR-2026-0001", lock=True)
        assert cr is not None
        cr.decisions.append(Decision(Role.finance, "chen", "approved", AT, 2, "", "", 3))
        cr.decisions.append(Decision(Role.tech, "sun", "approved", AT, 1, "", "", 3))
        uow.commit()
    with stored.engine.connect() as conn:
        assert len(conn.execute(select(t.cr_decisions.c.id)).all()) == 4


def test_events_of_a_loaded_request_reach_the_outbox(stored: Desk) -> None:
    with stored.uow() as uow:
        cr = uow.changes.get("CR-2026-0003")
        assert cr is not None
        cr.close(CRStatus.withdrawn, AT, "")
        cr.events.append(ChangeWithdrawn(cr.number, cr.order_number, "lily"))
        del cr  # the unit of work keeps what it has seen, and its events
        uow.commit()
    with stored.engine.connect() as conn:
        kinds = conn.execute(select(t.outbox.c.kind).where(t.outbox.c.kind == "cr_withdrawn")).scalars().all()
    assert kinds == ["cr_withdrawn"]


def test_a_write_behind_our_back_is_caught(any_url: str, clock: FixedClock) -> None:
    """`version` no longer moves on every write; `row_version` still turns a lost update into ConcurrentUpdate."""
    desk = make_desk(any_url, clock)
    try:
        seed(desk, opening_stock=0)
        ctx = desk.context(Front.shell, "lily")
        desk.bus.handle(c.CreateOrder("CUST-001", (c.LineInput("NUT-M8", Decimal(10)),)), ctx)
        number = "SO-2026-000001"
        with desk.uow() as uow:
            order = uow.orders.get(number)
            assert order is not None and order.row_version == 1  # type: ignore[attr-defined]
            # another writer's commit between our read and our write, as PostgreSQL lets it happen
            rows = t.orders.c
            uow.session.execute(update(t.orders).where(rows.number == number).values(row_version=rows.row_version + 1))
            order.notes = "ours"
            with pytest.raises(ConcurrentUpdate):
                uow.commit()
        with desk.uow() as uow:
            order = uow.orders.get(number)
            assert order is not None and order.notes == "" and order.row_version == 1  # type: ignore[attr-defined]
            order.notes = "ours"
            uow.commit()
            assert order.row_version == 2  # type: ignore[attr-defined]
    finally:
        desk.close()


def test_locking_get_sees_decisions_committed_meanwhile(pg_url: str, clock: FixedClock) -> None:
    """PostgreSQL only: on SQLite the first writer holds the database until it ends, so nothing comes between."""
    desk = make_desk(pg_url, clock)
    try:
        with desk.uow() as uow:
            uow.changes.add(request("CR-2026-0001", "CUST-001", date(2026, 11, 20)))
            uow.commit()
        with desk.uow() as first:
            early = first.changes.get("CR-2026-0001")
            assert early is not None and early.decisions == []
            with desk.uow() as second:
                other = second.changes.get("CR-2026-0001", lock=True)
                assert other is not None
                other.approve(Acting(Role.finance), "chen", AT, 3)
                second.commit()
            assert first.changes.get("CR-2026-0001") is early and early.decisions == []  # the identity map's copy
            locked = first.changes.get("CR-2026-0001", lock=True)
            assert locked is early and [d.approver for d in locked.decisions] == ["chen"]
    finally:
        desk.close()
