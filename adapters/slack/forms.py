"""Slack modals for what is awkward to type, and their submissions read back into DOMAIN COMMANDS.

A form builds the command itself — the one the command language would build from the same words (``p_new`` for
a new order, ``p_change`` for a change request, ``p_reject``) — and the app runs it through the conversation's
door (``Chat.run``): the bus checks it like typed text, and one audit trail covers both. Nothing is written out
as text to be parsed again. A reader returns ``(command, {})``, or ``(None, {block_id: message})``: the shape
Slack's ``response_action: "errors"`` wants, in the user's language.

Date phrases typed into a form are read by the desk's date rules (``DateReader``); the date picker gives ISO
dates. ``view.state.values`` looks like ``{block_id: {action_id: {"type": ..., "value" | "selected_date" |
"selected_option": ...}}}``; the readers take that dict.
"""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Mapping, Sequence
from datetime import date
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
    PRODUCT_LINES,
    due_value,
    errors_for,
    field_value,
    plain_text,
    quantity_value,
    shorten,
    texts_for,
)
from bot.conversation import actions
from bot.conversation.i18n import Translator
from bot.conversation.language.change_parser import cr_number
from bot.conversation.language.dates import DateReader
from bot.conversation.language.errors import ParseError
from bot.conversation.language.tokens import looks_like_sku
from domain import commands as c
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


def read_new_order(
    values: Mapping[str, Any], t: Translator, dates: DateReader, today: date
) -> tuple[c.CreateOrder | None, dict[str, str]]:
    """``CreateOrder`` as ``new CUST SKU QTY … [due DATE] [po REF] [note TEXT]`` would build it."""
    err = errors_for(t.lang)
    errors: dict[str, str] = {}
    customer = field_value(values, "customer", "customer")
    if not customer:
        errors["customer"] = err["customer"]
    lines: list[c.LineInput] = []
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
            lines.append(c.LineInput(sku.upper(), quantity_value(raw)))
        except ParseError:
            errors[f"qty{i}"] = err["qty_bad"].format(value=raw)
    if not lines and not any(key.startswith(("line", "qty")) for key in errors):
        errors["line1"] = err["no_lines"]
    due = due_value(values, t, dates, today, errors, shift=False)
    if errors:
        return None, errors
    due_date = due if isinstance(due, date) else None  # shift=False: a shift was refused above
    po = field_value(values, "po", "po")
    note = field_value(values, "note", "note")
    return c.CreateOrder(customer.upper(), tuple(lines), due_date, po_ref=po, notes=note), {}


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
        return quantity_value(current, zero=True) == new
    except ParseError:
        return False


def read_change(
    values: Mapping[str, Any], order_number: str, current: Mapping[int, str], t: Translator, dates: DateReader,
    today: date,
) -> tuple[c.RequestChange | None, dict[str, str]]:  # fmt: skip
    """``RequestChange`` as ``change SO-… qty line N Q … [date D] reason … [evidence …]`` would build it, with
    only the lines that changed; ``current`` = the order's quantities now (line -> text)."""
    err = errors_for(t.lang)
    errors: dict[str, str] = {}
    items: list[c.ChangeInput] = []
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
            new = quantity_value(raw)
        except ParseError:
            try:
                zero = quantity_value(raw, zero=True) == 0
            except ParseError:
                zero = False
            errors[block] = err["qty_zero"] if zero else err["qty_bad"].format(value=raw)
            continue
        if not _same_quantity(new, current[n]):
            items.append(c.ChangeInput("quantity", "", n, quantity=new))
    due = due_value(values, t, dates, today, errors, shift=True)
    if due is not None:
        items.append(c.ChangeInput("due_date", when=due))
    if not items and not any(key.startswith(("qty:", "due_")) for key in errors):
        errors[f"qty:{shown[0]}" if shown else "due_pick"] = err["nothing"]
    reason = field_value(values, "reason", "reason")
    if not reason:
        errors["reason"] = err["reason"]
    evidence = field_value(values, "evidence", "evidence")
    if errors:
        return None, errors
    return c.RequestChange(order_number, tuple(items), reason, evidence), {}


