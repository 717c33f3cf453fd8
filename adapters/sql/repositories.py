"""Repositories over one SQLAlchemy session."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from sqlalchemy import ColumnElement, Select, case, func, insert, or_, select, text
from sqlalchemy.orm import Session, selectinload

from adapters.sql import tables as t
from adapters.sql.search_keys import ESCAPE, literal, may_be_initials
from domain.history import AuditEntry, OrderVersion
from domain.lifecycle import CHANGEABLE, NOT_SHIPPED, OPEN, Status
from domain.orders import Order, OrderLine
from domain.parties import Customer, Product
from domain.ports import OrderFilter
from domain.users import Front, User


class SqlOrders:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, order: Order) -> None:
        self.session.add(order)

    def get(self, number: str) -> Order | None:
        # selectin, not joined: SQLite plans the four-table join as a scan of order_lines
        stmt = select(Order).where(t.orders.c.number == number).options(selectinload(Order.lines))  # type: ignore[arg-type]
        return self.session.scalars(stmt).unique().one_or_none()

    def refresh_lines(self, order: Order) -> None:
        """Re-read the order's lines after stock rows were locked: another transaction may have moved
        their reservations (a receipt filling a backorder) between our first read and the lock."""
        if order.id is not None:
            stmt = select(OrderLine).where(t.order_lines.c.order_id == order.id)
            self.session.scalars(stmt.execution_options(populate_existing=True)).all()

    def _filtered(self, stmt: Select[tuple[Order]], flt: OrderFilter) -> Select[tuple[Order]]:
        c = t.orders.c
        if flt.customer_id is not None:
            stmt = stmt.where(c.customer_id == flt.customer_id)
        if flt.status is not None:
            stmt = stmt.where(c.status == Status(flt.status))
        if flt.exclude_statuses:
            stmt = stmt.where(c.status.not_in(tuple(Status(s) for s in flt.exclude_statuses)))
        if flt.owner is not None:
            stmt = stmt.where(c.owner == flt.owner)
        if flt.overdue_on is not None:
            stmt = stmt.where(c.status.in_(tuple(NOT_SHIPPED)), c.due_date < flt.overdue_on)
        if flt.at_risk:  # the partial index ix_orders_at_risk: its predicate word for word
            stmt = stmt.where(text("at_risk"), c.status.in_(tuple(CHANGEABLE)))
        if flt.text:
            like = f"%{literal(flt.text)}%"  # what was typed, literally: `find 100%` is not "100 and anything"
            cust = t.customers.c
            matching_customers = select(cust.id).where(
                or_(cust.name.ilike(like, escape=ESCAPE), cust.code.ilike(like, escape=ESCAPE))
            )
            stmt = stmt.where(
                or_(
                    c.number.ilike(like, escape=ESCAPE),
                    c.po_ref.ilike(like, escape=ESCAPE),
                    c.notes.ilike(like, escape=ESCAPE),
                    c.tracking.ilike(like, escape=ESCAPE),
                    c.customer_id.in_(matching_customers),
                )
            )
        return stmt

    def search(self, flt: OrderFilter) -> Sequence[Order]:
        stmt = self._filtered(select(Order), flt)
        # newest first; overdue lists the latest-running first, which is what a chaser works down
        c = t.orders.c
        order = (c.due_date, c.id) if flt.overdue_on is not None else (c.id.desc(),)
        stmt = stmt.order_by(*order).limit(flt.limit).offset(flt.offset)
        return self.session.scalars(stmt).unique().all()

    def count(self, flt: OrderFilter) -> int:
        stmt = self._filtered(select(func.count()).select_from(t.orders), flt)  # type: ignore[arg-type]
        return int(self.session.scalar(stmt) or 0)

    def open_value(self, customer_id: int, excluding_number: str) -> Decimal:
        c = t.orders.c
        stmt = select(func.coalesce(func.sum(c.amount), 0)).where(
            c.customer_id == customer_id, c.status.in_(tuple(OPEN)), c.number != excluding_number
        )
        # SUM keeps the column's type, so the value arrives already as an exact Decimal
        return Decimal(self.session.execute(stmt).scalar_one())

    def by_external_ref(self, customer_id: int, external_ref: str) -> str | None:
        c = t.orders.c  # the unique key (customer_id, external_ref) answers it
        stmt = select(c.number).where(c.customer_id == customer_id, c.external_ref == external_ref)
        return self.session.scalars(stmt).first()

    def skus_ordered(self, customer_id: int, skus: Sequence[str], excluding_number: str) -> set[str]:
        """Which of ``skus`` appear on the customer's other orders (cancelled ones do not count)."""
        if not skus:
            return set()
        o, p = t.orders.c, t.products.c
        stmt = (
            select(p.sku)
            .select_from(t.order_lines.join(t.orders).join(t.products))
            .where(
                o.customer_id == customer_id,
                o.number != excluding_number,
                o.status != Status.cancelled,
                p.sku.in_(sorted(set(skus))),
            )
            .distinct()
        )
        return set(self.session.scalars(stmt))


