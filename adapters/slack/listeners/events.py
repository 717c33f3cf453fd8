"""Events: the Home tab, published when its user opens it."""

from __future__ import annotations

from typing import Any

from slack_bolt import App
from slack_sdk import WebClient

from adapters.slack import blocks, home
from adapters.slack.front import SlackFront
from bot.conversation.replies import Message
from domain import commands as c
from domain.errors import OrderbotError
from domain.results import ChangesView, OrderPage
from domain.users import Front


def publish_home(front: SlackFront, client: WebClient, user: str) -> None:
    """My pending approvals (with their age), my open orders, orders at risk — or why I see nothing."""
    t = front.translator(user)
    desk = front.desk
    try:
        ctx = desk.context(Front.slack, user)
    except OrderbotError as err:  # someone the bot does not know yet: say how to get in, not an error
        _, body = blocks.render(Message(title=t(err.code, **err.params)))
        client.views_publish(user_id=user, view={"type": "home", "blocks": body})
        return
    pending: ChangesView = desk.handle(c.PendingApprovals(), ctx)
    mine: OrderPage = desk.handle(c.ListOrders(owner=ctx.user.name, limit=15), ctx)
    late: OrderPage = desk.handle(c.ListOrders(overdue=True, limit=15), ctx)
    held: OrderPage = desk.handle(c.ListOrders(status="on_hold", limit=15), ctx)
    promised_late: OrderPage = desk.handle(c.ListOrders(at_risk=True, limit=15), ctx)  # a line promised late
    risky, seen, doubles = [], set(), 0
    for o in late.orders + held.orders + promised_late.orders:
        doubles += o.number in seen
        if o.number not in seen:
            seen.add(o.number)
            risky.append(o)
    at_risk = OrderPage(risky[:15], late.total + held.total + promised_late.total - doubles, 0)
    client.views_publish(user_id=user, view=home.home(t, pending, mine, at_risk, front.clock.now()))


def on_home_opened(front: SlackFront, event: dict[str, Any], client: WebClient) -> None:
    if event.get("tab", "home") == "home":
        publish_home(front, client, event["user"])


def register(app: App, front: SlackFront) -> None:
    @app.event("app_home_opened")
    def home_opened(event: dict[str, Any], client: WebClient) -> None:
        on_home_opened(front, event, client)
