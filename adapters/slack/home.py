"""The Home tab: my pending approvals (with their age), my open orders, orders at risk."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from adapters.slack.blocks import (
    HOME_ORDERS,
    HOME_PENDING,
    MAX_BUTTON_TEXT,
    MAX_HEADER,
    RISK_MARK,
    context_block,
    decision_buttons,
    do_action_id,
    escape,
    fit,
    fit_mrkdwn,
    label,
    plain_text,
    section_block,
)
from bot.conversation import actions
from bot.conversation.i18n import Translator
from bot.conversation.replies.changes import age, roles_text
from domain import commands as c
from domain.changes import ChangeRequest
from domain.impact import Impact
from domain.lifecycle import NOT_SHIPPED, Status
from domain.orders import Order
from domain.results import ChangesView, OrderPage


def _today(t: Translator, now: datetime) -> date:
    return (now.astimezone(t.zone) if now.tzinfo is not None else now).date()


def _order_text(t: Translator, order: Order, marks: str = "") -> str:
    parts = [
        f"*{escape(order.number)}*",
        escape(order.customer.name or order.customer.code),
        escape(t.status(order.status.value)),
        f"{escape(t('lbl_due'))} {escape(t.date(order.due_date))}",
        escape(t.money(order.amount)),
    ]
    return (f"{marks} " if marks else "") + " · ".join(parts)


def _risk_marks(t: Translator, order: Order, today: date) -> str:
    marks: list[str] = []
    if order.due_date is not None and order.due_date < today and order.status in NOT_SHIPPED:
        marks.append(f"⚠ *{escape(t('lbl_overdue'))}*")
    if order.status is Status.on_hold:
        marks.append(f"⚠ {escape(t.status(Status.on_hold.value))}")
    return " ".join(marks)


def _cr_text(t: Translator, cr: ChangeRequest, now: datetime) -> str:
    impact = Impact.from_dict(cr.impact)
    kinds = ", ".join(t(f"kindname_{k}") for k in cr.kinds)
    first = f"*{escape(cr.number)}* · {escape(cr.order_number)} · {escape(cr.customer)} · {escape(kinds)}"
    second = (
        f"{RISK_MARK.get(impact.risk, '')} {escape(t('lbl_risk'))}: {escape(t(f'risk_{impact.risk}'))} · "
        f"{escape(t('lbl_waiting'))}: {escape(roles_text(t, cr.pending_roles()))} · "
        f"⏱ {escape(age(t, cr.requested_at, now))}"
    )
    reason = f"_{fit(cr.reason, 500)}_" if cr.reason.strip() else ""
    return "\n".join(line for line in (first, second, reason) if line)


def home(t: Translator, pending: ChangesView, mine: OrderPage, at_risk: OrderPage, now: datetime) -> dict[str, Any]:
    """The Home tab: what waits for my approval, my open orders, and orders at risk."""
    today = _today(t, now)
    clock = pending.now or now
    blocks: list[Block] = [context_block(f"🕘 {escape(t.when(now))}")]

    crs = sorted(pending.crs, key=lambda cr: cr.requested_at)
    blocks.append(HeaderBlock(text=plain_text(t("pending_title", count=len(crs)), MAX_HEADER)))
    if not crs:
        blocks.append(section_block(escape(t("nothing_pending"))))
    for cr in crs[:HOME_PENDING]:
        blocks.append(section_block(fit_mrkdwn(_cr_text(t, cr, clock))))
        blocks.append(ActionsBlock(block_id=f"cr:{cr.number}", elements=decision_buttons(t, cr.number)))
    if len(crs) > HOME_PENDING:
        blocks.append(context_block(escape(label(t, "more", count=len(crs) - HOME_PENDING, command="pending"))))

    index = 0

    def order_rows(page: OrderPage, marked: bool, more_command: str) -> list[Block]:
        nonlocal index
        rows: list[Block] = []
        shown = page.orders[:HOME_ORDERS]
        for order in shown:
            marks = _risk_marks(t, order, today) if marked else ""
            button = ButtonElement(
                text=PlainTextObject(text=plain_text(label(t, "show"), MAX_BUTTON_TEXT), emoji=True),
                action_id=do_action_id(index),
                value=actions.encode(c.ShowOrder(order.number)),
            )
            index += 1
            rows.append(SectionBlock(text=MarkdownTextObject(text=_order_text(t, order, marks)), accessory=button))
        rest = max(0, page.total - page.offset - len(shown))
        if rest:
            rows.append(context_block(escape(label(t, "more", count=rest, command=more_command))))
        return rows

    blocks.append(DividerBlock())
    blocks.append(HeaderBlock(text=plain_text(label(t, "my_orders", count=mine.total), MAX_HEADER)))
    blocks += order_rows(mine, False, "list mine") or [section_block(escape(label(t, "no_my_orders")))]

    blocks.append(DividerBlock())
    blocks.append(HeaderBlock(text=plain_text(label(t, "at_risk", count=at_risk.total), MAX_HEADER)))
    blocks += order_rows(at_risk, True, "list overdue") or [section_block(escape(label(t, "no_at_risk")))]

    view = View(type="home", blocks=blocks)
    out: dict[str, Any] = view.to_dict()
    return out
