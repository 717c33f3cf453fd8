"""The demo company: a fastener factory's customers, products, people and orders, generated.

Deterministic for a seed, with dates relative to ``desk.today()`` so the demo always looks
current. The demo's people are let in through the bus, as the config's admins are: a ``SeedUsers`` run by
the bot itself, each grant audited as made by "demo". The rest is seed data, written directly on purpose:
customers and products through a unit of work (no command creates them one by one), and orders and stock
with SQLAlchemy Core executemany in chunks, because the ORM would take minutes for 100 000 orders. Each
order is still built by the domain's own code (``Order``'s constructor, ``add_line``, lifecycle methods and
``snapshot()``), so amounts, line numbers, confirmed dates and versions cannot drift from it.
"""

from __future__ import annotations

import random
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any, TypeVar, cast

from sqlalchemy import Connection, insert, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import QueryableAttribute
from sqlalchemy.orm.base import opt_manager_of_class
from tqdm import tqdm

from adapters.sql import tables as t
from bot.app.bootstrap import Desk
from bot.app.demo_data import (
    BOLTS,
    BRANDS,
    CANCEL_REASONS,
    CARRIERS,
    CITIES,
    EN_FIRST,
    EN_FORM,
    EN_TRADE,
    FINISHES,
    HOLD_REASONS,
    KINDS,
    NOTES,
    PEOPLE,
    PROFILE,
    SAFETY,
    SIZES,
    TERMS,
    TRADES,
    USERS,
)
from bot.app.demo_stock import load_stock
from domain.checks import confirmed_dates
from domain.commands import Newcomer, SeedUsers
from domain.lifecycle import Status
from domain.numbers import ORDER
from domain.orders import Order, number_for
from domain.parties import Customer, MakeOrBuy, Product, Tier
from domain.results import Done

S = Status
CHUNK = 5_000
DEMO = "demo"  # source/front/action of what the demo writes, so it can be told apart later
T = TypeVar("T")


@dataclass(frozen=True)
class DemoSummary:
    customers: int
    products: int
    users_added: int
    orders: int
    lines: int
    by_status: tuple[tuple[str, int], ...]
    first_number: str = ""
    last_number: str = ""


def demo_is_needed(desk: Desk) -> bool:
    with desk.engine.connect() as conn:
        has_orders = conn.execute(select(t.orders.c.id).limit(1)).first() is not None
        has_customers = conn.execute(select(t.customers.c.id).limit(1)).first() is not None
    return not has_orders and not has_customers


def load_demo(desk: Desk, orders: int = 400, seed: int = 7, progress: bool = False) -> DemoSummary:
    rng = random.Random(seed)
    users = _ensure_users(desk)
    customers = _store_new(desk, _customers(rng), lambda c: c.code)
    products = _store_new(desk, _products(rng), lambda p: p.sku)
    lines, counts, numbers = _load_orders(desk, rng, orders, customers, products, progress)
    by_status = tuple((s.value, counts[s]) for s in Status if counts[s])
    return DemoSummary(len(customers), len(products), users, orders, lines, by_status, *numbers)


# -- the demo's people: through the bus, as the bot itself -----------------------------------------
def _ensure_users(desk: Desk) -> int:
    """Lets in the demo's people who are not users yet (one who already is, is left as they are); returns how
    many were added."""
    people = tuple(Newcomer(name, role.value, display) for name, display, role in USERS)
    done = desk.handle(SeedUsers(DEMO, people, grant_existing=False), desk.system_context())
    assert isinstance(done, Done)
    return len(done.params["added"])


# -- master data: seed data, few rows, written through a unit of work -----------------------------
def _store_new(desk: Desk, items: list[T], key: Callable[[T], str]) -> list[T]:
    """Add the items not stored yet and return all as stored: a rerun reuses existing master data."""
    stored = []
    with desk.uow() as uow:
        repo: Any = uow.customers if items and isinstance(items[0], Customer) else uow.products
        for item in items:
            existing = repo.get(key(item))
            if existing is None:
                repo.add(item)
            stored.append(existing or item)
        uow.commit()
    return stored


