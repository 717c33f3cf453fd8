"""Results of the order core, as neutral messages in the user's language."""

from __future__ import annotations

from datetime import date
from typing import Any

from bot.conversation.i18n import Translator
from bot.conversation.replies.message import Button, Message, Table
from domain import commands as c
from domain.lifecycle import CHANGEABLE, NOT_SHIPPED, Status
from domain.money import plain
from domain.orders import Order
from domain.results import CustomersView, Done, OrderPage, ProductsView, UsersView, UserView

PUBLIC_RESULTS = {"order_created", "order_confirmed", "order_moved", "order_shipped"}


def done(t: Translator, result: Done) -> Message:
    params = {k: v for k, v in result.params.items() if k not in ("short", "work_orders", "late")}
    msg = Message(title=t(result.code, **params), public=result.code in PUBLIC_RESULTS, code=result.code)
    for line_no, sku, qty in result.params.get("short", []):
        msg.lines.append(t("line_short", line=line_no, sku=sku, qty=qty))
    for line_no, sku, promised, wanted in result.params.get("late", []):  # promised after the date asked for
        msg.lines.append(t("line_late", line=line_no, sku=sku, promised=t.date(promised), wanted=t.date(wanted)))
    if result.params.get("late"):
        msg.lines.append(t("order_marked_at_risk", number=result.params.get("number", "")))
    if result.params.get("work_orders"):
        msg.lines.append(t("work_orders_planned", numbers=", ".join(result.params["work_orders"])))
    if result.order is not None and result.code not in ("nothing_changed",):
        msg.fields = _summary(t, result.order)
        msg.buttons = next_actions(t, result.order)
    return msg


def _summary(t: Translator, order: Order) -> list[tuple[str, str]]:
    return [
        (t("lbl_customer"), f"{order.customer.code} {order.customer.name}"),
        (t("lbl_status"), t.status(order.status.value)),
        (t("lbl_due"), t.date(order.due_date)),
        (t("lbl_amount"), t.money(order.amount)),
        (t("lbl_version"), f"v{order.version}"),
    ]


def next_actions(t: Translator, order: Order) -> list[Button]:
    """Buttons for the legal next steps; every click is re-checked as if typed."""
    n = order.number
    allowed = order.allowed_next()
    buttons: list[Button] = []
    if Status.confirmed in allowed and order.status is not Status.on_hold:
        buttons.append(Button(t("btn_confirm"), f"confirm {n}", "primary", c.ConfirmOrder(n)))
    elif Status.shipped in allowed:
        buttons.append(Button(t("btn_ship"), f"ship {n} CARRIER TRACKING", "primary", c.ShipOrder(n, "", ""),
                              ("carrier", "tracking")))
    elif order.status is not Status.on_hold:
        nxt = next((s for s in allowed if s not in (Status.on_hold, Status.cancelled, Status.draft)), None)
        if nxt is not None:
            buttons.append(Button(t("btn_advance", status=nxt.value), f"advance {n}", "primary", c.AdvanceOrder(n)))
    if order.status is Status.on_hold:
        buttons.append(Button(t("btn_resume"), f"resume {n}", "primary", c.ResumeOrder(n)))
    elif Status.on_hold in allowed:
        buttons.append(Button(t("btn_hold"), f"hold {n}", "", c.HoldOrder(n, "")))
    if order.status in CHANGEABLE:
        buttons.append(Button(t("btn_request_change"), f"change {n}", "", c.RequestChange(n, ()), ("changes",)))
    if Status.cancelled in allowed:
        buttons.append(Button(t("btn_cancel"), f"cancel {n} REASON", "danger", c.CancelOrder(n, ""), ("reason",)))
    return buttons


def show(t: Translator, order: Order, today: date) -> Message:
    fields = _summary(t, order)
    if order.status is Status.on_hold and order.held_from:
        fields.insert(2, (t("lbl_held_from"), t.status(order.held_from.value)))
    if order.is_open and order.due_date and order.due_date < today and order.status is not Status.shipped:
        fields[2] = (t("lbl_due"), f"{t.date(order.due_date)}  ⚠ {t('lbl_overdue')}")
    fields += [
        (t("lbl_priority"), t("lbl_rush") if order.rush else t("lbl_normal")),
        (t("lbl_owner"), order.owner),
        (t("lbl_source"), t.front(order.source)),
        (t("lbl_created"), t.when(order.created_at)),
    ]
    if order.po_ref:
        fields.append((t("lbl_po"), order.po_ref))
    if order.carrier:
        fields.append((t("lbl_shipment"), f"{order.carrier} {order.tracking}"))
    if order.notes:
        fields.append((t("lbl_notes"), order.notes))
    if order.at_risk:  # a line promised after the date asked for
        late = [
            t("at_risk_line", line=ln.line_no, sku=ln.product.sku, promised=t.date(ln.confirmed_date),
              wanted=t.date(ln.requested_date or order.due_date))
            for ln in order.late_lines()
        ]  # fmt: skip
        fields.append((f"⚠ {t('lbl_at_risk')}", "; ".join(late)))
    headers = [t(k) for k in ("lbl_line", "lbl_sku", "lbl_product", "lbl_qty", "lbl_price", "lbl_amount")]
    headers += [t("lbl_requested"), t("lbl_confirmed")]
    holds = order.status in CHANGEABLE  # confirmed and not yet shipped: what each line holds or waits for
    if holds:
        headers += [t("lbl_reserved"), t("lbl_backorder")]
    rows = [
        [
            str(ln.line_no),
            ln.product.sku,
            ln.product.name,
            f"{plain(ln.quantity)} {ln.product.unit}",
            plain(ln.unit_price),
            t.money(ln.amount),
            t.date(ln.requested_date),
            t.date(ln.confirmed_date),
        ]
        + ([plain(ln.reserved_qty), plain(ln.backorder_qty)] if holds else [])
        for ln in order.lines
    ]
    return Message(
        title=f"{order.number} · {t.status(order.status.value)}",
        fields=fields,
        tables=[Table(headers, rows)],
        buttons=next_actions(t, order),
    )


