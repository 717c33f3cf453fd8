"""What the Slack forms share: callback ids, limits, their words in zh and en, and the helpers that read a
submitted value or quote free text for the command parser."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Collection, Mapping
from typing import Any

from slack_sdk.models.blocks import (
    PlainTextObject,
)

from bot.conversation.language.tokens import _QUOTES, MAX_TEXT

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

PLACEHOLDER_WORD = re.compile(r"^[A-Z]{3,}$")
NEEDS_QUOTES = re.compile(r"[\s'\"\\]")

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
REJECT_WORDS = frozenset({"reason", "原因"})


def texts_for(lang: str) -> dict[str, str]:
    return TEXTS.get(lang, TEXTS["en"])


def errors_for(lang: str) -> dict[str, str]:
    return ERRORS.get(lang, ERRORS["en"])


def shorten(text: str, limit: int = MAX_TITLE) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def plain_text(text: str, limit: int = MAX_TITLE) -> PlainTextObject:
    return PlainTextObject(text=shorten(text, limit), emoji=True)


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
    if text and not NEEDS_QUOTES.search(text):
        return text
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def is_word(value: str, words: Collection[str]) -> bool:
    """A value that, once unquoted, the parser would read as one of its keywords."""
    return len(value.split()) == 1 and value.lower() in words


def free_text(
    values: Mapping[str, Any], block_id: str, words: Collection[str], err: dict[str, str], errors: dict[str, str]
) -> str:
    value = field_value(values, block_id, block_id)
    if value and is_word(value, words):
        errors[block_id] = err["keyword"].format(value=value)
    return value


def due_value(values: Mapping[str, Any], err: dict[str, str], errors: dict[str, str]) -> str:
    """The date token: the picked date or the typed phrase (verbatim, quoted), never both."""
    picked = field_value(values, "due_pick", "date")
    typed = field_value(values, "due_text", "text")
    if picked and typed and typed != picked:
        errors["due_text"] = err["dates_differ"]
        return ""
    return quote(typed or picked) if typed or picked else ""


def finish(
    words: list[str], errors: dict[str, str], err: dict[str, str], long_block: str
) -> tuple[str | None, dict[str, str]]:
    if errors:
        return None, errors
    text = " ".join(words)
    if len(text) > MAX_TEXT:
        return None, {long_block: err["too_long"]}
    return text, {}
