"""A tiny known world for integration tests: two customers, three products, one user per role."""

from __future__ import annotations

from decimal import Decimal

from bot.app.bootstrap import Desk
from domain.commands import AdjustStock, ApproveChange, CancelOrder
from domain.lifecycle import Status
from domain.parties import Customer, MakeOrBuy, Product, Tier
from domain.results import ChangeView, Done
from domain.users import Front, Role, User

USERS = {
    "lily": Role.sales,
    "wang": Role.sales_manager,
    "chen": Role.finance,
    "zhao": Role.production,
    "liu": Role.warehouse,
    "sun": Role.tech,
}
# Who approves a change request, in the order they are asked: the sales manager always; finance when the
# money moved (or sunk) is large; production when production has started for the order.
APPROVERS = ("wang", "chen", "zhao")


def seed(desk: Desk, opening_stock: int = 100_000) -> None:
    """Master data, and (unless 0) an opening count of every product by the warehouse."""
    with desk.uow() as uow:
        uow.customers.add(Customer("CUST-001", "华东机械有限公司", Tier.key, Decimal("100000"), "NET30", "zh"))
        uow.customers.add(Customer("CUST-002", "Acme Tools Ltd", Tier.normal, Decimal("500"), "NET60", "en"))
        uow.customers.add(Customer("CUST-003", "中车配套件集团", Tier.strategic, None, "NET60", "zh"))
        uow.products.add(
            Product("BOLT-M8X30", "六角螺栓 M8x30", "pcs", Decimal("0.12"), Decimal("0.07"), make_or_buy=MakeOrBuy.make)
        )
        uow.products.add(Product("NUT-M8", "六角螺母 M8", "pcs", Decimal("0.05"), Decimal("0.03")))
        uow.products.add(Product("WASHER-M8", "平垫 M8", "pcs", Decimal("0.0235"), Decimal("0.012")))
        for name, role in USERS.items():
            # wang reads Chinese (the configured default); the others chose English with `lang en`
            uow.users.add(User(name, roles={role}, language=None if name == "wang" else "en"))
        uow.commit()
    if opening_stock:
        ctx = desk.context(Front.shell, "liu")
        for sku in ("BOLT-M8X30", "NUT-M8", "WASHER-M8"):
            desk.bus.handle(AdjustStock(sku, "opening balance", counted=Decimal(opening_stock)), ctx)


# -- cancelling a confirmed order: a change request (by lily), then every approval it calls for ------------
def pending_approver(desk: Desk, cr_number: str) -> str | None:
    """The first of ``APPROVERS`` whose role the request still waits for (as committed), or None."""
    with desk.uow(readonly=True) as uow:
        cr = uow.changes.get(cr_number)
        assert cr is not None, cr_number
        pending = cr.pending_roles()
    return next((name for name in APPROVERS if USERS[name] in pending), None)


def request_cancel(desk: Desk, number: str, reason: str = "customer withdrew") -> str:
    """``cancel`` as lily on an order past confirmation: the change request it filed (nothing moved yet)."""
    result = desk.bus.handle(CancelOrder(number, reason), desk.context(Front.shell, "lily"))
    assert isinstance(result, ChangeView) and result.code == "cr_created", result
    return result.cr.number


def approve_all(desk: Desk, cr_number: str) -> ChangeView:
    """Approve as each role still pending (a last approval may call for one more: production started)
    until the request applies; returns the view of the approval that applied it."""
    view: ChangeView | None = None
    for _ in range(2 * len(APPROVERS)):
        approver = pending_approver(desk, cr_number)
        if approver is None:
            break
        view = desk.bus.handle(ApproveChange(cr_number), desk.context(Front.shell, approver))
        assert isinstance(view, ChangeView), view
    assert view is not None and view.code == "cr_applied", (cr_number, view and view.code)
    return view


def cancelled(desk: Desk, number: str) -> bool:
    with desk.uow(readonly=True) as uow:
        order = uow.orders.get(number)
        return order is not None and order.status is Status.cancelled


def cancel_now(desk: Desk, number: str, reason: str = "customer withdrew") -> Done | ChangeView:
    """Cancel the order whatever its stage: at once (a draft), or by change request and every approval
    it calls for. Returns what the last command answered."""
    result: Done | ChangeView = desk.bus.handle(CancelOrder(number, reason), desk.context(Front.shell, "lily"))
    if isinstance(result, ChangeView):
        assert result.code == "cr_created", result.code
        result = approve_all(desk, result.cr.number)
    assert cancelled(desk, number), number
    return result
