"""Issue 13 item 13, in the domain (the bus on the in-memory unit of work): wherever a customer is expected, its code,
its name, a unique part of the name or the name's pinyin initials find it; several matches are listed with their
codes and never guessed between; `customers` / `products` list matches best first with "20 of N"; `find` counts
what it does not show and pages on."""

from __future__ import annotations

from decimal import Decimal

import pytest

from domain import commands as c
from domain.bus import MessageBus
from domain.commands import LineInput
from domain.errors import NotFound
from domain.lookup import MAX_CHOICES, AmbiguousCustomer
from domain.ports import OrderFilter
from domain.results import CustomersView, OrderPage, ProductsView
from tests.fakes import FakeUnitOfWork, ctx, customer, product, user

ANN = user("ann", "sales")
BOLTS = (LineInput("BOLT-M8", Decimal("100")),)


@pytest.fixture
def uow() -> FakeUnitOfWork:
    return FakeUnitOfWork().seed(
        customer("CUST-001", "沈阳鑫源机械有限公司"),
        customer("CUST-002", "大连鑫源五金有限公司"),
        customer("CUST-003", "华东机械"),
        customer("CUST-004", "华东机械二厂"),
        customer("CUST-005", "重庆长安紧固件"),
        customer("ACME", "Acme Machining"),
        product("BOLT-M8", "0.50", "六角螺栓 M8"),
        product("NUT-M8", "0.10", "六角螺母 M8"),
        product("M8", "0.20", "Spacer"),
        user(ANN.name, *ANN.roles),  # a fresh one: an object made at import may predate the SQL mapping
    )


@pytest.fixture
def bus(uow: FakeUnitOfWork) -> MessageBus:
    return MessageBus(lambda readonly=False: uow)


def created_for(bus: MessageBus, typed: str) -> str:
    done = bus.handle(c.CreateOrder(typed, BOLTS), ctx(ANN))
    assert done.order is not None
    return str(done.order.customer.code)


@pytest.mark.parametrize(
    ("typed", "code"),
    [
        ("CUST-001", "CUST-001"),
        (" cust-002 ", "CUST-002"),  # the code in any case
        ("沈阳鑫源", "CUST-001"),  # the start of the name
        ("大连", "CUST-002"),
        ("五金", "CUST-002"),  # a unique part of the name
        ("syxy", "CUST-001"),  # pinyin initials of the name
        ("SYXY", "CUST-001"),
        ("dlxywj", "CUST-002"),
        ("cqca", "CUST-005"),  # 重庆 reads chóng
        ("华东机械", "CUST-003"),  # the name exactly, although 华东机械二厂 starts with it too
        ("acme machining", "ACME"),  # the name exactly, any case
        ("Machin", "ACME"),
    ],
)
def test_new_finds_the_customer_by_code_name_part_or_initials(bus: MessageBus, typed: str, code: str) -> None:
    assert created_for(bus, typed) == code


def test_several_matches_are_listed_with_their_codes_and_nothing_is_created(
    bus: MessageBus, uow: FakeUnitOfWork
) -> None:
    commits = uow.commits
    with pytest.raises(AmbiguousCustomer) as caught:
        bus.handle(c.CreateOrder("鑫源", BOLTS), ctx(ANN))
    err = caught.value
    assert (err.code, err.params) == ("customer_ambiguous", {"text": "鑫源", "count": 2})
    assert err.notes == [
        ("choice_line", {"n": 1, "code": "CUST-001", "name": "沈阳鑫源机械有限公司"}),
        ("choice_line", {"n": 2, "code": "CUST-002", "name": "大连鑫源五金有限公司"}),
        ("choice_retype", {"text": "鑫源", "code": "CUST-001"}),
    ]
    assert uow.commits == commits and not list(uow.orders.search(OrderFilter()))


def test_the_best_matches_come_first_among_the_choices(bus: MessageBus) -> None:
    with pytest.raises(AmbiguousCustomer) as caught:
        bus.handle(c.CreateOrder("机械", BOLTS), ctx(ANN))
    codes = [params["code"] for key, params in caught.value.notes if key == "choice_line"]
    assert codes == ["CUST-001", "CUST-003", "CUST-004"]  # all contain 机械; none is it or starts with it


