"""Supply in the domain alone, no bus, no unit of work: a purchase order's life from draft to received or
cancelled, and a work order's transitions and production reports."""

from __future__ import annotations

import pytest

from domain.errors import Conflict, IllegalTransition, InvalidInput, NotFound
from domain.supply import POStatus, PurchaseOrder, WorkOrder, WOStatus
from tests.unit.stock_support import NOW, D, nut

# ---------------------------------------------------------------- purchase and work orders


def test_purchase_order_lifecycle() -> None:
    po = PurchaseOrder("PO-2026-000001", "宁波五金", NOW, "wang")
    with pytest.raises(InvalidInput) as empty:
        po.approve()
    assert empty.value.code == "po_no_lines"
    with pytest.raises(InvalidInput):
        po.add_line(nut(), D(0))
    line = po.add_line(nut(), D(100))
    with pytest.raises(IllegalTransition):
        po.receive(line, D(10))  # not approved yet
    po.approve()
    assert po.status is POStatus.approved
    with pytest.raises(IllegalTransition):
        po.approve()
    with pytest.raises(Conflict) as late:
        po.add_line(nut(), D(1))
    assert late.value.code == "po_not_draft"
    with pytest.raises(Conflict) as more:
        po.receive(line, D(101))
    assert more.value.code == "receive_more_than_ordered" and line.received == 0
    po.receive(line, D(40))
    assert (po.status, line.open_qty) == (POStatus.partially_received, 60)
    with pytest.raises(IllegalTransition):
        po.cancel()  # goods already came in
    assert po.line_for("NUT-M8") is line
    po.receive(line, D(60))
    assert po.status is POStatus.received and not po.is_open
    with pytest.raises(NotFound):
        po.line_for("NUT-M8")  # nothing open any more


@pytest.mark.parametrize("approve", [False, True])
def test_draft_and_approved_purchase_orders_can_be_cancelled(approve: bool) -> None:
    po = PurchaseOrder("PO-2026-000001", "", NOW, "wang")
    po.add_line(nut(), D(5))
    if approve:
        po.approve()
    po.cancel()
    assert po.status is POStatus.cancelled
    with pytest.raises(IllegalTransition):
        po.cancel()


def test_work_order_transitions_and_reports() -> None:
    wo = WorkOrder("WO-2026-000001", nut(), D(1000), NOW, "SO-1", 1)
    with pytest.raises(IllegalTransition):
        wo.report(D(10), D(0))  # only while in progress
    with pytest.raises(IllegalTransition):
        wo.move(WOStatus.in_progress)  # must be released first
    wo.move(WOStatus.released)
    wo.move(WOStatus.in_progress)
    assert wo.started
    with pytest.raises(IllegalTransition) as err:
        wo.move(WOStatus.cancelled)  # started work is finished, not cancelled
    assert err.value.allowed == ("done",)
    for good, scrap in [("-1", "0"), ("0", "0"), ("NaN", "0")]:
        with pytest.raises(InvalidInput):
            wo.report(D(good), D(scrap))
    wo.report(D(800), D(12))
    assert (wo.done, wo.scrap, wo.remaining) == (800, 12, 188)
    wo.move(WOStatus.done)
    assert wo.remaining == 0
    with pytest.raises(IllegalTransition):
        wo.move(WOStatus.in_progress)


def test_an_unstarted_work_order_can_be_cancelled_and_then_plans_nothing() -> None:
    wo = WorkOrder("WO-2026-000002", nut(), D(500), NOW)
    assert (wo.remaining, wo.started) == (500, False)
    wo.move(WOStatus.cancelled)
    assert wo.remaining == 0
