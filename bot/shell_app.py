"""Wires the shell front end: chat turns in, notifications from the outbox printed after each turn, and
(when asked) the scheduler's scans running in the background, their alerts printed at the next turn."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TextIO

from adapters.shell import Shell
from adapters.sql.outbox import OutboxMessage
from adapters.transports.shell import ShellTransport
from bot.bootstrap import Desk
from bot.chat import Chat
from bot.delivery import Dispatcher
from bot.replies import render_batch


def run_shell(desk: Desk, user: str, stdin: TextIO, stdout: TextIO) -> int:
    chat = Chat(desk)
    t = chat.translator(desk.settings.language)
    shell: Shell

    def render(batch: Sequence[OutboxMessage]) -> str:
        return render_batch(batch[0].kind, [m.payload for m in batch], t)

    def my_roles() -> set[str]:
        with desk.uow(readonly=True) as uow:
            me = uow.users.get(shell.user)
            return {r.value for r in me.roles} if me is not None else set()

    transport = ShellTransport(lambda line: shell.write(line), render, lambda: shell.user, my_roles)
    # one thread: the terminal prints lanes in a stable order
    dispatcher = Dispatcher(desk.engine, desk.clock, {"shell": transport}, replace(desk.settings.delivery, workers=1))
    shell = Shell(chat.handle, dispatcher.run_once, user, stdout, prompt=stdin.isatty())
    try:
        return shell.run(stdin)
    finally:
        dispatcher.close()
