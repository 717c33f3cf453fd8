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
import re
import unicodedata
from collections.abc import Collection, Mapping
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
    PlainTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from adapters.slack.blocks import escape
from bot.i18n import Translator
from bot.language.change_parser import ITEMS
from bot.language.errors import ParseError
from bot.language.parser import KEYWORDS
from bot.language.tokens import _QUOTES, MAX_TEXT, looks_like_sku, quantity
from domain.money import plain

CALLBACK_NEW_ORDER = "orderbot_new_order"
CALLBACK_CHANGE = "orderbot_change"
CALLBACK_REJECT = "orderbot_reject"
CALLBACK_FILL = "orderbot_fill"

PRODUCT_LINES = 3
MAX_CHANGE_LINES = 20
MAX_TITLE = 24  # modal title, submit and close
MAX_NOTE = 500
DATE_PLACEHOLDER_NEW = "下周五 / next friday / 2026-12-05"
DATE_PLACEHOLDER_CHANGE = "提前两周 / 3 days later / 2026-12-05"

_PLACEHOLDER = re.compile(r"^[A-Z]{3,}$")
_NEEDS_QUOTES = re.compile(r"[\s'\"\\]")

# Modal labels the catalogs do not have.
TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "new_title": "New order",
        "create": "Create",
        "close": "Close",
        "submit": "Submit",
        "run": "Run",
        "customer_ph": "Search customers",
        "product": "Product",
        "product_ph": "Search products",
        "qty_ph": "e.g. 1000",
        "due_text": "…or type the due date",
        "new_due": "New due date",
        "change_hint": "Edit only the quantities that change; leave the others as they are.",
        "more_lines": "Only the first {shown} of {count} lines are shown; change the others by typing "
        "`change {number} qty line N QTY`.",
        "fill_title": "Complete the command",
        "carrier": "Carrier",
        "tracking": "Tracking number",
        "reject_hint": "The requester and the channel will see the reason.",
    },
    "zh": {
        "new_title": "新建订单",
        "create": "创建",
        "close": "关闭",
        "submit": "提交",
        "run": "执行",
        "customer_ph": "搜索客户",
        "product": "产品",
        "product_ph": "搜索产品",
        "qty_ph": "如 1000",
        "due_text": "……或输入交期",
        "new_due": "新交期",
        "change_hint": "只修改需要变更的数量，其余保持不变。",
        "more_lines": "只显示前 {shown} 行（共 {count} 行）；其余请输入 `change {number} qty line 行号 数量`。",
        "fill_title": "补充命令",
        "carrier": "承运商",
        "tracking": "运单号",
        "reject_hint": "申请人和频道会看到驳回原因。",
    },
}

ERRORS: dict[str, dict[str, str]] = {
    "en": {
        "customer": "Pick a customer.",
        "product": "Pick a product for this quantity (or clear the quantity).",
        "bad_sku": "“{value}” does not look like a SKU.",
        "qty_missing": "Enter a quantity.",
        "qty_bad": "“{value}” is not a quantity: a positive number, at most 3 decimals.",
        "qty_zero": "0 is not possible here; to drop a line, type `change SO-… remove line N`.",
        "no_lines": "Add at least one product.",
        "dates_differ": "Pick a date or type one, not both.",
        "reason": "Please give a reason.",
        "nothing": "Nothing changes: edit a quantity or the due date.",
        "required": "Please fill this in.",
        "keyword": "“{value}” alone reads as a command word; add a word or two.",
        "too_long": "Too long; please shorten it.",
        "expired": "This form is out of date; start again from the message.",
    },
    "zh": {
        "customer": "请选择客户。",
        "product": "请为这个数量选择产品（或清空数量）。",
        "bad_sku": "“{value}” 不像物料编码。",
        "qty_missing": "请输入数量。",
        "qty_bad": "“{value}” 不是有效数量：需为正数，最多 3 位小数。",
        "qty_zero": "这里不能填 0；要删除一行，请输入 `change SO-… remove line 行号`。",
        "no_lines": "请至少添加一个产品。",
        "dates_differ": "请选择日期或输入日期，二选一。",
        "reason": "请填写原因。",
        "nothing": "没有任何变化：请修改数量或交期。",
        "required": "请填写此项。",
        "keyword": "“{value}” 单独使用会被当作命令关键词，请多写几个字。",
        "too_long": "内容太长，请缩短。",
        "expired": "此表单已过期，请从消息重新开始。",
    },
}
_REJECT_WORDS = frozenset({"reason", "原因"})


