"""Slack modals, without Slack: every form is a valid modal, and every submission reads back into command text
the shared parser turns into the expected command (or into errors keyed by the block to fix)."""

from __future__ import annotations

import json
import shlex
from datetime import date
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from adapters.slack import forms
from bot.conversation.i18n import Translator
from bot.conversation.language.dates import DateReader
from bot.conversation.language.tokens import tokenize
from bot.conversation.language.verbs import CommandParser
from domain import commands as c
from domain.commands import ChangeInput, DueShift, LineInput

D = Decimal
ZONE = ZoneInfo("Asia/Shanghai")
EN, ZH = Translator("en", ZONE), Translator("zh", ZONE)


@pytest.fixture(scope="module")
def parser() -> CommandParser:
    return CommandParser(DateReader())


def parse(parser: CommandParser, text: str | None) -> Any:
    assert text is not None
    return parser.parse(text, date(2026, 11, 22), "lily")


# ---------------------------------------------------------------- forms


def text_input(value: str | None) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


def option(value: str) -> dict[str, Any]:
    return {
        "type": "external_select",
        "selected_option": {"text": {"type": "plain_text", "text": value}, "value": value},
    }


def picked(day: str | None) -> dict[str, Any]:
    return {"type": "datepicker", "selected_date": day}


def new_order_values(**over: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = {
        "customer": {"customer": option("CUST-001")},
        "line1": {"product": option("BOLT-M8X30")},
        "qty1": {"qty": text_input("1,000")},
        "line2": {"product": {"type": "external_select", "selected_option": None}},
        "qty2": {"qty": text_input(None)},
        "line3": {"product": option("NUT-M8")},
        "qty3": {"qty": text_input("500件")},
        "due_pick": {"date": picked("2026-12-05")},
        "due_text": {"text": text_input(None)},
        "po": {"po": text_input("PO 7781")},
        "note": {"note": text_input('call "Mr. Li" first\nthe customer’s dock closes at 5')},
    }
    values.update(over)
    return values


def test_new_order_modal_is_valid_and_reads_back_into_create_order(parser: CommandParser) -> None:
    modal = forms.new_order_modal(ZH)
    assert modal["type"] == "modal" and modal["callback_id"] == "orderbot_new_order"
    ids = [b["block_id"] for b in modal["blocks"]]
    assert ids == ["customer", "line1", "qty1", "line2", "qty2", "line3", "qty3", "due_pick", "due_text", "po", "note"]
    assert modal["blocks"][0]["element"]["min_query_length"] == 1
    assert modal["blocks"][8]["element"]["placeholder"]["text"] == "下周五 / next friday / 2026-12-05"

    text, errors = forms.read_new_order(new_order_values())
    assert errors == {} and text is not None
    assert text.startswith('new CUST-001 BOLT-M8X30 1000 NUT-M8 500 due 2026-12-05 po "PO 7781" note ')
    assert parse(parser, text) == c.CreateOrder(
        "CUST-001",
        (LineInput("BOLT-M8X30", D(1000)), LineInput("NUT-M8", D(500))),
        date(2026, 12, 5),
        po_ref="PO 7781",
        notes='call "Mr. Li" first\nthe customer\'s dock closes at 5',
    )


def test_new_order_with_a_typed_date(parser: CommandParser) -> None:
    values = new_order_values(due_pick={"date": picked(None)}, due_text={"text": text_input("next friday")})
    text, errors = forms.read_new_order(values)
    assert errors == {} and 'due "next friday"' in str(text)
    assert parse(parser, text).due_date == date(2026, 11, 27)


def test_new_order_errors_are_keyed_by_block() -> None:
    values = new_order_values(
        customer={"customer": {"type": "external_select", "selected_option": None}},
        qty1={"qty": text_input("lots")},
        qty2={"qty": text_input("5")},
        qty3={"qty": text_input(None)},
        due_text={"text": text_input("下周五")},
    )
    text, errors = forms.read_new_order(values, lang="zh")
    assert text is None
    assert set(errors) == {"customer", "qty1", "line2", "qty3", "due_text"}
    assert errors["qty1"] == "“lots” 不是有效数量：需为正数，最多 3 位小数。"
    none_at_all = new_order_values(line1={}, qty1={}, line3={}, qty3={})
    assert forms.read_new_order(none_at_all) == (None, {"line1": "Add at least one product."})
    keyword = new_order_values(note={"note": text_input("rush")})
    assert set(forms.read_new_order(keyword)[1]) == {"note"}


CURRENT = {1: "1000", 2: "500", 3: "20"}


def change_values(**over: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        "qty:1": {"qty": text_input("1000")},
        "qty:2": {"qty": text_input("800")},
        "qty:3": {"qty": text_input("20.000")},
        "due_pick": {"date": picked("2026-12-05")},
        "due_text": {"text": text_input(None)},
        "reason": {"reason": text_input("customer budget cut")},
        "evidence": {"evidence": text_input("mail 11-21")},
    }
    values.update(over)
    return values


def test_change_modal_is_valid() -> None:
    lines = [(n, f"SKU-{n}", "100") for n in range(1, 26)]
    modal = forms.change_modal(EN, "SO-2026-000001", lines)
    assert modal["callback_id"] == "orderbot_change" and modal["private_metadata"] == "SO-2026-000001"
    qty_blocks = [b for b in modal["blocks"] if b.get("block_id", "").startswith("qty:")]
    assert len(qty_blocks) == 20 and qty_blocks[1]["element"]["initial_value"] == "100"
    assert qty_blocks[1]["block_id"] == "qty:2" and qty_blocks[1]["label"]["text"] == "#2 SKU-2"
    ids = [b.get("block_id") for b in modal["blocks"]]
    assert ids[-4:] == ["due_pick", "due_text", "reason", "evidence"]
    reason = modal["blocks"][-2]
    assert not reason.get("optional") and modal["blocks"][-1]["optional"] is True
    assert any(b["type"] == "context" for b in modal["blocks"])  # 5 lines not shown, and how to change them


def test_read_change_builds_only_what_changed(parser: CommandParser) -> None:
    text, errors = forms.read_change(change_values(), "SO-2026-000001", CURRENT)
    assert errors == {}
    assert (
        text
        == 'change SO-2026-000001 qty line 2 800 date 2026-12-05 reason "customer budget cut" evidence "mail 11-21"'
    )
    assert parse(parser, text) == c.RequestChange(
        "SO-2026-000001",
        (ChangeInput("quantity", "", 2, quantity=D(800)), ChangeInput("due_date", when=date(2026, 12, 5))),
        "customer budget cut",
        "mail 11-21",
    )


def test_read_change_passes_a_typed_shift_through(parser: CommandParser) -> None:
    values = change_values(
        **{"qty:2": {"qty": text_input("500")}},
        due_pick={"date": picked(None)},
        due_text={"text": text_input("提前两周")},
        evidence={"evidence": text_input(None)},
    )
    cmd = parse(parser, forms.read_change(values, "SO-2026-000001", CURRENT)[0])
    assert cmd.changes == (ChangeInput("due_date", when=DueShift(-14, "提前两周")),)
    assert cmd.evidence == ""
    values["due_text"] = {"text": text_input("3 days later")}
    text = forms.read_change(values, "SO-2026-000001", CURRENT)[0]
    assert 'date "3 days later"' in str(text)
    assert parse(parser, text).changes == (ChangeInput("due_date", when=DueShift(3, "3 days later")),)


def test_read_change_errors() -> None:
    unchanged = change_values(**{"qty:2": {"qty": text_input("500")}}, due_pick={"date": picked(None)})
    assert forms.read_change(unchanged, "SO-2026-000001", CURRENT) == (
        None,
        {"qty:1": "Nothing changes: edit a quantity or the due date."},
    )
    bad = change_values(
        **{"qty:2": {"qty": text_input("-5")}, "qty:3": {"qty": text_input("0")}},
        reason={"reason": text_input(None)},
    )
    text, errors = forms.read_change(bad, "SO-2026-000001", CURRENT, lang="zh")
    assert text is None and set(errors) == {"qty:2", "qty:3", "reason"}
    assert errors["reason"] == "请填写原因。" and "remove line" in errors["qty:3"]
    word = change_values(reason={"reason": text_input("cancel")})
    assert set(forms.read_change(word, "SO-2026-000001", CURRENT)[1]) == {"reason"}


def test_reject_modal_and_reading_it(parser: CommandParser) -> None:
    modal = forms.reject_modal(ZH, "CR-3", origin="C123:1700000000.000100")
    assert modal["callback_id"] == "orderbot_reject" and len(modal["title"]["text"]) <= 24
    assert json.loads(modal["private_metadata"]) == {"cr": "CR-3", "origin": "C123:1700000000.000100"}
    assert [b["block_id"] for b in modal["blocks"]] == ["reason"] and not modal["blocks"][0].get("optional")
    values = {"reason": {"reason": text_input("价格不对, customer's fault")}}
    text, errors = forms.read_reject(values, modal["private_metadata"])
    assert errors == {}
    assert parse(parser, text) == c.RejectChange("CR-3", "价格不对, customer's fault")
    assert forms.read_reject({"reason": {"reason": text_input("  ")}}, {"cr": "CR-3"}, "en") == (
        None,
        {"reason": "Please give a reason."},
    )


def test_placeholders_and_fill(parser: CommandParser) -> None:
    assert forms.placeholders("ship SO-2026-000001 CARRIER TRACKING") == ["CARRIER", "TRACKING"]
    assert forms.placeholders("cancel SO-2026-000001 REASON") == ["REASON"]
    assert forms.placeholders("reject CR-3 REASON") == ["REASON"]
    assert forms.placeholders("show SO-2026-000001") == []
    modal = forms.fill_modal(EN, "ship SO-2026-000001 CARRIER TRACKING")
    assert (
        modal["callback_id"] == "orderbot_fill" and modal["private_metadata"] == "ship SO-2026-000001 CARRIER TRACKING"
    )
    assert [b.get("block_id") for b in modal["blocks"][1:]] == ["CARRIER", "TRACKING"]
    values = {"CARRIER": {"value": text_input("SF Express")}, "TRACKING": {"value": text_input("SF1234567890")}}
    text, errors = forms.read_fill(values, "ship SO-2026-000001 CARRIER TRACKING")
    assert errors == {} and text == 'ship SO-2026-000001 "SF Express" SF1234567890'
    assert parse(parser, text) == c.ShipOrder("SO-2026-000001", "SF Express", "SF1234567890")
    text, _ = forms.read_fill(
        {"REASON": {"value": text_input("customer's plant burned")}}, "cancel SO-2026-000001 REASON"
    )
    assert parse(parser, text) == c.CancelOrder("SO-2026-000001", "customer's plant burned")
    assert forms.read_fill({"CARRIER": {"value": text_input("")}}, "ship SO-2026-000001 CARRIER TRACKING") == (
        None,
        {"CARRIER": "Please fill this in.", "TRACKING": "Please fill this in."},
    )


@pytest.mark.parametrize(
    "value",
    [
        "plain",
        "two words",
        'say "hi"',
        "it's",
        'back\\slash \\" mixed',
        "“typographic” ‘quotes’",
        "  ",
        "＂全角＂ 引号",
    ],
)
def test_quote_keeps_any_value_one_token(value: str) -> None:
    tokens = tokenize(f"note {forms.quote(value)} end")
    assert len(tokens) == 3 and tokens[0] == "note" and tokens[2] == "end"
    assert tokens[1] == shlex.split(f"x {forms.quote(value)}")[1]
