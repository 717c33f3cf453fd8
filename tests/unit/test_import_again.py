"""The CSV import on the in-memory unit of work (issue 13, item 15): a file imported again doubles nothing (an
order's order_ref is its external reference, one per customer; rows already imported get a note naming the
order), customers and products are updated only when asked, Excel's number formats and full-width digits are
read, and a refused cell says what would have been accepted."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.app import importer
from bot.app.bootstrap import Desk
from bot.app.clock import FixedClock
from bot.app.import_cells import Row, number_text
from bot.app.importer import import_csv
from bot.conversation.i18n import Translator
from domain import commands as c
from domain.errors import ConcurrentUpdate, Conflict, InvalidInput
from domain.parties import MakeOrBuy, Tier
from domain.users import Front
from tests.conftest import make_fake_desk
from tests.fakes import FakeUnitOfWork, customer, product, user

EN, ZH = Translator("en", ZoneInfo("Asia/Shanghai")), Translator("zh", ZoneInfo("Asia/Shanghai"))
ORDERS = (
    "order_ref,customer,sku,quantity,unit_price,due_date\n"
    'A-1,CUST-001,BOLT-M8,"1,000",0.50,2026-12-20\n'
    "A-1,,NUT-M8,１２００,,\n"  # full-width digits, as a Chinese input method types them
    "A-2,CUST-002,NUT-M8,2 000,,2026-12-20\n"
)


@pytest.fixture
def fake() -> FakeUnitOfWork:
    return FakeUnitOfWork().seed(
        customer("CUST-001", "Acme"),
        customer("CUST-002", "Globex"),
        product("BOLT-M8", "0.50"),
        product("NUT-M8", "0.10"),
        user("lily", "sales"),
        user("wang", "sales_manager"),
    )


@pytest.fixture
def desk(fake: FakeUnitOfWork, clock: FixedClock) -> Desk:
    return make_fake_desk(clock, fake)


def write(tmp_path: Path, text: str, name: str = "in.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8", newline="")
    return path


def notes(report: importer.ImportReport) -> list[tuple[int, str, str]]:
    return [(row, err.code, EN(err.code, **err.params)) for row, err in report.skipped]


# ---------------------------------------------------------------- orders: once


def test_an_orders_file_imported_twice_creates_its_orders_once(
    desk: Desk, fake: FakeUnitOfWork, tmp_path: Path
) -> None:
    path = write(tmp_path, ORDERS)
    ctx = desk.context(Front.shell, "lily")
    first = import_csv(desk, ctx, "orders", path, progress=False)
    assert (first.imported, first.numbers, first.rejected, first.skipped) == (
        2, ["SO-2026-000001", "SO-2026-000002"], [], []
    )  # fmt: skip
    a1 = fake.order("SO-2026-000001")
    assert (a1.external_ref, a1.source) == ("A-1", "import")
    assert [ln.quantity for ln in a1.lines] == [Decimal(1000), Decimal(1200)]
    again = import_csv(desk, ctx, "orders", path, progress=False)
    assert (again.imported, again.numbers, again.rejected) == (0, [], [])
    assert notes(again) == [
        (2, "order_already_imported", "order A-1 is already imported as SO-2026-000001; skipped."),
        (4, "order_already_imported", "order A-2 is already imported as SO-2026-000002; skipped."),
    ]
    assert sorted(fake.saved.orders) == ["SO-2026-000001", "SO-2026-000002"]
    assert fake.saved.sequences == {"SO-2026": 2}  # no number spent on an order not created


def test_an_updated_export_adds_only_its_new_orders(desk: Desk, fake: FakeUnitOfWork, tmp_path: Path) -> None:
    ctx = desk.context(Front.shell, "lily")
    import_csv(desk, ctx, "orders", write(tmp_path, ORDERS), progress=False)
    grown = ORDERS + "A-3,CUST-001,NUT-M8,10,,2026-12-20\n"
    report = import_csv(desk, ctx, "orders", write(tmp_path, grown, "grown.csv"), progress=False)
    assert report.numbers == ["SO-2026-000003"]
    assert [(row, code) for row, code, _ in notes(report)] == [
        (2, "order_already_imported"),
        (4, "order_already_imported"),
    ]
    # a reference is the customer's: another customer's A-1 (another file) is another order
    other = import_csv(desk, ctx, "orders", write(tmp_path, "order_ref,customer,sku,quantity\nA-1,CUST-002,NUT-M8,5\n"))
    assert other.numbers == ["SO-2026-000004"] and other.skipped == []
    assert (fake.order("SO-2026-000004").customer.code, fake.order("SO-2026-000004").external_ref) == (
        "CUST-002",
        "A-1",
    )


def test_an_order_reference_once_per_customer_in_the_domain(desk: Desk, fake: FakeUnitOfWork) -> None:
    ctx = desk.context(Front.shell, "lily")
    cmd = c.CreateOrder("CUST-001", (c.LineInput("NUT-M8", Decimal(5)),), external_ref="PO-77", source="import")
    number = desk.bus.handle(cmd, ctx).params["number"]
    with pytest.raises(Conflict) as again:
        desk.bus.handle(cmd, ctx)
    assert (again.value.code, again.value.params) == ("order_already_imported", {"ref": "PO-77", "number": number})
    with pytest.raises(InvalidInput) as forged:
        desk.bus.handle(c.CreateOrder("CUST-001", cmd.lines, source="telegram-bot"), ctx)
    assert forged.value.code == "bad_source" and forged.value.params["allowed"] == "import"
    typed = desk.bus.handle(c.CreateOrder("CUST-001", cmd.lines), ctx).order
    assert (typed.source, typed.external_ref) == ("shell", None)


def test_two_imports_of_one_order_at_once_create_it_once(
    desk: Desk, fake: FakeUnitOfWork, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other import commits between our look-up and our commit: the unique reference refuses ours
    (ConcurrentUpdate), and asked again the order is found and said to be imported already."""
    ctx = desk.context(Front.shell, "lily")
    import_csv(desk, ctx, "orders", write(tmp_path, ORDERS), progress=False)
    from tests.fakes_orders import FakeOrders

    looked: list[str] = []
    real = FakeOrders.by_external_ref

    def late_look(self: FakeOrders, customer_id: int, ref: str) -> str | None:
        looked.append(ref)
        return None if len(looked) == 1 else real(self, customer_id, ref)  # the first look misses the other's

    monkeypatch.setattr(FakeOrders, "by_external_ref", late_look)
    report = import_csv(desk, ctx, "orders", write(tmp_path, ORDERS.splitlines()[0] + "\n" + ORDERS.splitlines()[3]))
    assert (report.imported, [code for _, code, _ in notes(report)]) == (0, ["order_already_imported"])
    assert looked == ["A-2", "A-2"] and len(fake.saved.orders) == 2


