"""Turn any result, error, help request or event into a neutral Message."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from bot.conversation.i18n import Translator
from bot.conversation.i18n.help import HELP
from bot.conversation.language.parser import HelpRequest
from bot.conversation.language.verbs import VERBS
from bot.conversation.replies import alerts as al
from bot.conversation.replies import changes as ch
from bot.conversation.replies import contacts as ct
from bot.conversation.replies import history as hi
from bot.conversation.replies import orders as o
from bot.conversation.replies import stock as s
from bot.conversation.replies.events import render_event
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
        return hi.history(t, result)
    if isinstance(result, DiffView):
        return hi.diff(t, result)
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
    # what one types is shown as such (`…`), in every language: the words of the command are the same in all
    usage, example = HELP[verb]
    aliases = next(v.aliases for v in VERBS if v.name == verb)
    return Message(
        title=f"`{verb}` — {t(f'help_{verb}')}",
        fields=[(t("help_usage"), f"`{usage}`"), (t("help_example"), f"`{example}`"),
                (t("help_aliases"), t.text("list_sep").join(f"`{a}`" for a in aliases))],
    )  # fmt: skip


def render_batch(kind: str, payloads: Sequence[dict[str, Any]], t: Translator) -> str:
    """A notification for the team: one line, or a digest of several of one kind."""
    return al.render_batch(kind, payloads, t, render_event)


def render_customer_batch(kind: str, payloads: Sequence[dict[str, Any]], t: Translator) -> str:
    return al.render_batch(kind, payloads, t, render_customer_event)