def _customers(rng: random.Random) -> list[Customer]:
    tiers = [Tier.strategic] * 6 + [Tier.key] * 20 + [Tier.normal] * 94
    rng.shuffle(tiers)
    names: set[str] = set()
    out = []
    for i, tier in enumerate(tiers, start=1):
        chinese = rng.random() < 0.65
        name = ""
        while not name or name in names:
            if chinese:
                form = rng.choice(("有限公司", "股份有限公司"))
                name = f"{rng.choice(CITIES)}{rng.choice(BRANDS)}{rng.choice(TRADES)}{form}"
            else:
                name = f"{rng.choice(EN_FIRST)} {rng.choice(EN_TRADE)} {rng.choice(EN_FORM)}"
        names.add(name)
        if chinese:
            title = rng.choice(("经理", "工", "总", "小姐"))
            phone = f"1{rng.randint(3, 9)}{rng.randint(0, 10**9 - 1):09d}"
            contacts = f"{rng.choice('王李张刘陈杨黄赵吴周徐孙马朱胡郭')}{title} {phone}"
        else:
            person = rng.choice(PEOPLE)
            email = f"{person.split()[0].lower()}@{name.split()[0].lower()}.com"
            contacts = f"{person} <{email}>, +{rng.choice((1, 44, 49, 61))} {rng.randint(1000000, 9999999)}"
        span = {Tier.strategic: (100, 200), Tier.key: (30, 150), Tier.normal: (5, 50)}[tier]
        # half the strategic accounts have no limit at all: the boss decided, no credit check
        credit = None if tier is Tier.strategic and i % 2 else Decimal(rng.randint(*span) * 10_000)
        terms = rng.choice(("NET60", "NET60", "NET30") if tier is not Tier.normal else TERMS)
        out.append(Customer(f"CUST-{i:03d}", name, tier, credit, terms, "zh" if chinese else "en", contacts))
    return out


def _products(rng: random.Random) -> list[Product]:
    out: list[Product] = []

    def add(kind: str, size: str, finish: str, each: float, unit: str = "pcs") -> None:
        zh, en, make = KINDS[kind]
        fzh, fen, factor = FINISHES[finish]
        price = min(max(each * factor * rng.uniform(0.95, 1.05), 0.05), 25.0)  # list prices 0.05-25 CNY
        list_price = Decimal(f"{price:.3f}" if price < 1 else f"{price:.2f}")
        cost = (list_price * rng.randint(60, 80) / 100).quantize(Decimal("0.0001"))
        safety = rng.choice(SAFETY[unit])
        sku = "-".join(filter(None, (kind, size, finish)))
        name = " ".join(filter(None, (zh, size.replace("X", "×"), fzh, "/", en, size.replace("X", "x"), fen)))
        lead = rng.randint(7, 30) if make else rng.randint(3, 45)
        kind_of = MakeOrBuy.make if make else MakeOrBuy.buy
        out.append(Product(sku, name, unit, list_price, cost, Decimal(safety), lead, kind_of))

    for finish in FINISHES:
        for d, *lengths in BOLTS:
            for length in lengths:
                add("BOLT", f"M{d}X{length}", finish, 0.000085 * d * d * (length + 2 * d))
        for d in SIZES:
            add("NUT", f"M{d}", finish, 0.000156 * d**3)
            bulk = d >= 12 and finish != "SS304"  # big plain washers are sold by weight
            add("WASHER", f"M{d}", finish, 13.0 if bulk else 0.0004 * d * d, "kg" if bulk else "pcs")
    for finish in ("ZN", "SS304"):
        for d, length in ((3, 8), (3, 10), (4, 10), (4, 12), (4, 16), (5, 12), (5, 16), (5, 20), (6, 16), (6, 20)):
            each = 0.0012 * d * d * (length + 4)
            add("SCREW", f"M{d}X{length}", finish, *((each * 200, "box") if d <= 4 else (each, "pcs")))
        for d, length in ((5, 16), (6, 20), (8, 25), (10, 30), (12, 40), (20, 60)):
            add("SOCKET", f"M{d}X{length}", finish, 0.00015 * d * d * (length + 2 * d))
        for d, length in ((8, 60), (8, 80), (10, 80), (10, 100), (12, 120), (16, 150)):
            add("ANCHOR", f"M{d}X{length}", finish, 0.0009 * d * d * length / 10)
        for d in (8, 10, 12, 16):
            add("ROD", f"M{d}X1000", finish, 0.05 * d * d)
        for spec in ("ST3.5X13", "ST4.2X16", "ST4.8X25", "ST5.5X32"):
            add("TAPPING", spec, finish, 0.04)
        for d in (6, 8, 10, 12, 16, 20):
            add("WASHER-SPRING", f"M{d}", finish, 0.0006 * d * d)
        for d, length in ((4, 10), (5, 12), (5, 16)):
            add("RIVET", f"{d}X{length}", finish, 0.0025 * d * length / 10)
    return out


