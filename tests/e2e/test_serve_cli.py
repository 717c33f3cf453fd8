"""`orderbot serve` as an operator starts it: one process, Slack and Telegram on one HTTP port, against the
fake Slack Web API and the fake Bot API of our tests."""

from __future__ import annotations

import json
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from bot.app.clock import FixedClock
from tests.conftest import T0, make_desk, sqlite_url
from tests.e2e.cli import ROOT, cli_env
from tests.integration.seed import seed
from tests.slack import signing
from tests.slack.fake_api import FakeSlack
from tests.telegram.fake_bot_api import FakeBotApi


def test_serve_answers_slack_and_telegram_on_one_port(tmp_path: Path) -> None:
    db = sqlite_url(tmp_path)
    desk = make_desk(db, FixedClock(T0))
    seed(desk)
    desk.close()
    with FakeSlack() as slack, FakeBotApi() as telegram:
        env = cli_env(
            db,
            SLACK_BOT_TOKEN="xoxb-test",
            SLACK_SIGNING_SECRET="serve-secret",
            ORDERBOT_SLACK_API_URL=slack.base_url,
            TELEGRAM_BOT_TOKEN="123456:TEST-TOKEN",
            TELEGRAM_WEBHOOK_SECRET="tg-secret",
            ORDERBOT_TELEGRAM_API_URL=telegram.base_url,
        )
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot.app.cli", "serve", "--host", "127.0.0.1", "--port", "0"],
            env=env, cwd=ROOT, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        try:
            assert proc.stderr is not None
            line = ""
            deadline = time.monotonic() + 60
            while "serving on" not in line and time.monotonic() < deadline:
                line = proc.stderr.readline()
                assert line or proc.poll() is None, "serve exited early"
            port = int(line.split("http://127.0.0.1:")[1].split()[0])
            base = f"http://127.0.0.1:{port}"
            with urllib.request.build_opener(urllib.request.ProxyHandler({})).open(f"{base}/healthz") as ok:
                assert ok.status == 200
                assert set(json.loads(ok.read())["platforms"]) == {"slack", "telegram"}  # each platform's status
            telegram.wait_for("setMyCommands")  # the Telegram side started (webhook mode)
            body = signing.slash_command("help", "U0NOBODY", response_url=slack.response_url("help"))
            status, _, _ = signing.post(
                f"{base}/slack/events", body, signing.sign(body, "serve-secret", int(time.time()))
            )
            assert status == 200
            assert slack.wait_for("response_url:help")[0].params["text"]
            refused = signing.post(f"{base}/telegram/webhook", "{}", {}, "application/json")
            assert refused[0] == 401
        finally:
            proc.terminate()
            proc.wait(20)
