"""Realistic samples for rendering everything the desk can say (issue 13, items 9 and 10), and the checks on what
comes out: no Python structure, no empty brackets, no unfilled placeholder; in Chinese no English word that is not
a code.

Samples are typed as the core passes them — a quantity is a ``Decimal``, a date a ``date``, an event's rows a tuple
of tuples (a list of lists once the outbox has kept them as JSON), a role a code — so the renderers are tested on
what really reaches them. A new message parameter or event field with no sample fails here: give it one."""

from __future__ import annotations

import dataclasses
import json
import re
import string
import types
import typing
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, get_args, get_origin

from bot.conversation.i18n import catalog
from domain import alert_events, events
from domain.events import Event

D = Decimal
AT = datetime(2026, 12, 1, 2, 30, tzinfo=UTC)

# -- message parameters, by name -------------------------------------------------------------------------------
PARAMS: dict[str, Any] = {
    "action": "in_production", "added": ["lily", "zhao"], "after": "2,904.00", "allowed": "confirmed, on_hold",
    "audiences": 3,
    "amount": D("12345.6"), "audience": "channel:orders", "available": D("120"), "before": "3,420.00",
    "by": "lily", "carrier": "顺丰", "changes": (("quantity", "BOLT-M8X30", "1000", "800"),), "cleared": 1,
    "code": "CUST-001", "column": "name", "confirmed": 4, "cost": D("1200"), "count": 3, "cr": "CR-7",
    "cr_status": "approved", "current": "0009", "customer": "CUST-001", "cut": D("200"),
    "date": date(2026, 12, 5), "dates": "BOLT-M8X30 2026-12-05", "day": date(2026, 12, 1), "days": 3, "dead": 2,
    "delta": D("-51.6"), "detail": "第 3 行的引号没有闭合", "discount": D("20.5"), "done": D("480"),
    "due": "2026-11-30", "due_date": date(2026, 12, 20), "error": "channel_not_found",
    "escalate_to": "sales_manager", "escalated": 1, "example": "SO-2026-000123", "expires": AT,
    "field": "due_date", "granted": ["wang"], "head": "0011", "high": "999,999,999,999",
    "holder": "orderbot-1:4242", "hours": 26, "id": 4, "identity": "U012ABC", "imported": 12,
    "in_progress": D("100"), "items": (("BOLT-M8X30", "120", "2000", "3880"),), "kept": D("800"),
    "key": "SO-2026-000999", "kind": "order", "kinds": ("quantity", "due_date"), "language": "zh", "late": 2,
    "limit": D("50000"), "line": 2, "lines": "1 BOLT-M8X30 −600", "link": "https://t.me/orderbot_demo_bot?start=K7Q2",
    "list": D("0.258"), "low": 0, "max": 64, "minutes": 15, "month": "2026-11", "month_day": "12-05", "more": 3,
    "moved_from": "CUST-002", "n": 1, "name": "永年宏达建筑工程有限公司", "new": D("800"), "note": "客户取消了订单",
    "number": "SO-2026-000123", "numbers": "SO-2026-000401, SO-2026-000402", "old": D("1000"), "on_hand": D("5000"),
    "open": D("300"), "order_number": "SO-2026-000123", "order_ref": "PO-7781-A", "owner": "lily", "page": 2,
    "path": "客户.csv", "pct": D("10"), "pending": ("production",), "penalty": "342.00", "person": "wang",
    "phrase": "下下周八", "places": 2, "planned": D("0"), "po_status": "partially_received", "price": D("-1"),
    "promised": date(2026, 12, 24), "qty": D("600"), "quantity": D("0"), "raised": 2, "reason": "客户预算削减",
    "ref": "E7F3A", "rejected": 1, "released": D("200"), "requester": "lily",
    "required": ("sales_manager", "production"),
    "reserved": D("800"), "risk": "high", "role": "finance", "roles": "sales, sales_manager", "row": 7,
    "safety": D("2000"), "safety_stock": D("2000"), "scan": "approvals", "scrap": D("20"), "section": "报警",
    "shipped": D("300"), "short": ((1, "BOLT-M8X30", "600"),), "shown": 20, "since": AT, "skipped": 1,
    "sku": "BOLT-M8X30", "skus": "BOLT-M8X30, NUT-M8", "sla_hours": 24, "source": "邮件",
    "stage": "pending_confirmation",
    "started": D("100"), "status": "in_production", "subject": "SO-2026-000123", "suggested": D("4000"),
    "suggested_qty": D("4000"), "suggestion": "history", "supplier": "华东五金", "target": "resume", "text": "鑫源",
    "total": 42, "tracking": "SF1234567890", "unchanged": 0, "unit_price": D("0.25"), "units": D("300"),
    "updated": 2, "url": "sqlite:///var/orderbot.db", "user": "wang", "users": 7, "value": "五千多",
    "verb": "cancel", "version": 2, "waiting": "销售经理、生产", "wanted": date(2026, 12, 20),
    "what": "carrier + tracking", "when": AT, "where": "approval.rule #1", "who": "wang", "wo_status": "in_progress",
    "word": "明天吧", "first": "SO-2026-000001", "last": "SO-2026-000400", "statuses": "草稿 4、已确认 9",
    "minimum": 0.1, "qty_short": D("600"), "code_hash": "", "front": "shell", "outcome": "approved",
    "customers": 120, "products": 201, "orders": 400, "work_orders": ["WO-2026-000007"], "refused": [],
    "moved": True, "lang": "zh", "status_count": 3,
}  # fmt: skip
# Where one message means something else by a name than the name usually means.
PARAMS_BY_MESSAGE: dict[tuple[str, str], Any] = {
    ("ev_order_status_changed", "old"): "confirmed", ("ev_order_status_changed", "new"): "in_production",
    ("ev_order_status_changed_reason", "old"): "confirmed",
    ("ev_order_status_changed_reason", "new"): "on_hold", ("cev_order_status_changed", "new"): "shipped",
    ("diff_title", "old"): 1, ("diff_title", "new"): 2, ("diff_empty", "old"): 1, ("diff_empty", "new"): 2,
    ("cr_stale", "old"): 1, ("cr_stale", "new"): 2, ("not_found", "key"): "SO-2026-000999",
    ("cr_name_role", "example"): "production", ("cr_name_role", "roles"): "production, finance",
    ("unknown_role", "role"): "老板", ("unknown_role", "allowed"): "admin, sales, sales_manager, finance",
    ("unknown_status", "status"): "搞定", ("unknown_language", "language"): "法语",
    ("unknown_language", "allowed"): "en, zh", ("unknown_change", "kind"): "quantity",
    ("change_twice", "kind"): "due_date", ("import_bad_choice", "allowed"): "normal, key, strategic",
    ("import_bad_choice", "column"): "tier", ("import_unknown_column", "column"): "备注2",
    ("import_unknown_column", "allowed"): "code, name, tier", ("import_missing_column", "column"): "code, name",
    ("import_unknown_kind", "allowed"): "customers, products, orders", ("import_unknown_kind", "kind"): "供应商",
    ("cfg_not_role", "value"): "老板", ("cfg_not_role", "allowed"): ["sales", "finance"],
    ("cfg_rule_condition", "value"): "有时", ("cfg_language", "value"): "法语",
    ("cfg_language", "allowed"): ["en", "zh"],
    ("cfg_unknown_key", "key"): "delivery.retries", ("cfg_unknown_key", "where"): "orderbot.toml",
    ("cfg_unknown_key", "allowed"): ["max_attempts", "workers"], ("cfg_route", "kind"): "order_created",
    ("cfg_route", "value"): "订单频道", ("cfg_time", "value"): "六点", ("cfg_timezone", "value"): "火星时间",
    ("cfg_number", "key"): "delivery.max_attempts", ("cfg_number", "value"): 0, ("cfg_not_number", "value"): "很多",
    ("cfg_not_number", "key"): "policy.max_discount_pct", ("cfg_quiet_hours", "value"): "晚上",
    ("cfg_shell_notifications", "value"): "有时", ("cfg_kinds", "key"): "delivery.urgent",
    ("cfg_not_stage", "key"): "alerts.stages.shipping", ("cfg_not_stage", "allowed"): ["confirmed", "ready"],
    ("cfg_stage_spec", "key"): "alerts.stages.ready", ("cfg_rule_table", "key"): "approval.rule #1",
    ("cfg_rule_roles", "key"): "approval.rule #1", ("cfg_rule_roles", "allowed"): ["sales", "finance"],
    ("cfg_rule_no_roles", "key"): "approval.rule #1", ("cfg_rule_no_when", "key"): "approval.rule #1",
    ("cfg_rule_condition", "key"): "approval.rule #1", ("cfg_rule_condition", "allowed"): ["always", "earlier"],
    ("cfg_unknown_section", "where"): "orderbot.toml", ("cfg_unknown_section", "section"): "报警",
    ("cfg_toml", "path"): "orderbot.toml", ("cfg_toml", "line"): 3, ("cfg_toml", "column"): 7,
    ("cfg_missing", "path"): "orderbot.toml", ("cfg_time", "key"): "alerts.summary_at",
    ("cfg_not_role", "key"): "alerts.escalate_to.finance", ("bad_source", "allowed"): "import",
    ("whoami", "language"): "zh", ("language_set", "language"): "en", ("literal", "value"): "po approve",
    ("language_named", "code"): "zh", ("language_named", "name"): "中文", ("role_named", "code"): "finance",
    ("role_named", "name"): "财务", ("order_moved", "status"): "ready", ("btn_advance", "status"): "in_production",
    ("po_not_draft", "status"): "approved", ("order_not_editable", "status"): "confirmed",
    ("order_not_changeable", "status"): "shipped", ("my_order_title", "stage"): "in_production",
    ("ev_alert_cleared_stage", "stage"): "pending_confirmation", ("lead_days", "days"): 20,
    ("unknown_scan", "scan"): "每周", ("unknown_scan", "allowed"): "overdue, due_soon, approvals",
    ("import_exists", "key"): "CUST-001", ("import_duplicate", "key"): "CUST-001",
    ("concurrent_update", "key"): "SO-2026-000123", ("choice_retype", "code"): "CUST-001",
}  # fmt: skip
# Values the test itself typed as a reader would (an unknown word, a phrase): echoed back, not the desk's words.
ECHOED = {"五千多", "明天吧", "下下周八", "搞定", "老板", "法语", "鑫源", "备注2", "供应商", "有时", "订单频道", "六点",
          "火星时间", "很多", "晚上", "报警", "每周"}  # fmt: skip


