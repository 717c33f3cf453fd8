"""A long-running `orderbot serve | worker | run` in a subprocess, as an operator starts it: its stderr read on a
thread so a test can wait for a line (no sleeping, no blocking read past a deadline), `/healthz` read as JSON,
and a clean stop that hands back everything it printed."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
import threading
import urllib.request
from collections.abc import Mapping
from typing import Any

from tests.e2e.cli import ROOT


def free_port() -> int:
    """A port nothing listens on (yet): where a process looks for a Slack that is down."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Process:
    def __init__(self, args: list[str], env: Mapping[str, str]) -> None:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "bot.app.cli", *args], env=dict(env), cwd=ROOT,
            stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        self._cond = threading.Condition()
        self.lines: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            with self._cond:
                self.lines.append(line.rstrip("\n"))
                self._cond.notify_all()
        with self._cond:
            self._cond.notify_all()

    @property
    def stderr(self) -> str:
        with self._cond:
            return "\n".join(self.lines)

    def wait_line(self, text: str, timeout: float = 30.0) -> str:
        """The first stderr line containing ``text``, waiting for it (AssertionError on timeout or exit)."""

        def found() -> str | None:
            return next((line for line in self.lines if text in line), None)

        with self._cond:
            ok = self._cond.wait_for(lambda: found() is not None or not self._reader.is_alive(), timeout)
            line = found()
        if line is None:
            state = "exited" if self.proc.poll() is not None else "still running" if ok else "timed out"
            raise AssertionError(f"no line with {text!r} ({state}); stderr:\n{self.stderr}")
        return line

    def port(self) -> int:
        return int(self.wait_line("serving on http://").split("http://")[1].split("/")[0].split(":")[1].split()[0])

    def healthz(self) -> tuple[int, dict[str, Any]]:
        opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
        with opener.open(f"http://127.0.0.1:{self.port()}/healthz", timeout=10) as answer:
            return answer.status, json.loads(answer.read())

    def alive(self) -> bool:
        return self.proc.poll() is None

    def stop(self) -> str:
        """SIGTERM (as a service manager stops it), then everything it wrote to stderr."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(10)
        self._reader.join(10)
        return self.stderr