# -- orders --------------------------------------------------------------------------------------
def _unmapped(cls: type[T]) -> type[T]:
    """The domain class's own methods and __init__ on a twin the ORM does not instrument.

    Instrumented attribute sets cost ~20x a plain one: for 100 000 throwaway orders, walked
    through their lifecycle, that is a third of the demo's time. The twin runs exactly the
    domain's code (the same function objects), so the snapshot format, line numbering and amount
    rules cannot drift; where the class is not mapped, it is the class itself.
    """
    manager = opt_manager_of_class(cls)
    if manager is None or manager.original_init is None:
        return cls
    skip = {"__dict__", "__weakref__"}
    ns = {k: v for k, v in vars(cls).items() if not isinstance(v, QueryableAttribute) and not k.startswith("_sa_")}
    ns = {k: v for k, v in ns.items() if k not in skip} | {"__init__": manager.original_init}
    return cast("type[T]", type(cls.__name__, (), ns))


@dataclass(frozen=True)
class _Plan:
    created_at: datetime
    index: int
    status: Status
    due: date
    customer: Customer


def _plans(desk: Desk, rng: random.Random, count: int, customers: list[Customer]) -> list[_Plan]:
    """Status, dates and customer per order, sorted by creation time so numbers grow with time."""
    now, today, zone = desk.clock.now(), desk.today(), desk.settings.zone
    statuses, weights = list(PROFILE), [w for w, _, _ in PROFILE.values()]
    every = list(Status)  # the first orders cover every status once, so even a tiny demo shows all
    rng.shuffle(every)
    # strategic and key customers order more often, as they do in a real order book
    cust_weights = [{Tier.strategic: 8, Tier.key: 3, Tier.normal: 1}[c.tier] for c in customers]
    plans = []
    for i in range(count):
        status = every[i] if i < len(every) else rng.choices(statuses, weights)[0]
        _, lo, hi = PROFILE[status]
        due_off = rng.randint(lo, hi)
        created_off = min(due_off - rng.randint(10, 45), 0)
        if status in (S.draft, S.pending_confirmation):
            # entered in the last few days; one pending and due soon (or late) is the 掉单 to catch
            created_off = -rng.randint(0, 4)
            due_off = max(due_off, created_off + 1)
        local = datetime.combine(today + timedelta(days=created_off), time(8), zone)
        created = min((local + timedelta(minutes=rng.randint(0, 660))).astimezone(UTC), now - timedelta(minutes=5))
        customer = rng.choices(customers, cust_weights)[0]
        plans.append(_Plan(created, i, status, today + timedelta(days=due_off), customer))
    plans.sort(key=lambda p: (p.created_at, p.index))
    return plans


