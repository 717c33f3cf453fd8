"""A running Slack front end for end-to-end tests: the real bolt app behind our HTTP server on loopback,
talking to the fake Slack Web API, on a seeded SQLite database."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from bot.app.bootstrap import Desk
from bot.app.clock import FixedClock
from bot.app.slack_runtime import SlackRuntime, SlackSecrets, build_slack, http_server
from domain.users import Front
from tests.conftest import T0, UNPACED, make_desk, sqlite_url
from tests.integration.seed import seed
from tests.slack import signing
from tests.slack.fake_api import FakeSlack

SECRET = "test-signing-secret"
CHANNELS = {"orders": "C0ORDERS", "approvals": "C0APPROVALS"}
SLACK_IDS = {"lily": "U0LILY", "wang": "U0WANG", "chen": "U0CHEN", "zhao": "U0ZHAO", "liu": "U0LIU", "sun": "U0SUN"}


@dataclass
class World:
    desk: Desk
    runtime: SlackRuntime
    fake: FakeSlack
    url: str
    woke: threading.Event

    def post(self, body: str, *, secret: str = SECRET, timestamp: int | None = None) -> tuple[int, str]:
        ts = int(time.time()) if timestamp is None else timestamp
        status, text, _ = signing.post(self.url, body, signing.sign(body, secret, ts))
        return status, text

    def slash(self, user: str, text: str, key: str = "cmd") -> tuple[int, str]:
        body = signing.slash_command(text, SLACK_IDS.get(user, user), response_url=self.fake.response_url(key))
        return self.post(body)

    def click(self, user: str, action_id: str, value: str, key: str = "click") -> tuple[int, str]:
        body = signing.block_actions(
            SLACK_IDS.get(user, user), action_id, value, response_url=self.fake.response_url(key)
        )
        return self.post(body)

    def submit(self, user: str, callback_id: str, values: dict[str, Any], meta: str = "") -> tuple[int, str]:
        body = signing.view_submission(SLACK_IDS.get(user, user), callback_id, values, private_metadata=meta)
        return self.post(body)

    def changed(self, timeout: float = 5.0) -> None:
        """Wait until a command run after an ack changed something (the listener runs after the ack)."""
        assert self.woke.wait(timeout), "the command did not complete"
        self.woke.clear()

    def deliver(self) -> int:
        """Run the outbox dispatcher until nothing is due (what the background loop does)."""
        total = 0
        while sent := self.runtime.dispatcher.run_once():
            total += sent
        return total

    def bus(self, user: str, message: object) -> Any:
        return self.desk.bus.handle(message, self.desk.context(Front.shell, user))


def text_value(value: str) -> dict[str, Any]:
    return {"type": "plain_text_input", "value": value}


@contextmanager
def slack_world(tmp_path: Path, fake: FakeSlack, opening_stock: int = 100_000, **settings: Any) -> Iterator[World]:
    """``settings``: replaced in the desk's settings before the front end is built (channels, alerts, ...)."""
    desk = make_desk(sqlite_url(tmp_path), FixedClock(T0))
    base = {"slack_channels": CHANNELS, "admins": ("admin", "slack:U0ADMIN"), "delivery": UNPACED}
    desk.settings = replace(desk.settings, **{**base, **settings})
    seed(desk, opening_stock=opening_stock)
    desk.ensure_admins()
    with desk.uow() as uow:
        for name, slack_id in SLACK_IDS.items():
            user = uow.users.get(name)
            assert user is not None
            user.slack_id = slack_id
        uow.commit()
    runtime = build_slack(desk, SlackSecrets("xoxb-test", SECRET, "", fake.base_url))
    woke = threading.Event()
    runtime.front.wake = woke.set
    server = http_server(runtime, "127.0.0.1", 0)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield World(desk, runtime, fake, f"http://127.0.0.1:{server.server_port}/slack/events", woke)
    finally:
        server.shutdown()
        server.server_close()
        desk.close()