# -- reject -------------------------------------------------------------------------------------
def reject_modal(t: Translator, number: str, origin: str = "") -> dict[str, Any]:
    """One required reason; ``origin`` (where the click came from) rides along in private_metadata."""
    tx = texts_for(t.lang)
    view = View(
        type="modal",
        callback_id=CALLBACK_REJECT,
        private_metadata=json.dumps({"cr": number, "origin": origin}),
        title=plain_text(f"{t('btn_reject_cr')} {number}"),
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
    values: Mapping[str, Any], meta: str | Mapping[str, Any], t: Translator
) -> tuple[c.RejectChange | None, dict[str, str]]:
    """``RejectChange(CR-N, reason)``; ``meta`` is the modal's private_metadata (the JSON string, or parsed)."""
    err = errors_for(t.lang)
    try:
        data = json.loads(meta) if isinstance(meta, str) else dict(meta)
        number = cr_number(str(data.get("cr") or "").strip())
    except (ValueError, TypeError, AttributeError, ParseError):
        return None, {"reason": err["expired"]}
    reason = field_value(values, "reason", "reason")
    if not reason:
        return None, {"reason": err["reason"]}
    return c.RejectChange(number, reason), {}


# -- the fields a button asks for -----------------------------------------------------------------
def field_label(t: Translator, name: str) -> str:
    """A command field's label, from the catalogs (``ask_<field>``), else the field's name."""
    key = f"ask_{name}"
    text = t(key)
    return text if text != key else name.replace("_", " ").capitalize()


def fill_modal(t: Translator, command: object, asks: Sequence[str], heading: str = "") -> dict[str, Any]:
    """One input per asked field of ``command``; the encoded command and the asked fields ride in
    private_metadata. ``heading``: what the click was (the button's label), shown above the inputs."""
    tx = texts_for(t.lang)
    number = getattr(command, "number", "")
    about = " · ".join(part for part in (heading.strip(), number if isinstance(number, str) else "") if part)
    blocks: list[Block] = [SectionBlock(text=MarkdownTextObject(text=f"*{escape(about)}*"))] if about else []
    for name in asks:
        blocks.append(
            InputBlock(
                block_id=name,
                label=shorten(field_label(t, name), 2000),
                element=PlainTextInputElement(action_id="value", multiline=name == "reason", max_length=MAX_NOTE),
            )
        )
    view = View(
        type="modal",
        callback_id=CALLBACK_FILL,
        private_metadata=json.dumps({"action": actions.encode(command), "asks": list(asks)}, ensure_ascii=False),
        title=plain_text(tx["fill_title"]),
        submit=plain_text(tx["run"]),
        close=plain_text(tx["close"]),
        blocks=blocks,
    )
    out: dict[str, Any] = view.to_dict()
    return out


def read_asked(meta: str) -> tuple[Any, tuple[str, ...]]:
    """The command and asked fields a fill modal carries; ``ParseError("bad_action")`` if it is not one of ours."""
    try:
        data = json.loads(meta)
        command = actions.decode(str(data["action"]))
        asks = tuple(str(name) for name in data["asks"])
    except (ValueError, TypeError, KeyError) as err:
        raise ParseError("bad_action") from err
    check_asks(command, asks)
    return command, asks


def check_asks(command: object, asks: Sequence[str]) -> None:
    """Asked fields must be fields of the command that one line of text can fill (a text or a quantity);
    ``ParseError("bad_action")`` otherwise."""
    names = {f.name for f in dataclasses.fields(command)} if dataclasses.is_dataclass(command) else set()
    if not asks or not set(asks) <= names or not all(isinstance(getattr(command, n), str | Decimal) for n in asks):
        raise ParseError("bad_action")


def read_fill(values: Mapping[str, Any], meta: str, t: Translator) -> tuple[Any, dict[str, str]]:
    """The command of a fill modal with each asked field set from its answer, read as the field's type (a
    quantity as the command language reads one)."""
    err = errors_for(t.lang)
    try:
        command, asks = read_asked(meta)
    except ParseError:  # not a form we opened: say so on its first input
        return None, {next(iter(values), "value"): err["expired"]}
    errors: dict[str, str] = {}
    answers: dict[str, str] = {}
    for name in asks:
        raw = field_value(values, name)
        if not raw:
            errors[name] = err["required"]
            continue
        try:
            if isinstance(getattr(command, name), Decimal):
                raw = plain(quantity_value(raw, zero=True))
            actions.fill(command, {name: raw})
        except ParseError as bad:
            errors[name] = t(bad.code, **bad.params)
            continue
        answers[name] = raw
    if errors:
        return None, errors
    return actions.fill(command, answers), {}