def _texts(lang: str) -> dict[str, str]:
    return TEXTS.get(lang, TEXTS["en"])


def _errors(lang: str) -> dict[str, str]:
    return ERRORS.get(lang, ERRORS["en"])


def _short(text: str, limit: int = MAX_TITLE) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _plain_text(text: str, limit: int = MAX_TITLE) -> PlainTextObject:
    return PlainTextObject(text=_short(text, limit), emoji=True)


# -- reading a submission -----------------------------------------------------------------------
def field_value(values: Mapping[str, Any], block_id: str, action_id: str | None = None) -> str:
    """The submitted value of one input (text, picked date or selected option's value), stripped; "" if empty."""
    block = values.get(block_id)
    if not isinstance(block, Mapping) or not block:
        return ""
    state = block.get(action_id) if action_id is not None else None
    if state is None:
        state = next(iter(block.values()))
    if not isinstance(state, Mapping):
        return ""
    option = state.get("selected_option")
    if isinstance(option, Mapping):
        raw = option.get("value")
    elif "selected_date" in state:
        raw = state.get("selected_date")
    else:
        raw = state.get("value")
    return raw.strip() if isinstance(raw, str) else ""


def quote(value: str) -> str:
    """One token for the command tokenizer, whatever ``value`` holds (spaces, quotes, backslashes).

    The value gets the tokenizer's own normalization first (NFKC, typographic quotes to ASCII) so that
    normalizing the whole command later cannot turn a character inside the value into a quote.
    """
    text = unicodedata.normalize("NFKC", value).translate(_QUOTES).strip()
    if text and not _NEEDS_QUOTES.search(text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _is_word(value: str, words: Collection[str]) -> bool:
    """A value that, once unquoted, the parser would read as one of its keywords."""
    return len(value.split()) == 1 and value.lower() in words


def _free_text(
    values: Mapping[str, Any], block_id: str, words: Collection[str], err: dict[str, str], errors: dict[str, str]
) -> str:
    value = field_value(values, block_id, block_id)
    if value and _is_word(value, words):
        errors[block_id] = err["keyword"].format(value=value)
    return value


def _due(values: Mapping[str, Any], err: dict[str, str], errors: dict[str, str]) -> str:
    """The date token: the picked date or the typed phrase (verbatim, quoted), never both."""
    picked = field_value(values, "due_pick", "date")
    typed = field_value(values, "due_text", "text")
    if picked and typed and typed != picked:
        errors["due_text"] = err["dates_differ"]
        return ""
    return quote(typed or picked) if typed or picked else ""


def _finish(
    words: list[str], errors: dict[str, str], err: dict[str, str], long_block: str
) -> tuple[str | None, dict[str, str]]:
    if errors:
        return None, errors
    text = " ".join(words)
    if len(text) > MAX_TEXT:
        return None, {long_block: err["too_long"]}
    return text, {}


# -- new order ----------------------------------------------------------------------------------
def new_order_modal(t: Translator) -> dict[str, Any]:
    tx = _texts(t.lang)
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
        title=_plain_text(tx["new_title"]),
        submit=_plain_text(tx["create"]),
        close=_plain_text(tx["close"]),
        blocks=blocks,
    )
    out: dict[str, Any] = view.to_dict()
    return out


def read_new_order(values: Mapping[str, Any], lang: str = "en") -> tuple[str | None, dict[str, str]]:
    """``new CUST SKU QTY … [due DATE] [po REF] [note "TEXT"]`` from the new-order modal."""
    err = _errors(lang)
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
    due = _due(values, err, errors)
    if due:
        words += ["due", due]
    po = field_value(values, "po", "po")
    if po:
        words += ["po", quote(po)]
    note = _free_text(values, "note", KEYWORDS, err, errors)
    if note:
        words += ["note", quote(note)]
    return _finish(words, errors, err, "note")


