"""An event from the outbox as one line for a channel or a person: its payload (as the outbox keeps it: JSON, so
tuples arrive as lists, dates and decimals as text) put into words — the rows an event carries (a backorder's
lines, what a receipt brought in) read as such, never as the Python list they are stored as."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Any

from bot.conversation.i18n import Translator
from bot.conversation.replies import alerts as al
from bot.conversation.replies import changes as ch
from bot.conversation.replies.history import edit_text


def render_event(kind: str, payload: dict[str, Any], t: Translator) -> str:
    """One line for a channel; a kind with no words of its own still says what it is about."""
    params = dict(payload)
    key = event_key(kind, params, t)
    if "amount" in params:
        params["amount"] = t.money(_dec(params["amount"]))
    if kind == "order_changed":
        params["changes"] = ch.summary_text(t, params.get("changes", []))
    if kind == "order_updated":
        params["what"] = edit_text(t, str(params.get("what", "")))
    for name in ("required", "roles", "pending"):
        if isinstance(params.get(name), list):
            params[name] = ch.roles_text(t, params[name])
    if isinstance(params.get("kinds"), list):
        params["kinds"] = t.text("list_sep").join(t(f"kindname_{k}") for k in params["kinds"])
    if kind == "cr_created":
        params["risk"] = t(f"risk_{params.get('risk')}")
    if kind == "order_backordered":
        params["short"] = t.text("row_sep").join(
            t("short_item", line=row[0], sku=row[1], qty=row[2]) for row in _rows(params.get("short"), 3)
        )
    if kind == "po_received":
        params["lines"] = t.text("list_sep").join(f"{sku} {qty}" for sku, qty in _rows(params.get("lines"), 2))
    if "audience" in params:
        params["audience"] = t.audience(str(params["audience"]))
    if t.has(key):
        return t(key, **params)
    subject = next((str(params[k]) for k in ("number", "cr", "sku", "user") if params.get(k)), "")
    return t("ev_other", subject=subject)


def event_key(kind: str, params: dict[str, Any], t: Translator) -> str:
    """The catalog key of an event's line (some kinds have a wording per case)."""
    if kind in al.ALERT_KINDS:
        return al.event_key(kind, params, t)
    if kind == "order_status_changed" and params.get("reason"):
        return "ev_order_status_changed_reason"
    if kind == "role_changed":
        return "ev_role_changed_granted" if params.get("granted") else "ev_role_changed_revoked"
    if kind == "customer_change_decided":
        return f"ev_customer_change_decided_{'approved' if params.get('outcome') == 'approved' else 'rejected'}"
    if kind == "po_received" and not str(params.get("supplier") or "").strip():
        return "ev_po_received_no_supplier"
    if kind == "wo_done" and not str(params.get("order_number") or "").strip():
        return "ev_wo_done_for_stock"
    return f"ev_{kind}"


def _rows(value: Any, width: int) -> list[list[Any]]:
    """The rows an event carries, each ``width`` long (a row that is not is left out rather than shown raw)."""
    rows = value if isinstance(value, list | tuple) else []
    return [list(r) for r in rows if isinstance(r, list | tuple) and len(r) == width]


def _dec(value: Any) -> Any:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return value