def _reserve_numbers(conn: Connection, years: Counter[int]) -> dict[int, int]:
    """Take each year's block from number_series, with the same upsert as the bot's next_number."""
    dialect_insert = pg_insert if conn.dialect.name == "postgresql" else sqlite_insert
    c = t.number_series.c
    first = {}
    for year, n in sorted(years.items()):
        stmt = (
            dialect_insert(t.number_series)
            .values(name=ORDER.counter(year), last=n)
            .on_conflict_do_update(index_elements=[c.name], set_={"last": c.last + n})
            .returning(c.last)
        )
        first[year] = int(conn.execute(stmt).scalar_one()) - n + 1
    return first


def _quantity(rng: random.Random, product: Product) -> Decimal:
    if product.unit in ("kg", "box"):
        return Decimal(rng.choice((5, 10, 20, 50, 100) if product.unit == "box" else (25, 50, 100, 200, 500)))
    if product.list_price > 2:
        return Decimal(rng.choice((100, 200, 500, 1000, 2000)))
    return Decimal(rng.choice((500, 1000, 2000, 5000, 10000, 20000, 50000)))


def _path_to(target: Status, rng: random.Random, buy_only: bool) -> list[Status]:
    """The legal steps from draft to ``target``; the domain's lifecycle refuses any other."""
    main = [S.pending_confirmation, S.confirmed, S.in_production, S.ready, S.shipped, S.delivered, S.closed]
    if (buy_only or rng.random() < 0.1) and target is not S.in_production:
        main.remove(S.in_production)  # bought goods skip production, as the lifecycle allows
    if target is S.on_hold:
        held = rng.choice([s for s in (S.pending_confirmation, S.confirmed, S.in_production, S.ready) if s in main])
        return [*main[: main.index(held) + 1], S.on_hold]
    if target is S.cancelled:
        return [*main[: rng.randint(0, 2)], S.cancelled]
    return [] if target is S.draft else main[: main.index(target) + 1]


class _Builder:
    def __init__(self, rng: random.Random, products: list[Product], now: datetime, today: date) -> None:
        self.rng, self.products, self.now, self.today = rng, products, now, today
        self.order_cls = _unmapped(Order)

    def build(self, plan: _Plan, number: str) -> tuple[Order, str]:
        """One order walked through the domain's lifecycle to its planned status, and the reason."""
        rng, customer = self.rng, plan.customer
        owner = "lily" if customer.code[-1] in "02468" else "mike"  # each customer has one account owner
        po_ref = f"PO{plan.created_at:%y%m}-{rng.randint(100, 9999)}" if rng.random() < 0.7 else ""
        order = self.order_cls(
            number=number,
            customer=customer,
            owner=owner,
            created_at=plan.created_at,
            source=DEMO,
            due_date=plan.due,
            rush=rng.random() < 0.05,
            po_ref=po_ref,
            notes=rng.choice(NOTES),
        )
        big = plan.index % 250 == 17  # a few framework orders with many lines, as some customers send
        count = rng.randint(40, 200) if big else rng.choice((1, 1, 2, 2, 3, 3, 4, 5, 6))
        discount = {Tier.strategic: 10, Tier.key: 5, Tier.normal: 2}[customer.tier]
        for product in rng.sample(self.products, min(count, len(self.products))):
            price = (product.list_price * (100 - rng.randint(0, discount)) / 100).quantize(Decimal("0.0001"))
            requested = None
            if rng.random() < 0.15:
                requested = max(plan.due - timedelta(days=rng.randint(0, 7)), plan.created_at.date())
                if plan.status in (S.draft, S.pending_confirmation):
                    requested = max(requested, self.today)  # still editable: no date in the past
            # the domain's add_line: numbering, checks and amounts stay the domain's own bookkeeping
            order.add_line(product, _quantity(rng, product), price, requested)
        at = plan.created_at + (self.now - plan.created_at) * rng.uniform(0.2, 0.95)
        reason = ""
        path = _path_to(plan.status, rng, all(ln.product.make_or_buy is MakeOrBuy.buy for ln in order.lines))
        for step in path:
            if step is S.pending_confirmation:
                order.submit(owner, at)
            elif step is S.confirmed:
                order.confirm(owner, at, confirmed_dates(order))
            elif step is S.shipped:
                carrier, prefix = rng.choice(CARRIERS)
                order.ship(owner, at, carrier, f"{prefix}{rng.randint(10**11, 10**12 - 1)}")
            elif step is S.on_hold:
                order.hold(owner, at, reason := rng.choice(HOLD_REASONS))
            elif step is S.cancelled:
                order.cancel(owner, at, reason := rng.choice(CANCEL_REASONS))
            else:
                order.advance_to(step, owner, at)
        order.version, order.updated_at = 1, at if path else plan.created_at
        order.status_changed_at = order.updated_at
        order.events.clear()  # the demo publishes nothing: no outbox rows to flood the channels
        return order, reason


