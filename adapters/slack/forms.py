"""Slack modals for what is awkward to type, and their submissions read back into COMMAND TEXT.

Forms never build domain objects: each ``read_*`` returns the text of a command — the very text a user
could type — and the app runs it through the shared parser like any typed command, so one set of rules
(and one audit trail) covers both. A reader returns ``(text, {})``, or ``(None, {block_id: message})``:
the shape Slack's ``response_action: "errors"`` wants. Free text is quoted so the shlex-based tokenizer
keeps it together.

``view.state.values`` looks like ``{block_id: {action_id: {"type": ..., "value" | "selected_date" |
"selected_option": ...}}}``; the readers take that dict.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

from slack_sdk.models.blocks import (
    Block,
    ContextBlock,
    DatePickerElement,
    ExternalDataSelectElement,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.views import View

from adapters.slack.blocks import escape
from adapters.slack.form_kit import (
    CALLBACK_CHANGE,
    CALLBACK_FILL,
    CALLBACK_NEW_ORDER,
    CALLBACK_REJECT,
    DATE_PLACEHOLDER_CHANGE,
    DATE_PLACEHOLDER_NEW,
    MAX_CHANGE_LINES,
    MAX_NOTE,
    PLACEHOLDER_WORD,
    PRODUCT_LINES,
    REJECT_WORDS,
    due_value,
    errors_for,
    field_value,
    finish,
    free_text,
    plain_text,
    quote,
    shorten,
    texts_for,
)
from bot.conversation.i18n import Translator
from bot.conversation.language.change_parser import ITEMS
from bot.conversation.language.errors import ParseError
from bot.conversation.language.parser import KEYWORDS
from bot.conversation.language.tokens import looks_like_sku, quantity
from domain.money import plain


# -- new order ----------------------------------------------------------------------------------
def new_order_modal(t: Translator) -> dict[str, Any]:
    tx = texts_for(t.lang)
    blocks: list[Block] = [
        InputBlock(
            block_id="customer",
            label=t("lbl_customer"),
            element=ExternalDataSelectElement(action_id="customer", placeholder=tx["customer_ph"], min_query_length=1),
        )
    ]
    for i in range(1, PRODUCT_LINES + 1):
        blocks.append(
            InputBlock(
                block_id=f"line{i}",
                label=f"{tx['product']} {i}",
                optional=True,
                element=ExternalDataSelectElement(
                    action_id="product", placeholder=tx["product_ph"], min_query_length=1
                ),
            )
        )
        blocks.append(
            InputBlock(
                block_id=f"qty{i}",
                label=f"{t('lbl_qty')} {i}",
                optional=True,
                element=PlainTextInputElement(action_id="qty", placeholder=tx["qty_ph"], max_length=30),
            )
        )
    blocks += [
        InputBlock(block_id="due_pick", label=t("lbl_due"), optional=True, element=DatePickerElement(action_id="date")),
        InputBlock(
            block_id="due_text",
            label=tx["due_text"],
            optional=True,
            element=PlainTextInputElement(action_id="text", placeholder=DATE_PLACEHOLDER_NEW, max_length=60),
        ),
        InputBlock(
            block_id="po",
            label=t("lbl_po"),
            optional=True,
            element=PlainTextInputElement(action_id="po", max_length=60),
        ),
        InputBlock(
            block_id="note",
            label=t("lbl_notes"),
            optional=True,
            element=PlainTextInputElement(action_id="note", multiline=True, max_length=MAX_NOTE),
        ),
    ]
    view = View(
        type="modal",
        callback_id=CALLBACK_NEW_ORDER,
        title=plain_text(tx["new_title"]),
        submit=plain_text(tx["create"]),
        close=plain_text(tx["close"]),
        blocks=blocks,
    )
    out: dict[str, Any] = view.to_dict()
    return out


def read_new_order(values: Mapping[str, Any], lang: str = "en") -> tuple[str | None, dict[str, str]]:
    """``new CUST SKU QTY … [due DATE] [po REF] [note "TEXT"]`` from the new-order modal."""
    err = errors_for(lang)
    errors: dict[str, str] = {}
    customer = field_value(values, "customer", "customer")
    if not customer:
        errors["customer"] = err["customer"]
    words = ["new", quote(customer)]
    lines = 0
    for i in range(1, PRODUCT_LINES + 1):
        sku = field_value(values, f"line{i}", "product")
        raw = field_value(values, f"qty{i}", "qty")
        if not sku and not raw:
            continue
        if not sku:
            errors[f"line{i}"] = err["product"]
            continue
        if not looks_like_sku(sku):
            errors[f"line{i}"] = err["bad_sku"].format(value=sku)
            continue
        if not raw:
            errors[f"qty{i}"] = err["qty_missing"]
            continue
        try:
            qty = quantity(raw)
        except ParseError:
            errors[f"qty{i}"] = err["qty_bad"].format(value=raw)
            continue
        words += [sku.upper(), plain(qty)]
        lines += 1
    if not lines and not any(key.startswith(("line", "qty")) for key in errors):
        errors["line1"] = err["no_lines"]
    due = due_value(values, err, errors)
    if due:
        words += ["due", due]
    po = field_value(values, "po", "po")
    if po:
        words += ["po", quote(po)]
    note = free_text(values, "note", KEYWORDS, err, errors)
    if note:
        words += ["note", quote(note)]
    return finish(words, errors, err, "note")


# -- change request -----------------------------------------------------------------------------
def change_modal(t: Translator, order_number: str, lines: list[tuple[int, str, str]]) -> dict[str, Any]:
    """Quantities (prefilled), a new due date, reason and evidence; ``lines`` = (line_no, sku, current qty)."""
    tx = texts_for(t.lang)
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=f"*{escape(order_number)}*\n{escape(tx['change_hint'])}"))
    ]
    for line_no, sku, current in lines[:MAX_CHANGE_LINES]:
        blocks.append(
            InputBlock(
                block_id=f"qty:{line_no}",
                label=shorten(f"#{line_no} {sku}", 2000),
                element=PlainTextInputElement(action_id="qty", initial_value=current, max_length=30),
            )
        )
    if len(lines) > MAX_CHANGE_LINES:
        more = tx["more_lines"].format(shown=MAX_CHANGE_LINES, count=len(lines), number=order_number)
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=escape(more))]))
    blocks += [
        InputBlock(
            block_id="due_pick", label=tx["new_due"], optional=True, element=DatePickerElement(action_id="date")
        ),
        InputBlock(
            block_id="due_text",
            label=tx["due_text"],
            optional=True,
            element=PlainTextInputElement(action_id="text", placeholder=DATE_PLACEHOLDER_CHANGE, max_length=60),
        ),
        InputBlock(
            block_id="reason",
            label=t("lbl_reason"),
            element=PlainTextInputElement(action_id="reason", multiline=True, max_length=MAX_NOTE),
        ),
        InputBlock(
            block_id="evidence",
            label=t("lbl_evidence"),
            optional=True,
            element=PlainTextInputElement(action_id="evidence", max_length=300),
        ),
    ]
    view = View(
        type="modal",
        callback_id=CALLBACK_CHANGE,
        private_metadata=order_number,
        title=plain_text(t("btn_request_change")),
        submit=plain_text(texts_for(t.lang)["submit"]),
        close=plain_text(tx["close"]),
        blocks=blocks,
    )
    out: dict[str, Any] = view.to_dict()
    return out


def _same_quantity(new: Decimal, current: str) -> bool:
    try:
        return quantity(current, zero=True) == new
    except ParseError:
        return False


def read_change(
    values: Mapping[str, Any], order_number: str, current: Mapping[int, str], lang: str = "en"
) -> tuple[str | None, dict[str, str]]:
    """``change SO-… qty line N Q … [date D] reason "…" [evidence "…"]`` with only the lines that changed."""
    err = errors_for(lang)
    errors: dict[str, str] = {}
    items: list[str] = []
    shown = [n for n in sorted(current) if f"qty:{n}" in values]
    for n in shown:
        block = f"qty:{n}"
        raw = field_value(values, block, "qty")
        if not raw:
            errors[block] = err["qty_missing"]
            continue
        if raw == current[n].strip():
            continue
        try:
            new = quantity(raw)
        except ParseError:
            try:
                zero = quantity(raw, zero=True) == 0
            except ParseError:
                zero = False
            errors[block] = err["qty_zero"] if zero else err["qty_bad"].format(value=raw)
            continue
        if not _same_quantity(new, current[n]):
            items += ["qty", "line", str(n), plain(new)]
    due = due_value(values, err, errors)
    if due:
        items += ["date", due]
    if not items and not any(key.startswith(("qty:", "due_")) for key in errors):
        errors[f"qty:{shown[0]}" if shown else "due_pick"] = err["nothing"]
    reason = free_text(values, "reason", ITEMS, err, errors)
    if not reason:
        errors["reason"] = err["reason"]
    evidence = free_text(values, "evidence", ITEMS, err, errors)
    words = ["change", quote(order_number), *items, "reason", quote(reason)]
    if evidence:
        words += ["evidence", quote(evidence)]
    return finish(words, errors, err, "reason")


# -- reject -------------------------------------------------------------------------------------
def reject_modal(t: Translator, cr_number: str, origin: str = "") -> dict[str, Any]:
    """One required reason; ``origin`` (where the click came from) rides along in private_metadata."""
    tx = texts_for(t.lang)
    view = View(
        type="modal",
        callback_id=CALLBACK_REJECT,
        private_metadata=json.dumps({"cr": cr_number, "origin": origin}),
        title=plain_text(f"{t('btn_reject_cr')} {cr_number}"),
        submit=plain_text(t("btn_reject_cr")),
        close=plain_text(tx["close"]),
        blocks=[
            InputBlock(
                block_id="reason",
                label=t("lbl_reason"),
                hint=tx["reject_hint"],
                element=PlainTextInputElement(action_id="reason", multiline=True, max_length=MAX_NOTE),
            )
        ],
    )
    out: dict[str, Any] = view.to_dict()
    return out


def read_reject(
    values: Mapping[str, Any], meta: str | Mapping[str, Any], lang: str = "en"
) -> tuple[str | None, dict[str, str]]:
    """``reject CR-N "reason"``; ``meta`` is the modal's private_metadata (the JSON string, or parsed)."""
    err = errors_for(lang)
    try:
        data = json.loads(meta) if isinstance(meta, str) else dict(meta)
    except ValueError:
        data = {}
    cr = str(data.get("cr") or "").strip() if isinstance(data, dict) else ""
    if not cr:
        return None, {"reason": err["expired"]}
    errors: dict[str, str] = {}
    reason = free_text(values, "reason", REJECT_WORDS, err, errors)
    if not reason:
        errors["reason"] = err["reason"]
    return finish(["reject", quote(cr), quote(reason)], errors, err, "reason")


