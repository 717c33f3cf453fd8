"""The bolt listeners, one module per kind of request Slack sends; each module's ``register(app, front)`` adds
its listeners to the app. The replay refusal runs first, as middleware, before any listener."""

from __future__ import annotations

from slack_bolt import App

from adapters.slack.front import SlackFront
from adapters.slack.listeners import actions, commands, events, middleware, options, views


def register(app: App, front: SlackFront) -> None:
    for kind in (middleware, commands, actions, views, options, events):
        kind.register(app, front)
