"""Running the real `orderbot` command line in a subprocess, as a user would: on the test's database, at the
test's time, with the example config — and with no chat token from the developer's own environment, so no
test ever reads a real one (and a shell never mistakes the test's desk for one Slack serves), and no proxy
between the process and the local fake chat servers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.conftest import T0

ROOT = Path(__file__).resolve().parents[2]
CHAT_PREFIXES = ("SLACK_", "TELEGRAM_")


def cli_env(db: str, now: str = T0.isoformat(), **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(CHAT_PREFIXES) and not k.lower().endswith("_proxy")}
    env.update(
        ORDERBOT_DATABASE_URL=db,
        ORDERBOT_NOW=now,
        PYTHONPATH=str(ROOT),
        ORDERBOT_CONFIG=str(ROOT / "orderbot.toml.example"),
    )
    env.update(extra)
    return env


def run_cli(args: list[str], db: str, stdin: str = "", **extra: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "bot.app.cli", *args],
        input=stdin,
        capture_output=True,
        text=True,
        env=cli_env(db, **extra),
        cwd=ROOT,
        timeout=120,
    )
