"""What the fault tests share: rows written as a commit writes them, a Slack dispatcher against the fake,
`orderbot worker` processes, and waiting for a condition with a deadline (never a bare sleep)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, select

from adapters.sql import lanes
from adapters.sql import tables as t
from adapters.sql.outbox import write_events
from bot.app.bootstrap import Desk
from bot.app.slack_runtime import SlackRuntime, SlackSecrets, build_slack
from bot.conversation.delivery import Notification
from domain.events import Event, OrderShipped
from tests.slack.fake_api import Call, FakeSlack

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "xoxb-test"  # what the fake accepts; never a real token


class TimedSlack(FakeSlack):
    """The fake Slack that also notes, on the test's clock, when each post came and how it was answered."""

    def __init__(self, clock: Callable[[], float]) -> None:
        super().__init__()
        self.clock = clock
        self.answers: list[tuple[float, str, int, float]] = []  # (at, channel, HTTP status, Retry-After or 0)

    def _answer(self, call: Call) -> Any:
        reply = super()._answer(call)
        if call.method == "chat.postMessage":
            with self._cond:
                retry = float(reply.headers.get("Retry-After", 0))
                self.answers.append((self.clock(), str(call.params.get("channel", "")), reply.status, retry))
        return reply


def wait_until(predicate: Callable[[], Any], timeout: float, what: str = "condition", every: float = 0.02) -> Any:
    """Poll ``predicate`` until it is truthy (and return its value); fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(every)


def to(audience: str) -> Callable[[Event], tuple[str, ...]]:
    """A router that sends every event to ``audience``."""
    return lambda _event: (audience,)


def shipped(engine: Engine, numbers: Iterable[int], audience: str, now: datetime) -> None:
    """Outbox rows as a committed change writes them: one OrderShipped each, routed to ``audience``."""
    events = [OrderShipped(f"SO-{i:06d}", "CUST-001", "SF", str(i), "liu") for i in numbers]
    with engine.begin() as conn:
        write_events(conn, events, to(audience), now)


def rows(engine: Engine, audience: str | None = None) -> list[Any]:
    """Every outbox row (id, kind, audience, status, attempts, sent_by), in outbox order."""
    o = t.outbox.c
    stmt = select(o.id, o.kind, o.audience, o.status, o.attempts, o.sent_by).order_by(o.id)
    if audience is not None:
        stmt = stmt.where(o.audience == audience)
    with engine.connect() as conn:
        return list(conn.execute(stmt).all())


def messages(engine: Engine, audience: str, now: datetime) -> list[Notification]:
    """The lane's pending rows as the dispatcher reads them, in order."""
    with engine.connect() as conn:
        return lanes.lane_rows(conn, audience, now, 100_000)


def every_message(engine: Engine, audience: str) -> list[Notification]:
    """Every row of the lane whatever its status, in outbox order."""
    o = t.outbox.c
    stmt = select(o.id, o.kind, o.subject, o.audience, o.payload, o.attempts, o.created_at)
    with engine.connect() as conn:
        return [Notification(*r) for r in conn.execute(stmt.where(o.audience == audience).order_by(o.id)).all()]


def slack(desk: Desk, fake: FakeSlack) -> SlackRuntime:
    """The real Slack runtime of this desk (its dispatcher and transport) pointed at the fake."""
    return build_slack(desk, SlackSecrets(TOKEN, api_url=fake.base_url), verify_token=False)


def texts(runtime: SlackRuntime, batch: Sequence[Notification]) -> list[str]:
    """What Slack shows for each row, rendered as the transport renders it (one message each)."""
    transport: Any = runtime.dispatcher.transports["slack"]
    return [transport.render([m], transport.translator(None)) for m in batch]


def config(path: Path, channels: Mapping[str, str], **sections: Mapping[str, Any]) -> Path:
    """A small orderbot.toml: ``[slack] channels`` and any other sections given (the rest as by default, as
    in the tests' own desks, so both render a message alike)."""
    lines = ["[slack]"]
    lines.append("channels = { " + ", ".join(f'{k} = "{v}"' for k, v in channels.items()) + " }")
    for name, values in sections.items():
        lines += ["", f"[{name}]", *(f"{k} = {_toml(v)}" for k, v in values.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return f'"{value}"'
    return str(value)


def child_env(url: str, config_path: Path | None = None, **extra: str) -> dict[str, str]:
    """The environment of a child process: ours without proxies, tokens or config, plus what is given."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.lower().endswith("_proxy") and not k.startswith(("SLACK_", "TELEGRAM_", "ORDERBOT_"))
    }
    env.update({"ORDERBOT_DATABASE_URL": url, "PYTHONPATH": str(ROOT), "PYTHONUNBUFFERED": "1"})
    if config_path is not None:
        env["ORDERBOT_CONFIG"] = str(config_path)
    env.update(extra)
    return env


@dataclass
class Worker:
    """An `orderbot worker` process; its stderr (the log) goes to a file."""

    proc: subprocess.Popen[bytes]
    log: Path

    @property
    def pid(self) -> int:
        return self.proc.pid

    def text(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def name(self, timeout: float = 30.0) -> str:
        """The dispatcher's name (host:pid:rand) it printed once started."""
        line = wait_until(lambda: self._started(), timeout, f"worker {self.pid} to start")
        return str(line)

    def _started(self) -> str | None:
        if self.proc.poll() is not None:
            raise AssertionError(f"worker {self.pid} exited with {self.proc.returncode}:\n{self.text()}")
        for line in self.text().splitlines():
            if line.startswith("orderbot: worker "):
                return line.split()[2]
        return None

    def kill(self) -> None:
        """SIGKILL: no handler runs, nothing is handed back."""
        if self.proc.poll() is None:
            os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(10)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.kill()


def stop_all(workers: Iterable[Worker]) -> None:
    """SIGTERM to every one first (they hand back their lanes and lead at once), then wait for each."""
    alive = [w for w in workers if w.proc.poll() is None]
    for w in alive:
        w.proc.terminate()
    for w in alive:
        w.stop()


def start_worker(env: Mapping[str, str], log: Path, *args: str) -> Worker:
    out = log.open("wb")
    try:
        proc = subprocess.Popen(
            [sys.executable, "-m", "bot.app.cli", "worker", *args],
            env=dict(env), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=out,
        )  # fmt: skip
    finally:
        out.close()
    return Worker(proc, log)
