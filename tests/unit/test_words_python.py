"""No raw Python in any message (issue 13, item 9): every event kind, every message of the catalogs, every result
and error code the code answers or raises, and every error class, rendered in both languages from realistic samples
(tests/unit/test_words_samples.py) — and nothing shows a Python list, tuple, dict, Decimal or dataclass, ``None``,
empty brackets where something was left out, or an unfilled ``{placeholder}``."""

from __future__ import annotations

import ast
import inspect
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from bot.app.cli import demo_summary_text
from bot.app.config_alerts import ConfigError
from bot.app.demo import DemoSummary
from bot.conversation.i18n import LANGUAGES, Translator, catalog
from bot.conversation.language.errors import ParseError
from bot.conversation.replies import render, render_batch, render_customer_batch, render_customer_event, render_error
from bot.conversation.replies import render_event as team_line
from bot.conversation.replies.events import event_key
from domain import errors as domain_errors
from domain.changes import BackupOfRequester, DistinctApprovers
from domain.errors import ConfirmationFailed, OrderbotError
from domain.events import OrderBackordered, PurchaseOrderReceived, WorkOrderDone
from domain.lookup import AmbiguousCustomer
from domain.results import Done
from tests.fakes import customer
from tests.unit.test_words_samples import (
    BLANKABLE,
    PARAMS,
    event_classes,
    params_for,
    placeholders,
    python_in,
    sample_event,
    stored,
)

ROOT = Path(__file__).resolve().parents[2]
ZONE = ZoneInfo("Asia/Shanghai")
TODAY = date(2026, 12, 1)
WORDS = {lang: Translator(lang, ZONE) for lang in LANGUAGES}


def said(texts: list[str]) -> list[str]:
    return [problem for text in texts for problem in python_in(text)]


# -- every event kind, as a channel, a person and a customer read it ------------------------------------------------
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("cls", event_classes(), ids=lambda cls: cls.kind)
def test_every_event_reads_as_words(cls: type, lang: str) -> None:
    t = WORDS[lang]
    variants = [sample_event(cls)]
    fields = {f for f in vars(sample_event(cls))}
    variants += [sample_event(cls, **{name: ""}) for name in sorted(BLANKABLE & fields)]
    for event in variants:
        payload = stored(event)
        texts = [
            team_line(cls.kind, payload, t),
            render_batch(cls.kind, [payload, payload], t),
            render_customer_event(cls.kind, payload, t),
            render_customer_batch(cls.kind, [payload, payload], t),
        ]
        assert not said(texts), (event, texts)
        assert t.has(event_key(cls.kind, dict(payload), t)), f"{cls.kind} has no words of its own"


def test_the_lines_the_issue_saw_read_as_words() -> None:
    zh, en = WORDS["zh"], WORDS["en"]
    short = stored(OrderBackordered("SO-2026-000123", "CUST-001", ((1, "BOLT-M8X30", "600"),)))
    assert "第 1 行 BOLT-M8X30 缺 600" in team_line("order_backordered", short, zh)
    assert "line 1 BOLT-M8X30 short 600" in team_line("order_backordered", short, en)
    received = stored(PurchaseOrderReceived("PO-2026-000004", "", (("ACC-SAFE", "40"),), False, "liu"))
    assert team_line("po_received", received, zh) == "📥 PO-2026-000004 已收货：ACC-SAFE 40"
    with_supplier = stored(PurchaseOrderReceived("PO-2026-000004", "华东五金", (("ACC-SAFE", "40"), ("NUT-M8", "5")),
                                                 True, "liu"))  # fmt: skip
    assert team_line("po_received", with_supplier, zh).endswith("（华东五金）已收货：ACC-SAFE 40、NUT-M8 5")
    for_stock = stored(WorkOrderDone("WO-2026-000002", "PIN-M3", Decimal(100), Decimal(0), "", "zhao"))
    assert "（）" not in team_line("wo_done", for_stock, zh) and "备库存" in team_line("wo_done", for_stock, zh)


# -- every message of the catalogs ------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_message_reads_as_words(lang: str) -> None:
    t = WORDS[lang]
    problems = {}
    for key, text in catalog("en").items():
        shown = t(key, **params_for(key, placeholders(text)))
        if said([shown]):
            problems[key] = said([shown])
    assert not problems


# -- every code the code answers or raises --------------------------------------------------------------------
ANSWERS = {"Done"}
RAISES = {"InvalidInput", "Conflict", "OrderbotError", "ParseError", "ConfigError"}
STRUCTURED = {  # what some results carry besides their message's parameters, as the handlers pass it
    ("order_confirmed", "short"): [(1, "BOLT-M8X30", Decimal(600))],
    ("order_confirmed", "late"): [(2, "NUT-M8", date(2026, 12, 24), date(2026, 12, 20))],
    ("order_confirmed", "work_orders"): ["WO-2026-000007"],
    ("customer_change_filed", "changes"): (("quantity", "BOLT-M8X30", "1000", "800"),),
}