# -- filling a button's placeholders ------------------------------------------------------------
def placeholders(command: str) -> list[str]:
    """The words a user must fill in a button's command: all capitals, 3 letters or more (REASON, CARRIER)."""
    return list(dict.fromkeys(word for word in command.split() if PLACEHOLDER_WORD.match(word)))


def _placeholder_label(t: Translator, name: str) -> str:
    tx = texts_for(t.lang)
    known = {"REASON": t("lbl_reason"), "CARRIER": tx["carrier"], "TRACKING": tx["tracking"]}
    return known.get(name, name.capitalize())


def fill_modal(t: Translator, command: str) -> dict[str, Any]:
    """One input per placeholder of ``command``; the command itself rides in private_metadata."""
    tx = texts_for(t.lang)
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=f"`{escape(command)}`"))]
    for name in placeholders(command):
        blocks.append(
            InputBlock(
                block_id=name,
                label=_placeholder_label(t, name),
                element=PlainTextInputElement(action_id="value", multiline=name == "REASON", max_length=MAX_NOTE),
            )
        )
    view = View(
        type="modal",
        callback_id=CALLBACK_FILL,
        private_metadata=command,
        title=plain_text(tx["fill_title"]),
        submit=plain_text(tx["run"]),
        close=plain_text(tx["close"]),
        blocks=blocks,
    )
    out: dict[str, Any] = view.to_dict()
    return out


def read_fill(values: Mapping[str, Any], command: str, lang: str = "en") -> tuple[str | None, dict[str, str]]:
    """``command`` with each placeholder replaced by its (quoted) value."""
    err = errors_for(lang)
    names = placeholders(command)
    errors: dict[str, str] = {}
    filled: dict[str, str] = {}
    for name in names:
        value = field_value(values, name)
        if value:
            filled[name] = quote(value)
        else:
            errors[name] = err["required"]
    words = [filled.get(word, word) for word in command.split()]
    return finish(words, errors, err, names[-1] if names else "")
