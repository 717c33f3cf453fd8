"""`orderbot serve`, `worker` and `run` start whatever Slack says: with the Slack Web API down they serve anyway,
`/healthz` says Slack is degraded while Telegram keeps serving, and Slack comes up by itself once it answers; a
token Slack refuses is one log line naming its variable, never a traceback."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.app.clock import FixedClock
from tests.conftest import T0, make_desk, sqlite_url
from tests.e2e.cli import cli_env
from tests.e2e.serving import Process, free_port
from tests.integration.seed import seed
from tests.slack import signing
from tests.slack.fake_api import FakeSlack
from tests.telegram import updates
from tests.telegram.fake_bot_api import FakeBotApi

SERVE = ["serve", "--host", "127.0.0.1", "--port", "0"]


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = sqlite_url(tmp_path)
    desk = make_desk(url, FixedClock(T0))
    seed(desk)
    desk.close()
    return url


@pytest.fixture
def telegram() -> Iterator[FakeBotApi]:
    with FakeBotApi() as fake:
        yield fake


def slack_env(db: str, api_url: str, **extra: str) -> dict[str, str]:
    return cli_env(
        db, SLACK_BOT_TOKEN="xoxb-test", SLACK_SIGNING_SECRET="serve-secret", ORDERBOT_SLACK_API_URL=api_url,
        ORDERBOT_LOG_LEVEL="WARNING", **extra,
    )  # fmt: skip


def telegram_env(fake: FakeBotApi) -> dict[str, str]:
    return {
        "TELEGRAM_BOT_TOKEN": "123456:TEST-TOKEN",
        "TELEGRAM_WEBHOOK_SECRET": "tg-secret",
        "ORDERBOT_TELEGRAM_API_URL": fake.base_url,
    }


def test_serve_with_slack_down_serves_telegram_and_brings_slack_up_when_it_answers(
    db: str, telegram: FakeBotApi
) -> None:
    port = free_port()  # Slack's API is down: nothing listens there yet
    proc = Process(SERVE, slack_env(db, f"http://127.0.0.1:{port}/api/", **telegram_env(telegram)))
    try:
        proc.wait_line("slack: Slack cannot be reached")
        status, health = proc.healthz()
        assert status == 200 and health["status"] == "degraded"
        assert health["platforms"]["slack"]["status"] == "degraded"
        assert "cannot be reached" in health["platforms"]["slack"]["reason"]
        # Telegram keeps serving: its menu registered, a customer's /help answered through the webhook
        proc.wait_line("telegram: connected")
        assert telegram.calls_to("setMyCommands")
        assert proc.healthz()[1]["platforms"]["telegram"] == {"status": "ok"}
        body = json.dumps(updates.update(message=updates.message(777, "/help", user_id=777)))
        url = f"http://127.0.0.1:{proc.port()}/telegram/webhook"
        headers = {"X-Telegram-Bot-Api-Secret-Token": "tg-secret"}
        assert signing.post(url, body, headers, "application/json")[0] == 200
        assert telegram.wait_for("sendMessage")
        with FakeSlack(port=port) as slack:  # Slack is back where the process looks for it
            slack.wait_for("auth.test", timeout=30)
            proc.wait_line("slack: connected")
            assert proc.healthz()[1] == {"status": "ok", "platforms": {"slack": {"status": "ok"},
                                                                        "telegram": {"status": "ok"}}}  # fmt: skip
            assert proc.alive()
            answered = signing.slash_command("help", "U0NOBODY", response_url=slack.response_url("help"))
            sig = signing.sign(answered, "serve-secret", int(time.time()))
            assert signing.post(f"http://127.0.0.1:{proc.port()}/slack/events", answered, sig)[0] == 200
            assert slack.wait_for("response_url:help")[0].params["text"]
    finally:
        err = proc.stop()
    assert "Traceback" not in err, err
    assert len([line for line in err.splitlines() if "cannot be reached" in line]) == 1  # said once, not per try


def test_a_bad_slack_token_is_one_line_naming_the_variable(db: str) -> None:
    with FakeSlack() as slack:
        slack.fail("auth.test", error="invalid_auth", times=100)
        proc = Process(SERVE, slack_env(db, slack.base_url))
        try:
            line = proc.wait_line("SLACK_BOT_TOKEN")
            assert "invalid_auth" in line
            status, health = proc.healthz()
            assert status == 200 and health["platforms"]["slack"]["status"] == "degraded"
            assert "SLACK_BOT_TOKEN" in health["platforms"]["slack"]["reason"]
            assert proc.alive()
        finally:
            err = proc.stop()
        assert len(slack.calls_to("auth.test")) == 1  # no retry mends a bad token
    assert "Traceback" not in err, err
    assert [line for line in err.splitlines() if "SLACK_BOT_TOKEN" in line] == [line]


@pytest.mark.parametrize("command", ["worker", "run"])
def test_worker_and_socket_mode_run_keep_going_while_slack_is_down(db: str, command: str) -> None:
    env = slack_env(db, f"http://127.0.0.1:{free_port()}/api/", SLACK_APP_TOKEN="xapp-test")
    proc = Process([command], env)
    try:
        proc.wait_line("slack: Slack cannot be reached")
        assert proc.alive()
    finally:
        err = proc.stop()
    assert proc.proc.returncode == 0, err
    assert "Traceback" not in err, err


def test_socket_mode_with_a_refused_app_token_is_one_line_naming_it(db: str) -> None:
    with FakeSlack() as slack:  # auth.test passes; apps.connections.open answers invalid_auth (no socket_url)
        proc = Process(["run"], slack_env(db, slack.base_url, SLACK_APP_TOKEN="xapp-wrong"))
        try:
            line = proc.wait_line("SLACK_APP_TOKEN")
            assert proc.alive()
        finally:
            err = proc.stop()
    assert "invalid_auth" in line and "Traceback" not in err, err
    assert [x for x in err.splitlines() if "SLACK_APP_TOKEN" in x or "invalid_auth" in x] == [line]