def codes_in_code() -> dict[tuple[str, str], set[str]]:
    """(what, code) -> the parameter names passed with it, for every literal code our code answers or raises."""
    found: dict[tuple[str, str], set[str]] = {}
    for path in [*ROOT.glob("domain/**/*.py"), *ROOT.glob("bot/**/*.py"), *ROOT.glob("adapters/**/*.py")]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and node.args:
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                first = node.args[0]
                if name in ANSWERS | RAISES and isinstance(first, ast.Constant) and isinstance(first.value, str):
                    names = {k.arg for k in node.keywords if k.arg}
                    if len(node.args) > 1 and isinstance(node.args[1], ast.Dict):
                        names |= {k.value for k in node.args[1].keys if isinstance(k, ast.Constant)}
                    what = "answer" if name in ANSWERS else "error"
                    found.setdefault((what, first.value), set()).update(names)
            if isinstance(node, ast.Tuple) and len(node.elts) == 2 and isinstance(node.elts[1], ast.Dict):
                code = node.elts[0]
                if isinstance(code, ast.Constant) and isinstance(code.value, str) and code.value.startswith("check_"):
                    keys = {k.value for k in node.elts[1].keys if isinstance(k, ast.Constant)}
                    found.setdefault(("problem", code.value), set()).update(keys)
    return found


CODES = codes_in_code()


def test_the_scan_finds_the_codes() -> None:
    assert {("answer", "order_confirmed"), ("error", "ship_short"), ("problem", "check_credit")} <= set(CODES)
    assert ("error", "cfg_unknown_key") in CODES  # configuration problems are codes too


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_code_answered_or_raised_reads_as_words(lang: str) -> None:
    t = WORDS[lang]
    problems: dict[str, list[str]] = {}
    for (what, code), names in sorted(CODES.items()):
        assert t.has(code), f"{code} has no message in the catalogs"
        params = params_for(code, names | placeholders(catalog("en")[code]))
        params.update({name: value for (c, name), value in STRUCTURED.items() if c == code})
        if what == "answer":
            text = render(Done(code, params), t, TODAY).text()
        elif what == "problem":
            text = render_error(ConfirmationFailed("SO-2026-000123", [(code, params)]), t).text()
        else:
            text = render_error(OrderbotError(code, **params), t).text()
        if said([text]) or code in text.split():
            problems[code] = said([text]) or [text]
    assert not problems


# -- every error class, built from its own signature ----------------------------------------------------------------
ARGS: dict[str, Any] = {
    "roles": ("sales", "sales_manager"), "allowed": ("confirmed", "on_hold"), "status": "confirmed",
    "target": "in_production", "action": "submit", "kind": "customer", "key": "CUST-009", "identity": "U012ABC",
    "problems": [("check_credit", {"customer": "CUST-001", "amount": Decimal("9000"), "open": Decimal("300"),
                                   "limit": Decimal("5000")}), ("check_no_due_date", {})],
    "candidates": [customer("CUST-001", "沈阳鑫源机械"), customer("CUST-002", "沈阳鑫源贸易")], "total": 12,
    "text": "鑫源", "number": "CR-7", "requester": "lily", "limit": "50000", "person": "wang", "role": "finance",
    "phrase": "下下周八", "today": date(2026, 12, 1),
}  # fmt: skip


def error_classes() -> list[type[OrderbotError]]:
    modules = [domain_errors, ParseError, AmbiguousCustomer, BackupOfRequester, ConfigError]
    seen: dict[str, type[OrderbotError]] = {}
    for module in {inspect.getmodule(m) for m in modules}:
        for obj in vars(module).values():
            if isinstance(obj, type) and issubclass(obj, OrderbotError) and obj.__module__ == module.__name__:
                seen[obj.__qualname__] = obj
    seen["DistinctApprovers"] = DistinctApprovers
    return [cls for cls in seen.values() if _takes_named_args(cls)]


def _takes_named_args(cls: type) -> bool:
    """Not one whose first argument is the message's code (OrderbotError, InvalidInput, ParseError, …)."""
    params = [p for p in inspect.signature(cls.__init__).parameters.values() if p.name != "self"]
    return bool(params) and params[0].name != "code"


@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("cls", error_classes(), ids=lambda cls: cls.__name__)
def test_every_error_class_reads_as_words(cls: type[OrderbotError], lang: str) -> None:
    params = [p for p in inspect.signature(cls.__init__).parameters.values() if p.name != "self"]
    args = {p.name: ARGS[p.name] if p.name in ARGS else PARAMS[p.name] for p in params if p.default is p.empty}
    shown = render_error(cls(**args), WORDS[lang]).text()
    assert not said([shown]) and cls.code not in shown.split(), shown


# -- the Translator, whatever it is given ----------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize(
    "value",
    [
        [[1, "BOLT-M8X30", "600"]],
        [["ACC-SAFE", "40"]],
        ((1, "NUT-M8", Decimal("5.000")),),
        {"BOLT-M8": 3},
        Decimal("1E+3"),
        date(2026, 12, 5),
        None,
        True,
        {"zh"},
        ("sales", "finance"),
        [],
        DemoSummary(120, 201, 7, 400, 2000, (("draft", 4),)),
    ],
    ids=repr,
)
def test_the_translator_puts_any_value_into_words(value: Any, lang: str) -> None:
    shown = WORDS[lang]("invalid_input", detail=value)
    assert not said([shown]), shown


def test_a_message_missing_a_parameter_says_a_dash_not_its_placeholder() -> None:
    shown = WORDS["zh"]("order_created")
    assert "{number}" not in shown and "—" in shown


# -- the command line ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize("lang", LANGUAGES)
def test_the_demo_summary_is_a_sentence(lang: str) -> None:
    statuses = (("draft", 30), ("confirmed", 41))
    summary = DemoSummary(120, 201, 7, 400, 1987, statuses, "SO-2026-000001", "SO-2026-000400")
    text = demo_summary_text(WORDS[lang], summary)
    assert not said([text]) and "DemoSummary" not in text and "120" in text and "SO-2026-000400" in text
    assert ("草稿 30" if lang == "zh" else "draft 30") in text
