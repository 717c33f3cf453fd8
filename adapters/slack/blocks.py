"""Neutral replies as Slack Block Kit: any ``Message``, the approval card of a change request, the Home tab.

Everything is built with ``slack_sdk.models`` and handed back as plain dicts from ``to_dict()``, which
checks Slack's own length rules. Text is escaped (&, <, >) so user content never turns into a mention or
a link, and long content is split or cut to fit: a section holds at most 3000 characters and 10 fields,
an actions block 25 elements, a message 50 blocks.

Every neutral ``Button`` becomes a button whose value is the command a click runs, encoded by
``bot.conversation.actions`` (never text to parse again); its action_id is ``orderbot_do:N``, followed by
``:field,field`` when the click must first ask for fields (a reason, a carrier). The approve and reject buttons of
an approval card carry their command the same way, under their own action_ids (``orderbot_approve`` /
``orderbot_reject``): a decision answers differently (every copy of the card is updated).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable, Sequence
from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    MarkdownTextObject,
    PlainTextObject,
    SectionBlock,
)

from bot.conversation import actions
from bot.conversation.i18n import Translator
from bot.conversation.replies.changes import change_text, change_view, decider, impact_lines
from bot.conversation.replies.message import Button, Message, Table, render_table
from domain import commands as c
from domain.changes import ChangeRequest, CRStatus
from domain.impact import Impact
from domain.results import ChangeView

log = logging.getLogger(__name__)

ACTION_DO = "orderbot_do"
ACTION_DO_PATTERN = re.compile(r"^orderbot_do:\d+(?::[a-z_]+(?:,[a-z_]+)*)?$")
ACTION_APPROVE = "orderbot_approve"
ACTION_REJECT = "orderbot_reject"

MAX_BLOCKS = 50
MAX_TEXT = 3000  # a section's text, and the fallback text we send
MAX_FIELD = 2000  # one section field
MAX_FIELDS = 10
MAX_ACTIONS = 25
MAX_BUTTON_TEXT = 75
MAX_BUTTON_VALUE = 2000
MAX_HEADER = 150
TABLE_BUDGET = 2900  # a table's code block, fences included
HOME_PENDING = 10
HOME_ORDERS = 15

# Labels the catalogs do not have (the catalogs stay shared by every front end).
LABELS: dict[str, dict[str, str]] = {
    "en": {
        "changes": "Changes",
        "impact": "Impact",
        "my_orders": "My open orders ({count})",
        "no_my_orders": "You have no open orders.",
        "at_risk": "Orders at risk ({count})",
        "no_at_risk": "Nothing is overdue, on hold or promised late.",
        "show": "Show",
        "more": "…and {count} more — type `{command}`",
        "decided_approved": "✅ Approved and applied by {who} · {when}",
        "decided_rejected": "⛔ Rejected by {who} · {when}: {note}",
        "decided_withdrawn": "↩️ Withdrawn · {when}",
        "decided_stale": "♻️ Closed as stale · {when}",
    },
    "zh": {
        "changes": "变更内容",
        "impact": "影响",
        "my_orders": "我的未结订单（{count}）",
        "no_my_orders": "您没有未结订单。",
        "at_risk": "风险订单（{count}）",
        "no_at_risk": "没有逾期、暂停或交期风险的订单。",
        "show": "查看",
        "more": "……还有 {count} 条，请输入 `{command}`",
        "decided_approved": "✅ {who} 于 {when} 批准并已生效",
        "decided_rejected": "⛔ {who} 于 {when} 驳回：{note}",
        "decided_withdrawn": "↩️ 已于 {when} 撤回",
        "decided_stale": "♻️ 已于 {when} 作废（订单已变化）",
    },
}
RISK_MARK = {"low": "🟢", "medium": "🟡", "high": "🔴"}


def label(t: Translator, key: str, **params: Any) -> str:
    template = LABELS.get(t.lang, LABELS["en"]).get(key) or LABELS["en"][key]
    return template.format(**params)


# -- text ---------------------------------------------------------------------------------------
def escape(text: str) -> str:
    """Slack's three control characters; everything else is left to mrkdwn."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _pieces(raw: str, limit: int) -> list[str]:
    """``raw`` escaped, in pieces of at most ``limit`` characters that never split an entity (&amp;)."""
    whole = escape(raw)
    if len(whole) <= limit:
        return [whole]
    out: list[str] = []
    current: list[str] = []
    size = 0
    for ch in raw:
        piece = escape(ch)
        if size + len(piece) > limit:
            out.append("".join(current))
            current, size = [], 0
        current.append(piece)
        size += len(piece)
    out.append("".join(current))
    return out


