"""Stock, ledger, available-to-promise, purchase and work orders as neutral messages."""

from __future__ import annotations

import re
from decimal import Decimal

from bot.conversation.i18n import Translator
from bot.conversation.replies.message import Button, Message, Table
from domain import commands as c
from domain.money import plain
from domain.parties import MakeOrBuy
from domain.results import (
    AtpAnswer,
    LedgerView,
    PurchaseOrdersView,
    PurchaseOrderView,
    StockSummary,
    SuggestionsView,
    WorkOrdersView,
    WorkOrderView,
)


def _q(value: object) -> str:
    return plain(value) if hasattr(value, "is_finite") else str(value)  # type: ignore[arg-type]


# Why the core moved stock, in its own short words (kept so in the ledger): each put into the reader's words.
MOVED_BECAUSE = (
    (re.compile(r"^change (CR-\d+)$"), "moved_change"),
    (re.compile(r"^received on (\S+)$"), "moved_received"),
    (re.compile(r"^output of (\S+)$"), "moved_output"),
    (re.compile(r"^(order confirmed|order cancelled|order resumed|shipped)$"), ""),
)


def moved_why(t: Translator, reason: str) -> str:
    """A ledger entry's reason: the core's own words in the reader's language; what a person typed, as typed."""
    for pattern, key in MOVED_BECAUSE:
        found = pattern.match(reason.strip())
        if found:
            return t(key, ref=found.group(1)) if key else t("moved_" + found.group(1).replace(" ", "_"))
    return reason


def _signed(value: Decimal) -> str:
    """A movement: +5, -2.5, 0 — in the desk's Decimal form, never 1E+1 or 5.000."""
    return ("+" if value > 0 else "") + plain(value)


def stock(t: Translator, view: StockSummary) -> Message:
    item, p = view.item, view.item.product
    low = "  ⚠" if item.below_safety else ""  # by the figures: a safety stock just raised counts at once
    fields = [
        (t("lbl_on_hand"), f"{_q(item.on_hand)} {p.unit}"),
        (t("lbl_reserved"), _q(item.reserved)),
        (t("lbl_available"), _q(item.available) + low),
        (t("lbl_on_order"), _q(item.on_order)),
        (t("lbl_planned"), _q(item.planned)),
        (t("lbl_projected"), _q(item.projected)),
        (t("lbl_safety"), _q(p.safety_stock)),
        (t("lbl_waiting"), _q(view.waiting)),
    ]
    if view.suggestion > 0:  # StockItem.to_replenish: the rule `po suggest` asks too
        label = "lbl_suggest" if p.make_or_buy is MakeOrBuy.buy else "lbl_suggest_make"
        fields.append((t(label), _q(view.suggestion)))
    msg = Message(title=f"{p.sku} · {p.name}", fields=fields)
    if view.holders:
        rows = [
            [h.number, h.customer, t.status(h.status.value), t.date(h.due_date), str(h.line_no), _q(h.reserved),
             _q(h.backorder)]
            for h in view.holders
        ]  # fmt: skip
        headers = ["lbl_order", "lbl_customer", "lbl_status", "lbl_due", "lbl_line", "lbl_reserved", "lbl_backorder"]
        msg.tables.append(Table([t(h) for h in headers], rows))
    if view.incoming:
        rows = [[t.date(when), _q(qty)] for when, qty in sorted(view.incoming, key=lambda x: str(x[0]))]
        msg.tables.append(Table([t("lbl_eta"), t("lbl_qty")], rows, title=t("lbl_incoming")))
    return msg


def atp(t: Translator, a: AtpAnswer) -> Message:
    key = "atp_now" if a.promise <= a.today else "atp_later"
    return Message(title=t(key, qty=a.quantity, sku=a.sku, date=a.promise.isoformat(), available=a.available))


def ledger(t: Translator, view: LedgerView) -> Message:
    headers = ["lbl_when", "lbl_kind", "lbl_on_hand", "lbl_reserved", "lbl_order", "lbl_ref", "lbl_who", "lbl_why"]
    rows = [
        [t.when(m.at), t.name("move_", m.kind.value), _signed(m.on_hand_delta), _signed(m.reserved_delta),
         f"{m.order_number} {m.line_no or ''}".strip(), t.name("ref_", m.ref) if m.ref else "", m.actor,
         moved_why(t, m.reason)]
        for m in view.moves
    ]  # fmt: skip
    item = view.item
    title = t("ledger_title", sku=item.product.sku, on_hand=item.on_hand, reserved=item.reserved)
    return Message(title=title, tables=[Table([t(h) for h in headers], rows)] if rows else [])


