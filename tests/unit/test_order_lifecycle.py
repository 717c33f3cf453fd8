"""The order aggregate on its own: transitions, hold/resume, events, editing, amounts, snapshots and diffs."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from domain.errors import Conflict, IllegalTransition, InvalidInput
from domain.events import OrderConfirmed, OrderShipped, OrderStatusChanged
from domain.history import Change, diff_snapshots
from domain.lifecycle import TERMINAL, TRANSITIONS, Status
from domain.orders import Order
from tests.fakes import customer, product

S = Status
NOW = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)
DUE = date(2026, 12, 20)
HOLDABLE = (S.pending_confirmation, S.confirmed, S.in_production, S.ready)

# How to reach each status from draft through the order's own methods.
PATHS: dict[Status, tuple[Status, ...]] = {
    S.draft: (),
    S.pending_confirmation: (S.pending_confirmation,),
    S.confirmed: (S.confirmed,),
    S.in_production: (S.confirmed, S.in_production),
    S.ready: (S.confirmed, S.in_production, S.ready),
    S.shipped: (S.confirmed, S.ready, S.shipped),
    S.delivered: (S.confirmed, S.ready, S.shipped, S.delivered),
    S.closed: (S.confirmed, S.ready, S.shipped, S.delivered, S.closed),
    S.cancelled: (S.cancelled,),
}


def new_order(*lines: tuple[str, str, str]) -> Order:
    order = Order("SO-2026-000001", customer(), "ann", NOW, due_date=DUE)
    for sku, qty, price in lines or (("BOLT-M8", "1000", "0.50"),):
        order.add_line(product(sku), Decimal(qty), Decimal(price))
    return order


def move(order: Order, target: Status) -> None:
    """Drive ``order`` to ``target`` with the method a handler would use for it."""
    if order.status is S.on_hold and target is order.held_from:
        order.resume("ann", NOW)
    elif target is S.pending_confirmation:
        order.submit("ann", NOW)
    elif target is S.confirmed:
        order.confirm("ann", NOW, {ln.line_no: DUE for ln in order.lines})
    elif target is S.shipped:
        order.ship("wang", NOW, "SF Express", "SF100200")
    elif target is S.on_hold:
        order.hold("ann", NOW, "customer asked")
    elif target is S.cancelled:
        order.cancel("ann", NOW, "duplicate")
    else:
        order.advance_to(target, "ann", NOW)


def order_in(status: Status, held_from: Status | None = None) -> Order:
    order = new_order()
    for step in PATHS[held_from or status]:
        move(order, step)
    if status is S.on_hold:
        move(order, S.on_hold)
    assert order.status is status and order.held_from is held_from
    order.events.clear()
    return order


# ---------------------------------------------------------------- legal moves

# The order's life as the business describes it, written out independently of domain.lifecycle.
EXPECTED: dict[Status, set[Status]] = {
    S.draft: {S.pending_confirmation, S.confirmed, S.cancelled},
    S.pending_confirmation: {S.confirmed, S.draft, S.on_hold, S.cancelled},
    S.confirmed: {S.in_production, S.ready, S.on_hold, S.cancelled},
    S.in_production: {S.ready, S.on_hold, S.cancelled},
    S.ready: {S.shipped, S.on_hold, S.cancelled},
    S.shipped: {S.delivered},
    S.delivered: {S.closed},
    S.closed: set(),
    S.on_hold: {*HOLDABLE, S.cancelled},
    S.cancelled: set(),
}


def test_the_transition_table_is_the_agreed_one() -> None:
    assert {s: set(t) for s, t in TRANSITIONS.items()} == EXPECTED


LEGAL = [(s, t) for s, targets in EXPECTED.items() if s is not S.on_hold for t in sorted(targets)]
LEGAL_FROM_HOLD = [(h, h) for h in HOLDABLE] + [(h, S.cancelled) for h in HOLDABLE]


@pytest.mark.parametrize(("status", "target"), LEGAL, ids=lambda s: s.value)
def test_every_legal_transition_works(status: Status, target: Status) -> None:
    order = order_in(status)
    move(order, target)
    assert order.status is target
    assert order.status_changed_at == NOW
    assert len(order.events) == 1


@pytest.mark.parametrize(("held_from", "target"), LEGAL_FROM_HOLD, ids=lambda s: s.value)
def test_every_legal_transition_from_hold_works(held_from: Status, target: Status) -> None:
    order = order_in(S.on_hold, held_from)
    move(order, target)
    assert order.status is target
    assert order.held_from is None


# ---------------------------------------------------------------- illegal moves


def _illegal_cases() -> list[tuple[Status, Status | None, Status, set[Status]]]:
    cases = []
    for status in Status:
        helds = HOLDABLE if status is S.on_hold else (None,)
        for held in helds:
            legal = {held, S.cancelled} if held is not None else EXPECTED[status]
            cases += [(status, held, target, legal) for target in Status if target not in legal]
    return cases


ILLEGAL = _illegal_cases()


def test_the_illegal_table_is_complete() -> None:
    pairs = {(s, h, t) for s, h, t, _ in ILLEGAL}
    assert len(pairs) == len(ILLEGAL)
    # 10 statuses x 10 targets, minus the legal ones; on_hold counted once per place it was held from.
    legal_count = sum(len(t) for s, t in EXPECTED.items() if s is not S.on_hold)
    assert len(ILLEGAL) == 9 * 10 - legal_count + 4 * (10 - 2)


@pytest.mark.parametrize(
    ("status", "held_from", "target", "legal"),
    ILLEGAL,
    ids=[f"{s.value}{'<' + h.value if h else ''}->{t.value}" for s, h, t, _ in ILLEGAL],
)
def test_every_illegal_transition_is_refused(
    status: Status, held_from: Status | None, target: Status, legal: set[Status]
) -> None:
    order = order_in(status, held_from)
    with pytest.raises(IllegalTransition) as err:
        move(order, target)
    assert sorted(err.value.allowed) == sorted(s.value for s in legal)
    assert len(err.value.allowed) == len(legal)
    assert err.value.params["status"] == status.value and err.value.params["target"] == target.value
    assert (order.status, order.held_from, order.events) == (status, held_from, [])


@pytest.mark.parametrize("status", sorted(TERMINAL), ids=lambda s: s.value)
def test_terminal_statuses_go_nowhere(status: Status) -> None:
    order = order_in(status)
    assert order.allowed_next() == ()
    assert not order.is_open
    for target in Status:
        with pytest.raises(IllegalTransition) as err:
            order.advance_to(target, "ann", NOW)
        assert err.value.allowed == ()
    with pytest.raises(IllegalTransition):
        order.next_stage()


# ---------------------------------------------------------------- hold and resume


@pytest.mark.parametrize("held_from", HOLDABLE, ids=lambda s: s.value)
def test_hold_remembers_where_it_was_and_resume_returns_there(held_from: Status) -> None:
    order = order_in(held_from)
    order.hold("ann", NOW, "customer asked")
    assert (order.status, order.held_from) == (S.on_hold, held_from)
    assert order.allowed_next() == (held_from, S.cancelled)
    order.resume("li", NOW)
    assert (order.status, order.held_from) == (held_from, None)
    assert order.events == [
        OrderStatusChanged("SO-2026-000001", "ACME", held_from.value, "on_hold", "ann", "customer asked"),
        OrderStatusChanged("SO-2026-000001", "ACME", "on_hold", held_from.value, "li", ""),
    ]


def test_resume_of_an_order_not_on_hold_is_refused() -> None:
    order = order_in(S.confirmed)
    with pytest.raises(IllegalTransition) as err:
        order.resume("ann", NOW)
    assert err.value.params["target"] == "resume"
    assert order.status is S.confirmed


def test_cancel_from_hold_forgets_where_it_was() -> None:
    order = order_in(S.on_hold, S.in_production)
    order.cancel("ann", NOW, "customer went bust")
    assert (order.status, order.held_from) == (S.cancelled, None)
    assert order.events == [
        OrderStatusChanged("SO-2026-000001", "ACME", "on_hold", "cancelled", "ann", "customer went bust")
    ]


# ---------------------------------------------------------------- ship and events


@pytest.mark.parametrize(("carrier", "tracking"), [("", "SF1"), ("SF", ""), ("  ", "SF1"), ("SF", "\t")])
def test_ship_requires_carrier_and_tracking(carrier: str, tracking: str) -> None:
    order = order_in(S.ready)
    with pytest.raises(InvalidInput) as err:
        order.ship("wang", NOW, carrier, tracking)
    assert err.value.code == "ship_needs_tracking"
    assert (order.status, order.carrier, order.tracking, order.events) == (S.ready, "", "", [])


def test_ship_records_carrier_tracking_and_order_shipped() -> None:
    order = order_in(S.ready)
    order.ship("wang", NOW, "  SF Express ", " SF100200 ")
    assert (order.status, order.carrier, order.tracking) == (S.shipped, "SF Express", "SF100200")
    assert order.events == [OrderShipped("SO-2026-000001", "ACME", "SF Express", "SF100200", "wang")]


def test_confirm_sets_confirmed_dates_and_records_order_confirmed() -> None:
    order = new_order(("BOLT-M8", "1000", "0.50"), ("NUT-M8", "2000", "0.10"))
    order.confirm("ann", NOW, {1: date(2026, 12, 5), 2: date(2026, 12, 12)})
    assert [ln.confirmed_date for ln in order.lines] == [date(2026, 12, 5), date(2026, 12, 12)]
    assert order.events == [
        OrderConfirmed(
            "SO-2026-000001",
            "ACME",
            Decimal("700"),
            DUE,
            ((1, "BOLT-M8", "2026-12-05"), (2, "NUT-M8", "2026-12-12")),
            "ann",
        )
    ]


def test_hold_and_cancel_record_their_reason() -> None:
    order = order_in(S.confirmed)
    order.hold("li", NOW, "材料未到")
    order.cancel("ann", NOW, "客户取消")
    assert order.events == [
        OrderStatusChanged("SO-2026-000001", "ACME", "confirmed", "on_hold", "li", "材料未到"),
        OrderStatusChanged("SO-2026-000001", "ACME", "on_hold", "cancelled", "ann", "客户取消"),
    ]


# ---------------------------------------------------------------- editing


@pytest.mark.parametrize("status", [S.draft, S.pending_confirmation], ids=lambda s: s.value)
def test_lines_and_terms_are_editable_before_confirmation(status: Status) -> None:
    order = order_in(status)
    order.add_line(product("NUT-M8"), Decimal("10"), Decimal("0.2"))
    order.set_line(1, Decimal("800"), None)
    order.remove_line(2)
    assert order.set_terms(rush=True, po_ref="PO-1", notes="") == ["rush", "po_ref"]
    assert [(ln.line_no, ln.quantity) for ln in order.lines] == [(1, Decimal("800"))]
    assert order.amount == Decimal("400")


NOT_EDITABLE = [s for s in Status if s not in (S.draft, S.pending_confirmation)]


@pytest.mark.parametrize("status", NOT_EDITABLE, ids=lambda s: s.value)
def test_lines_and_terms_are_not_editable_after_confirmation(status: Status) -> None:
    order = order_in(status, S.confirmed if status is S.on_hold else None)
    edits: list[Callable[[], object]] = [
        lambda: order.add_line(product("NUT-M8"), Decimal("1")),
        lambda: order.set_line(1, Decimal("800"), None),
        lambda: order.remove_line(1),
        lambda: order.set_terms(rush=True),
    ]
    for edit in edits:
        with pytest.raises(Conflict) as err:
            edit()
        assert err.value.code == "order_not_editable"
        assert err.value.params == {"number": "SO-2026-000001", "status": status.value}
    assert [(ln.line_no, ln.quantity) for ln in order.lines] == [(1, Decimal("1000"))]
    assert not order.rush


@pytest.mark.parametrize(("qty", "price"), [("0", "1"), ("-1", "1"), ("NaN", "1"), ("1", "-0.01"), ("1", "Infinity")])
def test_add_line_refuses_bad_numbers(qty: str, price: str) -> None:
    order = new_order()
    with pytest.raises(InvalidInput):
        order.add_line(product("NUT-M8"), Decimal(qty), Decimal(price))
    assert len(order.lines) == 1


@pytest.mark.parametrize("price", ["Infinity", "NaN"])
def test_set_line_refuses_non_finite_price(price: str) -> None:
    order = new_order()
    with pytest.raises(InvalidInput):
        order.set_line(1, None, Decimal(price))
    assert order.lines[0].unit_price == Decimal("0.50")


# ---------------------------------------------------------------- amounts


@pytest.mark.parametrize(
    ("lines", "amount"),
    [
        ([("3", "0.1")], "0.30"),
        ([("1000", "0.0235")], "23.50"),
        ([("3", "0.1"), ("1000", "0.0235"), ("7", "1.01")], "30.87"),
        ([("0.001", "0.01")], "0.00"),
        ([("999999999999.999", "9999999999")], "9999999998999990000000.00"),
    ],
)
def test_amount_is_the_exact_sum_of_line_amounts(lines: list[tuple[str, str]], amount: str) -> None:
    order = new_order(*[(f"SKU{i}", q, p) for i, (q, p) in enumerate(lines)])
    assert order.amount == Decimal(amount)
    assert isinstance(order.amount, Decimal)
    assert order.amount == sum((ln.amount for ln in order.lines), Decimal(0))


def test_amount_follows_every_line_edit() -> None:
    order = new_order(("A1", "3", "0.1"))
    order.add_line(product("B2"), Decimal("1000"), Decimal("0.0235"))
    assert order.amount == Decimal("23.80")
    order.set_line(1, Decimal("10"), Decimal("0.25"))
    assert order.amount == Decimal("26.00")
    order.remove_line(2)
    assert order.amount == Decimal("2.5")


def test_add_line_uses_the_list_price_when_none_is_given() -> None:
    order = new_order(("A1", "4", "1"))
    ln = order.add_line(product("NUT-M8", "0.125"), Decimal("8"))
    assert (ln.line_no, ln.unit_price, ln.amount) == (2, Decimal("0.125"), Decimal("1"))


# ---------------------------------------------------------------- snapshots and diffs


def test_snapshot_is_plain_data() -> None:
    snap = new_order(("BOLT-M8", "1000.000", "0.50")).snapshot()
    line = {"line": 1, "sku": "BOLT-M8", "quantity": "1000", "unit_price": "0.5"}
    assert snap["lines"] == [{**line, "requested_date": None, "confirmed_date": None}]
    assert (snap["amount"], snap["status"], snap["due_date"]) == ("500", "draft", "2026-12-20")


def test_a_diff_of_terms_leaves_stage_moves_out_but_shows_a_hold_or_cancel() -> None:
    order = new_order()
    before = order.snapshot()
    order.submit("ann", NOW)
    assert diff_snapshots(order.number, 1, before, 2, order.snapshot()).empty  # stage moves are not terms
    order.hold("ann", NOW, "customer asked")
    diff = diff_snapshots(order.number, 1, before, 2, order.snapshot())
    assert diff.changes == [Change("held_from", None, "pending_confirmation"), Change("status", "draft", "on_hold")]
    assert (diff.added_lines, diff.removed_lines, diff.empty) == ([], [], False)


def test_diff_of_line_added_removed_and_quantity_changed() -> None:
    order = new_order(("BOLT-M8", "1000", "0.50"), ("NUT-M8", "2000", "0.10"))
    v1 = order.snapshot()
    order.set_line(1, Decimal("800"), None)
    order.add_line(product("WASHER-8"), Decimal("50"), Decimal("0.02"))
    order.remove_line(2)
    v2 = order.snapshot()
    diff = diff_snapshots(order.number, 1, v1, 2, v2)
    assert diff.changes == [Change("amount", "700", "401"), Change("quantity", "1000", "800", 1, "BOLT-M8")]
    assert [ln["sku"] for ln in diff.removed_lines] == ["NUT-M8"]
    assert [(ln["line"], ln["sku"], ln["quantity"]) for ln in diff.added_lines] == [(3, "WASHER-8", "50")]


def test_diff_of_header_terms_is_sorted_by_field() -> None:
    order = new_order()
    before = order.snapshot()
    order.set_terms(rush=True, po_ref="PO-9", due_date=date(2026, 12, 6))
    diff = diff_snapshots(order.number, 1, before, 2, order.snapshot())
    assert diff.changes == [
        Change("due_date", "2026-12-20", "2026-12-06"),
        Change("po_ref", "", "PO-9"),
        Change("rush", False, True),
    ]


def test_diff_of_identical_snapshots_is_empty() -> None:
    order = new_order()
    assert diff_snapshots(order.number, 1, order.snapshot(), 2, order.snapshot()).empty


def test_a_removed_line_number_is_never_reused() -> None:
    order = new_order(("BOLT-M8", "1000", "0.50"), ("NUT-M8", "2000", "0.10"))
    v1 = order.snapshot()
    order.remove_line(2)
    order.add_line(product("WASHER-8"), Decimal("50"), Decimal("0.02"))
    diff = diff_snapshots(order.number, 1, v1, 3, order.snapshot())
    assert [ln["sku"] for ln in diff.removed_lines] == ["NUT-M8"]
    assert [ln["sku"] for ln in diff.added_lines] == ["WASHER-8"]