# row_version is the optimistic lock's counter: the database starts it at 1
ORDER_COLUMNS = [c.name for c in t.orders.c if c.name not in ("id", "customer_id", "row_version")]
LINE_COLUMNS = [c.name for c in t.order_lines.c if c.name not in ("id", "order_id", "product_id")]


def _insert_chunk(conn: Connection, built: list[tuple[Order, str]]) -> int:
    """Orders (ids back in input order), their lines, one version and one audit row each."""
    rows = [{c: getattr(o, c) for c in ORDER_COLUMNS} | {"customer_id": o.customer.id} for o, _ in built]
    ids = conn.execute(insert(t.orders).returning(t.orders.c.id, sort_by_parameter_order=True), rows).scalars().all()
    lines = [
        {c: getattr(ln, c) for c in LINE_COLUMNS} | {"order_id": oid, "product_id": ln.product.id}
        for (o, _), oid in zip(built, ids, strict=True)
        for ln in o.lines
    ]
    for i in range(0, len(lines), CHUNK):
        conn.execute(insert(t.order_lines), lines[i : i + CHUNK])
    head: list[dict[str, Any]] = [
        {"at": o.updated_at, "actor": o.owner, "front": DEMO, "action": DEMO, "reason": r} for o, r in built
    ]
    pairs = list(zip(head, built, strict=True))
    versions = [h | {"order_number": o.number, "version": 1, "snapshot": o.snapshot()} for h, (o, _) in pairs]
    conn.execute(insert(t.order_versions), versions)
    audits = [h | {"subject": o.number, "outcome": "ok", "version": 1, "detail": o.status.value} for h, (o, _) in pairs]
    conn.execute(insert(t.audit_log), audits)
    return len(lines)


def _load_orders(
    desk: Desk, rng: random.Random, count: int, customers: list[Customer], products: list[Product], progress: bool
) -> tuple[int, Counter[Status], tuple[str, str]]:
    zone = desk.settings.zone
    plans = _plans(desk, rng, count, customers)
    builder = _Builder(rng, products, desk.clock.now(), desk.today())
    counts: Counter[Status] = Counter()
    lines, numbers = 0, []
    # One transaction: the demo is either all there or not at all.
    with (
        desk.engine.begin() as conn,
        tqdm(total=count, unit="order", file=sys.stderr, disable=not progress, desc="demo orders") as bar,
    ):
        next_seq = _reserve_numbers(conn, Counter(p.created_at.astimezone(zone).year for p in plans))
        for start in range(0, len(plans), CHUNK):
            built = []
            for plan in plans[start : start + CHUNK]:
                year = plan.created_at.astimezone(zone).year
                built.append(builder.build(plan, number_for(year, next_seq[year])))
                next_seq[year] += 1
            lines += _insert_chunk(conn, built)
            counts.update(o.status for o, _ in built)
            numbers += [o.number for o, _ in (built[0], built[-1])]
            bar.update(len(built))
        load_stock(conn, rng, products, desk.clock.now())
    return lines, counts, (min(numbers), max(numbers)) if numbers else ("", "")