class SqlCustomers:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, customer: Customer) -> None:
        self.session.add(customer)

    def get(self, code: str) -> Customer | None:
        return self.session.scalars(select(Customer).where(t.customers.c.code == code)).one_or_none()

    def lock(self, customer: Customer) -> None:
        """Serialise credit decisions for one customer: two confirmations must not both pass the check.

        FOR NO KEY UPDATE, not FOR UPDATE: another transaction that updates one of this customer's orders
        re-checks the foreign key with FOR KEY SHARE, which FOR UPDATE would block — a deadlock with a
        cancel holding the stock row this confirmation waits for.
        """
        stmt = select(t.customers.c.id).where(t.customers.c.id == customer.id).with_for_update(key_share=True)
        self.session.execute(stmt)

    def search(self, text: str, limit: int = 20, offset: int = 0) -> Sequence[Customer]:
        c = t.customers.c
        match, rank = _matching(text, c.code, c.name, c.name_initials)
        stmt = select(Customer).where(match).order_by(rank, c.code).limit(limit).offset(offset)
        return self.session.scalars(stmt).all()

    def count(self, text: str) -> int:
        c = t.customers.c
        match, _rank = _matching(text, c.code, c.name, c.name_initials)
        return int(self.session.scalar(select(func.count()).select_from(t.customers).where(match)) or 0)


class SqlProducts:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, product: Product) -> None:
        self.session.add(product)

    def get(self, sku: str) -> Product | None:
        return self.session.scalars(select(Product).where(t.products.c.sku == sku.strip().upper())).one_or_none()

    def by_id(self, product_id: int) -> Product | None:
        return self.session.get(Product, product_id)

    def search(self, text: str, limit: int = 20, offset: int = 0) -> Sequence[Product]:
        p = t.products.c
        match, rank = _matching(text, p.sku, p.name)
        stmt = select(Product).where(match).order_by(rank, p.sku).limit(limit).offset(offset)
        return self.session.scalars(stmt).all()

    def count(self, text: str) -> int:
        p = t.products.c
        match, _rank = _matching(text, p.sku, p.name)
        return int(self.session.scalar(select(func.count()).select_from(t.products).where(match)) or 0)


def _matching(
    text: str, key: ColumnElement[str], name: ColumnElement[str], initials: ColumnElement[str] | None = None
) -> tuple[ColumnElement[bool], ColumnElement[int]]:
    """Rows whose key or name contains ``text`` (literally, any case), or whose initials start with it; and
    their rank: 0 the key or name exactly, 1 starting with the text, 2 containing it, 3 by initials only."""
    typed = text.strip()
    folded, pattern = typed.lower(), literal(typed)
    contains = f"%{pattern}%"
    starts = f"{pattern}%"
    found = or_(key.ilike(contains, escape=ESCAPE), name.ilike(contains, escape=ESCAPE))
    match = found
    if initials is not None and may_be_initials(typed):
        match = or_(found, initials.like(f"{literal(folded)}%", escape=ESCAPE))
    rank = case(
        (or_(func.lower(key) == folded, func.lower(name) == folded), 0),
        (or_(key.ilike(starts, escape=ESCAPE), name.ilike(starts, escape=ESCAPE)), 1),
        (found, 2),
        else_=3,
    )
    return match, rank


class SqlUsers:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add(self, user: User) -> None:
        self.session.add(user)

    def get(self, name: str) -> User | None:
        return self.session.scalars(select(User).where(t.users.c.name == name)).one_or_none()

    def by_identity(self, front: Front, identity: str) -> User | None:
        column = {Front.shell: t.users.c.name, Front.slack: t.users.c.slack_id, Front.telegram: t.users.c.telegram_id}[
            front
        ]
        return self.session.scalars(select(User).where(column == identity)).one_or_none()

    def all(self) -> Sequence[User]:
        return self.session.scalars(select(User).order_by(t.users.c.name)).all()


class SqlHistory:
    def __init__(self, session: Session) -> None:
        self.session = session

    def add_version(self, version: OrderVersion) -> None:
        # Append-only rows skip the ORM's unit of work: a plain INSERT in the same transaction.
        self.session.execute(insert(t.order_versions).values(_row(version)))

    def version(self, order_number: str, version: int) -> OrderVersion | None:
        c = t.order_versions.c
        stmt = select(OrderVersion).where(c.order_number == order_number, c.version == version)
        return self.session.scalars(stmt).one_or_none()

    def versions(self, order_number: str) -> Sequence[OrderVersion]:
        c = t.order_versions.c
        stmt = select(OrderVersion).where(c.order_number == order_number).order_by(c.version)
        return self.session.scalars(stmt).all()

    def audit(self, entry: AuditEntry) -> None:
        self.session.execute(insert(t.audit_log).values(_row(entry)))

    def audit_of(self, subject: str) -> Sequence[AuditEntry]:
        c = t.audit_log.c
        return self.session.scalars(select(AuditEntry).where(c.subject == subject).order_by(c.id)).all()


def _row(obj: OrderVersion | AuditEntry) -> dict[str, object]:
    return {k: v for k, v in vars(obj).items() if not k.startswith("_") and k != "id"}
