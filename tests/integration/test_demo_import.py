"""The demo company and the CSV import, on a real migrated database."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select

from adapters.sql import tables as t
from bot.app import importer
from bot.app.bootstrap import Desk
from bot.app.clock import FixedClock
from bot.app.demo import demo_is_needed, load_demo
from bot.app.importer import import_csv
from domain import commands as c
from domain.errors import InvalidInput, PermissionDenied
from domain.lifecycle import OPEN, Status
from domain.users import Front
from tests.conftest import make_desk, sqlite_url
from tests.integration.seed import seed

CENT = Decimal("0.01")


def count(desk: Desk, table: object) -> int:
    with desk.engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())  # type: ignore[arg-type]


def write(path: Path, text: str, encoding: str = "utf-8") -> Path:
    path.write_text(text, encoding=encoding, newline="")
    return path


def rejected(report: importer.ImportReport) -> list[tuple[int, str]]:
    return [(row, err.code) for row, err in report.rejected]


# -- demo -----------------------------------------------------------------------------------------
@pytest.fixture
def demo_desk(desk: Desk) -> Desk:
    assert demo_is_needed(desk)
    summary = load_demo(desk, orders=300)
    assert summary.orders == 300 and summary.customers == 120 and 190 <= summary.products <= 210
    assert not demo_is_needed(desk)
    return desk


def test_demo_has_every_status_with_its_own_facts(demo_desk: Desk) -> None:
    o = t.orders.c
    with demo_desk.engine.connect() as conn:
        by_status = dict(conn.execute(select(o.status, func.count()).group_by(o.status)).tuples().all())
        shipped = conn.execute(select(o.carrier, o.tracking).where(o.status == Status.shipped)).all()
        held_from = conn.execute(select(o.held_from).where(o.status == Status.on_hold)).scalars().all()
        late_open = conn.execute(
            select(func.count()).where(o.status.in_(OPEN - {Status.shipped}), o.due_date < demo_desk.today())
        ).scalar_one()
        lines = conn.execute(
            select(o.status, t.order_lines.c.confirmed_date).join(t.order_lines, t.order_lines.c.order_id == o.id)
        ).all()
        big = conn.execute(
            select(func.count()).select_from(
                select(t.order_lines.c.order_id)
                .group_by(t.order_lines.c.order_id)
                .having(func.count() >= 40)
                .subquery()
            )
        ).scalar_one()
    assert set(by_status) == set(Status)
    assert all(carrier and tracking for carrier, tracking in shipped)
    assert held_from and all(
        h in {Status.pending_confirmation, Status.confirmed, Status.in_production, Status.ready} for h in held_from
    )
    assert late_open > 0  # overdue open orders, on purpose
    assert big >= 1  # a few orders with 40-200 lines
    confirmed_on = {
        Status.confirmed,
        Status.in_production,
        Status.ready,
        Status.shipped,
        Status.delivered,
        Status.closed,
    }
    assert all(date is not None for status, date in lines if status in confirmed_on)
    assert all(date is None for status, date in lines if status in (Status.draft, Status.pending_confirmation))
    assert count(demo_desk, t.outbox) == 0  # the demo floods no channel


def test_demo_amounts_are_the_sums_of_their_lines(demo_desk: Desk) -> None:
    ln = t.order_lines.c
    sums: dict[int, Decimal] = defaultdict(Decimal)
    with demo_desk.engine.connect() as conn:
        for order_id, quantity, price in conn.execute(select(ln.order_id, ln.quantity, ln.unit_price)):
            sums[order_id] += (quantity * price).quantize(CENT)
        amounts = dict(conn.execute(select(t.orders.c.id, t.orders.c.amount)).tuples().all())
    assert len(amounts) == 300
    assert amounts == dict(sums)  # also: no order without lines
    assert all(a > 0 for a in amounts.values())


def test_demo_orders_have_one_version_matching_the_domain_snapshot(demo_desk: Desk) -> None:
    v = t.order_versions.c
    with demo_desk.engine.connect() as conn:
        versions = conn.execute(select(v.order_number, v.version, v.action, v.snapshot)).all()
        audits = conn.execute(select(t.audit_log.c.subject).where(t.audit_log.c.action == "demo")).scalars().all()
        numbers = conn.execute(select(t.orders.c.number).where(t.orders.c.version == 1)).scalars().all()
    assert sorted(n for n, *_ in versions) == sorted(numbers) == sorted(audits)
    assert len(numbers) == 300 and {(ver, action) for _, ver, action, _ in versions} == {(1, "demo")}
    stored = {n: snap for n, _, _, snap in versions}
    with demo_desk.uow(readonly=True) as uow:
        for number in numbers[::7]:
            order = uow.orders.get(number)
            assert order is not None
            assert order.snapshot() == stored[number]  # what history/diff will compare against


def test_the_bot_numbers_on_after_the_demo(demo_desk: Desk) -> None:
    with demo_desk.engine.connect() as conn:
        last = conn.execute(select(func.max(t.orders.c.number))).scalar_one()
        series = dict(conn.execute(select(t.number_series.c.name, t.number_series.c.last)).tuples().all())
    assert last == "SO-2026-000300" and series == {"SO-2026": 300}
    ctx = demo_desk.context(Front.shell, "lily")
    done = demo_desk.bus.handle(c.CreateOrder("CUST-001", (c.LineInput("BOLT-M8X30", Decimal(100)),)), ctx)
    assert done.params["number"] == "SO-2026-000301"
    # and a demo order moves on like any other
    with demo_desk.engine.connect() as conn:
        ready = conn.execute(select(t.orders.c.number).where(t.orders.c.status == Status.ready)).scalars().first()
    assert ready is not None
    moved = demo_desk.bus.handle(c.ShipOrder(ready, "顺丰", "SF1234567890"), demo_desk.context(Front.shell, "liu"))
    assert moved.order.status is Status.shipped and moved.order.version == 1  # a stage move, not a revision
    with demo_desk.engine.connect() as conn:
        demo_drafts = select(t.orders.c.number).where(t.orders.c.status == Status.draft, t.orders.c.source == "demo")
        draft = conn.execute(demo_drafts.order_by(t.orders.c.id)).scalars().first()
    assert draft is not None
    before = demo_desk.bus.handle(c.ShowOrder(draft), ctx)
    edited = demo_desk.bus.handle(c.AddLines(draft, (c.LineInput("NUT-M8", Decimal(500)),)), ctx).order
    assert [ln.line_no for ln in edited.lines] == [*range(1, len(before.lines) + 1), len(before.lines) + 1]
    assert edited.amount == before.amount + edited.lines[-1].amount


def fingerprint(desk: Desk) -> list[tuple[str, str, Decimal, str]]:
    o = t.orders.c
    with desk.engine.connect() as conn:
        rows = conn.execute(
            select(o.number, t.customers.c.code, o.amount, o.status).join(t.customers).order_by(o.number)
        ).all()
    return [(n, code, amount, status.value) for n, code, amount, status in rows]


def test_demo_is_deterministic_per_seed(tmp_path: Path, clock: FixedClock) -> None:
    runs = []
    for name, seed_ in (("a", 7), ("b", 7), ("c", 8)):
        (tmp_path / name).mkdir()
        d = make_desk(sqlite_url(tmp_path / name), clock)
        load_demo(d, orders=120, seed=seed_)
        runs.append(fingerprint(d))
        d.close()
    assert len(runs[0]) == 120
    assert runs[0] == runs[1]
    assert runs[0] != runs[2]


def test_demo_on_any_database(any_desk: Desk) -> None:
    summary = load_demo(any_desk, orders=40)
    assert summary.orders == count(any_desk, t.orders) == count(any_desk, t.order_versions) == 40
    assert summary.lines == count(any_desk, t.order_lines)
    assert (summary.first_number, summary.last_number) == ("SO-2026-000001", "SO-2026-000040")


# -- import: customers and products ---------------------------------------------------------------
CUSTOMERS = (
    "\ufeffCode,Name,tier,credit_limit,payment_terms,language,contacts\r\n"  # Excel: BOM, CRLF, capitals
    "new-1,宁波新客户有限公司,key,100000,net 60,zh-CN,王经理 13800000000\r\n"  # 2 good
    "CUST-001,Already there,,,,,\r\n"  # 3 exists in the database
    "NEW-2,Second,vip,,,,\r\n"  # 4 bad tier
    "NEW-1,Again,,,,,\r\n"  # 5 duplicate of row 2
    ",No code,,,,,\r\n"  # 6 no code
    "NEW-3,Third,,12.34567,,,\r\n"  # 7 more decimals than money keeps
    ",,,,,,\r\n"  # 8 empty: skipped
    'NEW-4,"Fourth, Ltd",,,,en,"a@b.com, +44 1"\r\n'  # 9 good, quoted commas
    "NEW-5,Fifth,,,,,,surplus\r\n"  # 10 a value beyond the header
)


def test_import_customers_keeps_good_rows_and_reports_bad_ones(any_desk: Desk, tmp_path: Path) -> None:
    seed(any_desk)
    report = import_csv(
        any_desk, any_desk.context(Front.shell, "wang"), "customers", write(tmp_path / "c.csv", CUSTOMERS)
    )
    assert report.imported == 2
    # already in the database: left as it is, with a note, not an error (import with update to change it)
    assert [(row, err.code, err.params) for row, err in report.skipped] == [(3, "import_exists", {"key": "CUST-001"})]
    assert rejected(report) == [
        (4, "import_bad_choice"),
        (5, "import_duplicate"),
        (6, "import_missing_value"),
        (7, "import_too_precise"),
        (10, "import_extra_values"),
    ]
    assert report.rejected[0][1].params == {"column": "tier", "value": "vip", "allowed": "normal, key, strategic"}
    assert report.rejected[1][1].params == {"key": "NEW-1", "row": 2}
    with any_desk.uow(readonly=True) as uow:
        new = uow.customers.get("NEW-1")
        fourth = uow.customers.get("NEW-4")
        assert uow.customers.get("NEW-2") is None and uow.customers.get("NEW-5") is None
        assert uow.customers.get("CUST-001").name == "华东机械有限公司"  # type: ignore[union-attr]
    assert new is not None and fourth is not None
    assert (new.name, new.tier.value, new.credit_limit, new.payment_terms, new.language) == (
        "宁波新客户有限公司",
        "key",
        Decimal("100000"),
        "NET60",
        "zh",
    )
    assert (fourth.name, fourth.contacts, fourth.credit_limit, fourth.payment_terms) == (
        "Fourth, Ltd",
        "a@b.com, +44 1",
        None,
        "NET30",
    )


def test_import_products_in_batches_keeps_the_good_rows_of_a_bad_batch(
    any_desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seed(any_desk)
    monkeypatch.setattr(importer, "BATCH", 2)  # rows 2-3, 4-5, ... each their own transaction
    csv_text = (
        "sku,name,unit,list_price,unit_cost,safety_stock,lead_time_days,make_or_buy\n"
        "ANCHOR-M10X100,膨胀螺栓 M10×100,pcs,1.25,0.9,500,20,buy\n"  # 2 good
        "BOLT-M8X30,dup of the database,pcs,0.1,,,,\n"  # 3 exists
        "SCREW-M4X12,机螺钉,box,18.5,,,,make\n"  # 4 good
        "ROD-M10,牙条,pcs,,,,,\n"  # 5 list price missing
        "ROD-M12,牙条,pcs,3,,,400,\n"  # 6 lead time out of range
        "ROD-M16,牙条,pcs,3,,,,maybe\n"  # 7 bad make_or_buy
        "anchor-m10x100,again,pcs,1,,,,\n"  # 8 duplicate of row 2 (case-insensitive)
        "RIVET 4X10,spaces,pcs,1,,,,\n"  # 9 SKU with a space
        "WASHER-M10,平垫圈,KG,12.5,,1.2345,,\n"  # 10 safety stock finer than kept
        "NUT-M10,六角螺母,,0.08,,,,\n"  # 11 good, defaults
    )
    report = import_csv(
        any_desk, any_desk.context(Front.shell, "admin"), "products", write(tmp_path / "p.csv", csv_text)
    )
    assert rejected(report) == [
        (5, "import_missing_value"),
        (6, "import_out_of_range"),
        (7, "import_bad_choice"),
        (8, "import_duplicate"),
        (9, "import_key_spaces"),
        (10, "import_too_precise"),
    ]
    assert [(row, err.code) for row, err in report.skipped] == [(3, "import_exists")]
    assert report.rejected[2][1].params == {"column": "make_or_buy", "value": "maybe", "allowed": "make, buy"}
    assert report.imported == 3
    with any_desk.uow(readonly=True) as uow:
        anchor, screw, nut = (uow.products.get(s) for s in ("ANCHOR-M10X100", "SCREW-M4X12", "NUT-M10"))
    assert anchor is not None and screw is not None and nut is not None
    assert (anchor.list_price, anchor.unit_cost, anchor.safety_stock, anchor.lead_time_days) == (
        Decimal("1.25"),
        Decimal("0.9"),
        Decimal("500"),
        20,
    )
    assert (screw.unit, screw.make_or_buy.value) == ("box", "make")
    assert (nut.unit, nut.make_or_buy.value, nut.lead_time_days) == ("pcs", "buy", 14)  # the domain's defaults
    assert count(any_desk, t.products) == 3 + 3  # seed() has three
    with any_desk.engine.connect() as conn:
        audits = (
            conn.execute(
                select(t.audit_log.c.detail).where(t.audit_log.c.action == "import").order_by(t.audit_log.c.id)
            )
            .scalars()
            .all()
        )
    assert len(audits) == 2 and "ANCHOR-M10X100" in audits[0] and "NUT-M10" in audits[1]


def test_master_data_import_needs_a_manager(desk: Desk, tmp_path: Path) -> None:
    seed(desk)
    path = write(tmp_path / "c.csv", "code,name\nNEW-1,x\n")
    with pytest.raises(PermissionDenied):
        import_csv(desk, desk.context(Front.shell, "lily"), "customers", path)
    assert count(desk, t.customers) == 3  # the seed's, nothing more
    with desk.engine.connect() as conn:
        outcome = conn.execute(select(t.audit_log.c.outcome).where(t.audit_log.c.action == "import")).scalar_one()
    assert outcome == "denied"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        ("code,tier\nNEW-1,key\n", "import_missing_column"),  # name missing
        ("code,name,credit limit\nNEW-1,x,5\n", "import_unknown_column"),  # a misspelt optional column
        ("code,name,name\nNEW-1,x,y\n", "import_duplicate_column"),
        ("", "import_empty"),
        (b"code,name\nNEW-1,\xc4\xfe\xb2\xa8\n", "import_not_utf8"),  # GBK from an older Excel
        (None, "import_file_missing"),
    ],
)
def test_a_wrong_file_is_refused_before_anything_is_stored(
    desk: Desk, tmp_path: Path, content: str | bytes | None, code: str
) -> None:
    path = tmp_path / "in.csv"
    if isinstance(content, bytes):
        path.write_bytes(content)
    elif content is not None:
        write(path, content)
    with pytest.raises(InvalidInput) as refused:
        import_csv(desk, desk.context(Front.shell, "admin"), "customers", path, progress=False)
    assert refused.value.code == code
    assert count(desk, t.customers) == 0


# -- import: orders -------------------------------------------------------------------------------
ORDERS = (
    "order_ref,customer,sku,quantity,unit_price,due_date,requested_date,po_ref,notes\n"
    "A,cust-001,BOLT-M8X30,1000,0.11,2026-12-20,,PO-1,urgent\n"  # 2 ┐ order A: good, two lines,
    "B,CUST-002,NUT-M8,abc,,2026-12-20,,,\n"  # 3 ┐ order B: bad quantity
    "A,,washer-m8,3000,,,2026-12-10,,\n"  # 4 ┘ header blank = same as above
    "B,CUST-002,WASHER-M8,5,,,,,\n"  # 5 ┘ ...rejects its good row too
    "C,CUST-404,NUT-M8,5,,2026-12-20,,,\n"  # 6 unknown customer (from the bus)
    "D,CUST-001,NUT-M8,5,,2026-11-01,,,\n"  # 7 due date in the past (from the bus)
    "E,CUST-001,NUT-M8,5,,2026/12/20,,,\n"  # 8 not an ISO date
    "F,CUST-001,NUT-M8,5,,,,,\n"  # 9 ┐ order F: a second customer
    "F,CUST-002,NUT-M8,5,,,,,\n"  # 10 ┘
    ",CUST-001,NUT-M8,5,,,,,\n"  # 11 no order_ref
    "G,CUST-002,NUT-M8,10,,,,,\n"  # 12 good, one line
)


def test_import_orders_through_the_bus(any_desk: Desk, tmp_path: Path) -> None:
    seed(any_desk)
    ctx = any_desk.context(Front.shell, "lily")
    report = import_csv(any_desk, ctx, "orders", write(tmp_path / "o.csv", ORDERS), progress=False)
    assert report.imported == 2 and report.numbers == ["SO-2026-000001", "SO-2026-000002"]
    assert rejected(report) == [
        (3, "import_bad_number"),
        (5, "import_order_rejected"),
        (6, "not_found"),
        (7, "date_in_past"),
        (8, "import_bad_date"),
        (9, "import_order_rejected"),
        (10, "import_inconsistent"),
        (11, "import_missing_value"),
    ]
    assert report.rejected[1][1].params == {"order_ref": "B", "row": 3}
    assert report.rejected[6][1].params["column"] == "customer"
    order = any_desk.bus.handle(c.ShowOrder("SO-2026-000001"), ctx)
    assert (order.customer.code, order.po_ref, order.notes, order.owner) == ("CUST-001", "PO-1", "urgent", "lily")
    assert [(ln.product.sku, ln.quantity, ln.unit_price) for ln in order.lines] == [
        ("BOLT-M8X30", Decimal(1000), Decimal("0.11")),
        ("WASHER-M8", Decimal(3000), Decimal("0.0235")),  # list price when none is given
    ]
    assert order.lines[1].requested_date.isoformat() == "2026-12-10"
    assert order.amount == Decimal("110") + Decimal("70.50") and order.version == 1
    assert count(any_desk, t.orders) == 2
    with any_desk.engine.connect() as conn:
        kinds = conn.execute(select(t.outbox.c.kind)).scalars().all()
        actions = conn.execute(select(t.audit_log.c.action).where(t.audit_log.c.subject.like("SO-%"))).scalars().all()
    assert kinds.count("order_created") == 2 and actions == ["create", "create"]


def test_order_import_by_someone_who_may_not_create_orders(desk: Desk, tmp_path: Path) -> None:
    seed(desk)
    with pytest.raises(PermissionDenied):
        import_csv(desk, desk.context(Front.shell, "liu"), "orders", write(tmp_path / "o.csv", ORDERS))
    assert count(desk, t.orders) == 0


# -- import: the same file again, updates, Excel's numbers (issue 13, item 15) ---------------------------
AGAIN = (
    "order_ref,customer,sku,quantity,unit_price,due_date\n"
    'R-1,CUST-001,BOLT-M8X30,"1,000",0.12,2026-12-20\n'  # 2
    "R-1,,NUT-M8,１２００,,\n"  # 3 full-width digits
    "R-2,CUST-002,NUT-M8,2 000,,2026-12-20\n"  # 4 a space between thousands
)


def stored_orders(desk: Desk) -> list[tuple[str, str | None, str]]:
    o = t.orders.c
    with desk.engine.connect() as conn:
        rows = conn.execute(select(o.number, o.external_ref, o.source).order_by(o.number)).all()
    return [(number, ref, source) for number, ref, source in rows]


def test_an_orders_file_imported_twice_creates_its_orders_once(any_desk: Desk, tmp_path: Path) -> None:
    seed(any_desk)
    ctx = any_desk.context(Front.shell, "lily")
    path = write(tmp_path / "o.csv", AGAIN)
    first = import_csv(any_desk, ctx, "orders", path, progress=False)
    assert (first.numbers, first.rejected, first.skipped) == (["SO-2026-000001", "SO-2026-000002"], [], [])
    again = import_csv(any_desk, ctx, "orders", path, progress=False)
    assert (again.imported, again.numbers, again.rejected) == (0, [], [])
    assert [(row, err.code, err.params) for row, err in again.skipped] == [
        (2, "order_already_imported", {"ref": "R-1", "number": "SO-2026-000001"}),
        (4, "order_already_imported", {"ref": "R-2", "number": "SO-2026-000002"}),
    ]
    assert stored_orders(any_desk) == [("SO-2026-000001", "R-1", "import"), ("SO-2026-000002", "R-2", "import")]
    order = any_desk.bus.handle(c.ShowOrder("SO-2026-000001"), ctx)
    assert [ln.quantity for ln in order.lines] == [Decimal(1000), Decimal(1200)]


def test_two_imports_of_one_order_at_once_create_it_once(
    any_desk: Desk, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The other import commits between our look-up and our commit: the database's unique key on (customer,
    external_ref) refuses ours, and asked again the order is found and said to be imported already."""
    from adapters.sql.repositories import SqlOrders

    seed(any_desk)
    ctx = any_desk.context(Front.shell, "lily")
    path = write(tmp_path / "o.csv", AGAIN)
    import_csv(any_desk, ctx, "orders", path, progress=False)
    real, looked = SqlOrders.by_external_ref, []

    def late_look(self: SqlOrders, customer_id: int, ref: str) -> str | None:
        looked.append(ref)
        return None if len(looked) == 1 else real(self, customer_id, ref)

    monkeypatch.setattr(SqlOrders, "by_external_ref", late_look)
    report = import_csv(any_desk, ctx, "orders", path, progress=False)
    assert looked[:2] == ["R-1", "R-1"] and report.imported == 0 and report.rejected == []
    assert [err.code for _, err in report.skipped] == ["order_already_imported"] * 2
    assert count(any_desk, t.orders) == 2


