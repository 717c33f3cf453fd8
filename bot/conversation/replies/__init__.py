"""Turn any result, error, help request or event into a neutral Message."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from bot.conversation.i18n import Translator
from bot.conversation.i18n.help import HELP
from bot.conversation.language.parser import HelpRequest
from bot.conversation.language.verbs import VERBS
from bot.conversation.replies import alerts as al
from bot.conversation.replies import changes as ch
from bot.conversation.replies import contacts as ct
from bot.conversation.replies import orders as o
from bot.conversation.replies import stock as s
from bot.conversation.replies.message import Button, Message, Table
from domain.errors import ConfirmationFailed, OrderbotError, UnknownUser
from domain.orders import Order
from domain.results import (
    AlertsView,
    AtpAnswer,
    ChangeReportView,
    ChangesView,
    ChangeView,
    ContactsView,
    CustomerOrderView,
    CustomersView,
    DeadLettersView,
    DelegationsView,
    DiffView,
    Done,
    LedgerView,
    OrderHistoryView,
    OrderPage,
    ProductsView,
    PurchaseOrdersView,
    PurchaseOrderView,
    ScanReport,
    StockSummary,
    SuggestionsView,
    UsersView,
    UserView,
    WorkOrdersView,
    WorkOrderView,
)

__all__ = [
    "Button",
    "Message",
    "Table",
    "render",
    "render_batch",
    "render_customer_batch",
    "render_customer_event",
    "render_customer_help",
    "render_error",
    "render_event",
    "render_help",
]
render_customer_event = ct.render_customer_event
render_customer_help = ct.customer_help


STOCK_RENDERERS: tuple[tuple[type, Any], ...] = (
    (StockSummary, s.stock),
    (AtpAnswer, s.atp),
    (LedgerView, s.ledger),
    (SuggestionsView, s.suggestions),
    (PurchaseOrderView, s.purchase_order),
    (PurchaseOrdersView, s.purchase_orders),
    (WorkOrderView, s.work_order),
    (WorkOrdersView, s.work_orders),
    (ChangeView, ch.change_view),
    (ChangesView, ch.changes_list),
    (ChangeReportView, ch.report),
    (DelegationsView, ch.delegations),
    (ContactsView, ct.contacts_view),
    (CustomerOrderView, ct.customer_order),
    (ScanReport, al.scan_report),
    (AlertsView, al.alerts_view),
    (DeadLettersView, al.dead_letters),
)


def render(result: Any, t: Translator, today: date) -> Message:
    if isinstance(result, Done):
        return ct.done(t, result) if result.code in ct.CODES else o.done(t, result)
    if isinstance(result, Order):
        return o.show(t, result, today)
    if isinstance(result, OrderPage):
        return o.page(t, result, today, customer=result.title_code == "my_orders_title")
    if isinstance(result, OrderHistoryView):
        return o.history(t, result)
    if isinstance(result, DiffView):
        return o.diff(t, result)
    if isinstance(result, UserView):
        return o.whoami(t, result)
    if isinstance(result, UsersView):
        return o.users(t, result)
    if isinstance(result, CustomersView):
        return o.customers(t, result)
    if isinstance(result, ProductsView):
        return o.products(t, result)
    if isinstance(result, HelpRequest):
        return render_help(t, result.verb)
    for kind, show in STOCK_RENDERERS:
        if isinstance(result, kind):
            message: Message = show(t, result)
            return message
    raise TypeError(f"no reply for {type(result).__name__}")


def render_error(err: OrderbotError, t: Translator) -> Message:
    # someone the bot does not know yet gets an explanation of how to get in, not an error
    msg = Message(title=t(err.code, **err.params), error=not isinstance(err, UnknownUser), code=err.code)
    if isinstance(err, ConfirmationFailed):
        msg.lines = [f"  • {t(code, **params)}" for code, params in err.problems]
    # further lines some errors carry: a hint with an example, the candidates to choose from
    msg.lines += [t(code, **params) for code, params in getattr(err, "notes", ())]
    return msg


def render_help(t: Translator, verb: str | None) -> Message:
    if verb is None:
        rows = [[v.name, " / ".join(v.aliases[:2]), t(f"help_{v.name}")] for v in VERBS]
        return Message(title=t("help_title"), tables=[Table(["", "", ""], rows)], lines=[t("help_footer")])
    usage, example = HELP[verb]
    aliases = next(v.aliases for v in VERBS if v.name == verb)
    return Message(
        title=f"{verb} — {t(f'help_{verb}')}",
        fields=[(t("help_usage"), usage), (t("help_example"), example), (t("help_aliases"), ", ".join(aliases))],
    )


def render_event(kind: str, payload: dict[str, Any], t: Translator) -> str:
    """One line for a channel; unknown kinds still say something useful."""
    params = dict(payload)
    key = f"ev_{kind}"
    if kind == "order_status_changed" and params.get("reason"):
        key = "ev_order_status_changed_reason"
    if kind == "role_changed":
        key = "ev_role_changed_granted" if params.get("granted") else "ev_role_changed_revoked"
    if kind == "customer_change_decided":
        key = f"ev_customer_change_decided_{'approved' if params.get('outcome') == 'approved' else 'rejected'}"
    if kind in al.ALERT_KINDS:
        key = al.event_key(kind, params, t)
    if "amount" in params:
        params["amount"] = t.money(_dec(params["amount"]))
    if kind == "order_changed":
        params["changes"] = ch.summary_text(t, params.get("changes", []))
    for name in ("required", "roles", "pending"):
        if isinstance(params.get(name), list):
            params[name] = ch.roles_text(t, params[name])
    if isinstance(params.get("kinds"), list):
        params["kinds"] = ", ".join(t(f"kindname_{k}") for k in params["kinds"])
    if kind == "cr_created":
        params["risk"] = t(f"risk_{params.get('risk')}")
    text = t(key, **params)
    return text if text != key else f"{kind}: {payload}"


def _dec(value: Any) -> Any:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return value


def render_batch(kind: str, payloads: Sequence[dict[str, Any]], t: Translator) -> str:
    """A notification for the team: one line, or a digest of several of one kind."""
    return al.render_batch(kind, payloads, t, render_event)


def render_customer_batch(kind: str, payloads: Sequence[dict[str, Any]], t: Translator) -> str:
    return al.render_batch(kind, payloads, t, render_customer_event)