def page(t: Translator, result: OrderPage, today: date, customer: bool = False) -> Message:
    """A page of orders; ``customer``: the customer's own list (their orders only: no customer, owner or amount
    column, and paged a phone screen at a time)."""
    if not result.orders:
        return Message(title=t("my_no_orders", **result.title_params) if customer else t("no_orders"))
    params: dict[str, Any] = {"shown": len(result.orders), "total": result.total, **result.title_params}
    keys = ("lbl_order", "lbl_po", "lbl_status", "lbl_due") if customer else (
        "lbl_order", "lbl_customer", "lbl_status", "lbl_due", "lbl_amount", "lbl_owner")  # fmt: skip
    rows = []
    for o in result.orders:
        due = t.date(o.due_date)
        if customer:
            rows.append([o.number, o.po_ref, t.status(o.status.value), due])
            continue
        if o.due_date and o.due_date < today and o.status in NOT_SHIPPED:
            due += " ⚠"
        elif o.at_risk:  # a line promised after the date asked for
            due += f" ⚠ {t('lbl_at_risk')}"
        rows.append([o.number, o.customer.name, t.status(o.status.value), due, t.money(o.amount), o.owner])
    msg = Message(title=t(result.title_code, **params), tables=[Table([t(k) for k in keys], rows)])
    if result.offset + len(result.orders) < result.total:
        if customer:
            msg.lines.append(t("my_more_pages", page=int(result.title_params.get("page", 1)) + 1))
        else:
            msg.lines.append(t("more_pages", page=result.offset // 20 + 2))
    return msg


def whoami(t: Translator, view: UserView) -> Message:
    user = view.user
    roles = ", ".join(t.name("role_", r.value) for r in sorted(user.roles, key=lambda r: r.value)) or t("no_roles")
    return Message(title=t("whoami", name=user.name, roles=roles, language=t.language(t.lang)))


def users(t: Translator, view: UsersView) -> Message:
    rows = [
        [u.name, u.slack_id or "", u.telegram_id or "", t.value(sorted(t.name("role_", r.value) for r in u.roles))]
        for u in view.users
    ]
    return Message(title=t("users_title"), tables=[Table([t("lbl_user"), "Slack", "Telegram", t("lbl_roles")], rows)])


def customers(t: Translator, view: CustomersView) -> Message:
    """`customers TEXT`: the best matches first, with the code to type in a command."""
    if not view.customers:
        return Message(title=t("no_customers_found", text=view.text))
    rows = [[c.code, c.name, t.name("tier_", c.tier.value), c.payment_terms] for c in view.customers]
    headers = [t("lbl_code"), t("lbl_name"), t("lbl_tier"), t("lbl_terms")]
    return _found_page(t, "customers_title", view.text, len(rows), view.total, view.offset, Table(headers, rows))


def products(t: Translator, view: ProductsView) -> Message:
    """`products TEXT`: the best matches first, with what a salesperson quotes from."""
    if not view.products:
        return Message(title=t("no_products_found", text=view.text))
    rows = [
        [p.sku, p.name, p.unit, plain(p.list_price), t("lead_days", days=p.lead_time_days),
         t.name("mob_", p.make_or_buy.value)]
        for p in view.products
    ]  # fmt: skip
    headers = [t(k) for k in ("lbl_sku", "lbl_name", "lbl_unit", "lbl_list_price", "lbl_lead_time", "lbl_make_or_buy")]
    return _found_page(t, "products_title", view.text, len(rows), view.total, view.offset, Table(headers, rows))


def _found_page(t: Translator, title: str, text: str, shown: int, total: int, offset: int, table: Table) -> Message:
    msg = Message(title=t(title, text=text, shown=shown, total=total), tables=[table])
    if offset + shown < total:
        msg.lines.append(t("more_pages", page=offset // 20 + 2))
    return msg
