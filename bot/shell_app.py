"""Wires the shell front end: chat turns in, notifications from the outbox printed after each turn."""

from __future__ import annotations

from typing import TextIO

from adapters.shell import Shell
from adapters.sql.outbox import OutboxMessage
from adapters.transports.shell import ShellTransport
from bot.bootstrap import Desk
from bot.chat import Chat
from bot.dispatch import Dispatcher
from bot.replies import render_event


def run_shell(desk: Desk, user: str, stdin: TextIO, stdout: TextIO) -> int:
    chat = Chat(desk)
    t = chat.translator(desk.settings.language)
    shell: Shell

    def render(msg: OutboxMessage) -> str:
        return render_event(msg.kind, msg.payload, t)

    transport = ShellTransport(lambda line: shell.write(line), render, lambda: shell.user)
    dispatcher = Dispatcher(desk.engine, desk.clock, {"shell": transport})
    shell = Shell(chat.handle, dispatcher.run_once, user, stdout, prompt=stdin.isatty())
    return shell.run(stdin)
