"""`/order`: typed text goes through the shared parser once; `new` and `change SO-…` alone open the forms."""

from __future__ import annotations

from typing import Any

import pytest
from slack_bolt import Ack

from adapters.slack.listeners import commands
from domain import commands as c
from tests.unit.slack_listeners.support import LILY, LIU, WANG, Desk, FakeRespond, body_of, new_ack


def slash(user: str, text: str) -> dict[str, Any]:
    return {"command": "/order", "user_id": user, "text": text, "trigger_id": "T-1", "response_url": "http://x"}


def order(slack: Desk, user: str, text: str) -> tuple[Ack, FakeRespond]:
    ack, respond = new_ack(), FakeRespond()
    commands.on_order(slack.front, ack, slash(user, text), respond, slack.client)
    assert body_of(ack) == {}  # acknowledged at once, answered after
    return ack, respond


@pytest.mark.parametrize(
    ("text", "form"),
    [
        ("new", ("new", "")),
        ("新建", ("new", "")),
        ("下单", ("new", "")),
        ("change SO-2026-000001", ("change", "SO-2026-000001")),
        ("改单 so2026000001", ("change", "SO-2026-000001")),
        ("new CUST-001 BOLT-M8X30 5", None),
        ("change SO-2026-000001 qty line 1 5 reason less", None),
        ("change nothing", None),
        ("show SO-2026-000001", None),
        ("", None),
    ],
)
def test_which_typed_words_open_a_form(text: str, form: tuple[str, str] | None) -> None:
    assert commands.wants_form(text) == form


def test_new_alone_opens_the_new_order_form_in_the_users_language(slack: Desk) -> None:
    _, respond = order(slack, WANG, "新建")
    view = slack.client.opened()
    assert view["callback_id"] == "orderbot_new_order" and view["title"]["text"] == "新建订单"
    assert respond.answers == [] and slack.desk.handled == [] and slack.parser.texts == []


def test_change_alone_opens_the_change_form_with_the_quantities_of_now(slack: Desk) -> None:
    number = slack.order(confirmed=True)
    order(slack, LILY, f"change {number}")
    view = slack.client.opened()
    assert view["callback_id"] == "orderbot_change" and view["private_metadata"] == number
    quantities = {
        b["block_id"]: b["element"]["initial_value"] for b in view["blocks"] if "qty:" in b.get("block_id", "")
    }
    assert quantities == {"qty:1": "1000", "qty:2": "500"}
    assert slack.desk.commands() == [] and slack.parser.texts == []  # only the order was read


def test_change_of_an_order_that_cannot_be_shown_says_why_through_the_parser(slack: Desk) -> None:
    _, respond = order(slack, WANG, "change SO-2026-000099")
    assert slack.client.calls == []
    answer = respond.only()
    assert answer["response_type"] == "ephemeral" and answer["text"].startswith("✖ 缺少")  # what is to change
    assert slack.parser.texts == ["change SO-2026-000099"]


def test_typed_text_is_parsed_once_and_answered_for_the_asker_alone(slack: Desk) -> None:
    number = slack.order()
    _, respond = order(slack, LILY, f"show {number}")
    answer = respond.only()
    assert answer["response_type"] == "ephemeral" and number in answer["text"]
    assert any(b["type"] == "actions" for b in answer["blocks"])
    assert slack.parser.texts == [f"show {number}"]
    assert [m for m, _ in slack.desk.handled] == [c.ShowOrder(number)]


def test_an_empty_command_is_help_and_a_refusal_is_one_line(slack: Desk) -> None:
    _, respond = order(slack, LILY, "")
    assert "orderbot commands" in respond.only()["text"]
    number = slack.order()
    _, respond = order(slack, LIU, f"cancel {number} duplicate")  # the warehouse may not cancel
    text = respond.only()["text"]
    assert text.startswith("✖ ") and len(text.splitlines()) == 1 and "Traceback" not in text
    assert slack.desk.fake.order(number).status.value == "draft"  # as it was
