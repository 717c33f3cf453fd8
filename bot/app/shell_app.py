"""Wires the shell front end: chat turns in, notifications from the outbox delivered after each turn, and (in
an interactive `orderbot run`) the scheduler's scans running in the background.

A script on stdin prints every notification inline, as it always has. A person at a terminal gets
prompt_toolkit's line editor (history in ``var/shell_history`` beside the database, Tab completion); what
their own command sends prints after its answer, and what arrives from elsewhere — the scheduler's alerts,
what waited for the user `/as` switches to — is counted in one line before the next prompt (`/news` prints
it). A scan never runs during a turn (one lock), so a turn's notifications are its own. Log lines go to
``var/orderbot.log``, and errors above the prompt, never onto the line being typed.

Printing a notification is delivering it: the row is marked sent. So a shell opened on the database of a
desk that Slack serves must leave the notifications to Slack, or its users would never hear of them."""

from __future__ import annotations

import logging
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import replace
from pathlib import Path
from typing import TextIO

from prompt_toolkit.patch_stdout import patch_stdout
from sqlalchemy.engine import make_url

from adapters.delivery import Dispatcher
from adapters.shell import Shell, Terminal, history_at, run_terminal
from adapters.transports.shell import ShellTransport
from bot.app.bootstrap import Desk
from bot.app.scheduler import Scheduler
from bot.conversation.chat import Chat
from bot.conversation.delivery import Notification
from bot.conversation.replies import render_batch
from domain.errors import OrderbotError
from domain.users import Front

HISTORY = "shell_history"
LOG = "orderbot.log"


def shell_delivers(setting: str, slack_configured: bool) -> bool:
    """``shell.notifications``: "on" or "off" as said; "auto" only where Slack does not serve this desk (no
    Slack channels mapped in the config and no Slack token in the environment)."""
    return setting == "on" or (setting == "auto" and not slack_configured)


def var_dir(database_url: str) -> Path:
    """Where the shell keeps its files: beside a SQLite database, else ``./var``."""
    try:
        url = make_url(database_url)
    except Exception:
        return Path("var")
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database).parent
    return Path("var")


class TurnScheduler(Scheduler):
    """The scheduler of an interactive shell: its scans wait for the turn in progress (and a turn for the
    scans), so what a turn delivers is what its own command sent."""

    def __init__(self, desk: Desk, lock: threading.RLock, **kwargs: object) -> None:
        super().__init__(desk, **kwargs)  # type: ignore[arg-type]
        self._turn_lock = lock

    def tick(self) -> dict[str, object]:  # type: ignore[override]
        with self._turn_lock:
            return dict(super().tick())


def run_shell(
    desk: Desk,
    user: str,
    stdin: TextIO,
    stdout: TextIO,
    deliver: bool = True,
    *,
    background: bool = False,
    terminal: Terminal | None = None,
) -> int:
    """Returns how many commands got an error reply. ``terminal``: prompt_toolkit's input and output (tests);
    by default the real terminal when stdin and stdout are one, plain lines otherwise. ``background``: the
    scheduler scans too (only at a terminal: a script never scans on its own, `admin scan` does)."""
    interactive = terminal is not None or stdin.isatty()
    if not interactive:
        return _run(desk, user, stdin, stdout, deliver, interactive=False)
    var = var_dir(desk.settings.database_url)
    real = terminal is None and stdout.isatty()
    with ExitStack() as stack:
        if real:
            stack.enter_context(patch_stdout(raw=True))  # whatever any thread prints goes above the prompt
            stdout, terminal = sys.stdout, Terminal(refresh=1.0)
        stack.enter_context(_logs_to(var / LOG))
        stack.enter_context(_sigterm_ends_the_session())
        return _run(desk, user, stdin, stdout, deliver, True, background, terminal, var)


def _run(
    desk: Desk,
    user: str,
    stdin: TextIO,
    out: TextIO,
    deliver: bool,
    interactive: bool,
    background: bool = False,
    terminal: Terminal | None = None,
    var: Path | None = None,
) -> int:
    chat = Chat(desk)
    lock = threading.RLock()
    dispatcher: Dispatcher | None = None
    if deliver:
        t = chat.translator(desk.settings.language)

        def render(batch: Sequence[Notification]) -> str:
            return render_batch(batch[0].kind, [m.payload for m in batch], t)

        def my_roles() -> set[str]:
            try:
                return {r.value for r in desk.context(Front.shell, shell.user).user.roles}
            except OrderbotError:
                return set()

        transport = ShellTransport(lambda batch, line: shell.notify(batch, line), render, lambda: shell.user, my_roles)
        # one thread: the terminal prints lanes in a stable order
        policy = replace(desk.settings.delivery, workers=1)
        dispatcher = Dispatcher(desk.engine, desk.clock, {"shell": transport}, policy)
    shell = Shell(desk, chat.handle, user, out, interactive=interactive,
                  drain=dispatcher.run_once if dispatcher is not None else lambda: 0, lock=lock)  # fmt: skip
    if dispatcher is None:
        shell.write(shell.translator()("shell_not_delivering"))
    scheduler = None
    if interactive and background and desk.settings.scheduler.enabled:
        scheduler = TurnScheduler(desk, lock, on_change=shell.collect)
        scheduler.start()
    try:
        if not interactive:
            return shell.run(stdin)
        words = shell.translator()
        notes = [words("shell_log", path=str(var / LOG))] if var is not None else []
        if scheduler is not None:
            notes.insert(0, words("shell_background"))
        if terminal is None:  # stdin a terminal, stdout not: plain lines
            return shell.run(stdin, prompt=True)
        notes.insert(0, words("shell_keys"))
        return run_terminal(shell, history_at(var / HISTORY if var else None), terminal, tuple(notes))
    finally:
        if scheduler is not None:
            scheduler.stop()
        if dispatcher is not None:
            dispatcher.close()


@contextmanager
def _logs_to(path: Path) -> Iterator[None]:
    """At a terminal: every log record to ``path``; on the screen (above the prompt) only errors."""
    root = logging.getLogger()
    screens = [h for h in root.handlers if type(h) is logging.StreamHandler]  # basicConfig's, not a test's capture
    levels = [h.level for h in screens]
    streams = [h.stream for h in screens]
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        file: logging.Handler | None = logging.FileHandler(path, encoding="utf-8")
    except OSError:
        file = None
    if file is not None:
        file.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
        root.addHandler(file)
    for h in screens:
        h.setLevel(max(h.level, logging.ERROR))
        h.setStream(sys.stderr)  # patch_stdout's proxy once it is in place; the real stderr otherwise
    try:
        yield
    finally:
        for h, level, stream in zip(screens, levels, streams, strict=True):
            h.setLevel(level)
            h.setStream(stream)
        if file is not None:
            root.removeHandler(file)
            file.close()


@contextmanager
def _sigterm_ends_the_session() -> Iterator[None]:
    """`kill` ends the session: at the prompt, Ctrl-C (KeyboardInterrupt, as the command line maps SIGTERM)
    only drops the line being typed, so here SIGTERM exits instead."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def stop(_signum: int, _frame: object) -> None:
        raise SystemExit(143)

    before = signal.signal(signal.SIGTERM, stop)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, before)
