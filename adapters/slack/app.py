"""The Slack front end: one bolt App whose listeners turn slash commands, button clicks and form
submissions into the same command text every front end speaks, and answer with Block Kit.

Every listener acknowledges first (Slack allows 3 s) and works after the ack, except form submissions,
which run the command before answering so that a refusal can show inline in the form.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

from slack_bolt import Ack, App, BoltRequest, BoltResponse, Respond
from slack_sdk import WebClient

from adapters.slack import blocks, forms, home
from adapters.sql.slack_store import SlackStore
from bot.conversation.chat import Chat
from bot.conversation.i18n import Translator
from bot.conversation.language.errors import ParseError
from bot.conversation.replies import Message
from domain import commands as c
from domain.errors import OrderbotError
from domain.money import plain
from domain.ports import Clock
from domain.results import ChangesView, Choices, OrderPage
from domain.users import Front

log = logging.getLogger(__name__)

NEW_WORDS = {"new", "新建", "下单", "新订单"}
CHANGE_WORDS = {"change", "变更", "改单"}
_ORDER_ONLY = re.compile(r"^\s*(\S+)\s+(SO-?\d{4}-?\d{1,6})\s*$", re.IGNORECASE)
_RUN = re.compile(r"^orderbot_run:\d+$")


@dataclass
class SlackFront:
    """What the listeners need: the shared chat, the Web API client, the store, and a way to get
    notifications delivered right after a change (the dispatcher's wake-up)."""

    chat: Chat
    client: WebClient
    store: SlackStore
    clock: Clock
    wake: Callable[[], None] = lambda: None

    @property
    def desk(self) -> Any:
        return self.chat.desk

    def translator(self, user_id: str) -> Translator:
        try:
            ctx = self.desk.context(Front.slack, user_id)
        except OrderbotError:
            return self.chat.translator(None)
        return self.chat.translator(ctx.user.language or self.desk.settings.language)

    def run(self, user_id: str, text: str) -> Message:
        msg = self.chat.handle(Front.slack, user_id, text)
        if not msg.error:
            self.wake()
        return msg

    def ask(self, user_id: str, query: object) -> Any:
        """A query with the user's own context (None for someone the bot does not know)."""
        try:
            return self.desk.bus.handle(query, self.desk.context(Front.slack, user_id))
        except OrderbotError:
            return None


def _reply(respond: Respond, msg: Message) -> None:
    text, body = blocks.render(msg)
    respond(text=text, blocks=body, response_type="in_channel" if msg.public else "ephemeral", replace_original=False)


def build_app(front: SlackFront, signing_secret: str, *, verify_token: bool = True) -> App:
    """The bolt App. ``verify_token`` calls auth.test at start-up (a bad token fails at once)."""
    app = App(
        client=front.client,
        signing_secret=signing_secret,
        token_verification_enabled=verify_token,
        process_before_response=False,
        # listeners keep working after their ack; with bolt's default 5 threads a burst of slow commands
        # would make the next request's ack wait for a free thread
        listener_executor=ThreadPoolExecutor(max_workers=32, thread_name_prefix="orderbot-slack"),
    )
    register(app, front)
    return app


def register(app: App, front: SlackFront) -> None:
    @app.middleware
    def refuse_replays(req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]) -> BoltResponse:
        # bolt has checked the signature and its 5-minute window; a second request with the same
        # signature is a replay (Socket Mode requests carry none: the socket itself is authenticated)
        signature = (req.headers.get("x-slack-signature") or [""])[0]
        if signature and not front.store.first_time(signature, front.clock.now()):
            log.warning("refused a replayed Slack request")
            return BoltResponse(status=401, body="replayed request")
        return next()

    @app.command("/order")
    def on_command(ack: Ack, command: dict[str, Any], respond: Respond, client: WebClient) -> None:
        user, text = command["user_id"], (command.get("text") or "").strip()
        words = text.split()
        if words and words[0].lower() in NEW_WORDS and len(words) == 1:
            ack()
            client.views_open(trigger_id=command["trigger_id"], view=forms.new_order_modal(front.translator(user)))
            return
        only = _ORDER_ONLY.match(text)
        if only and only.group(1).lower() in CHANGE_WORDS:
            ack()
            if not _open_change_form(front, client, user, only.group(2), command["trigger_id"]):
                _reply(respond, front.run(user, text))
            return
        ack()
        _reply(respond, front.run(user, text or "help"))

    @app.action(_RUN)
    def on_button(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond, client: WebClient) -> None:
        ack()
        user, command = body["user"]["id"], str(action.get("value", ""))
        only = _ORDER_ONLY.match(command)
        wants_form = bool(only and only.group(1).lower() in CHANGE_WORDS)
        if wants_form and only and _open_change_form(front, client, user, only.group(2), body["trigger_id"]):
            return
        if forms.placeholders(command):
            client.views_open(trigger_id=body["trigger_id"], view=forms.fill_modal(front.translator(user), command))
            return
        _reply(respond, front.run(user, command))

    @app.action("orderbot_approve")
    def on_approve(ack: Ack, body: dict[str, Any], action: dict[str, Any], respond: Respond) -> None:
        ack()
        msg = front.run(body["user"]["id"], f"approve {action['value']}")
        # success shows in every copy of the approval message (updated by the dispatcher); a refusal
        # or "already approved" goes to the clicker alone
        if msg.error or msg.code == "cr_already_approved":
            text, body_blocks = blocks.render(msg)
            respond(text=text, blocks=body_blocks, response_type="ephemeral", replace_original=False)

    @app.action("orderbot_reject")
    def on_reject(ack: Ack, body: dict[str, Any], action: dict[str, Any], client: WebClient) -> None:
        ack()
        t = front.translator(body["user"]["id"])
        client.views_open(trigger_id=body["trigger_id"], view=forms.reject_modal(t, action["value"]))

    @app.view("orderbot_new_order")
    def on_new_order(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        text, errors = forms.read_new_order(_values(view), front.translator(body["user"]["id"]).lang)
        _submit(front, ack, client, body, text, errors, "customer")

    @app.view("orderbot_change")
    def on_change(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        number = view.get("private_metadata", "")
        current = _current_quantities(front, body["user"]["id"], number)
        text, errors = forms.read_change(_values(view), number, current, front.translator(body["user"]["id"]).lang)
        _submit(front, ack, client, body, text, errors, "reason")

    @app.view("orderbot_reject")
    def on_reject_reason(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        meta = json.loads(view.get("private_metadata") or "{}")
        text, errors = forms.read_reject(_values(view), meta, front.translator(body["user"]["id"]).lang)
        _submit(front, ack, client, body, text, errors, "reason", quiet_success=True)

    @app.view("orderbot_fill")
    def on_fill(ack: Ack, body: dict[str, Any], view: dict[str, Any], client: WebClient) -> None:
        command = view.get("private_metadata", "")
        text, errors = forms.read_fill(_values(view), command, front.translator(body["user"]["id"]).lang)
        first = (forms.placeholders(command) or ["value"])[0]
        _submit(front, ack, client, body, text, errors, first)

    @app.options("customer")
    def customer_options(ack: Ack, body: dict[str, Any]) -> None:
        found = front.ask(body["user"]["id"], c.FindCustomers(str(body.get("value", ""))))
        ack(options=_options(found))

    @app.options("product")
    def product_options(ack: Ack, body: dict[str, Any]) -> None:
        found = front.ask(body["user"]["id"], c.FindProducts(str(body.get("value", ""))))
        ack(options=_options(found))

    @app.event("app_home_opened")
    def on_home(event: dict[str, Any], client: WebClient) -> None:
        if event.get("tab", "home") == "home":
            publish_home(front, client, event["user"])


def publish_home(front: SlackFront, client: WebClient, user: str) -> None:
    """My pending approvals (with their age), my open orders, orders at risk — or why I see nothing."""
    t = front.translator(user)
    try:
        ctx = front.desk.context(Front.slack, user)
    except OrderbotError as err:  # someone the bot does not know yet: say how to get in, not an error
        _, body = blocks.render(Message(title=t(err.code, **err.params)))
        client.views_publish(user_id=user, view={"type": "home", "blocks": body})
        return
    bus = front.desk.bus
    pending: ChangesView = bus.handle(c.PendingApprovals(), ctx)
    mine: OrderPage = bus.handle(c.ListOrders(owner=ctx.user.name, limit=15), ctx)
    late: OrderPage = bus.handle(c.ListOrders(overdue=True, limit=15), ctx)
    held: OrderPage = bus.handle(c.ListOrders(status="on_hold", limit=15), ctx)
    seen = {o.number for o in late.orders}
    risky = late.orders + [o for o in held.orders if o.number not in seen]
    at_risk = OrderPage(risky[:15], late.total + held.total, 0)
    client.views_publish(user_id=user, view=home.home(t, pending, mine, at_risk, front.clock.now()))


def _open_change_form(front: SlackFront, client: WebClient, user: str, number: str, trigger: str) -> bool:
    """The change-request form for an order the user may see; False when it cannot be shown (the
    command then runs as typed and explains why)."""
    order = front.ask(user, c.ShowOrder(number))
    if order is None or not getattr(order, "lines", None):
        return False
    lines = [(ln.line_no, ln.product.sku, plain(ln.quantity)) for ln in order.lines]
    client.views_open(trigger_id=trigger, view=forms.change_modal(front.translator(user), order.number, lines))
    return True


def _current_quantities(front: SlackFront, user: str, number: str) -> dict[int, str]:
    order = front.ask(user, c.ShowOrder(number))
    return {ln.line_no: plain(ln.quantity) for ln in order.lines} if order is not None else {}


def _values(view: dict[str, Any]) -> dict[str, Any]:
    values: dict[str, Any] = view.get("state", {}).get("values", {})
    return values


def _options(found: object) -> list[dict[str, Any]]:
    if not isinstance(found, Choices):
        return []
    return [
        {"text": {"type": "plain_text", "text": label[:75]}, "value": value[:150]} for value, label in found.options
    ]


def _submit(front: SlackFront, ack: Ack, client: WebClient, body: dict[str, Any], text: str | None,
            errors: dict[str, str], block: str, quiet_success: bool = False) -> None:  # fmt: skip
    """Run a form's command before answering: a refusal shows inline in the form (nothing changed),
    success closes it and the result goes to the user's DM."""
    user = body["user"]["id"]
    if errors or text is None:
        ack(response_action="errors", errors=errors or {block: "?"})
        return
    try:
        front.chat.parser.parse(text, front.desk.dates.today(front.clock.now()))
    except ParseError as err:
        ack(response_action="errors", errors={block: front.translator(user)(err.code, **err.params)[:150]})
        return
    msg = front.run(user, text)
    if msg.error:
        ack(response_action="errors", errors={block: msg.title[:150]})
        return
    ack()
    if not quiet_success:
        reply, body_blocks = blocks.render(msg)
        client.chat_postMessage(channel=user, text=reply, blocks=body_blocks)
