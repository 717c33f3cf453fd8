"""One decision counts for one role and nobody's will counts twice, on SQLite and PostgreSQL: the admin must name the
role and is kept as "admin, as ROLE"; over the distinct-approvers amount a second role by the same person is refused;
a backup standing in for the requester is refused; two clicks at once by a person holding two roles record one
approval; every refusal is in the audit trail and in the order's history."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import date
from decimal import Decimal
from typing import Any

import pytest

from bot.app.bootstrap import Desk
from bot.app.clock import FixedClock
from domain import commands as c
from domain.changes import BackupOfRequester, DistinctApprovers
from domain.commands import ChangeInput, DueShift, LineInput
from domain.errors import InvalidInput
from domain.users import Front, Role, User
from tests.conftest import T0, make_desk
from tests.integration.seed import seed

DUE = date(2026, 12, 31)


@pytest.fixture
def world(any_url: str) -> Iterator[Desk]:
    desk = make_desk(any_url, FixedClock(T0))  # the config's admin is "admin"
    seed(desk)
    with desk.uow() as uow:
        uow.users.add(User("boss", roles={Role.sales_manager, Role.production}, language="en"))
        uow.commit()
    yield desk
    desk.close()


def run(desk: Desk, who: str, message: object) -> Any:
    return desk.bus.handle(message, desk.context(Front.shell, who))


def pulled_in(desk: Desk, qty: int, by: str = "lily", customer: str = "CUST-003") -> tuple[str, str]:
    """A confirmed order of ``qty`` nuts (0.05 each), pulled in a week: sales manager and production approve."""
    order = c.CreateOrder(customer, (LineInput("NUT-M8", Decimal(qty)),), DUE)
    number = run(desk, "lily", order).params["number"]
    run(desk, "lily", c.ConfirmOrder(number))
    shift = ChangeInput("due_date", when=DueShift(-7, "提前一周"))
    cr = run(desk, by, c.RequestChange(number, (shift,), "customer line moved")).cr
    assert cr.required_roles == [Role.sales_manager, Role.production]
    return number, cr.number


def decisions(desk: Desk, cr: str) -> list[tuple[str, str, str, bool]]:
    with desk.uow(readonly=True) as uow:
        found = uow.changes.get(cr)
        assert found is not None
        return [(d.role.value, d.approver, d.on_behalf_of, d.by_admin) for d in found.decisions]


def refused(desk: Desk, number: str) -> list[tuple[str, str, str]]:
    return [(e.actor, e.action, e.subject) for e in run(desk, "wang", c.OrderHistory(number)).refused]


def test_an_admin_names_the_role_and_cannot_decide_a_second_one_over_the_amount(world: Desk) -> None:
    number, cr = pulled_in(world, 1_200_000)  # an order of 60 000: over the finance threshold
    with pytest.raises(InvalidInput) as unnamed:
        run(world, "admin", c.ApproveChange(cr))
    assert unnamed.value.code == "cr_name_role" and decisions(world, cr) == []
    assert run(world, "admin", c.ApproveChange(cr, "production")).code == "cr_approval_recorded"
    assert run(world, "admin", c.ApproveChange(cr)).code == "cr_already_approved"  # the double click
    with pytest.raises(DistinctApprovers):
        run(world, "admin", c.ApproveChange(cr, "sales_manager"))
    assert decisions(world, cr) == [("production", "admin", "", True)]  # kept as "admin, as production"
    with world.uow(readonly=True) as uow:
        trail = [(e.action, e.outcome, e.detail) for e in uow.history.audit_of(cr)]
    assert ("cr_approve", "ok", "admin as production") in trail
    assert ("approve", "denied", "cr_distinct_approvers") in trail
    assert run(world, "wang", c.ApproveChange(cr)).code == "cr_applied"
    assert refused(world, number) == [("admin", "approve", cr)]


def test_a_backup_standing_in_for_the_requester_is_refused_and_it_shows_in_history(world: Desk) -> None:
    number, cr = pulled_in(world, 1000, by="wang")
    run(world, "wang", c.Delegate("sun", date(2026, 11, 30), "sales_manager"))
    with pytest.raises(BackupOfRequester):
        run(world, "sun", c.ApproveChange(cr))
    with pytest.raises(BackupOfRequester):
        run(world, "sun", c.RejectChange(cr, "no"))
    assert decisions(world, cr) == []
    assert refused(world, number) == [("sun", "approve", cr), ("sun", "reject", cr)]
    assert run(world, "sun", c.PendingApprovals()).crs == []


def test_two_clicks_at_once_by_a_person_with_two_roles_record_one_approval(world: Desk) -> None:
    number, cr = pulled_in(world, 1000)
    outcomes = together([lambda: run(world, "boss", c.ApproveChange(cr)) for _ in range(2)])
    codes = sorted(getattr(o, "code", type(o).__name__) for o in outcomes)
    assert codes in (["cr_already_approved", "cr_approval_recorded"], ["ConcurrentUpdate", "cr_approval_recorded"])
    assert decisions(world, cr) == [("sales_manager", "boss", "", False)]
    # an order of 50: under the amount, naming the second role decides it
    assert run(world, "boss", c.ApproveChange(cr, "production")).code == "cr_applied"
    with world.uow(readonly=True) as uow:
        order = uow.orders.get(number)
        assert order is not None and order.version == 2


def together(jobs: list[Callable[[], object]]) -> list[object]:
    results: list[object] = [None] * len(jobs)
    start = threading.Barrier(len(jobs))

    def go(i: int) -> None:
        start.wait()
        try:
            results[i] = jobs[i]()
        except BaseException as exc:  # reported to the test
            results[i] = exc

    threads = [threading.Thread(target=go, args=(i,)) for i in range(len(jobs))]
    for th in threads:
        th.start()
    for th in threads:
        th.join(60)
    return results
