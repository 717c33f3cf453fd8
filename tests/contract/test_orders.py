"""``uow.orders``: add and get, search with each ``OrderFilter`` field, count, open value and the SKUs a customer
has ordered before — the same answers from every store."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest

from domain.lifecycle import Status
from domain.orders import number_for
from domain.ports import OrderFilter
from tests.contract.world import TODAY, Line, Store, at, build_order, cid, seed_parties

S = Status


def n(seq: int) -> str:
    return number_for(2026, seq)


def numbers(orders: object) -> list[str]:
    return [o.number for o in orders]  # type: ignore[attr-defined]


@pytest.fixture
def book(store: Store) -> Store:
    """Nine orders, numbered in the order they were added (so newest = highest number):

    1 CUST-001 draft          lily  due +14  po PO-7781
    2 CUST-001 confirmed      lily  due -3   notes "rush for the fair"
    3 CUST-002 pending        mike  due -1
    4 CUST-001 shipped        mike  due -10  tracking SF1234567890
    5 CUST-003 on_hold        lily  due -5
    6 CUST-002 cancelled      lily  due -20
    7 CUST-001 in_production  mike  no due date
    8 CUST-003 closed         lily  due -30
    9 CUST-001 ready          lily  due -3
    """
    seed_parties(store)
    with store() as uow:
        build_order(uow, 1, "CUST-001", status=S.draft, po_ref="PO-7781")
        build_order(uow, 2, "CUST-001", status=S.confirmed, due=TODAY - timedelta(3), notes="rush for the fair")
        build_order(uow, 3, "CUST-002", status=S.pending_confirmation, owner="mike", due=TODAY - timedelta(1))
        build_order(
            uow, 4, "CUST-001", status=S.shipped, owner="mike", due=TODAY - timedelta(10), tracking="SF1234567890"
        )
        build_order(uow, 5, "CUST-003", status=S.on_hold, due=TODAY - timedelta(5))
        build_order(uow, 6, "CUST-002", status=S.cancelled, due=TODAY - timedelta(20))
        build_order(uow, 7, "CUST-001", status=S.in_production, owner="mike", due=None)
        build_order(uow, 8, "CUST-003", status=S.closed, due=TODAY - timedelta(30))
        build_order(uow, 9, "CUST-001", status=S.ready, due=TODAY - timedelta(3))
        uow.commit()
    return store


def search(store: Store, **flt: object) -> list[str]:
    with store(readonly=True) as uow:
        return numbers(uow.orders.search(OrderFilter(**flt)))  # type: ignore[arg-type]


def count(store: Store, **flt: object) -> int:
    with store(readonly=True) as uow:
        return int(uow.orders.count(OrderFilter(**flt)))  # type: ignore[arg-type]


def test_an_order_reads_back_as_it_was_added(store: Store) -> None:
    seed_parties(store)
    with store() as uow:
        lines = (Line("BOLT-M8X30", "1000", "0.11"), Line("WASHER-M8", "2.5"), Line("NUT-M8", "3000", "0.045"))
        build_order(uow, 1, "CUST-002", lines, S.confirmed, owner="mike", po_ref="PO-1", notes="笔记", minutes=5)
        uow.commit()
    with store(readonly=True) as uow:
        order = uow.orders.get(n(1))
        assert order is not None and order.id is not None
        assert (order.customer.code, order.owner, order.status, order.po_ref, order.notes) == (
            "CUST-002", "mike", S.confirmed, "PO-1", "笔记",
        )  # fmt: skip
        assert order.created_at == at(5) and order.status_changed_at == at(5) and order.created_at.tzinfo is not None
        assert order.due_date == TODAY + timedelta(14) and order.version == 1 and order.last_line_no == 3
        assert order.amount == Decimal("110.00") + Decimal("33.75") + Decimal("135.00")
        assert [(ln.line_no, ln.product.sku, ln.quantity, ln.unit_price) for ln in order.lines] == [
            (1, "BOLT-M8X30", 1000, Decimal("0.11")),
            (2, "WASHER-M8", Decimal("2.5"), Decimal("13.5")),
            (3, "NUT-M8", 3000, Decimal("0.045")),
        ]
        assert all(ln.confirmed_date == TODAY + timedelta(14) for ln in order.lines)
        assert uow.orders.get(n(2)) is None
        assert uow.orders.get(n(1).lower()) is None  # numbers are stored upper-case; callers normalise


def test_an_uncommitted_order_is_gone_and_a_committed_change_stays(store: Store) -> None:
    seed_parties(store)
    with store() as uow:
        build_order(uow, 1)
        assert uow.orders.get(n(1)) is not None  # seen in its own transaction
    with store() as uow:
        assert uow.orders.get(n(1)) is None
        build_order(uow, 2)
        uow.commit()
    with store() as uow:
        order = uow.orders.get(n(2))
        assert order is not None
        order.set_terms(notes="changed")
        order.add_line(order.lines[0].product, Decimal(5))
        uow.commit()
    with store(readonly=True) as uow:
        again = uow.orders.get(n(2))
        assert again is not None and again.notes == "changed" and [ln.line_no for ln in again.lines] == [1, 2]


def test_search_is_newest_first_with_limit_and_offset(book: Store) -> None:
    assert search(book) == [n(i) for i in range(9, 0, -1)]
    assert search(book, limit=3) == [n(9), n(8), n(7)]
    assert search(book, limit=3, offset=3) == [n(6), n(5), n(4)]
    assert search(book, limit=5, offset=7) == [n(2), n(1)]
    assert search(book, offset=9) == []
    assert count(book, limit=3, offset=3) == 9  # the count ignores paging


def test_search_by_customer_status_and_owner(book: Store) -> None:
    acme = cid(book, "CUST-002")
    assert search(book, customer_id=acme) == [n(6), n(3)]
    assert search(book, customer_id=cid(book, "CUST-001"), status="ready") == [n(9)]
    assert search(book, status="draft") == [n(1)]
    assert search(book, status="on_hold") == [n(5)]
    assert search(book, owner="mike") == [n(7), n(4), n(3)]
    assert search(book, owner="mike", status="shipped") == [n(4)]
    assert search(book, owner="nobody") == [] and count(book, owner="nobody") == 0
    assert search(book, customer_id=10**6) == []
    assert count(book, customer_id=acme) == 2 and count(book, status="closed") == 1


def test_search_leaves_out_excluded_statuses(book: Store) -> None:
    assert search(book, exclude_statuses=("closed", "cancelled")) == [n(9), n(7), n(5), n(4), n(3), n(2), n(1)]
    acme = cid(book, "CUST-002")
    assert search(book, customer_id=acme, exclude_statuses=("closed", "cancelled")) == [n(3)]
    assert count(book, exclude_statuses=("draft",)) == 8


def test_overdue_lists_the_latest_running_first(book: Store) -> None:
    """Not shipped and due before the day: earliest due first (ties by age); no due date is never overdue."""
    assert search(book, overdue_on=TODAY) == [n(5), n(2), n(9), n(3)]
    assert count(book, overdue_on=TODAY) == 4
    assert search(book, overdue_on=TODAY - timedelta(3)) == [n(5)]  # due -3 is not before -3
    assert search(book, overdue_on=TODAY, limit=2, offset=1) == [n(2), n(9)]
    assert search(book, overdue_on=TODAY, owner="mike") == [n(3)]
    assert search(book, overdue_on=TODAY + timedelta(15)) == [n(5), n(2), n(9), n(3), n(1)]


@pytest.mark.parametrize(
    ("text", "found"),
    [
        ("PO-7781", [1]),  # the customer's PO reference
        ("po-77", [1]),  # any part of it, in any case
        ("FAIR", [2]),  # the notes
        ("SF1234", [4]),  # the tracking number
        ("acme", [6, 3]),  # the customer's name
        ("华东", [9, 7, 4, 2, 1]),
        ("cust-003", [8, 5]),  # the customer's code
        ("2026-000007", [7]),  # the order's number
        ("nothing like it", []),
    ],
)
def test_search_by_text(book: Store, text: str, found: list[int]) -> None:
    assert search(book, text=text) == [n(i) for i in found]
    assert count(book, text=text) == len(found)


def test_search_text_is_taken_literally(store: Store) -> None:
    seed_parties(store)
    with store() as uow:
        build_order(uow, 1, po_ref="A-1")
        build_order(uow, 2, po_ref="100%")
        uow.commit()
    assert search(store, text="100%") == [n(2)]
    assert search(store, text="A_1") == [] and search(store, text="%") == [n(2)]
    assert search(store, text="%%") == [] and count(store, text="%") == 1


def test_filters_combine(book: Store) -> None:
    one = cid(book, "CUST-001")
    assert search(book, customer_id=one, owner="lily", exclude_statuses=("draft",)) == [n(9), n(2)]
    assert search(book, customer_id=one, overdue_on=TODAY, text="fair") == [n(2)]
    assert count(book, customer_id=one, owner="lily", exclude_statuses=("draft",)) == 2


def test_open_value_sums_the_customers_other_open_orders(store: Store) -> None:
    seed_parties(store)
    with store() as uow:
        build_order(uow, 1, "CUST-001", [Line("BOLT-M8X30", "1000", "1.5")], S.confirmed)  # 1500
        build_order(uow, 2, "CUST-001", [Line("NUT-M8", "100", "2.25")], S.pending_confirmation)  # 225
        build_order(uow, 3, "CUST-001", [Line("NUT-M8", "100", "7")], S.shipped)  # 700: open until delivered
        build_order(uow, 4, "CUST-001", [Line("NUT-M8", "100", "9")], S.draft)  # not open yet
        build_order(uow, 5, "CUST-001", [Line("NUT-M8", "100", "9")], S.delivered)
        build_order(uow, 6, "CUST-001", [Line("NUT-M8", "100", "9")], S.cancelled)
        build_order(uow, 7, "CUST-001", [Line("NUT-M8", "10", "0.333")], S.on_hold)  # 3.33
        build_order(uow, 8, "CUST-002", [Line("NUT-M8", "100", "50")], S.confirmed)  # another customer's
        uow.commit()
    one, three = cid(store, "CUST-001"), cid(store, "CUST-003")
    with store(readonly=True) as uow:
        total = uow.orders.open_value(one, "")
        assert isinstance(total, Decimal) and total == Decimal("2428.33")
        assert uow.orders.open_value(one, n(1)) == Decimal("928.33")
        assert uow.orders.open_value(one, n(4)) == Decimal("2428.33")
        assert uow.orders.open_value(three, "") == 0


def test_skus_ordered_are_those_on_the_customers_other_orders(store: Store) -> None:
    seed_parties(store)
    with store() as uow:
        build_order(uow, 1, "CUST-001", [Line("BOLT-M8X30"), Line("NUT-M8")], S.draft)
        build_order(uow, 2, "CUST-001", [Line("WASHER-M8")], S.cancelled)  # a cancelled order does not count
        build_order(uow, 3, "CUST-002", [Line("WASHER-M8")], S.closed)
        build_order(uow, 4, "CUST-001", [Line("NUT-M8")], S.closed)
        uow.commit()
    one, two, three = cid(store, "CUST-001"), cid(store, "CUST-002"), cid(store, "CUST-003")
    skus = ["BOLT-M8X30", "NUT-M8", "WASHER-M8", "NOPE"]
    with store(readonly=True) as uow:
        assert uow.orders.skus_ordered(one, skus, "") == {"BOLT-M8X30", "NUT-M8"}
        assert uow.orders.skus_ordered(one, skus, n(1)) == {"NUT-M8"}
        assert uow.orders.skus_ordered(one, ["BOLT-M8X30"], n(1)) == set()
        assert uow.orders.skus_ordered(one, [], "") == set()
        assert uow.orders.skus_ordered(two, skus, "") == {"WASHER-M8"}
        assert uow.orders.skus_ordered(three, skus, "") == set()


def test_next_number_counts_per_series_and_only_what_was_committed(store: Store) -> None:
    with store() as uow:
        assert [uow.next_number("SO-2026"), uow.next_number("SO-2026"), uow.next_number("PO-2026")] == [1, 2, 1]
        uow.commit()
    with store() as uow:
        assert uow.next_number("SO-2026") == 3  # not committed: taken back with the transaction
    with store() as uow:
        assert uow.next_number("SO-2026") == 3 and uow.next_number("SO-2027") == 1
        uow.commit()
    with store() as uow:
        assert (uow.next_number("SO-2026"), uow.next_number("PO-2026")) == (4, 2)