def test_customers_and_products_update_only_when_asked(any_desk: Desk, tmp_path: Path) -> None:
    seed(any_desk)
    ctx = any_desk.context(Front.shell, "wang")
    customers = write(tmp_path / "c.csv", 'code,name,tier,credit_limit\nCUST-002,Acme Tools Group,key,"2,500"\n')
    left = import_csv(any_desk, ctx, "customers", customers, progress=False)
    assert (left.updated, [err.code for _, err in left.skipped]) == (0, ["import_exists"])
    done = import_csv(any_desk, ctx, "customers", customers, progress=False, update=True)
    assert (done.imported, done.updated, done.skipped, done.rejected) == (0, 1, [], [])
    products = write(tmp_path / "p.csv", "sku,name,list_price,safety_stock,unit\nNUT-M8,六角螺母 M8,0.06,1 000,千克\n")
    assert import_csv(any_desk, ctx, "products", products, progress=False, update=True).updated == 1
    with any_desk.uow(readonly=True) as uow:
        acme, nut = uow.customers.get("CUST-002"), uow.products.get("NUT-M8")
    assert acme is not None and nut is not None
    assert (acme.name, acme.tier.value, acme.credit_limit, acme.payment_terms) == (
        "Acme Tools Group", "key", Decimal(2500), "NET60"
    )  # fmt: skip
    assert (nut.list_price, nut.safety_stock, nut.unit, nut.unit_cost) == (
        Decimal("0.06"), Decimal(1000), "kg", Decimal("0.03")
    )  # fmt: skip
    with any_desk.engine.connect() as conn:
        a = t.audit_log.c
        details = conn.execute(select(a.detail).where(a.action == "import_update").order_by(a.id)).scalars().all()
    assert details == [
        "c.csv: CUST-002 (name, tier, credit_limit)",
        "p.csv: NUT-M8 (unit, list_price, safety_stock)",
    ]
