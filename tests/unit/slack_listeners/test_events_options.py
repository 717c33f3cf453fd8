"""The pickers of the new-order form, the Home tab, and the replay refusal that runs before every listener."""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import timedelta
from decimal import Decimal
from typing import Any

from slack_bolt import BoltRequest, BoltResponse

from adapters.slack.listeners import events, middleware, options
from domain import commands as c
from domain.commands import LineInput
from domain.users import Front
from tests.unit.slack_listeners.support import CHEN, LILY, TODAY, Desk, body_of, new_ack


def pick(slack: Desk, listener: Any, user: str, typed: str) -> list[dict[str, Any]]:
    ack = new_ack()
    listener(slack.front, ack, {"type": "block_suggestion", "user": {"id": user}, "value": typed})
    found: list[dict[str, Any]] = body_of(ack)["options"]
    return found


def test_pickers_search_customers_and_products_as_the_user(slack: Desk) -> None:
    assert [o["value"] for o in pick(slack, options.on_customer, LILY, "Beta")] == ["CUST-002"]
    assert "NUT-M8" in [o["value"] for o in pick(slack, options.on_product, LILY, "nut")]
    assert [(m, ctx.user.name) for m, ctx in slack.desk.handled] == [
        (c.FindCustomers("Beta"), "lily"),
        (c.FindProducts("nut"), "lily"),
    ]
    assert pick(slack, options.on_customer, "U0STRANGER", "Beta") == []  # nobody the bot knows: nothing to pick


def test_the_home_tab_shows_what_waits_for_me(slack: Desk) -> None:
    cr = slack.change_request()
    events.on_home_opened(slack.front, {"type": "app_home_opened", "user": CHEN, "tab": "home"}, slack.client)
    (published,) = slack.client.to("views.publish")
    assert published["user_id"] == CHEN and published["view"]["type"] == "home"
    assert cr in json.dumps(published["view"]["blocks"])
    assert c.PendingApprovals() in [m for m, _ in slack.desk.handled]
    events.on_home_opened(slack.front, {"type": "app_home_opened", "user": CHEN, "tab": "messages"}, slack.client)
    assert len(slack.client.to("views.publish")) == 1  # the Messages tab is not ours to draw


def test_a_stranger_opening_the_home_tab_is_told_how_to_get_in(slack: Desk) -> None:
    events.on_home_opened(slack.front, {"type": "app_home_opened", "user": "U0STRANGER"}, slack.client)
    (published,) = slack.client.to("views.publish")
    body = json.dumps(published["view"]["blocks"], ensure_ascii=False)
    assert "U0STRANGER" in body and "✖" not in body and slack.desk.handled == []


def test_a_replayed_request_is_refused_before_any_listener(slack: Desk) -> None:
    def request(signature: str | None) -> BoltRequest:
        headers: dict[str, str | Sequence[str]] = {"x-slack-signature": signature} if signature else {}
        return BoltRequest(body="token=x&command=%2Forder&text=list", headers=headers, mode="socket_mode")

    ran: list[str] = []

    def listener() -> BoltResponse:
        ran.append("listener")
        return BoltResponse(status=200, body="")

    assert middleware.refuse_replays(slack.front, request("v0=abc"), listener).status == 200
    replay = middleware.refuse_replays(slack.front, request("v0=abc"), listener)
    assert (replay.status, replay.body) == (401, "replayed request")
    assert middleware.refuse_replays(slack.front, request(None), listener).status == 200  # Socket Mode: no signature
    assert ran == ["listener", "listener"]


def test_the_home_tab_lists_an_order_promised_late_among_those_at_risk(slack: Desk) -> None:
    """1000 bolts with 700 on hand and ten days to make the rest, due tomorrow: promised late, marked at risk —
    neither overdue nor on hold, and still in the Home tab's orders at risk."""
    lily = slack.desk.context(Front.slack, LILY)
    cmd = c.CreateOrder("CUST-001", (LineInput("BOLT-M8X30", Decimal(1000)),), TODAY + timedelta(days=1))
    number = slack.desk.bus.handle(cmd, lily).params["number"]
    slack.desk.bus.handle(c.ConfirmOrder(number), lily)
    assert slack.desk.fake.order(number).at_risk
    events.on_home_opened(slack.front, {"type": "app_home_opened", "user": CHEN, "tab": "home"}, slack.client)
    (published,) = slack.client.to("views.publish")
    assert number in json.dumps(published["view"]["blocks"])
    assert c.ListOrders(at_risk=True, limit=15) in [m for m, _ in slack.desk.handled]
