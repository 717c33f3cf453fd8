"""The Slack doubles themselves: the fake Web API answers real clients, and signed payloads pass real verifiers."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Sequence
from typing import Any
from urllib.parse import parse_qs

import pytest
from slack_bolt import Ack, App, BoltRequest, Respond
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.signature import Clock, SignatureVerifier
from slack_sdk.webhook import WebhookClient

from tests.slack.fake_api import FakeSlack
from tests.slack.signing import (
    FORM,
    SIGNATURE_HEADER,
    TIMESTAMP_HEADER,
    block_actions,
    content_type_of,
    event_callback,
    post,
    sign,
    slash_command,
    url_verification,
    view_submission,
)

SECRET = "test-signing-secret"
NOW = 1_800_000_000

BLOCKS: list[dict[str, Any]] = [{"type": "section", "text": {"type": "mrkdwn", "text": "*SO-1* confirmed"}}]


class FrozenClock(Clock):
    def now(self) -> float:
        return float(NOW)


def client_for(fake: FakeSlack) -> WebClient:
    return WebClient(token="xoxb-test", base_url=fake.base_url)


# -- the fake Web API ----------------------------------------------------------------------------------------------


def test_post_message_is_recorded_with_blocks_and_token(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)

    first = client.chat_postMessage(channel="C0ORDERS", text="SO-1 confirmed", blocks=BLOCKS)
    second = client.chat_postMessage(channel="U123", text="DM")

    call = fake_slack.calls_to("chat.postMessage")[0]
    assert call.token == "xoxb-test"
    assert call.params == {"channel": "C0ORDERS", "text": "SO-1 confirmed", "blocks": BLOCKS}
    assert first["channel"] == "C0ORDERS"
    assert first["message"]["blocks"] == BLOCKS
    assert second["channel"] == "DU123"
    assert (first["ts"], second["ts"]) == ("1700000000.000100", "1700000000.000200")
    assert fake_slack.last("chat.postMessage").params["text"] == "DM"


def test_form_bodies_decode_json_fields_and_token_field(fake_slack: FakeSlack) -> None:
    body = "token=xoxb-form&channel=C1&ts=1.2&blocks=" + json.dumps(BLOCKS)
    status, text, _ = post(fake_slack.base_url + "chat.update", body)

    answer = json.loads(text)
    assert (status, answer["ok"], answer["channel"], answer["ts"]) == (200, True, "C1", "1.2")
    assert answer["message"]["blocks"] == BLOCKS
    call = fake_slack.last("chat.update")
    assert call.token == "xoxb-form"
    assert call.params == {"token": "xoxb-form", "channel": "C1", "ts": "1.2", "blocks": BLOCKS}


def test_defaults_for_auth_views_conversations_and_users(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)
    fake_slack.add_user("U1", "li.wei", "Li Wei")

    auth = client.auth_test()
    view = client.views_open(trigger_id="T-1", view={"type": "modal", "callback_id": "new_order", "blocks": []})
    updated = client.views_update(view_id=view["view"]["id"], view={"type": "modal", "callback_id": "new_order"})
    dm = client.conversations_open(users="U1")
    user = client.users_info(user="U1", include_locale=True)

    assert (auth["team_id"], auth["user_id"], auth["bot_id"]) == ("T0TEST", "UBOT", "BBOT")
    assert view["view"]["id"].startswith("V")
    assert view["view"]["callback_id"] == "new_order"
    assert updated["view"]["id"] == view["view"]["id"]
    assert dm["channel"]["id"] == "DU1"
    assert user["user"]["real_name"] == "Li Wei"
    assert user["user"]["tz"] == "Asia/Shanghai"
    assert user["user"]["locale"] == "en-US"
    with pytest.raises(SlackApiError) as unknown:
        client.users_info(user="U404")
    assert unknown.value.response["error"] == "user_not_found"


def test_socket_mode_url_is_refused_until_configured(fake_slack: FakeSlack) -> None:
    client = WebClient(token="xapp-test", base_url=fake_slack.base_url)
    with pytest.raises(SlackApiError) as refused:
        client.apps_connections_open(app_token="xapp-test")
    assert refused.value.response["error"] == "invalid_auth"

    fake_slack.socket_url = "ws://127.0.0.1:1/link"
    assert client.apps_connections_open(app_token="xapp-test")["url"] == "ws://127.0.0.1:1/link"


def test_rate_limit_surfaces_retry_after_then_the_next_call_succeeds(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)
    fake_slack.fail("chat.postMessage", status=429, retry_after=2, times=1)

    with pytest.raises(SlackApiError) as limited:
        client.chat_postMessage(channel="C0ORDERS", text="first")

    response = limited.value.response
    assert response.status_code == 429
    assert response.headers["Retry-After"] == "2"
    assert response["error"] == "ratelimited"
    assert client.chat_postMessage(channel="C0ORDERS", text="again")["ok"] is True
    assert [c.params["text"] for c in fake_slack.calls_to("chat.postMessage")] == ["first", "again"]


def test_server_errors_and_error_codes(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)
    fake_slack.fail("chat.postMessage", status=500, times=1)
    fake_slack.fail("chat.postMessage", error="channel_not_found", times=2)

    outcomes: list[object] = []
    for _ in range(4):
        try:
            outcomes.append(client.chat_postMessage(channel="C404", text="x").status_code)
        except SlackApiError as error:
            outcomes.append((error.response.status_code, error.response["error"]))

    assert outcomes == [(500, "internal_error"), (200, "channel_not_found"), (200, "channel_not_found"), 200]
    with pytest.raises(ValueError):
        fake_slack.fail("chat.postMessage")


def test_response_url_posts_are_recorded(fake_slack: FakeSlack) -> None:
    url = fake_slack.response_url("cmd-1")

    answer = WebhookClient(url).send(text="Order SO-1 created", response_type="ephemeral")
    status, text, elapsed = post(fake_slack.response_url("cmd-2"), '{"text":"raw"}')

    assert answer.status_code == 200
    assert (status, json.loads(text)) == (200, {"ok": True})
    assert elapsed >= 0
    assert fake_slack.last("response_url:cmd-1").params == {"text": "Order SO-1 created", "response_type": "ephemeral"}
    assert fake_slack.last("response_url:cmd-1").token is None
    assert fake_slack.methods == ["response_url:cmd-1", "response_url:cmd-2"]


def test_wait_for_sees_calls_from_another_thread(fake_slack: FakeSlack) -> None:
    client = client_for(fake_slack)
    worker = threading.Thread(target=lambda: client.chat_postEphemeral(channel="C1", user="U1", text="x"))
    worker.start()

    calls = fake_slack.wait_for("chat.postEphemeral", timeout=5.0)
    worker.join(timeout=5.0)

    assert calls[0].params["user"] == "U1"
    with pytest.raises(AssertionError, match=r"chat\.delete"):
        fake_slack.wait_for("chat.delete", timeout=0.05)
    fake_slack.clear()
    assert fake_slack.calls == []


# -- signing and payloads ------------------------------------------------------------------------------------------


def test_signature_is_accepted_and_a_tampered_body_is_rejected() -> None:
    body = slash_command("ACME 10 widgets", "U1")
    headers = sign(body, SECRET, NOW)
    verifier = SignatureVerifier(SECRET, clock=FrozenClock())

    assert headers[SIGNATURE_HEADER].startswith("v0=")
    assert verifier.is_valid(body, headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER])
    assert not verifier.is_valid(body.replace("10", "99"), headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER])
    assert not SignatureVerifier("other", clock=FrozenClock()).is_valid(
        body, headers[TIMESTAMP_HEADER], headers[SIGNATURE_HEADER]
    )


def test_payload_builders_have_slacks_shape() -> None:
    command = parse_qs(slash_command("ACME 10", "U1", response_url="http://127.0.0.1:1/respond/x"))
    clicked = json.loads(
        parse_qs(block_actions("U1", "confirm", "SO-1", channel_id="C1", message_ts="1.2"))["payload"][0]
    )
    values = {"qty": {"qty_input": {"type": "plain_text_input", "value": "3"}}}
    submitted = json.loads(parse_qs(view_submission("U1", "new_order", values))["payload"][0])
    event = json.loads(event_callback({"type": "app_mention", "text": "hi"}))

    assert command["command"] == ["/order"] and command["text"] == ["ACME 10"]
    assert command["response_url"] == ["http://127.0.0.1:1/respond/x"]
    assert clicked["actions"][0] | {"action_ts": None} == {
        "action_id": "confirm",
        "block_id": "b",
        "text": {"type": "plain_text", "text": "confirm", "emoji": True},
        "value": "SO-1",
        "type": "button",
        "action_ts": None,
    }
    assert clicked["container"] == {"type": "message", "is_ephemeral": False, "message_ts": "1.2", "channel_id": "C1"}
    assert "response_url" not in clicked and "view" not in clicked
    assert submitted["view"]["state"]["values"]["qty"]["qty_input"]["value"] == "3"
    assert (event["type"], event["event"]["type"]) == ("event_callback", "app_mention")
    assert json.loads(url_verification("abc")) == {
        "token": "legacy-verification-token",
        "challenge": "abc",
        "type": "url_verification",
    }
    assert content_type_of(slash_command("x", "U1")) == FORM


def test_post_refuses_non_loopback_hosts() -> None:
    with pytest.raises(ValueError, match="loopback"):
        post("https://slack.com/api/auth.test", "")


def test_bolt_app_accepts_signed_payloads_and_answers_through_the_fake(fake_slack: FakeSlack) -> None:
    """End to end: Bolt verifies our signatures, routes our payloads, and its calls land in the fake."""
    app = App(client=client_for(fake_slack), signing_secret=SECRET, process_before_response=True)
    seen: list[str] = []

    @app.command("/order")
    def order(ack: Ack, command: dict[str, Any], respond: Respond) -> None:
        ack()
        respond(text=f"got {command['text']}")

    @app.action("confirm")
    def confirm(ack: Ack, body: dict[str, Any]) -> None:
        ack()
        seen.append(body["actions"][0]["value"])

    @app.view("new_order")
    def submit(ack: Ack, view: dict[str, Any]) -> None:
        ack()
        seen.append(view["state"]["values"]["qty"]["q"]["value"])

    def dispatch(body: str, secret: str = SECRET) -> int:
        # Bolt checks the timestamp against the wall clock (5 minutes' grace), so sign with "now".
        headers: dict[str, str | Sequence[str]] = {
            **sign(body, secret, int(time.time())),
            "Content-Type": content_type_of(body),
        }
        return app.dispatch(BoltRequest(body=body, headers=headers)).status

    assert dispatch(slash_command("ACME 10", "U1", response_url=fake_slack.response_url("c1"))) == 200
    assert dispatch(block_actions("U1", "confirm", "SO-1", channel_id="C1", message_ts="1.2")) == 200
    qty = {"qty": {"q": {"type": "plain_text_input", "value": "3"}}}
    assert dispatch(view_submission("U1", "new_order", qty)) == 200
    assert dispatch(slash_command("x", "U1"), secret="wrong") == 401

    assert fake_slack.last("response_url:c1").params["text"] == "got ACME 10"
    assert seen == ["SO-1", "3"]
    assert fake_slack.calls_to("auth.test")
