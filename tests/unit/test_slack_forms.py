"""Slack modals, without Slack: every form is a valid modal, and every submission reads back into the domain
command the command language would build from the same words — no text in between — or into errors keyed by
the block to fix, in the user's language."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from adapters.slack import forms
from bot.conversation import actions
from bot.conversation.i18n import Translator
from bot.conversation.language.dates import DateReader
from bot.conversation.language.verbs import CommandParser
from domain import commands as c
from domain.commands import ChangeInput, DueShift, LineInput

D = Decimal
ZONE = ZoneInfo("Asia/Shanghai")
EN, ZH = Translator("en", ZONE), Translator("zh", ZONE)
TODAY = date(2026, 11, 22)


@pytest.fixture(scope="module")
def dates() -> DateReader:
    return DateReader()


@pytest.fixture(scope="module")
def parser(dates: DateReader) -> CommandParser:
    return CommandParser(dates)


def parse(parser: CommandParser, text: str) -> Any:
    return parser.parse(text, TODAY, "lily")


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


def test_new_order_modal_is_valid_and_reads_back_into_create_order(parser: CommandParser, dates: DateReader) -> None:
    modal = forms.new_order_modal(ZH)
    assert modal["type"] == "modal" and modal["callback_id"] == "orderbot_new_order"
    ids = [b["block_id"] for b in modal["blocks"]]
    assert ids == ["customer", "line1", "qty1", "line2", "qty2", "line3", "qty3", "due_pick", "due_text", "po", "note"]
    assert modal["blocks"][0]["element"]["min_query_length"] == 1
    assert modal["blocks"][8]["element"]["placeholder"]["text"] == "下周五 / next friday / 2026-12-05"

    command, errors = forms.read_new_order(new_order_values(), EN, dates, TODAY)
    assert errors == {}
    assert command == c.CreateOrder(
        "CUST-001",
        (LineInput("BOLT-M8X30", D(1000)), LineInput("NUT-M8", D(500))),
        date(2026, 12, 5),
        po_ref="PO 7781",
        notes='call "Mr. Li" first\nthe customer’s dock closes at 5',  # as typed: no tokenizer in between
    )
    # the very command the same words typed would give
    typed = 'new cust-001 BOLT-M8X30 1000 NUT-M8 500件 due 2026-12-05 po "PO 7781" note "call Mr. Li first"'
    assert parse(parser, typed) == replace(command, notes="call Mr. Li first")


def test_new_order_with_a_typed_date(parser: CommandParser, dates: DateReader) -> None:
    values = new_order_values(due_pick={"date": picked(None)}, due_text={"text": text_input("next friday")})
    command, errors = forms.read_new_order(values, EN, dates, TODAY)
    assert errors == {} and command is not None
    assert command.due_date == date(2026, 11, 27) == parse(parser, "new CUST-001 due 'next friday'").due_date
    zh = new_order_values(due_pick={"date": picked(None)}, due_text={"text": text_input("１２月５日")})
    assert forms.read_new_order(zh, ZH, dates, TODAY)[0].due_date == date(2026, 12, 5)  # type: ignore[union-attr]


def test_new_order_errors_are_keyed_by_block(dates: DateReader) -> None:
    values = new_order_values(
        customer={"customer": {"type": "external_select", "selected_option": None}},
        qty1={"qty": text_input("lots")},
        qty2={"qty": text_input("5")},
        qty3={"qty": text_input(None)},
        due_text={"text": text_input("下周五")},
    )
    command, errors = forms.read_new_order(values, ZH, dates, TODAY)
    assert command is None
    assert set(errors) == {"customer", "qty1", "line2", "qty3", "due_text"}
    assert errors["qty1"] == "“lots” 不是有效数量：需为正数，最多 3 位小数。"
    none_at_all = new_order_values(line1={}, qty1={}, line3={}, qty3={})
    assert forms.read_new_order(none_at_all, EN, dates, TODAY) == (None, {"line1": "Add at least one product."})
    # a note that is a command word is a note: nothing is parsed again
    word = forms.read_new_order(new_order_values(note={"note": text_input("rush")}), EN, dates, TODAY)[0]
    assert word is not None and word.notes == "rush" and word.rush is False


def test_new_order_dates_that_cannot_be_a_due_date_are_refused_in_the_users_language(dates: DateReader) -> None:
    shift = new_order_values(due_pick={"date": picked(None)}, due_text={"text": text_input("提前两周")})
    assert forms.read_new_order(shift, ZH, dates, TODAY) == (
        None,
        {"due_text": ZH("date_needs_due", phrase="提前两周")},
    )
    nonsense = new_order_values(due_pick={"date": picked(None)}, due_text={"text": text_input("whenever")})
    command, errors = forms.read_new_order(nonsense, EN, dates, TODAY)
    assert command is None and errors == {"due_text": EN("date_not_understood", phrase="whenever")}
    assert "whenever" in errors["due_text"] and "Traceback" not in errors["due_text"]
    forged = new_order_values(due_pick={"date": picked("2026-13-45")})
    assert set(forms.read_new_order(forged, EN, dates, TODAY)[1]) == {"due_pick"}


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


def test_read_change_builds_only_what_changed(parser: CommandParser, dates: DateReader) -> None:
    command, errors = forms.read_change(change_values(), "SO-2026-000001", CURRENT, EN, dates, TODAY)
    assert errors == {}
    assert command == c.RequestChange(
        "SO-2026-000001",
        (ChangeInput("quantity", "", 2, quantity=D(800)), ChangeInput("due_date", when=date(2026, 12, 5))),
        "customer budget cut",
        "mail 11-21",
    )
    typed = 'change SO-2026-000001 qty line 2 800 date 2026-12-05 reason "customer budget cut" evidence "mail 11-21"'
    assert parse(parser, typed) == command


def test_read_change_passes_a_typed_shift_through(parser: CommandParser, dates: DateReader) -> None:
    values = change_values(
        **{"qty:2": {"qty": text_input("500")}},
        due_pick={"date": picked(None)},
        due_text={"text": text_input("提前两周")},
        evidence={"evidence": text_input(None)},
    )
    cmd = forms.read_change(values, "SO-2026-000001", CURRENT, EN, dates, TODAY)[0]
    assert cmd is not None and cmd.changes == (ChangeInput("due_date", when=DueShift(-14, "提前两周")),)
    assert cmd.evidence == ""
    assert parse(parser, 'change SO-2026-000001 date 提前两周 reason "customer budget cut"') == cmd
    values["due_text"] = {"text": text_input("3 days later")}
    cmd = forms.read_change(values, "SO-2026-000001", CURRENT, EN, dates, TODAY)[0]
    assert cmd is not None and cmd.changes == (ChangeInput("due_date", when=DueShift(3, "3 days later")),)


def test_read_change_errors(dates: DateReader) -> None:
    unchanged = change_values(**{"qty:2": {"qty": text_input("500")}}, due_pick={"date": picked(None)})
    assert forms.read_change(unchanged, "SO-2026-000001", CURRENT, EN, dates, TODAY) == (
        None,
        {"qty:1": "Nothing changes: edit a quantity or the due date."},
    )
    bad = change_values(
        **{"qty:2": {"qty": text_input("-5")}, "qty:3": {"qty": text_input("0")}},
        reason={"reason": text_input(None)},
    )
    command, errors = forms.read_change(bad, "SO-2026-000001", CURRENT, ZH, dates, TODAY)
    assert command is None and set(errors) == {"qty:2", "qty:3", "reason"}
    assert errors["reason"] == "请填写原因。" and "remove line" in errors["qty:3"]
    unreadable = change_values(due_pick={"date": picked(None)}, due_text={"text": text_input("someday")})
    assert forms.read_change(unreadable, "SO-2026-000001", CURRENT, ZH, dates, TODAY) == (
        None,
        {"due_text": ZH("date_not_understood", phrase="someday")},
    )
    both = change_values(due_text={"text": text_input("下周五")})
    assert forms.read_change(both, "SO-2026-000001", CURRENT, EN, dates, TODAY) == (
        None,
        {"due_text": "Pick a date or type one, not both."},
    )
    word = change_values(reason={"reason": text_input("cancel")})  # a reason that is a command word is a reason
    command, errors = forms.read_change(word, "SO-2026-000001", CURRENT, EN, dates, TODAY)
    assert errors == {} and command is not None and command.reason == "cancel"


def test_reject_modal_and_reading_it(parser: CommandParser) -> None:
    modal = forms.reject_modal(ZH, "CR-3", origin="C123:1700000000.000100")
    assert modal["callback_id"] == "orderbot_reject" and len(modal["title"]["text"]) <= 24
    assert json.loads(modal["private_metadata"]) == {"cr": "CR-3", "origin": "C123:1700000000.000100"}
    assert [b["block_id"] for b in modal["blocks"]] == ["reason"] and not modal["blocks"][0].get("optional")
    values = {"reason": {"reason": text_input("价格不对, customer's fault")}}
    command, errors = forms.read_reject(values, modal["private_metadata"], EN)
    assert errors == {}
    assert command == c.RejectChange("CR-3", "价格不对, customer's fault")
    assert parse(parser, 'reject CR-3 "价格不对, customer\'s fault"') == command
    assert forms.read_reject({"reason": {"reason": text_input("  ")}}, {"cr": "CR-3"}, EN) == (
        None,
        {"reason": "Please give a reason."},
    )
    for meta in ("", "{}", '{"cr": "SO-2026-000001"}', "[1]"):
        assert forms.read_reject(values, meta, ZH) == (None, {"reason": "此表单已过期，请从消息重新开始。"})


def test_fill_modal_asks_each_field_with_its_label_and_fills_them_in() -> None:
    ship = c.ShipOrder("SO-2026-000001", "", "")
    modal = forms.fill_modal(EN, ship, ("carrier", "tracking"), heading="Ship")
    assert modal["callback_id"] == "orderbot_fill"
    meta = json.loads(modal["private_metadata"])
    assert actions.decode(meta["action"]) == ship and meta["asks"] == ["carrier", "tracking"]
    inputs = [b for b in modal["blocks"] if b["type"] == "input"]
    assert [(b["block_id"], b["label"]["text"]) for b in inputs] == [
        ("carrier", "Carrier"),
        ("tracking", "Tracking number"),
    ]
    assert modal["blocks"][0]["text"]["text"] == "*Ship · SO-2026-000001*"
    zh = forms.fill_modal(ZH, c.CancelOrder("SO-2026-000001", ""), ("reason",))
    assert [(b["block_id"], b["label"]["text"], b["element"]["multiline"]) for b in zh["blocks"][1:]] == [
        ("reason", "原因", True)
    ]

    values = {"carrier": {"value": text_input("SF Express")}, "tracking": {"value": text_input("SF1234567890")}}
    assert forms.read_fill(values, modal["private_metadata"], EN) == (
        c.ShipOrder("SO-2026-000001", "SF Express", "SF1234567890"),
        {},
    )
    cancel = forms.read_fill({"reason": {"value": text_input("customer's plant burned")}}, zh["private_metadata"], ZH)
    assert cancel == (c.CancelOrder("SO-2026-000001", "customer's plant burned"), {})
    assert forms.read_fill({"carrier": {"value": text_input("")}}, modal["private_metadata"], EN) == (
        None,
        {"carrier": "Please fill this in.", "tracking": "Please fill this in."},
    )


def test_fill_reads_a_quantity_as_the_command_language_does() -> None:
    report = forms.fill_modal(ZH, c.ReportWorkOrder("WO-2026-000003", D(0)), ("good",))
    assert report["blocks"][-1]["label"]["text"] == "合格数量"
    meta = report["private_metadata"]
    good = forms.read_fill({"good": {"value": text_input("1,000件")}}, meta, ZH)
    assert good == (c.ReportWorkOrder("WO-2026-000003", D(1000)), {})
    assert forms.read_fill({"good": {"value": text_input("lots")}}, meta, ZH) == (
        None,
        {"good": ZH("bad_quantity", value="lots")},
    )
    assert set(forms.read_fill({"good": {"value": text_input("-3")}}, meta, EN)[1]) == {"good"}


@pytest.mark.parametrize(
    "meta",
    [
        "",
        "ship SO-2026-000001 CARRIER TRACKING",  # the text an older version carried
        '{"action": "{\\"c\\":\\"Path\\",\\"a\\":{}}", "asks": ["reason"]}',
        json.dumps({"action": actions.encode(c.ConfirmOrder("SO-2026-000001")), "asks": ["owner"]}),
        json.dumps({"action": actions.encode(c.ConfirmOrder("SO-2026-000001")), "asks": []}),
    ],
)
def test_a_fill_form_that_is_not_ours_is_refused(meta: str) -> None:
    values = {"reason": {"value": text_input("x")}}
    assert forms.read_fill(values, meta, EN) == (
        None,
        {"reason": "This form is out of date; start again from the message."},
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
        "＂全角＂ 引号",
        "line one\nline two",
    ],
)
def test_free_text_arrives_in_the_command_as_typed(value: str) -> None:
    """No tokenizer stands between a form and its command: quotes, backslashes and full-width characters stay."""
    meta = json.dumps({"cr": "CR-3"})
    assert forms.read_reject({"reason": {"reason": text_input(f"  {value} ")}}, meta, EN) == (
        c.RejectChange("CR-3", value),
        {},
    )