def params_for(message: str, names: typing.Iterable[str]) -> dict[str, Any]:
    missing = [n for n in names if (message, n) not in PARAMS_BY_MESSAGE and n not in PARAMS]
    assert not missing, f"{message}: give {missing} a sample in tests/unit/test_words_samples.py"
    return {n: PARAMS_BY_MESSAGE.get((message, n), PARAMS.get(n)) for n in names}


def placeholders(template: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


# -- events, built from their fields' types -------------------------------------------------------------------
EVENT_FIELDS: dict[str, Any] = {
    "number": "SO-2026-000123", "customer": "CUST-001", "by": "lily", "sku": "BOLT-M8X30", "cr": "CR-7",
    "user": "wang", "role": "finance", "old": "confirmed", "new": "in_production", "status": "in_production",
    "stage": "pending_confirmation", "carrier": "顺丰", "tracking": "SF1234567890", "supplier": "华东五金",
    "warehouse": "主仓", "what": "due_date, rush", "reason": "客户预算削减", "risk": "high", "note": "",
    "alert": "overdue", "channel": "orders", "audience": "channel:orders", "error": "channel_not_found",
    "outcome": "approved", "requested_by": "lily", "owner": "lily", "escalate_to": "sales_manager",
    "order_number": "SO-2026-000123", "approver": "fay", "kinds": ("quantity", "due_date"),
    "required": ("sales_manager", "production"), "roles": ("finance",), "pending": ("production",),
    "short": ((1, "BOLT-M8X30", "600"), (3, "NUT-M8", "40")), "lines": (("ACC-SAFE", "40"), ("NUT-M8", "100")),
    "confirmed_dates": ((1, "BOLT-M8X30", "2026-12-05"),), "items": (("BOLT-M8X30", "120", "2000", "3880"),),
    "changes": (("quantity", "BOLT-M8X30", "1000", "800"), ("due_date", "", "2026-12-31", "2026-12-17")),
}  # fmt: skip
EVENT_FIELDS_BY_KIND: dict[tuple[str, str], Any] = {
    ("order_at_risk", "lines"): ((2, "NUT-M8", "2026-12-24", "2026-12-20"),),
    ("daily_summary", "customer"): "*",
    ("alert_cleared", "alert"): "stage",
}
# Fields the core leaves empty in real life: each is rendered empty too, and must not leave "（）" behind.
BLANKABLE = {"supplier", "order_number", "reason", "note", "tracking", "what"}


def event_classes() -> list[type[Event]]:
    found = [
        obj
        for module in (events, alert_events)
        for obj in vars(module).values()
        if isinstance(obj, type) and issubclass(obj, Event) and obj is not Event and obj.__module__ == module.__name__
    ]
    return sorted(found, key=lambda cls: cls.kind)


def sample_event(cls: type[Event], **changed: Any) -> Event:
    hints = typing.get_type_hints(cls)
    values = {}
    for f in dataclasses.fields(cls):
        if f.name in changed:
            values[f.name] = changed[f.name]
        else:
            values[f.name] = _value(cls.kind, f.name, hints[f.name])
    return cls(**values)


def _value(kind: str, name: str, hint: Any) -> Any:
    if (kind, name) in EVENT_FIELDS_BY_KIND:
        return EVENT_FIELDS_BY_KIND[(kind, name)]
    origin, args = get_origin(hint), get_args(hint)
    if origin in (typing.Union, types.UnionType):  # X | None: the X
        return _value(kind, name, next(a for a in args if a is not type(None)))
    if hint is str:
        assert name in EVENT_FIELDS, f"{kind}.{name}: give it a sample in EVENT_FIELDS"
        return EVENT_FIELDS[name]
    if origin is tuple:
        assert name in EVENT_FIELDS, f"{kind}.{name}: give its rows a sample in EVENT_FIELDS"
        return EVENT_FIELDS[name]
    scalars = {int: 3, bool: True, Decimal: D("1234.5"), date: date(2026, 12, 20), datetime: AT}
    assert hint in scalars, f"{kind}.{name}: no sample for {hint}"
    return scalars[hint]


def stored(event: Event) -> dict[str, Any]:
    """The payload as the outbox gives it back: through JSON (tuples become lists)."""
    payload: dict[str, Any] = json.loads(json.dumps(event.payload()))
    return payload


# -- what must never be shown --------------------------------------------------------------------------------
PYTHON = [
    (re.compile(r"\[\[|\[\(|\['|\[\"|\{'|\{\"|\('"), "a Python list, tuple or dict"),
    (re.compile(r"\b(Decimal|datetime|date|ZoneInfo)\("), "a Python value's repr"),
    (re.compile(r"\bdatetime\.|\bdecimal\."), "a Python module path"),
    (re.compile(r"\b[A-Z][A-Za-z]+\([a-z_]+="), "a dataclass repr"),
    (re.compile(r"<[a-z_.]+ object at 0x"), "an object repr"),
    (re.compile(r"\b(None|True|False)\b"), "a Python constant"),
    (re.compile(r"（\s*）|\(\s*\)|\[\s*\]|「\s*」|“\s*”|\{\s*\}"), "empty brackets: something was left out"),
    (re.compile(r"\{[a-z_]+\}"), "an unfilled placeholder"),
    (
        re.compile(r"\b(ev|cev|lbl|act|arg|col|field|status|role|kind|kindname|evkind|cfg|front|lang)_[a-z_]+\b"),
        "a catalog key instead of its text",
    ),
]


CODE_SPAN = re.compile(r"`[^`\n]*`")


def python_in(text: str) -> list[str]:
    """What in ``text`` is Python rather than words; what is shown as code (`…`: a command, a TOML example) aside."""
    words = CODE_SPAN.sub("`…`", text)
    return [f"{why}: …{words[max(0, m.start() - 30) : m.end() + 30]}…" for rx, why in PYTHON
            for m in rx.finditer(words)]  # fmt: skip


def test_every_parameter_of_every_message_has_a_sample() -> None:
    for key, text in catalog("en").items():
        params_for(key, placeholders(text))


def test_every_event_field_has_a_sample() -> None:
    classes = event_classes()
    assert len(classes) > 25 and {"order_backordered", "po_received", "stock_digest"} <= {c.kind for c in classes}
    for cls in classes:
        assert set(stored(sample_event(cls))) == {f.name for f in dataclasses.fields(cls)}


def test_the_checks_find_what_they_look_for() -> None:
    for bad in ("确认时缺货：[[1, 'BOLT-M8X30', '600']]", "已收货：[['ACC-SAFE', '40']]", "PO-2026-0001（）",
                "DemoSummary(customers=120, products=201)", "Decimal('5')", "交期 None", "{number} 已确认",
                "ev_order_created"):  # fmt: skip
        assert python_in(bad), bad
    assert not python_in("✅ SO-2026-000123（CUST-001）已由 lily 确认，交期 2026-12-20 (v2)")
