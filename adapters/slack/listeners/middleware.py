"""Refusing replays: bolt has checked the signature and its 5-minute window; a second request with the same
signature is a replay. Socket Mode requests carry none (the socket itself is authenticated)."""

from __future__ import annotations

import logging
from collections.abc import Callable

from slack_bolt import App, BoltRequest, BoltResponse

from adapters.slack.front import SlackFront

log = logging.getLogger(__name__)


def refuse_replays(front: SlackFront, req: BoltRequest, next: Callable[[], BoltResponse]) -> BoltResponse:
    signature = (req.headers.get("x-slack-signature") or [""])[0]
    if signature and not front.store.first_time(signature, front.clock.now()):
        log.warning("refused a replayed Slack request")
        return BoltResponse(status=401, body="replayed request")
    return next()


def register(app: App, front: SlackFront) -> None:
    @app.middleware
    def replays(req: BoltRequest, resp: BoltResponse, next: Callable[[], BoltResponse]) -> BoltResponse:
        return refuse_replays(front, req, next)
