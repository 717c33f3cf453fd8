"""What several listeners do alike: open the change form for an order, and answer a form's submission."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack
from slack_sdk import WebClient

from adapters.slack import blocks, forms
from adapters.slack.front import SlackFront
from domain import commands as c
from domain.money import plain
from domain.orders import Order


def open_change_form(front: SlackFront, client: WebClient, user: str, number: str, trigger: str) -> bool:
    """The change-request form for an order the user may see; False when it cannot be shown."""
    order = front.ask(user, c.ShowOrder(number))
    if not isinstance(order, Order) or not order.lines:
        return False
    lines = [(ln.line_no, ln.product.sku, plain(ln.quantity)) for ln in order.lines]
    client.views_open(trigger_id=trigger, view=forms.change_modal(front.translator(user), order.number, lines))
    return True


def current_quantities(front: SlackFront, user: str, number: str) -> dict[int, str]:
    """The order's quantities now (line -> text), to tell which the change form changes."""
    order = front.ask(user, c.ShowOrder(number))
    return {ln.line_no: plain(ln.quantity) for ln in order.lines} if isinstance(order, Order) else {}


def state_values(view: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = view.get("state", {}).get("values", {})
    return values


def submit(front: SlackFront, ack: Ack, client: WebClient, body: dict[str, Any], command: object | None,
           errors: dict[str, str], block: str, quiet_success: bool = False) -> None:  # fmt: skip
    """Run a form's command before answering: a refusal shows inline in the form (nothing changed), success
    closes it and the result goes to the user's DM (unless ``quiet_success``: the card it changed says it)."""
    if errors or command is None:
        ack(response_action="errors", errors={k: v[:150] for k, v in (errors or {block: "?"}).items()})
        return
    user = body["user"]["id"]
    msg = front.run(user, command)
    if msg.error:
        ack(response_action="errors", errors={block: msg.title[:150]})
        return
    ack()
    if not quiet_success:
        reply, body_blocks = blocks.render(msg)
        client.chat_postMessage(channel=user, text=reply, blocks=body_blocks)
