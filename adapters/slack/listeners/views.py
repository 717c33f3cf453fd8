"""Form submissions: each form's reader builds the domain command from the submitted values, and the command
runs before Slack gets its answer, so that bad input or a refusal shows inline in the form, in the user's
language (``response_action: "errors"``)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App
from slack_sdk import WebClient

from adapters.slack import forms
from adapters.slack.form_kit import CALLBACK_CHANGE, CALLBACK_FILL, CALLBACK_NEW_ORDER, CALLBACK_REJECT
from adapters.slack.front import SlackFront
from adapters.slack.listeners.common import current_quantities, state_values, submit


def on_new_order(front: SlackFront, ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
    t = front.translator(body["user"]["id"])
    command, errors = forms.read_new_order(state_values(view), t, front.desk.dates, front.desk.today())
    submit(front, ack, client, body, command, errors, "customer")


def on_change(front: SlackFront, ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
    user = body["user"]["id"]
    number = str(view.get("private_metadata", ""))
    current = current_quantities(front, user, number)
    t = front.translator(user)
    command, errors = forms.read_change(state_values(view), number, current, t, front.desk.dates, front.desk.today())
    submit(front, ack, client, body, command, errors, "reason")


def on_reject(front: SlackFront, ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
    t = front.translator(body["user"]["id"])
    command, errors = forms.read_reject(state_values(view), str(view.get("private_metadata") or "{}"), t)
    submit(front, ack, client, body, command, errors, "reason", quiet_success=True)


def on_fill(front: SlackFront, ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
    values, meta = state_values(view), str(view.get("private_metadata", ""))
    command, errors = forms.read_fill(values, meta, front.translator(body["user"]["id"]))
    submit(front, ack, client, body, command, errors, next(iter(values), "value"))


def register(app: App, front: SlackFront) -> None:
    @app.view(CALLBACK_NEW_ORDER)
    def new_order(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        on_new_order(front, ack, body, view, client)

    @app.view(CALLBACK_CHANGE)
    def change(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        on_change(front, ack, body, view, client)

    @app.view(CALLBACK_REJECT)
    def reject(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        on_reject(front, ack, body, view, client)

    @app.view(CALLBACK_FILL)
    def fill(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        on_fill(front, ack, body, view, client)
