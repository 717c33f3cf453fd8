"""The Slack front end: one bolt App whose listeners (adapters/slack/listeners, one module per kind of request)
turn slash commands, button clicks and form submissions into domain commands — typed text through the shared
parser, buttons and forms built directly — and answer with Block Kit.

Every listener acknowledges first (Slack allows 3 s) and works after the ack, except form submissions,
which run the command before answering so that a refusal can show inline in the form.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from slack_bolt import App

from adapters.slack import listeners
from adapters.slack.front import SlackFront


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
    listeners.register(app, front)
    return app
