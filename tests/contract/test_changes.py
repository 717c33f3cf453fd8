"""``uow.changes``: change requests with their decisions (read back, per order, pending ones, per month, counted per
customer) and approvers' delegations (active ones, those covering a day)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from domain.changes import Acting, ChangeKind, ChangeRequest, CRStatus, Decision, Delegation, RequestedChange
from domain.errors import ConcurrentUpdate
from domain.users import Role
from tests.contract.world import TODAY, Store, at

SO1, SO2 = "SO-2026-000001", "SO-2026-000002"


def cr(number: str, order: str = SO1, customer: str = "CUST-001", minutes: int = 0, on: date = TODAY,
       status: CRStatus = CRStatus.pending) -> ChangeRequest:  # fmt: skip
    change = RequestedChange(ChangeKind.quantity, 1, "BOLT-M8X30", old_qty=None, new_qty=None)
    return ChangeRequest(
        number, order, customer, "lily", at(minutes), on, "shell", "客户要求", "email 11-20", 2,
        [change.to_dict()], [{"kind": "quantity", "line": 1, "qty": "800"}], {"risk": "low", "lines": []},
        {"sales_manager": [["always", {}]], "finance": [["money_moved", {"amount": "1200"}]]}, status,
    )  # fmt: skip


def test_a_change_request_reads_back_with_its_decisions(store: Store) -> None:
    with store() as uow:
        request = cr("CR-1", minutes=3)
        request.approve(Acting(Role.sales_manager), "wang", at(4), 2)
        uow.changes.add(request)
        uow.commit()
    with store() as uow:
        found = uow.changes.get("CR-1", lock=True)
        assert found is not None and found.id is not None
        assert (found.order_number, found.customer, found.requested_by, found.requested_at, found.requested_on) == (
            SO1, "CUST-001", "lily", at(3), TODAY,
        )  # fmt: skip
        assert (found.front, found.reason, found.evidence, found.base_version, found.status, found.round) == (
            "shell", "客户要求", "email 11-20", 2, CRStatus.pending, 1,
        )  # fmt: skip
        assert found.requested == [RequestedChange(ChangeKind.quantity, 1, "BOLT-M8X30")]
        assert found.inputs == [{"kind": "quantity", "line": 1, "qty": "800"}]
        assert found.impact == {"risk": "low", "lines": []}
        assert found.required_roles == [Role.sales_manager, Role.finance] and found.pending_roles() == [Role.finance]
        (decision,) = found.decisions
        assert decision.id is not None
        assert (decision.role, decision.approver, decision.outcome, decision.at, decision.round) == (
            Role.sales_manager, "wang", "approved", at(4), 1,
        )  # fmt: skip
        # a second decision (an admin's, for a role they do not hold), and the request closed: kept together on
        # commit, the new decision numbered
        found.reject(Acting(Role.finance, by_admin=True), "root", at(5), "too late", 2)
        uow.commit()
    with store(readonly=True) as uow:
        again = uow.changes.get("CR-1")
        assert again is not None and again.status is CRStatus.rejected and again.decided_at == at(5)
        assert again.note == "too late"
        assert [(d.approver, d.outcome, d.reason, d.by_admin) for d in again.decisions] == [
            ("wang", "approved", "", False), ("root", "rejected", "too late", True),
        ]  # fmt: skip
        assert all(d.id is not None for d in again.decisions)
        assert uow.changes.get("CR-9") is None and uow.changes.get("cr-1") is None


def test_requests_per_order_pending_per_month_and_per_customer(store: Store) -> None:
    with store() as uow:
        uow.changes.add(cr("CR-1", SO1, minutes=30, on=TODAY - timedelta(40)))
        uow.changes.add(cr("CR-2", SO2, "CUST-002", minutes=10, on=TODAY - timedelta(2)))
        uow.changes.add(cr("CR-3", SO1, minutes=20, on=TODAY - timedelta(1), status=CRStatus.approved))
        uow.changes.add(cr("CR-4", SO1, minutes=10, on=TODAY))  # requested at the same time as CR-2
        uow.changes.add(cr("CR-5", SO2, "CUST-002", minutes=5, on=TODAY, status=CRStatus.withdrawn))
        uow.commit()
    with store(readonly=True) as uow:

        def numbers(found: object) -> list[str]:
            return [c.number for c in found]  # type: ignore[attr-defined]

        assert numbers(uow.changes.of_order(SO1)) == ["CR-1", "CR-3", "CR-4"]  # in the order filed
        assert numbers(uow.changes.of_order(SO2)) == ["CR-2", "CR-5"] and uow.changes.of_order("SO-9") == []
        assert numbers(uow.changes.pending()) == ["CR-2", "CR-4", "CR-1"]  # the longest waiting first
        month = TODAY.replace(day=1)
        assert numbers(uow.changes.requested_between(month, TODAY)) == ["CR-2", "CR-3", "CR-4", "CR-5"]
        assert numbers(uow.changes.requested_between(TODAY - timedelta(2), TODAY - timedelta(1))) == ["CR-2", "CR-3"]
        assert numbers(uow.changes.requested_between(TODAY + timedelta(1), TODAY + timedelta(30))) == []
        assert uow.changes.count_for_customer("CUST-001", month) == 2
        assert uow.changes.count_for_customer("CUST-001", TODAY - timedelta(40)) == 3
        assert uow.changes.count_for_customer("CUST-002", TODAY) == 1
        assert uow.changes.count_for_customer("CUST-003", month) == 0


def test_delegations_active_and_covering_a_day(store: Store) -> None:
    start = TODAY - timedelta(3)
    with store() as uow:
        uow.changes.add_delegation(Delegation("wang", "mike", Role.sales_manager, start, TODAY, at(0)))
        uow.changes.add_delegation(Delegation("chen", "lily", Role.finance, TODAY + timedelta(1), TODAY + timedelta(5),
                                              at(1)))  # fmt: skip
        uow.changes.add_delegation(Delegation("zhao", "liu", Role.production, start, TODAY, at(2), active=False))
        uow.changes.add_delegation(Delegation("sun", "zhao", Role.tech, TODAY, TODAY, at(3)))
        uow.commit()
    with store() as uow:

        def who(found: object) -> list[str]:
            return [d.delegator for d in found]  # type: ignore[attr-defined]

        assert who(uow.changes.delegations()) == ["wang", "chen", "sun"]  # active ones, in the order made
        assert who(uow.changes.delegations(TODAY)) == ["wang", "sun"]
        assert who(uow.changes.delegations(start)) == ["wang"]  # the first and last day count
        assert who(uow.changes.delegations(TODAY + timedelta(5))) == ["chen"]
        assert who(uow.changes.delegations(TODAY + timedelta(6))) == []
        (wang,) = [d for d in uow.changes.delegations(start)]
        assert (wang.backup, wang.role, wang.starts, wang.ends, wang.created_at) == (
            "mike", Role.sales_manager, start, TODAY, at(0),
        )  # fmt: skip
        assert wang.id is not None
        wang.active = False  # ended early
        uow.commit()
    with store(readonly=True) as uow:
        assert [d.delegator for d in uow.changes.delegations(TODAY)] == ["sun"]


def test_a_decision_added_later_belongs_to_its_request_only(store: Store) -> None:
    with store() as uow:
        uow.changes.add(cr("CR-1"))
        uow.changes.add(cr("CR-2"))
        uow.commit()
    with store() as uow:
        two = uow.changes.get("CR-2")
        assert two is not None
        two.decisions.append(Decision(Role.finance, "chen", "approved", at(7), 1))
        uow.commit()
    with store(readonly=True) as uow:
        one, two = uow.changes.get("CR-1"), uow.changes.get("CR-2")
        assert one is not None and two is not None
        assert one.decisions == [] and [d.approver for d in two.decisions] == ["chen"]
        assert two.pending_roles() == [Role.sales_manager]


def test_one_decision_per_role_and_round(store: Store) -> None:
    """Two approvals for one role of one round at once: the second commit is refused and keeps nothing."""
    with store() as uow:
        uow.changes.add(cr("CR-1"))
        uow.commit()
    with store() as uow:
        one = uow.changes.get("CR-1", lock=True)
        assert one is not None
        one.approve(Acting(Role.finance), "chen", at(1), 2)
        uow.commit()
    with store() as uow:
        one = uow.changes.get("CR-1", lock=True)
        assert one is not None
        one.decisions.append(Decision(Role.finance, "wang", "approved", at(2), 1))
        one.note = "approved twice"
        with pytest.raises(ConcurrentUpdate):
            uow.commit()
    with store() as uow:
        one = uow.changes.get("CR-1")
        assert one is not None and one.note == "" and [d.approver for d in one.decisions] == ["chen"]
        one.decisions.append(Decision(Role.finance, "wang", "approved", at(3), 2))  # the next round: its own word
        uow.commit()
    with store(readonly=True) as uow:
        one = uow.changes.get("CR-1")
        assert one is not None and [(d.approver, d.round) for d in one.decisions] == [("chen", 1), ("wang", 2)]
