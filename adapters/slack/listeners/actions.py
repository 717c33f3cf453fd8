"""Button clicks. A button's value is the command it runs (``bot.conversation.actions``), read back into that
command and run through the conversation's door — never text to parse again:

* no field to ask: run it, and answer the clicker;
* a change request asking for its changes: the change form for that order;
* other asked fields (a reason, a carrier, a quantity): a small form with one input each (views.py fills them in);
* an approval card's Approve runs at once (every copy of the card is updated by the dispatcher), its Reject asks
  for a reason.

A value that is not one of our commands (forged, or from an older version) gets a one-line refusal."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from adapters.slack import blocks, forms
from adapters.slack.front import SlackFront, refusal
from adapters.slack.listeners.common import open_change_form
from bot.conversation import actions
from bot.conversation.language.errors import ParseError
from domain import commands as c


def clicked(action: dict[str, Any], kind: type | None = None) -> Any:
    """The command a button carries (of ``kind`` when given); ``ParseError("bad_action")`` for anything else."""
    command = actions.decode(str(action.get("value", "")))
    if kind is not None and not isinstance(command, kind):
        raise ParseError("bad_action")
    return command


def on_do(front: SlackFront, ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond,
          client: WebClient) -> None:  # fmt: skip
    ack()
    user = body["user"]["id"]
    try:
        command = clicked(action)
        asks = blocks.asked_fields(str(action.get("action_id", "")))
        wants_change_form = asks == ("changes",) and isinstance(command, c.RequestChange)
        if asks and not wants_change_form:
            forms.check_asks(command, asks)
    except ParseError as err:
        front.reply(respond, user, refusal(front.translator(user), err))
        return
    if not asks:
        front.reply(respond, user, front.run(user, command))
        return
    if wants_change_form:
        if not open_change_form(front, client, user, command.number, body["trigger_id"]):
            front.reply(respond, user, front.run(user, c.ShowOrder(command.number)))  # why not: not found, not allowed
        return
    label = str((action.get("text") or {}).get("text", ""))
    view = forms.fill_modal(front.translator(user), command, asks, heading=label)
    client.views_open(trigger_id=body["trigger_id"], view=view)


def on_approve(front: SlackFront, ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
    ack()
    user = body["user"]["id"]
    try:
        command = clicked(action, c.ApproveChange)
    except ParseError as err:
        front.reply(respond, user, refusal(front.translator(user), err))
        return
    msg = front.run(user, command)
    # success shows in every copy of the approval message (updated by the dispatcher); a refusal or "already
    # approved" goes to the clicker alone
    if msg.error or msg.code == "cr_already_approved":
        front.reply(respond, user, msg, private=True)


def on_reject(front: SlackFront, ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond,
              client: WebClient) -> None:  # fmt: skip
    ack()
    user = body["user"]["id"]
    try:
        command = clicked(action, c.RejectChange)
    except ParseError as err:
        front.reply(respond, user, refusal(front.translator(user), err))
        return
    client.views_open(trigger_id=body["trigger_id"], view=forms.reject_modal(front.translator(user), command.number))


def register(app: App, front: SlackFront) -> None:
    @app.action(blocks.ACTION_DO_PATTERN)
    def do(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient) -> None:
        on_do(front, ack, body, action, respond, client)

    @app.action(blocks.ACTION_APPROVE)
    def approve(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        on_approve(front, ack, body, action, respond)

    @app.action(blocks.ACTION_REJECT)
    def reject(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient) -> None:
        on_reject(front, ack, body, action, respond, client)