def suggestions(t: Translator, view: SuggestionsView) -> Message:
    if not view.suggestions:
        return Message(title=t("nothing_" + view.title_code))
    headers = ["lbl_sku", "lbl_product", "lbl_available", "lbl_on_order", "lbl_waiting", "lbl_suggest"]
    rows = [
        [s.product.sku, s.product.name, _q(s.available), _q(s.on_order), _q(s.waiting), _q(s.quantity)]
        for s in view.suggestions
    ]
    msg = Message(title=t(view.title_code, count=len(rows)), tables=[Table([t(h) for h in headers], rows)])
    order_all = c.PurchaseFromSuggestions()
    msg.buttons.append(Button(t("btn_po_from_suggestions"), "po from-suggestions", "primary", order_all))
    return msg


def purchase_order(t: Translator, view: PurchaseOrderView) -> Message:
    po = view.po
    rows = [[str(ln.line_no), ln.product.sku, ln.product.name, _q(ln.quantity), _q(ln.received)] for ln in po.lines]
    headers = ["lbl_line", "lbl_sku", "lbl_product", "lbl_qty", "lbl_received"]
    msg = Message(
        title=f"{po.number} · {t.name('po_status_', po.status.value)}",
        fields=[(t("lbl_supplier"), po.supplier or t("lbl_none")), (t("lbl_eta"), t.date(po.eta)),
                (t("lbl_created"), f"{t.when(po.created_at)} {po.created_by}")],
        tables=[Table([t(h) for h in headers], rows)],
    )  # fmt: skip
    n = po.number
    if po.status.value == "draft":
        msg.buttons.append(Button(t("btn_approve"), f"po approve {n}", "primary", c.ApprovePurchaseOrder(n)))
    elif po.is_open:
        msg.buttons.append(Button(t("btn_receive"), f"receive {n}", "primary", c.ReceivePurchaseOrder(n)))
    return msg


def purchase_orders(t: Translator, view: PurchaseOrdersView) -> Message:
    if not view.pos:
        return Message(title=t("nothing_pos"))
    rows = [
        [po.number, po.supplier, t.name("po_status_", po.status.value), t.date(po.eta),
         ", ".join(f"{ln.product.sku} {_q(ln.received)}/{_q(ln.quantity)}" for ln in po.lines[:4])]
        for po in view.pos
    ]  # fmt: skip
    headers = ["lbl_purchase", "lbl_supplier", "lbl_status", "lbl_eta", "lbl_lines"]
    return Message(title=t("pos_title", count=len(rows)), tables=[Table([t(h) for h in headers], rows)])


def work_order(t: Translator, view: WorkOrderView) -> Message:
    wo = view.wo
    fields = [
        (t("lbl_product"), f"{wo.product.sku} {wo.product.name}"),
        (t("lbl_qty"), _q(wo.quantity)),
        (t("lbl_done"), _q(wo.done)),
        (t("lbl_scrap"), _q(wo.scrap)),
        (t("lbl_order"), f"{wo.order_number} #{wo.line_no}" if wo.order_number else t("lbl_none")),
        (t("lbl_due"), t.date(wo.due_date)),
    ]
    n = wo.number
    nxt = {
        "planned": Button(t("btn_release"), f"wo release {n}", "primary", c.MoveWorkOrder(n, "released")),
        "released": Button(t("btn_start"), f"wo start {n}", "primary", c.MoveWorkOrder(n, "in_progress")),
        "in_progress": Button(t("btn_report"), f"wo report {n} QTY", "primary", c.ReportWorkOrder(n, Decimal(0)),
                              ("good",)),
    }.get(wo.status.value)
    buttons = [nxt] if nxt else []
    return Message(title=f"{wo.number} · {t.name('wo_status_', wo.status.value)}", fields=fields, buttons=buttons)


def work_orders(t: Translator, view: WorkOrdersView) -> Message:
    if not view.wos:
        return Message(title=t("nothing_wos"))
    rows = [
        [wo.number, wo.product.sku, t.name("wo_status_", wo.status.value), f"{_q(wo.done)}/{_q(wo.quantity)}",
         _q(wo.scrap), f"{wo.order_number} #{wo.line_no}" if wo.order_number else "", t.date(wo.due_date)]
        for wo in view.wos
    ]  # fmt: skip
    headers = ["lbl_wo", "lbl_sku", "lbl_status", "lbl_done", "lbl_scrap", "lbl_order", "lbl_due"]
    return Message(title=t("wos_title", count=len(rows)), tables=[Table([t(h) for h in headers], rows)])