def test_a_long_list_of_candidates_is_cut_and_counted(uow: FakeUnitOfWork, bus: MessageBus) -> None:
    uow.seed(*(customer(f"XY-{i:02d}", f"鑫源分厂{i}") for i in range(12)))
    with pytest.raises(AmbiguousCustomer) as caught:
        bus.handle(c.ListOrders(customer="鑫源"), ctx(ANN))
    notes = caught.value.notes
    assert caught.value.params["count"] == 14
    assert [k for k, _ in notes].count("choice_line") == MAX_CHOICES
    assert ("choice_more", {"more": 14 - MAX_CHOICES, "text": "鑫源"}) in notes


def test_nothing_matching_is_not_found(bus: MessageBus) -> None:
    with pytest.raises(NotFound) as caught:
        bus.handle(c.CreateOrder("nobody", BOLTS), ctx(ANN))
    assert caught.value.params == {"kind": "customer", "key": "nobody"}
    with pytest.raises(NotFound):
        bus.handle(c.CreateOrder("  ", BOLTS), ctx(ANN))


def test_every_verb_that_takes_a_customer_finds_it_the_same_way(bus: MessageBus) -> None:
    number = bus.handle(c.CreateOrder("syxy", BOLTS), ctx(ANN)).params["number"]
    page = bus.handle(c.ListOrders(customer="沈阳"), ctx(ANN))
    assert [o.number for o in page.orders] == [number]
    invited = bus.handle(c.InviteCustomer("大连鑫源"), ctx(ANN))
    assert invited.params["customer"] == "CUST-002"
    assert bus.handle(c.ListContacts("cqca"), ctx(ANN)).customer == "CUST-005"
    with pytest.raises(AmbiguousCustomer):
        bus.handle(c.InviteCustomer("华东"), ctx(ANN))


def test_customers_and_products_list_matches_best_first(bus: MessageBus) -> None:
    found = bus.handle(c.SearchCustomers("华东机械"), ctx(ANN))
    assert isinstance(found, CustomersView)
    assert ([x.code for x in found.customers], found.total) == (["CUST-003", "CUST-004"], 2)
    assert [x.code for x in bus.handle(c.SearchCustomers("xy"), ctx(ANN)).customers] == []  # initials: from the start
    products = bus.handle(c.SearchProducts("m8"), ctx(ANN))
    assert isinstance(products, ProductsView)
    assert [p.sku for p in products.products] == ["M8", "BOLT-M8", "NUT-M8"]  # the SKU exactly first
    assert [p.sku for p in bus.handle(c.SearchProducts("螺母"), ctx(ANN)).products] == ["NUT-M8"]


def test_a_long_result_says_how_many_there_are_and_pages_on(uow: FakeUnitOfWork, bus: MessageBus) -> None:
    uow.seed(*(customer(f"ST-{i:02d}", f"Steel Works {i}") for i in range(25)))
    first = bus.handle(c.SearchCustomers("steel"), ctx(ANN))
    assert (len(first.customers), first.total, first.offset) == (20, 25, 0)
    second = bus.handle(c.SearchCustomers("steel", offset=20), ctx(ANN))
    assert ([x.code for x in second.customers], second.total) == ([f"ST-{i}" for i in range(20, 25)], 25)


def test_find_says_how_many_it_found_beyond_the_page(bus: MessageBus) -> None:
    for _ in range(25):
        bus.handle(c.CreateOrder("ACME", BOLTS, po_ref="PO-77"), ctx(ANN))
    first = bus.handle(c.FindOrders("po-77"), ctx(ANN))
    assert isinstance(first, OrderPage)
    assert (len(first.orders), first.total, first.title_code) == (20, 25, "found_title")
    rest = bus.handle(c.FindOrders("po-77", offset=20), ctx(ANN))
    assert (len(rest.orders), rest.total, rest.offset) == (5, 25, 20)
    assert bus.handle(c.FindOrders("Acme", limit=50), ctx(ANN)).total == 25  # all on one page: counted as shown