def fit(raw: str, limit: int) -> str:
    """``raw`` escaped and, when too long, cut to ``limit`` characters ending in "…"."""
    pieces = _pieces(raw, limit)
    return pieces[0] if len(pieces) == 1 else _pieces(raw, limit - 1)[0] + "…"


def plain_text(raw: str, limit: int) -> str:
    """Plain text (buttons, headers): not escaped, only cut."""
    text = " ".join(raw.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _pack(lines: Iterable[str], limit: int = MAX_TEXT) -> list[str]:
    """Ready mrkdwn lines joined by newlines into as few texts of at most ``limit`` characters as possible."""
    texts: list[str] = []
    chunk: list[str] = []
    size = -1
    for line in lines:
        if len(line) > limit:
            line = line[: limit - 1] + "…"
        if chunk and size + 1 + len(line) > limit:
            texts.append("\n".join(chunk))
            chunk, size = [], -1
        chunk.append(line)
        size += 1 + len(line)
    if chunk:
        texts.append("\n".join(chunk))
    return [text for text in texts if text.strip()]


def _escaped_lines(raw_lines: Iterable[str], limit: int = MAX_TEXT) -> list[str]:
    return [piece for raw in raw_lines for line in raw.split("\n") for piece in _pieces(line, limit)]


def section_block(text: str) -> SectionBlock:
    return SectionBlock(text=MarkdownTextObject(text=text))


def context_block(text: str) -> ContextBlock:
    return ContextBlock(elements=[MarkdownTextObject(text=text)])


def _bold(raw: str) -> list[Block]:
    """A title: each line in bold (mrkdwn bold cannot span lines)."""
    lines = [f"*{line.strip()}*" if line.strip() else "" for line in _escaped_lines([raw], MAX_TEXT - 2)]
    return [section_block(text) for text in _pack(lines)]


def _text(raw_lines: Sequence[str], heading: str = "") -> list[Block]:
    lines = _escaped_lines(raw_lines)
    if heading:
        lines.insert(0, f"*{fit(heading, 200)}*")
    return [section_block(text) for text in _pack(lines)]


def _field(name: str, value: str) -> MarkdownTextObject:
    head = f"*{fit(name.strip(), 200)}*\n" if name.strip() else ""
    body = fit(value, MAX_FIELD - len(head)) if value.strip() else "—"
    return MarkdownTextObject(text=head + body)


def _fields(pairs: Sequence[tuple[str, str]]) -> list[Block]:
    objects = [_field(name, value) for name, value in pairs]
    return [SectionBlock(fields=objects[i : i + MAX_FIELDS]) for i in range(0, len(objects), MAX_FIELDS)]


def _table(table: Table) -> SectionBlock | None:
    """A table as a code block of aligned columns, under its title in bold, cut with a "…" line when it would
    not fit."""
    raw = [line.removeprefix("  ") for line in render_table(table)]
    if not any(line.strip() for line in raw):
        return None
    heading = f"*{fit(table.title.strip(), 200)}*\n" if table.title.strip() else ""
    budget = TABLE_BUDGET - len("```\n\n```") - len("\n…") - len(heading)
    kept: list[str] = []
    size = -1
    for line in raw:
        text = fit(line, budget)
        if size + 1 + len(text) > budget:
            kept.append("…")
            break
        kept.append(text)
        size += 1 + len(text)
    return section_block(heading + "```\n" + "\n".join(kept) + "\n```")


# -- buttons ----------------------------------------------------------------------------------------
def do_action_id(index: int, asks: Sequence[str] = ()) -> str:
    """``orderbot_do:N``, or ``orderbot_do:N:reason`` for a click that must ask for fields first."""
    return f"{ACTION_DO}:{index}" + (":" + ",".join(asks) if asks else "")


def asked_fields(action_id: str) -> tuple[str, ...]:
    """The fields an ``orderbot_do`` button asks for, read back from its action_id."""
    _, _, rest = action_id.partition(":")
    _, _, asks = rest.partition(":")
    return tuple(asks.split(",")) if asks else ()


def do_button(button: Button, index: int) -> ButtonElement | None:
    """A neutral button: its value is the command a click runs. None for a button that carries no command (or
    one too long for Slack): a click could only guess, so it is not offered."""
    if button.action is None:
        return None
    try:
        value = actions.encode(button.action)
    except ValueError:
        log.warning("button %r left out: its command cannot be carried", button.label)
        return None
    style = button.style if button.style in ("primary", "danger") else None
    return ButtonElement(
        text=PlainTextObject(text=plain_text(button.label or button.command, MAX_BUTTON_TEXT), emoji=True),
        action_id=do_action_id(index, button.asks),
        value=value,
        style=style,
    )


def _actions(elements: Sequence[ButtonElement]) -> list[Block]:
    return [ActionsBlock(elements=elements[i : i + MAX_ACTIONS]) for i in range(0, len(elements), MAX_ACTIONS)]


def decision_buttons(t: Translator, cr_number: str) -> list[ButtonElement]:
    return [
        ButtonElement(
            text=PlainTextObject(text=plain_text(t("btn_approve_cr"), MAX_BUTTON_TEXT), emoji=True),
            action_id=ACTION_APPROVE,
            value=actions.encode(c.ApproveChange(cr_number)),
            style="primary",
        ),
        ButtonElement(
            text=PlainTextObject(text=plain_text(t("btn_reject_cr"), MAX_BUTTON_TEXT), emoji=True),
            action_id=ACTION_REJECT,
            value=actions.encode(c.RejectChange(cr_number, "")),
            style="danger",
        ),
    ]


def _cap(blocks: list[Block]) -> list[Block]:
    if len(blocks) <= MAX_BLOCKS:
        return blocks
    return [*blocks[: MAX_BLOCKS - 1], context_block("…")]


def _dicts(blocks: Sequence[Block]) -> list[dict[str, Any]]:
    return [block.to_dict() for block in blocks]


def fallback(text: str) -> str:
    """The notification / accessibility text that goes with the blocks."""
    return fit(text, MAX_TEXT)


# -- any message --------------------------------------------------------------------------------
def render(msg: Message) -> tuple[str, list[dict[str, Any]]]:
    """Fallback text and blocks: title, fields, lines, tables, buttons — in the order ``Message.text`` uses."""
    blocks: list[Block] = []
    if msg.title.strip():
        blocks += _bold(("✖ " if msg.error else "") + msg.title)
    blocks += _fields(msg.fields)
    blocks += _text(msg.lines)
    blocks += [section for table in msg.tables if (section := _table(table)) is not None]
    buttons = [b for i, button in enumerate(msg.buttons) if (b := do_button(button, i)) is not None]
    blocks += _actions(buttons)
    return fallback(msg.text()), _dicts(_cap(blocks))


# -- a change request, for its approvers --------------------------------------------------------
def _sep(t: Translator) -> str:
    return "；" if t.lang == "zh" else "; "


def impact_summary(t: Translator, impact: Impact) -> list[str]:
    """One mrkdwn line per impact section (material detail left out): money, stock, production, schedule,
    cost, and the risk level with its reasons."""
    grouped: dict[str, list[str]] = {}
    material = t("imp_purchasing")
    for section, text in impact_lines(t, impact):
        if section != material:
            grouped.setdefault(section, []).append(text)
    risk = t("imp_risk")
    sep = _sep(t)
    out: list[str] = []
    for section, texts in grouped.items():
        if section == risk:
            reasons = [text.removeprefix("• ") for text in texts[1:]]
            body = texts[0] + (" — " + sep.join(reasons) if reasons else "")
            out.append(f"*{escape(section)}*  {RISK_MARK.get(impact.risk, '')} {escape(body)}")
        else:
            out.append(f"*{escape(section)}*  {escape(sep.join(texts))}")
    return out


def approval_lines(t: Translator, cr: ChangeRequest) -> list[str]:
    """✅ / ⏳ / ⛔ per required role, for this round of the request (raw text, not escaped)."""
    this_round = [d for d in cr.decisions if d.round == cr.round]
    pending = cr.status is CRStatus.pending
    out: list[str] = []
    for role in cr.required_roles:
        name = t.name("role_", role.value)
        mine = [d for d in this_round if d.role is role]
        if not mine:
            if pending:
                why = _sep(t).join(t(code, **params) for code, params in cr.required.get(role.value, []))
                out.append(f"⏳ {name} — {t('dec_pending')}" + (f" · {why}" if why else ""))
            else:
                out.append(f"▫️ {name} — {t('lbl_none')}")
            continue
        found = mine[-1]
        who = decider(t, found)
        if found.outcome == "approved":
            out.append(f"✅ {name} — {who} {t.when(found.at)}")
        else:
            out.append(f"⛔ {name} — {t('dec_rejected', who=who, when=t.when(found.at), reason=found.reason)}")
    return out


def decided_line(t: Translator, cr: ChangeRequest) -> str:
    """Who decided a closed request, and when (raw text)."""
    when = t.when(cr.decided_at)
    this_round = sorted((d for d in cr.decisions if d.round == cr.round), key=lambda d: d.at)
    if cr.status is CRStatus.approved:
        approvals = [d for d in this_round if d.outcome == "approved"]
        who = approvals[-1].approver if approvals else t("lbl_none")
        line = label(t, "decided_approved", who=who, when=when)
        return line + (f" → {cr.order_number} v{cr.applied_version}" if cr.applied_version else "")
    if cr.status is CRStatus.rejected:
        rejections = [d for d in this_round if d.outcome == "rejected"]
        who = rejections[-1].approver if rejections else t("lbl_none")
        return label(t, "decided_rejected", who=who, when=when, note=cr.note or t("lbl_none"))
    if cr.status is CRStatus.withdrawn:
        return label(t, "decided_withdrawn", when=when) + (f": {cr.note}" if cr.note else "")
    return label(t, "decided_stale", when=when)


def approval(t: Translator, view: ChangeView) -> tuple[str, list[dict[str, Any]]]:
    """The card approvers see: request, changes, impact, approvals so far, and Approve / Reject while pending."""
    cr = view.cr
    title = change_view(t, view).title
    blocks: list[Block] = _bold(title)
    blocks += _fields(
        [
            (t("lbl_cr"), cr.number),
            (t("lbl_order"), f"{cr.order_number} ({cr.customer})"),
            (t("lbl_requested_by"), f"{cr.requested_by} · {t.when(cr.requested_at)}"),
            (t("lbl_status"), t.name("cr_status_", cr.status.value)),
            (t("lbl_reason"), cr.reason or t("lbl_none")),
            (t("lbl_evidence"), cr.evidence or t("lbl_none")),
        ]
    )
    changes = ["• " + change_text(t, ch) for ch in cr.requested]
    blocks += _text(changes, heading=label(t, "changes"))
    impact = Impact.from_dict(cr.impact)
    summary = [f"*{escape(label(t, 'impact'))}*", *impact_summary(t, impact)]
    blocks += [section_block(text) for text in _pack(summary)]
    blocks += _text(approval_lines(t, cr), heading=t("imp_approvals"))
    if view.refused:
        refused = ", ".join(f"{e.actor} ({e.action})" for e in view.refused)
        blocks.append(context_block(fit(f"{t('refused_title')}: {refused}", MAX_TEXT)))
    if cr.status is CRStatus.pending:
        blocks.append(ActionsBlock(block_id=f"cr:{cr.number}", elements=decision_buttons(t, cr.number)))
    else:
        blocks.append(context_block(fit(decided_line(t, cr), MAX_TEXT)))
    text = "\n".join([title, *changes])
    return fallback(text), _dicts(_cap(blocks))


def fit_mrkdwn(text: str, limit: int = MAX_TEXT) -> str:
    """Ready mrkdwn cut to ``limit`` characters (for text built from already escaped parts)."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
