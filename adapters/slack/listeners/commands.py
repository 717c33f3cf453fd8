"""The `/order` slash command: typed text through the shared parser, except `/order new` and
`/order change SO-…` alone, which open the forms (the parser cannot express them: a new order needs a customer,
a change needs what changes). Which verb was typed is told by the language's own verb table."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from adapters.slack import forms
from adapters.slack.front import SlackFront
from adapters.slack.listeners.common import open_change_form
from bot.conversation.language.verbs import find_verb
from domain.numbers import ORDER


def wants_form(text: str) -> tuple[str, str] | None:
    """("new", "") for `new` alone, ("change", number) for `change SO-…` alone (in any of their aliases)."""
    words = text.split()
    verb = find_verb(words[0]) if words else None
    if verb is None:
        return None
    if verb.name == "new" and len(words) == 1:
        return "new", ""
    number = ORDER.read(words[1]) if verb.name == "change" and len(words) == 2 else None
    return ("change", number) if number else None


def on_order(front: SlackFront, ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient) -> None:
    ack()
    user, text = command["user_id"], (command.get("text") or "").strip()
    form = wants_form(text)
    if form is not None and form[0] == "new":
        client.views_open(trigger_id=command["trigger_id"], view=forms.new_order_modal(front.translator(user)))
        return
    if form is not None and open_change_form(front, client, user, form[1], command["trigger_id"]):
        return
    front.reply(respond, user, front.say(user, text or "help"))  # a change form that cannot open: the parser says why


def register(app: App, front: SlackFront) -> None:
    @app.command("/order")
    def order(ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient) -> None:
        on_order(front, ack, command, respond, client)