# -- change request -----------------------------------------------------------------------------
def change_modal(t: Translator, order_number: str, lines: list[tuple[int, str, str]]) -> dict[str, Any]:
    """Quantities (prefilled), a new due date, reason and evidence; ``lines`` = (line_no, sku, current qty)."""
    tx = _texts(t.lang)
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=f"*{escape(order_number)}*\n{escape(tx['change_hint'])}"))
    ]
    for line_no, sku, current in lines[:MAX_CHANGE_LINES]:
        blocks.append(
            InputBlock(
                block_id=f"qty:{line_no}",
                label=_short(f"#{line_no} {sku}", 2000),
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
        title=_plain_text(t("btn_request_change")),
        submit=_plain_text(_texts(t.lang)["submit"]),
        close=_plain_text(tx["close"]),
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
    err = _errors(lang)
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
    due = _due(values, err, errors)
    if due:
        items += ["date", due]
    if not items and not any(key.startswith(("qty:", "due_")) for key in errors):
        errors[f"qty:{shown[0]}" if shown else "due_pick"] = err["nothing"]
    reason = _free_text(values, "reason", ITEMS, err, errors)
    if not reason:
        errors["reason"] = err["reason"]
    evidence = _free_text(values, "evidence", ITEMS, err, errors)
    words = ["change", quote(order_number), *items, "reason", quote(reason)]
    if evidence:
        words += ["evidence", quote(evidence)]
    return _finish(words, errors, err, "reason")


# -- reject -------------------------------------------------------------------------------------
def reject_modal(t: Translator, cr_number: str, origin: str = "") -> dict[str, Any]:
    """One required reason; ``origin`` (where the click came from) rides along in private_metadata."""
    tx = _texts(t.lang)
    view = View(
        type="modal",
        callback_id=CALLBACK_REJECT,
        private_metadata=json.dumps({"cr": cr_number, "origin": origin}),
        title=_plain_text(f"{t('btn_reject_cr')} {cr_number}"),
        submit=_plain_text(t("btn_reject_cr")),
        close=_plain_text(tx["close"]),
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
    err = _errors(lang)
    try:
        data = json.loads(meta) if isinstance(meta, str) else dict(meta)
    except ValueError:
        data = {}
    cr = str(data.get("cr") or "").strip() if isinstance(data, dict) else ""
    if not cr:
        return None, {"reason": err["expired"]}
    errors: dict[str, str] = {}
    reason = _free_text(values, "reason", _REJECT_WORDS, err, errors)
    if not reason:
        errors["reason"] = err["reason"]
    return _finish(["reject", quote(cr), quote(reason)], errors, err, "reason")


# -- filling a button's placeholders ------------------------------------------------------------
def placeholders(command: str) -> list[str]:
    """The words a user must fill in a button's command: all capitals, 3 letters or more (REASON, CARRIER)."""
    return list(dict.fromkeys(word for word in command.split() if _PLACEHOLDER.match(word)))


def _placeholder_label(t: Translator, name: str) -> str:
    tx = _texts(t.lang)
    known = {"REASON": t("lbl_reason"), "CARRIER": tx["carrier"], "TRACKING": tx["tracking"]}
    return known.get(name, name.capitalize())


def fill_modal(t: Translator, command: str) -> dict[str, Any]:
    """One input per placeholder of ``command``; the command itself rides in private_metadata."""
    tx = _texts(t.lang)
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
        title=_plain_text(tx["fill_title"]),
        submit=_plain_text(tx["run"]),
        close=_plain_text(tx["close"]),
        blocks=blocks,
    )
    out: dict[str, Any] = view.to_dict()
    return out


def read_fill(values: Mapping[str, Any], command: str, lang: str = "en") -> tuple[str | None, dict[str, str]]:
    """``command`` with each placeholder replaced by its (quoted) value."""
    err = _errors(lang)
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
    return _finish(words, errors, err, names[-1] if names else "")
