"""Form submissions: each form builds its domain command from the values — the command reaching the desk's door
is exactly the one expected, and no text was parsed — and runs it before answering, so bad input and refusals
show inline in the form, in the user's language."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from adapters.slack import forms
from adapters.slack.front import SlackFront
from adapters.slack.listeners import views
from bot.conversation import actions
from domain import commands as c
from domain.commands import ChangeInput, DueShift, LineInput
from tests.unit.slack_listeners.support import (
    CHEN,
    LILY,
    LIU,
    WANG,
    Desk,
    body_of,
    new_ack,
    option,
    submission,
    text_value,
)

Listener = Callable[[SlackFront, Ack, dict[str, Any], dict[str, Any], WebClient], None]


def submit(slack: Desk, listener: Listener, user: str, callback: str, values: dict[str, Any], meta: str = "") -> Any:
    ack = new_ack()
    body = submission(user, callback, values, meta)
    listener(slack.front, ack, body, body["view"], slack.client)
    return body_of(ack)


NEW_ORDER = {
    "customer": {"customer": option("CUST-001")},
    "line1": {"product": option("BOLT-M8X30")},
    "qty1": {"qty": text_value("1,000")},
    "line2": {"product": {"type": "external_select", "selected_option": None}},
    "qty2": {"qty": text_value(None)},
    "line3": {"product": option("NUT-M8")},
    "qty3": {"qty": text_value("500件")},
    "due_text": {"text": text_value("下周五")},
    "po": {"po": text_value("PO 7781")},
    "note": {"note": text_value("call “Mr. Li” first")},
}


def test_the_new_order_form_creates_the_order_with_the_command_it_built(slack: Desk) -> None:
    assert submit(slack, views.on_new_order, LILY, "orderbot_new_order", NEW_ORDER) == {}
    expected = c.CreateOrder(
        "CUST-001",
        (LineInput("BOLT-M8X30", Decimal(1000)), LineInput("NUT-M8", Decimal(500))),
        date(2026, 11, 27),
        po_ref="PO 7781",
        notes="call “Mr. Li” first",
    )
    assert slack.desk.commands() == [expected] and slack.parser.texts == []
    (dm,) = slack.client.to("chat.postMessage")
    assert dm["channel"] == LILY and "SO-2026-000001" in dm["text"]
    order = slack.desk.fake.order("SO-2026-000001")
    assert order.due_date == date(2026, 11, 27) and order.notes == "call “Mr. Li” first"


def test_bad_input_stays_in_the_form_in_the_users_language_and_runs_nothing(slack: Desk) -> None:
    values = {**NEW_ORDER, "qty1": {"qty": text_value("lots")}, "due_text": {"text": text_value("提前两周")}}
    answer = submit(slack, views.on_new_order, WANG, "orderbot_new_order", values)
    assert answer["response_action"] == "errors"
    assert answer["errors"] == {
        "qty1": "“lots” 不是有效数量：需为正数，最多 3 位小数。",
        "due_text": "「提前两周」是相对当前交期的调整，只能用于修改订单（`set … due 提前两周`）。",
    }
    assert slack.desk.handled == [] and slack.client.calls == []


def test_a_refused_command_shows_inline_and_changes_nothing(slack: Desk) -> None:
    answer = submit(slack, views.on_new_order, LIU, "orderbot_new_order", NEW_ORDER)  # the warehouse cannot sell
    assert answer["response_action"] == "errors" and list(answer["errors"]) == ["customer"]
    assert answer["errors"]["customer"].startswith("You need one of the roles sales") and "recorded" in str(answer)
    assert len(slack.desk.commands()) == 1 and slack.client.calls == []
    assert [e.actor for e in slack.desk.fake.audit_entries() if e.outcome == "denied"] == ["liu"]
    assert slack.desk.fake.saved.orders == {}


def test_the_change_form_files_the_change_it_built(slack: Desk) -> None:
    number = slack.order(confirmed=True)
    values = {
        "qty:1": {"qty": text_value("800")},
        "qty:2": {"qty": text_value("500")},
        "due_pick": {"date": {"type": "datepicker", "selected_date": None}},
        "due_text": {"text": text_value("提前两周")},
        "reason": {"reason": text_value("customer budget cut")},
        "evidence": {"evidence": text_value("mail 11-21")},
    }
    assert submit(slack, views.on_change, LILY, "orderbot_change", values, number) == {}
    expected = c.RequestChange(
        number,
        (
            ChangeInput("quantity", "", 1, quantity=Decimal(800)),
            ChangeInput("due_date", when=DueShift(-14, "提前两周")),
        ),
        "customer budget cut",
        "mail 11-21",
    )
    assert slack.desk.commands() == [expected] and slack.parser.texts == []
    (dm,) = slack.client.to("chat.postMessage")
    assert dm["channel"] == LILY and "CR-1" in dm["text"]
    assert slack.desk.fake.change("CR-1").reason == "customer budget cut"


def test_the_change_form_with_a_picked_date_and_nothing_changed(slack: Desk) -> None:
    number = slack.order(confirmed=True)
    same = {"qty:1": {"qty": text_value("1000")}, "qty:2": {"qty": text_value("500.000")},
            "reason": {"reason": text_value("none")}}  # fmt: skip
    answer = submit(slack, views.on_change, WANG, "orderbot_change", same, number)
    assert answer == {"response_action": "errors", "errors": {"qty:1": "没有任何变化：请修改数量或交期。"}}
    picked = {**same, "due_pick": {"date": {"type": "datepicker", "selected_date": "2026-12-10"}}}
    assert submit(slack, views.on_change, LILY, "orderbot_change", picked, number) == {}
    assert slack.desk.commands() == [
        c.RequestChange(number, (ChangeInput("due_date", when=date(2026, 12, 10)),), "none")
    ]


def test_the_reject_form_rejects_with_the_reason_and_lets_the_card_say_it(slack: Desk) -> None:
    cr = slack.change_request()
    meta = forms.reject_modal(slack.front.translator(CHEN), cr)["private_metadata"]
    empty = submit(slack, views.on_reject, CHEN, "orderbot_reject", {"reason": {"reason": text_value(" ")}}, meta)
    assert empty == {"response_action": "errors", "errors": {"reason": "Please give a reason."}}
    values = {"reason": {"reason": text_value("已排产, too late")}}
    assert submit(slack, views.on_reject, CHEN, "orderbot_reject", values, meta) == {}
    assert slack.desk.commands() == [c.RejectChange(cr, "已排产, too late")] and slack.parser.texts == []
    assert slack.client.calls == []  # no DM: every copy of the approval card is updated instead
    assert slack.desk.fake.change(cr).status.value == "rejected"


def test_a_fill_form_fills_the_asked_fields_into_the_buttons_command(slack: Desk) -> None:
    number = slack.order()
    meta = forms.fill_modal(slack.front.translator(LILY), c.CancelOrder(number, ""), ("reason",))["private_metadata"]
    empty = submit(slack, views.on_fill, WANG, "orderbot_fill", {"reason": {"value": text_value("")}}, meta)
    assert empty == {"response_action": "errors", "errors": {"reason": "请填写此项。"}}
    values = {"reason": {"value": text_value("duplicate of SO-2026-000002")}}
    assert submit(slack, views.on_fill, LILY, "orderbot_fill", values, meta) == {}
    assert slack.desk.commands() == [c.CancelOrder(number, "duplicate of SO-2026-000002")]
    assert slack.parser.texts == [] and slack.desk.fake.order(number).status.value == "cancelled"
    (dm,) = slack.client.to("chat.postMessage")
    assert dm["channel"] == LILY


def test_a_fill_form_refused_by_the_desk_says_so_inline(slack: Desk) -> None:
    number = slack.order()
    ship = forms.fill_modal(slack.front.translator(LILY), c.ShipOrder(number, "", ""), ("carrier", "tracking"))
    values = {"carrier": {"value": text_value("SF Express")}, "tracking": {"value": text_value("SF1234567890")}}
    answer = submit(slack, views.on_fill, LILY, "orderbot_fill", values, ship["private_metadata"])
    assert answer["response_action"] == "errors" and list(answer["errors"]) == ["carrier"]  # a draft cannot ship
    assert slack.desk.commands() == [c.ShipOrder(number, "SF Express", "SF1234567890")]
    assert slack.desk.fake.order(number).status.value == "draft" and slack.client.calls == []


def test_a_fill_form_that_is_not_ours_is_refused_inline(slack: Desk) -> None:
    number = slack.order()
    for meta in ("", f"cancel {number} REASON", json.dumps({"action": "{}", "asks": ["reason"]})):
        answer = submit(slack, views.on_fill, WANG, "orderbot_fill", {"reason": {"value": text_value("x")}}, meta)
        assert answer == {"response_action": "errors", "errors": {"reason": "此表单已过期，请从消息重新开始。"}}
    assert slack.desk.handled == []
    # a form asking for a field the button never asked is no more than typing the command: the desk checks it
    forged = json.dumps({"action": actions.encode(c.CancelOrder(number, "")), "asks": ["number"]})
    answer = submit(slack, views.on_fill, WANG, "orderbot_fill", {"number": {"value": text_value("SO-1")}}, forged)
    assert answer == {"response_action": "errors", "errors": {"number": "请填写原因。"}}  # refused at the door
    assert slack.desk.fake.order(number).status.value == "draft"