def test_a_race_lost_twice_is_reported_not_retried_for_ever(
    desk: Desk, fake: FakeUnitOfWork, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def always_lost(*args: object) -> object:
        raise ConcurrentUpdate("SO")

    monkeypatch.setattr(desk.bus, "handle", always_lost)
    report = import_csv(desk, desk.context(Front.shell, "lily"), "orders", write(tmp_path, ORDERS), progress=False)
    assert [(row, err.code) for row, err in report.rejected] == [(2, "concurrent_update"), (3, "concurrent_update"),
                                                                 (4, "concurrent_update")]  # fmt: skip


# ---------------------------------------------------------------- customers and products: updated when asked

CUSTOMERS = 'code,name,tier,credit_limit,language\nCUST-001,Acme Holding,重点,"100,000",English\nNEW-9,New Co,,,\n'


def test_customers_already_there_are_left_alone_unless_updated(
    desk: Desk, fake: FakeUnitOfWork, tmp_path: Path
) -> None:
    path = write(tmp_path, CUSTOMERS)
    ctx = desk.context(Front.shell, "wang")
    plain = import_csv(desk, ctx, "customers", path, progress=False)
    assert (plain.imported, plain.updated, plain.rejected) == (1, 0, [])
    assert notes(plain) == [
        (2, "import_exists", "CUST-001 already exists; left as it is (import with --update to update it).")
    ]
    assert "已存在，保持不变" in ZH("import_exists", key="CUST-001")
    assert fake.saved.customers["CUST-001"].name == "Acme"
    updated = import_csv(desk, ctx, "customers", path, progress=False, update=True)
    assert (updated.imported, updated.updated, updated.unchanged, updated.skipped) == (0, 1, 1, [])
    acme = fake.saved.customers["CUST-001"]
    assert (acme.name, acme.tier, acme.credit_limit, acme.language) == ("Acme Holding", Tier.key, 100000, "en")
    assert acme.payment_terms == "NET30"  # not in the file: unchanged
    audit = [(e.action, e.detail) for e in fake.saved.audit if e.action.startswith("import")]
    assert audit[-1] == ("import_update", "in.csv: CUST-001 (name, tier, credit_limit, language)")


def test_products_updated_with_blank_cells_unchanged(desk: Desk, fake: FakeUnitOfWork, tmp_path: Path) -> None:
    csv = 'sku,name,list_price,unit,safety_stock,make_or_buy\nNUT-M8,六角螺母,0.12,件,"1,500",自制\n'
    import_csv(desk, desk.context(Front.shell, "wang"), "products", write(tmp_path, csv), progress=False, update=True)
    nut = fake.saved.products["NUT-M8"]
    assert (nut.name, nut.list_price, nut.unit, nut.safety_stock, nut.make_or_buy) == (
        "六角螺母", Decimal("0.12"), "pcs", Decimal(1500), MakeOrBuy.make
    )  # fmt: skip
    assert nut.lead_time_days == 14  # blank: as it was


# ---------------------------------------------------------------- cells as Excel writes them


@pytest.mark.parametrize(
    ("cell", "plain"),
    [
        ("1,000,000", "1000000"), ("1 000", "1000"), ("1\u00a0000", "1000"), ("1\u202f000.50", "1000.50"),
        ("１２００", "1200"), ("１，０００．５", "1000.5"), ("12.5", "12.5"), (" 7 ", "7"),
        ("1,5", None), ("1,00", None), ("1,000 000", None), ("1e5", None), ("abc", None), ("", None),
    ],
)  # fmt: skip
def test_numbers_as_excel_writes_them(cell: str, plain: str | None) -> None:
    assert number_text(cell) == plain


def refused(column: str, value: str, read: str = "decimal") -> InvalidInput:
    row = Row(2, {column: value})
    with pytest.raises(InvalidInput) as err:
        if read == "decimal":
            row.decimal(column, 3, positive=True)
        elif read == "integer":
            row.integer(column, 0, 365)
        elif read == "day":
            row.day(column)
        elif read == "tier":
            row.choice(column, Tier)
        else:
            row.word(column, importer.UNITS)
    return err.value


@pytest.mark.parametrize(
    ("column", "value", "read", "english"),
    [
        ("quantity", "1,5", "decimal", "quantity: “1,5” is not a number; write it as 1000, 1,000 or 1 000 (at most 3"),
        ("quantity", "0", "decimal", "quantity: “0” must be more than 0."),
        ("quantity", "-5", "decimal", "quantity: “-5” must be from 0 to 999,999,999,999."),
        ("quantity", "1.2345", "decimal", "quantity: “1.2345” has more than 3 decimals."),
        ("lead_time_days", "400", "integer", "lead_time_days: “400” must be from 0 to 365."),
        ("lead_time_days", "two", "integer", "lead_time_days: “two” is not a whole number"),
        ("due_date", "20/12/2026", "day", "due_date: “20/12/2026” is not a date; write it as YYYY-MM-DD"),
        ("tier", "vip", "tier", "tier: “vip” is not one of normal, key, strategic."),
        ("unit", "桶", "unit", "unit: “桶” is not one of pcs, set, pair, box, bag, roll, kg, g, t, m, l."),
    ],
)
def test_a_refused_cell_says_what_would_do(column: str, value: str, read: str, english: str) -> None:
    err = refused(column, value, read)
    assert EN(err.code, **err.params).startswith(english)
    chinese = ZH(err.code, **err.params)
    assert chinese != err.code and "{" not in chinese and value in chinese


def test_full_width_dates_keys_and_units_read_plainly() -> None:
    row = Row(2, {"due_date": "２０２６-１２-０５", "sku": "ＢＯＬＴ-m8", "unit": "公斤", "tier": "战略"})
    assert str(row.day("due_date")) == "2026-12-05"
    assert row.key("sku", 64) == "BOLT-M8"
    assert row.word("unit", importer.UNITS) == "kg" and row.choice("tier", Tier) is Tier.strategic


def test_a_language_not_spoken_lists_the_ones_that_are(desk: Desk, tmp_path: Path) -> None:
    path = write(tmp_path, "code,name,language\nNEW-1,x,fr\nNEW-2,y,中文\n")
    report = import_csv(desk, desk.context(Front.shell, "wang"), "customers", path, progress=False)
    ((row, err),) = report.rejected
    assert (row, err.code, err.params["allowed"]) == (2, "import_bad_choice", "en, zh")
    assert report.imported == 1
