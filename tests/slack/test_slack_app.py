"""The real bolt app over HTTP on loopback, against the fake Slack Web API: slash commands, forms, approval
buttons with every copy updated in place, the Home tab, roles from Slack, and refused forgeries."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.errors import SlackApiError
from sqlalchemy import select

from adapters.sql import tables as t
from bot.app.clock import FixedClock
from bot.app.slack_runtime import SlackSecrets, build_slack, socket_mode
from bot.conversation import actions
from domain import commands as c
from domain.commands import LineInput
from tests.slack import signing
from tests.slack.fake_api import FakeSlack
from tests.slack.world import CHANNELS, SECRET, SLACK_IDS, World, slack_world, text_value


@pytest.fixture
def world(tmp_path: Path, fake_slack: FakeSlack) -> Iterator[World]:
    with slack_world(tmp_path, fake_slack) as w:
        yield w


def an_order(world: World, qty: int = 1000) -> str:
    lines = (LineInput("BOLT-M8X30", Decimal(qty)),)
    return str(world.bus("lily", c.CreateOrder("CUST-003", lines, date(2026, 12, 20))).order.number)


def texts(blocks: list[dict[str, Any]]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def has_buttons(blocks: list[dict[str, Any]]) -> bool:
    return any(b.get("type") == "actions" for b in blocks)


def buttons(blocks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [e for b in blocks if b.get("type") == "actions" for e in b["elements"]]


def button_running(blocks: list[dict[str, Any]], kind: type) -> dict[str, Any]:
    """The button of a message whose command is a ``kind``."""
    return next(b for b in buttons(blocks) if isinstance(actions.decode(b["value"]), kind))


# ---------------------------------------------------------------- commands


def test_a_slash_command_is_acked_at_once_and_answered_through_the_response_url(world: World) -> None:
    number = an_order(world)
    status, body = world.slash("lily", f"show {number}", key="show")
    assert status == 200 and body == ""
    (answer,) = world.fake.wait_for("response_url:show")
    assert answer.params["response_type"] == "ephemeral"
    assert number in texts(answer.params["blocks"]) and "BOLT-M8X30" in texts(answer.params["blocks"])


def test_bad_input_gets_one_line_in_the_users_language_and_changes_nothing(world: World) -> None:
    world.slash("wang", "confirm SO-2026-000042", key="bad")  # wang reads Chinese
    (answer,) = world.fake.wait_for("response_url:bad")
    assert "找不到订单 SO-2026-000042" in answer.params["text"] and "Traceback" not in answer.params["text"]


def test_an_unknown_slack_user_gets_an_explanation(world: World) -> None:
    world.slash("U0STRANGER", "list", key="who")
    (answer,) = world.fake.wait_for("response_url:who")
    assert "U0STRANGER" in answer.params["text"] and "admin grant" in answer.params["text"]


def test_an_admin_from_the_config_grants_a_role_to_an_at_mention(world: World) -> None:
    world.slash("U0ADMIN", "admin grant <@U0MEI|mei> finance", key="grant")
    (answer,) = world.fake.wait_for("response_url:grant")
    assert "mei" in answer.params["text"]
    with world.desk.uow(readonly=True) as uow:
        mei = uow.users.get("mei")
        assert mei is not None and mei.slack_id == "U0MEI" and {r.value for r in mei.roles} == {"finance"}


# ---------------------------------------------------------------- requests Slack would never send


def test_forged_stale_and_replayed_requests_are_refused(world: World) -> None:
    number = an_order(world)
    body = signing.slash_command(f"confirm {number}", SLACK_IDS["lily"], response_url=world.fake.response_url("x"))
    assert world.post(body, secret="not-the-secret")[0] == 401
    assert world.post(body, timestamp=int(time.time()) - 600)[0] == 401  # outside Slack's 5-minute window
    ts = int(time.time())
    headers = signing.sign(body, SECRET, ts)
    first = signing.post(world.url, body, headers)
    world.changed()
    replay = signing.post(world.url, body, headers)
    assert (first[0], replay[0]) == (200, 401)
    # the listener answers after it wakes the dispatcher: wait for its answer, then count (the genuine one only)
    assert len(world.fake.wait_for("response_url:x")) == 1
    assert world.bus("lily", c.ShowOrder(number)).status.value == "confirmed"


# ---------------------------------------------------------------- forms


def test_new_order_form_validates_inline_and_creates_the_order(world: World) -> None:
    world.slash("lily", "new", key="new")
    opened = world.fake.wait_for("views.open")[0].params["view"]
    assert opened["callback_id"] == "orderbot_new_order"
    status, body = world.submit("lily", "orderbot_new_order", {"qty1": {"qty": text_value("5")}})
    assert status == 200 and json.loads(body)["response_action"] == "errors"
    values = {
        "customer": {"customer": {"type": "external_select", "selected_option": {"value": "CUST-001"}}},
        "line1": {"product": {"type": "external_select", "selected_option": {"value": "NUT-M8"}}},
        "qty1": {"qty": text_value("2000")},
        "due_text": {"text": text_value("下周五")},
    }
    status, body = world.submit("lily", "orderbot_new_order", values)
    assert (status, body) == (200, "")
    posted = world.fake.wait_for("chat.postMessage")[-1]
    assert posted.params["channel"] == SLACK_IDS["lily"] and "SO-2026-000001" in posted.params["text"]
    order = world.bus("lily", c.ShowOrder("SO-2026-000001"))
    assert order.due_date.isoformat() == "2026-11-27" and order.lines[0].quantity == 2000


def test_pickers_search_customers_and_products(world: World) -> None:
    body = "payload=" + json.dumps(
        {"type": "block_suggestion", "action_id": "customer", "block_id": "customer", "value": "Acme",
         "user": {"id": SLACK_IDS["lily"]}, "team": {"id": "T0TEST"}, "api_app_id": "A0ORDERBOT"}
    )  # fmt: skip
    status, text = world.post(body)
    assert status == 200 and json.loads(text)["options"][0]["value"] == "CUST-002"


# ---------------------------------------------------------------- the change, approved in Slack


def test_the_change_filed_by_form_is_approved_by_three_clicks_and_every_copy_is_updated(tmp_path: Path) -> None:
    with FakeSlack() as fake, slack_world(tmp_path, fake, opening_stock=0) as world:
        world.bus("liu", c.AdjustStock("BOLT-M8X30", "opening balance", counted=Decimal(700)))
        lines = (LineInput("BOLT-M8X30", Decimal(1000), Decimal(300)),)
        number = world.bus("lily", c.CreateOrder("CUST-003", lines, date(2026, 12, 31))).order.number
        world.bus("lily", c.ConfirmOrder(number))
        for step in ("released", "in_progress"):
            world.bus("zhao", c.MoveWorkOrder("WO-2026-000001", step))
        world.bus("zhao", c.ReportWorkOrder("WO-2026-000001", Decimal(300)))
        world.deliver()
        fake.clear()

        world.slash("lily", f"change {number}", key="change")
        form = fake.wait_for("views.open")[0].params["view"]
        assert form["callback_id"] == "orderbot_change" and form["private_metadata"] == number
        values = {
            "qty:1": {"qty": text_value("800")},
            "due_text": {"text": text_value("提前两周")},
            "reason": {"reason": text_value("customer budget cut")},
            "evidence": {"evidence": text_value("mail 11-21")},
        }
        assert world.submit("lily", "orderbot_change", values, meta=number) == (200, "")
        world.deliver()
        posted = fake.calls_to("chat.postMessage")
        copies = [call for call in posted if '"orderbot_approve"' in texts(call.params.get("blocks", []))]
        targets = sorted(call.params["channel"] for call in copies)
        assert targets == sorted([CHANNELS["approvals"], SLACK_IDS["wang"], SLACK_IDS["chen"], SLACK_IDS["zhao"]])
        assert "CR-1" in texts(copies[0].params["blocks"])

        approve = button_running(copies[0].params["blocks"], c.ApproveChange)
        assert approve["action_id"] == "orderbot_approve" and actions.decode(approve["value"]) == c.ApproveChange(
            "CR-1"
        )
        world.click("liu", "orderbot_approve", approve["value"], key="liu")  # warehouse has no say: refused, audited
        refusal = fake.wait_for("response_url:liu")[0]
        assert refusal.params["response_type"] == "ephemeral"
        for approver in ("wang", "chen", "zhao"):
            fake.clear()
            world.click(approver, "orderbot_approve", approve["value"], key=approver)
            world.changed()
            world.deliver()
            updates = fake.calls_to("chat.update")
            assert sorted((u.params["channel"], u.params["ts"]) for u in updates) == sorted(
                (p.channel, p.ts) for p in world.runtime.front.store.posted("CR-1")
            )
            assert approver in texts(updates[-1].params["blocks"])
        assert not any(has_buttons(u.params["blocks"]) for u in updates)  # decided: the buttons are gone

        world.click("wang", "orderbot_approve", approve["value"], key="again")  # a late double click
        assert "CR-1" in fake.wait_for("response_url:again")[0].params["text"]
        order = world.bus("lily", c.ShowOrder(number))
        assert (order.version, order.lines[0].quantity) == (2, 800)
        with world.desk.engine.connect() as conn:
            o = t.outbox.c
            told = conn.execute(select(o.kind).where(o.audience == "customer:CUST-003")).scalars().all()
            denied = (
                conn.execute(
                    select(t.audit_log.c.actor).where(
                        t.audit_log.c.subject == "CR-1", t.audit_log.c.outcome == "denied"
                    )
                )
                .scalars()
                .all()
            )
        assert "order_changed" in told and denied == ["liu"]


def test_reject_asks_for_a_reason_in_a_form(world: World) -> None:
    number = an_order(world, 10)
    world.bus("lily", c.ConfirmOrder(number))
    world.bus("lily", c.RequestChange(number, (c.ChangeInput("quantity", "BOLT", quantity=Decimal(5)),), "less"))
    world.click("wang", "orderbot_reject", actions.encode(c.RejectChange("CR-1", "")))
    form = world.fake.wait_for("views.open")[0].params["view"]
    assert form["callback_id"] == "orderbot_reject"
    _, body = world.submit("wang", "orderbot_reject", {"reason": {"reason": text_value("")}}, form["private_metadata"])
    assert json.loads(body)["response_action"] == "errors"
    assert (
        world.submit("wang", "orderbot_reject", {"reason": {"reason": text_value("已排产")}}, form["private_metadata"])[
            0
        ]
        == 200
    )
    assert world.bus("lily", c.ShowChange("CR-1")).cr.status.value == "rejected"


def test_a_button_needing_words_opens_a_small_form(world: World) -> None:
    number = an_order(world, 10)
    world.slash("lily", f"show {number}", key="show")
    cancel = button_running(world.fake.wait_for("response_url:show")[0].params["blocks"], c.CancelOrder)
    assert cancel["action_id"].endswith(":reason") and actions.decode(cancel["value"]) == c.CancelOrder(number, "")
    world.click("lily", cancel["action_id"], cancel["value"])
    form = world.fake.wait_for("views.open")[0].params["view"]
    assert form["callback_id"] == "orderbot_fill"
    meta = json.loads(form["private_metadata"])
    assert actions.decode(meta["action"]) == c.CancelOrder(number, "") and meta["asks"] == ["reason"]
    assert [b["block_id"] for b in form["blocks"] if b["type"] == "input"] == ["reason"]
    reason = {"reason": {"value": text_value("duplicate")}}
    assert world.submit("lily", "orderbot_fill", reason, form["private_metadata"])[0] == 200
    order = world.bus("lily", c.ShowOrder(number))
    assert order.status.value == "cancelled"
    posted = world.fake.wait_for("chat.postMessage")[-1]
    assert posted.params["channel"] == SLACK_IDS["lily"] and number in posted.params["text"]


def test_a_button_runs_the_command_it_carries_and_a_forged_one_is_refused_politely(world: World) -> None:
    number = an_order(world, 10)
    world.slash("lily", f"show {number}", key="show")
    confirm = button_running(world.fake.wait_for("response_url:show")[0].params["blocks"], c.ConfirmOrder)
    world.click("lily", confirm["action_id"], confirm["value"], key="confirm")
    world.changed()
    assert number in world.fake.wait_for("response_url:confirm")[0].params["text"]
    assert world.bus("lily", c.ShowOrder(number)).status.value == "confirmed"
    world.click("lily", "orderbot_do:0", "confirm " + number, key="forged")  # text is not a command any more
    answer = world.fake.wait_for("response_url:forged")[0].params
    assert answer["response_type"] == "ephemeral" and "That button no longer means anything here" in answer["text"]
    world.click("wang", "orderbot_approve", actions.encode(c.CancelOrder(number, "x")), key="wrong")
    assert "这个按钮已失效" in world.fake.wait_for("response_url:wrong")[0].params["text"]  # wang reads Chinese
    assert world.bus("lily", c.ShowOrder(number)).status.value == "confirmed"


# ---------------------------------------------------------------- Home tab, delivery, Socket Mode


def test_the_home_tab_shows_my_pending_approvals(world: World) -> None:
    number = an_order(world, 10)
    world.bus("lily", c.ConfirmOrder(number))
    world.bus("lily", c.RequestChange(number, (c.ChangeInput("quantity", "BOLT", quantity=Decimal(5)),), "less"))
    event = {"type": "app_home_opened", "user": SLACK_IDS["wang"], "channel": "D0WANG", "tab": "home"}
    assert world.post(signing.event_callback(event))[0] == 200
    home = world.fake.wait_for("views.publish")[0].params
    assert home["user_id"] == SLACK_IDS["wang"] and "CR-1" in texts(home["view"]["blocks"])


def test_a_rate_limited_post_waits_what_slack_asked_and_is_sent_once(world: World) -> None:
    number = an_order(world, 10)
    world.deliver()
    world.fake.fail("chat.postMessage", status=429, retry_after=7, channel=CHANNELS["orders"])
    world.bus("lily", c.ConfirmOrder(number))
    world.deliver()
    with world.desk.engine.connect() as conn:
        o, lane = t.outbox.c, t.outbox_lanes.c
        row = conn.execute(select(o.status, o.attempts, o.last_error).where(o.status != "sent")).first()
        held = conn.execute(select(lane.not_before).where(lane.audience == "channel:orders")).scalar_one()
    assert row is not None and row.attempts == 0 and "rate limited" in row.last_error  # a 429 is not a failure
    assert (held - world.desk.clock.now()).total_seconds() == pytest.approx(7)  # the channel waits what Slack said
    clock = world.desk.clock
    assert isinstance(clock, FixedClock)
    clock.advance(seconds=7)
    assert world.deliver() == 1
    confirmed = [p for p in world.fake.calls_to("chat.postMessage") if number in p.params["text"]]
    assert len([p for p in confirmed if "✅" in p.params["text"]]) == 2  # the 429, then the one that went


def test_socket_mode_dials_out_with_the_app_token(world: World) -> None:
    secrets = SlackSecrets("xoxb-test", "", "xapp-test-token", world.fake.base_url)
    runtime = build_slack(world.desk, secrets)
    handler = socket_mode(runtime)
    with pytest.raises(SlackApiError):  # the fake refuses the token: no websocket is ever opened
        handler.connect()  # type: ignore[no-untyped-call]
    call = world.fake.last("apps.connections.open")
    assert call.token == "xapp-test-token"


def test_a_server_error_is_retried_with_backoff_and_then_delivered(world: World) -> None:
    number = an_order(world, 10)
    world.fake.fail("chat.postMessage", status=500, channel=CHANNELS["orders"])
    world.bus("lily", c.ConfirmOrder(number))
    world.deliver()
    with world.desk.engine.connect() as conn:
        failed = conn.execute(select(t.outbox.c.id).where(t.outbox.c.attempts == 1)).scalars().all()
    assert len(failed) == 1
    clock = world.desk.clock
    clock.advance(seconds=60)  # type: ignore[attr-defined]
    assert world.deliver() >= 1
    with world.desk.engine.connect() as conn:
        status = conn.execute(select(t.outbox.c.status).where(t.outbox.c.id == failed[0])).scalar_one()
    assert status == "sent"


def test_signatures_past_slacks_window_are_forgotten(world: World) -> None:
    store, clock = world.runtime.front.store, world.desk.clock
    assert store.first_time("v0=old", clock.now())
    clock.advance(minutes=11)  # type: ignore[attr-defined]
    store._since_prune = store.PRUNE_EVERY - 1  # the next request cleans up
    assert store.first_time("v0=new", clock.now())
    assert store.first_time("v0=old", clock.now())  # gone: it could never validate again anyway
    assert not store.first_time("v0=new", clock.now())
