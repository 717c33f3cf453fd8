"""Read-only use cases: show, list, find, history, diff, whoami."""

from __future__ import annotations

from domain import commands as c
from domain.errors import InvalidInput, NotFound
from domain.handlers.common import load_order
from domain.history import diff_snapshots
from domain.lifecycle import Status
from domain.lookup import resolve_customer
from domain.orders import Order
from domain.ports import Context, OrderFilter, UnitOfWork
from domain.results import Choices, CustomersView, DiffView, OrderHistoryView, OrderPage, ProductsView, UserView

MAX_PAGE = 50


def show_order(q: c.ShowOrder, uow: UnitOfWork, ctx: Context) -> Order:
    return load_order(uow, q.number)


def list_orders(q: c.ListOrders, uow: UnitOfWork, ctx: Context) -> OrderPage:
    customer_id = None
    if q.customer:
        customer_id = resolve_customer(uow, q.customer).id
    if q.status is not None and q.status not in Status.__members__:
        raise InvalidInput("unknown_status", status=q.status, allowed=", ".join(Status.__members__))
    if q.owner and uow.users.get(q.owner) is None:
        raise NotFound("user", q.owner)
    flt = OrderFilter(
        customer_id=customer_id,
        status=q.status,
        owner=q.owner,
        overdue_on=ctx.today if q.overdue else None,
        at_risk=q.at_risk,
        limit=max(1, min(q.limit, MAX_PAGE)),
        offset=max(0, q.offset),
    )
    orders = list(uow.orders.search(flt))
    total = uow.orders.count(flt) if len(orders) == flt.limit or flt.offset else len(orders)
    return OrderPage(orders, total, flt.offset)


def find_orders(q: c.FindOrders, uow: UnitOfWork, ctx: Context) -> OrderPage:
    text = q.text.strip()
    if len(text) < 2:
        raise InvalidInput("search_too_short")
    flt = OrderFilter(text=text, limit=max(1, min(q.limit, MAX_PAGE)), offset=max(0, q.offset))
    orders = list(uow.orders.search(flt))
    # a full page (or a later one) may not be all: say "20 of N"
    total = uow.orders.count(flt) if len(orders) == flt.limit or flt.offset else len(orders)
    return OrderPage(orders, total, flt.offset, "found_title", {"text": text})


def order_history(q: c.OrderHistory, uow: UnitOfWork, ctx: Context) -> OrderHistoryView:
    """The order's audit trail; its refused attempts include those on its change requests (a refused approval is
    audited under the CR's number), merged in time order — each entry once, its ``subject`` saying which."""
    order = load_order(uow, q.number)
    trail = list(uow.history.audit_of(order.number))
    done = [e for e in trail if e.outcome == "ok"]
    refused = [e for e in trail if e.outcome != "ok"]
    for number in sorted({cr.number for cr in uow.changes.of_order(order.number)}):
        refused += [e for e in uow.history.audit_of(number) if e.outcome != "ok"]
    refused.sort(key=lambda e: (e.at, e.id or 0))
    return OrderHistoryView(order, done, refused, list(uow.history.versions(order.number)))


def diff_order(q: c.DiffOrder, uow: UnitOfWork, ctx: Context) -> DiffView:
    order = load_order(uow, q.number)
    new_v = order.version if q.new_version is None else q.new_version
    old_v = new_v - 1 if q.old_version is None else q.old_version
    if old_v == new_v:
        raise InvalidInput("diff_same_version", version=new_v)
    versions = {}
    for v in (old_v, new_v):
        found = uow.history.version(order.number, v)
        if found is None:
            raise NotFound("version", f"{order.number} v{v} (1..{order.version})")
        versions[v] = found.snapshot
    return DiffView(order, diff_snapshots(order.number, old_v, versions[old_v], new_v, versions[new_v]))


def find_customers(q: c.FindCustomers, uow: UnitOfWork, ctx: Context) -> Choices:
    found = uow.customers.search(q.text, max(1, min(q.limit, MAX_PAGE))) if q.text.strip() else []
    return Choices([(cust.code, f"{cust.code} {cust.name}") for cust in found])


def find_products(q: c.FindProducts, uow: UnitOfWork, ctx: Context) -> Choices:
    found = uow.products.search(q.text, max(1, min(q.limit, MAX_PAGE))) if q.text.strip() else []
    return Choices([(p.sku, f"{p.sku} {p.name}") for p in found])


def search_customers(q: c.SearchCustomers, uow: UnitOfWork, ctx: Context) -> CustomersView:
    text = q.text.strip()
    if not text:
        raise InvalidInput("search_too_short")
    limit, offset = max(1, min(q.limit, MAX_PAGE)), max(0, q.offset)
    found = list(uow.customers.search(text, limit, offset))
    total = uow.customers.count(text) if len(found) == limit or offset else len(found)
    return CustomersView(text, found, total, offset)


def search_products(q: c.SearchProducts, uow: UnitOfWork, ctx: Context) -> ProductsView:
    text = q.text.strip()
    if not text:
        raise InvalidInput("search_too_short")
    limit, offset = max(1, min(q.limit, MAX_PAGE)), max(0, q.offset)
    found = list(uow.products.search(text, limit, offset))
    total = uow.products.count(text) if len(found) == limit or offset else len(found)
    return ProductsView(text, found, total, offset)


def whoami(q: c.WhoAmI, uow: UnitOfWork, ctx: Context) -> UserView:
    return UserView(ctx.user)
