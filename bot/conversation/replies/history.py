"""An order's history and the difference between two of its versions, in the reader's words.

The audit trail keeps codes (``create``, ``in_production``, ``cr_approve``), the front end's name and, for an
edit, what changed in the core's own short form (``due_date, rush``, ``add BOLT-M8 100``, ``remove line 2``);
a refused attempt keeps why (``needs sales, sales_manager`` or the refusal's code). All of it is put into words
here — also for rows written long before today."""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any

from bot.conversation.i18n import Translator
from bot.conversation.replies.message import Message, Table
from domain.history import AuditEntry, Change
from domain.money import plain
from domain.results import DiffView, OrderHistoryView

# -- the audit trail ----------------------------------------------------------------------------------------
NEEDS = re.compile(r"^needs (.+)$")
ADDED = re.compile(r"^add (.+)$")
REMOVED = re.compile(r"^remove line (\d+)$")
LINE = re.compile(r"^line (\d+)$")
CHANGE_KINDS = {"quantity", "price", "line_date", "add_line", "remove_line", "due_date", "cancel", "hold", "resume"}


def history(t: Translator, view: OrderHistoryView) -> Message:
    headers = [t(k) for k in ("lbl_version", "lbl_when", "lbl_who", "lbl_action", "lbl_why")]
    rows = [
        [f"v{e.version}" if e.version else "", t.when(e.at), who(t, e), t.action(e.action),
         " · ".join(x for x in (e.reason, detail_text(t, e)) if x)]
        for e in view.entries
    ]  # fmt: skip
    msg = Message(title=t("history_title", number=view.order.number), tables=[Table(headers, rows)])
    if view.refused:
        # an attempt on one of the order's change requests names it (CR-…): it was refused there
        refused = [[t.when(e.at), who(t, e), attempt(t, e, view.order.number), refusal_text(t, e)]
                   for e in view.refused]  # fmt: skip
        headers = [t("lbl_when"), t("lbl_who"), t("lbl_action"), t("lbl_why")]
        msg.tables.append(Table(headers, refused, title=t("refused_title")))
    return msg


def who(t: Translator, entry: AuditEntry) -> str:
    return t("who_via", who=entry.actor, front=t.front(entry.front))


def attempt(t: Translator, entry: AuditEntry, number: str) -> str:
    action = t.action(entry.action)
    return action if entry.subject == number else f"{action} {entry.subject}"


def refusal_text(t: Translator, entry: AuditEntry) -> str:
    """Why an attempt was refused: the roles it needs, or the rule that refused it."""
    needs = NEEDS.match(entry.detail.strip())
    if needs:
        return t("refused_needs", roles=needs.group(1))
    code = entry.detail.strip()
    if t.has(f"refused_{code}"):
        return t(f"refused_{code}")
    return t(code, number=entry.subject) if code and t.has(code) else entry.detail


def detail_text(t: Translator, entry: AuditEntry) -> str:
    return edit_text(t, entry.detail) if entry.action == "edit" else entry.detail


def edit_text(t: Translator, what: str) -> str:
    """What an edit changed, from the core's short form: ``add SKU Q, …``, ``remove line N``, ``line N``, or the
    fields and the changes it made (``due_date, rush``; ``quantity BOLT-M8 1000 800``)."""
    what = what.strip()
    if found := ADDED.match(what):
        return t("edit_added", lines=found.group(1))
    if found := REMOVED.match(what):
        return t("edit_removed", line=found.group(1))
    if found := LINE.match(what):
        return t("edit_line", line=found.group(1))
    return t.text("list_sep").join(_edit_part(t, part.strip()) for part in what.split(",") if part.strip())


