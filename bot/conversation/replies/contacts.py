"""Customers' contacts as neutral messages: for staff (an invitation, a customer's contacts) and for the
customer's own chat (their orders, one order, what they asked for, what they are told).

What a customer sees is their order's progress and dates only: no owner, no reservations, no prices or
amounts, no impact analysis, no colleague's name."""

from __future__ import annotations

from typing import Any

from bot.conversation.i18n import Translator
from bot.conversation.replies import changes as ch
from bot.conversation.replies.message import Button, Message, Table
from domain import commands as c
from domain.money import plain
from domain.results import ContactsView, CustomerOrderView, Done

CODES = frozenset(
    {"invite_created", "contact_bound", "contact_unlinked", "contact_revoked", "contact_already_revoked",
     "customer_change_filed"}
)  # fmt: skip


def done(t: Translator, result: Done) -> Message:
    p = dict(result.params)
    if result.code == "invite_created":
        msg = Message(title=t("invite_created", **{**p, "expires": t.when(p.get("expires"))}), code=result.code)
        msg.lines = [t("invite_code", code=p.get("code", "")), t("invite_how", code=p.get("code", ""))]
        return msg  # never public: the code is for the salesperson to pass on, once
    if result.code == "customer_change_filed":
        msg = Message(title=t(result.code, cr=p.get("cr"), number=p.get("number")), code=result.code)
        msg.lines = ["  • " + ch.summary_text(t, [row]) for row in p.get("changes", ())]
        return msg
    msg = Message(title=t(result.code, **p), code=result.code)
    if result.code == "contact_bound" and p.get("moved_from"):
        msg.lines.append(t("contact_moved", moved_from=p["moved_from"]))
    return msg


def contacts_view(t: Translator, view: ContactsView) -> Message:
    if not view.contacts:
        return Message(title=t("no_contacts", customer=view.customer, name=view.name))
    headers = [t(k) for k in ("lbl_line", "lbl_contact", "lbl_telegram_user", "lbl_chat", "lbl_language",
                              "lbl_bound_at", "lbl_invited_by", "lbl_state")]  # fmt: skip
    rows = [
        [f"{k.id}", k.name, k.telegram_user, k.chat_id, t.language(k.language) if k.language else t("lbl_none"),
         t.when(k.bound_at), k.invited_by, t("contact_state_active" if k.active else "contact_state_revoked")]
        for k in view.contacts
    ]  # fmt: skip
    msg = Message(
        title=t("contacts_title", customer=view.customer, name=view.name, count=len(view.contacts)),
        tables=[Table(headers, rows)],
    )
    msg.buttons = [
        Button(t("btn_revoke_contact", id=k.id), f"contacts revoke {k.id}", "danger", c.RevokeContact(k.id))
        for k in view.contacts
        if k.active and k.id is not None
    ][:5]
    return msg


def customer_order(t: Translator, view: CustomerOrderView) -> Message:
    """One order as its customer sees it: stage, dates per line, shipment, when it last changed."""
    order = view.order
    stage = t.status(order.status.value)
    fields = [(t("lbl_stage"), stage)]
    if order.po_ref:
        fields.append((t("lbl_po"), order.po_ref))
    fields += [
        (t("lbl_ordered"), t.date(order.created_at.astimezone(t.zone).date())),
        (t("lbl_due"), t.date(order.due_date)),
    ]
    if order.carrier:
        fields += [(t("lbl_shipment"), order.carrier), (t("lbl_tracking"), order.tracking)]
    fields.append((t("lbl_last_change"), t.when(view.last_change)))
    headers = [t(k) for k in ("lbl_line", "lbl_sku", "lbl_product", "lbl_qty", "lbl_requested", "lbl_confirmed")]
    rows = [
        [str(ln.line_no), ln.product.sku, ln.product.name, f"{plain(ln.quantity)} {ln.product.unit}",
         t.date(ln.requested_date), t.date(ln.confirmed_date)]
        for ln in sorted(order.lines, key=lambda ln: ln.line_no)
    ]  # fmt: skip
    return Message(
        title=t("my_order_title", number=order.number, stage=stage), fields=fields, tables=[Table(headers, rows)]
    )


def customer_help(t: Translator) -> Message:
    """The few commands a customer's chat has (a HelpRequest from ``CustomerParser``)."""
    return Message(title=t("customer_help_title"), lines=t("customer_help").split("\n"))


def render_customer_event(kind: str, payload: dict[str, Any], t: Translator) -> str:
    """The line a customer's chat gets for an outbox row addressed to ``customer:CODE``."""
    p = dict(payload)
    number = p.get("number", "")
    if kind == "order_status_changed":
        return t("cev_order_status_changed", number=number, new=p.get("new", ""))
    if kind == "order_confirmed":
        text = t("cev_order_confirmed", number=number, due_date=p.get("due_date") or t("lbl_none"))
        dates = p.get("confirmed_dates") or []
        if dates:
            text += "\n" + t("cev_confirmed_dates", dates="; ".join(f"{sku} {day}" for _, sku, day in dates))
        return text
    if kind == "order_shipped":
        return t("cev_order_shipped", number=number, carrier=p.get("carrier", ""), tracking=p.get("tracking", ""))
    if kind == "order_changed":
        return t("cev_order_changed", number=number, changes=ch.summary_text(t, p.get("changes", [])))
    if kind == "customer_change_decided":
        outcome = "approved" if p.get("outcome") == "approved" else "rejected"
        return t(
            f"cev_customer_change_decided_{outcome}", number=number, cr=p.get("cr", ""), reason=p.get("reason", "")
        )
    # a kind [routes] sends to customers that has no wording of its own: say only that the order moved
    return t("cev_order_updated", number=number)
