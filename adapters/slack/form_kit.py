"""What the Slack forms share: callback ids, limits, their words in zh and en, and the helpers that read a
submitted value (text, a picked date, a typed date phrase, a quantity) for the readers that build commands."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from slack_sdk.models.blocks import (
    PlainTextObject,
)

from bot.conversation.i18n import Translator
from bot.conversation.language.dates import DateReader, DateShift
from bot.conversation.language.errors import ParseError
from bot.conversation.language.tokens import quantity
from domain.messages import DueInput, DueShift

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
        "expired": "此表单已过期，请从消息重新开始。",
    },
}


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


def quantity_value(raw: str, *, zero: bool = False) -> Decimal:
    """A typed quantity read as the command language reads one (1,000 / 500件 / full-width digits);
    ``ParseError("bad_quantity")`` otherwise."""
    return quantity(unicodedata.normalize("NFKC", raw), zero=zero)


def due_value(
    values: Mapping[str, Any], t: Translator, dates: DateReader, today: date, errors: dict[str, str], *,
    shift: bool,
) -> DueInput | None:  # fmt: skip
    """The due date of a form: the picked date (ISO) or the typed phrase read by the desk's date rules, never
    both. A phrase that shifts the due date (提前两周, 3 days later) is kept as a shift when ``shift`` allows it
    (a change of an existing order), refused otherwise (a new order has no due date to shift)."""
    err = errors_for(t.lang)
    picked = field_value(values, "due_pick", "date")
    typed = field_value(values, "due_text", "text")
    if picked and typed and typed != picked:
        errors["due_text"] = err["dates_differ"]
        return None
    if typed:
        try:
            spec = dates.read(typed, today)
        except ParseError as bad:
            errors["due_text"] = t(bad.code, **bad.params)
            return None
        if isinstance(spec, DateShift):
            if not shift:
                errors["due_text"] = t("date_needs_due", phrase=spec.phrase)
                return None
            return DueShift(spec.days, spec.phrase)
        return spec
    if picked:
        try:
            return date.fromisoformat(picked)
        except ValueError:
            errors["due_pick"] = t("date_not_understood", phrase=picked)
    return None
