"""The pickers of the new-order form: customers and products found as the user types (queries on the bus, with
the user's own context)."""

from __future__ import annotations

from typing import Any

from slack_bolt import Ack, App

from adapters.slack.front import SlackFront
from domain import commands as c
from domain.results import Choices


def choices(found: object) -> list[dict[str, Any]]:
    if not isinstance(found, Choices):
        return []
    return [
        {"text": {"type": "plain_text", "text": label[:75]}, "value": value[:150]} for value, label in found.options
    ]


def on_customer(front: SlackFront, ack: Ack, body: dict[str, Any]) -> None:
    ack(options=choices(front.ask(body["user"]["id"], c.FindCustomers(str(body.get("value", ""))))))


def on_product(front: SlackFront, ack: Ack, body: dict[str, Any]) -> None:
    ack(options=choices(front.ask(body["user"]["id"], c.FindProducts(str(body.get("value", ""))))))


def register(app: App, front: SlackFront) -> None:
    @app.options("customer")
    def customer(ack: Ack, body: dict[str, Any]) -> None:
        on_customer(front, ack, body)

    @app.options("product")
    def product(ack: Ack, body: dict[str, Any]) -> None:
        on_product(front, ack, body)