def _edit_part(t: Translator, part: str) -> str:
    words = part.split()
    kind, rest = words[0], words[1:]
    if not rest and t.has(f"field_{kind}"):
        return t.name("field_", kind)
    if kind not in CHANGE_KINDS:
        return part
    sku, old, new = "", "", ""
    if kind in ("quantity", "price", "line_date") and rest:
        sku, old, new = rest[0], (rest[1] if len(rest) > 2 else ""), rest[-1] if len(rest) > 1 else ""
    elif kind == "add_line" and rest:
        sku, new = rest[0], rest[-1]
    elif kind == "remove_line" and rest:
        sku, old = rest[0], rest[-1]
    elif kind == "due_date" and rest:
        old, new = (rest[0], rest[1]) if len(rest) > 1 else ("", rest[0])
    none = t("lbl_none")
    return t(f"ck_{kind}", sku=sku, old=old or none, new=new or none)


# -- the difference between two versions ------------------------------------------------------------------
FIELD_LABELS = {
    "status": "lbl_status", "due_date": "lbl_due", "amount": "lbl_amount", "owner": "lbl_owner",
    "po_ref": "lbl_po", "rush": "lbl_priority", "notes": "lbl_notes", "carrier": "lbl_shipment",
    "tracking": "lbl_shipment", "held_from": "lbl_held_from", "quantity": "lbl_qty", "unit_price": "lbl_price",
    "requested_date": "lbl_requested", "confirmed_date": "lbl_confirmed", "customer": "lbl_customer",
}  # fmt: skip
# Set by the desk, not agreed with the customer: the date we promise a line for, from stock and production.
PROMISED = "confirmed_date"


def diff(t: Translator, view: DiffView) -> Message:
    """What changed in the terms between two versions; the dates we promised, apart and labelled as ours — a
    version written before the order was confirmed holds no promise, which is not a change the customer made."""
    d = view.diff
    if d.empty:
        return Message(title=t("diff_empty", old=d.old_version, new=d.new_version))
    terms = [c for c in d.changes if c.field != PROMISED]
    rows = [[_where(c), _field_label(t, c), _show(t, c, c.old), _show(t, c, c.new)] for c in terms]
    headers = [t("lbl_line"), t("lbl_field"), t("lbl_before"), t("lbl_after")]
    msg = Message(title=t("diff_title", number=d.number, old=d.old_version, new=d.new_version))
    if rows:
        msg.tables.append(Table(headers, rows))
    msg.lines += [t("line_added", **_line(t, ln)) for ln in d.added_lines]
    msg.lines += [t("line_removed", **_line(t, ln)) for ln in d.removed_lines]
    promised = [
        [_where(c), t("diff_not_promised") if c.old is None else str(c.old), _show(t, c, c.new)]
        for c in d.changes
        if c.field == PROMISED
    ]
    if promised:
        versions = [t("diff_promised_in", version=v) for v in (d.old_version, d.new_version)]
        msg.tables.append(Table([t("lbl_line"), *versions], promised, title=t("diff_promised_title")))
    return msg


def _where(change: Change) -> str:
    return f"{change.line} {change.sku}" if change.line is not None else ""


def _field_label(t: Translator, change: Change) -> str:
    key = FIELD_LABELS.get(change.field)
    return t(key) if key else t.name("field_", change.field)


def _show(t: Translator, change: Change, value: Any) -> str:
    if value is None or value == "":
        return t("lbl_none")
    if change.field in ("status", "held_from"):
        return t.status(str(value))
    if change.field == "rush":
        return t("lbl_rush") if value else t("lbl_normal")
    if change.field in ("amount", "quantity", "unit_price"):
        return _number(t, value, money=change.field == "amount")
    return t.value(value)


def _line(t: Translator, snapshot: dict[str, Any]) -> dict[str, Any]:
    """An added or removed line's snapshot, its numbers in the desk's form."""
    out = dict(snapshot)
    for key in ("quantity", "unit_price"):
        if out.get(key) not in (None, ""):
            out[key] = _number(t, out[key])
    return out


def _number(t: Translator, value: Any, money: bool = False) -> str:
    """A stored number (snapshots keep them as text) in the desk's form: money with thousands separators and two
    places, a quantity or a price without trailing zeros."""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return t.value(value)
    return t.money(number) if money else plain(number)
