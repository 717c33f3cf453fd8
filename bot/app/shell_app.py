"""Wires the shell front end: chat turns in, notifications from the outbox printed after each turn, and
(when asked) the scheduler's scans running in the background, their alerts printed at the next turn.

Printing a notification is delivering it: the row is marked sent. So a shell opened on the database of a
desk that Slack serves must leave the notifications to Slack, or its users would never hear of them."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TextIO

from adapters.delivery import Dispatcher
from adapters.shell import Shell
from adapters.transports.shell import ShellTransport
from bot.app.bootstrap import Desk
from bot.conversation.chat import Chat
from bot.conversation.delivery import Notification
from bot.conversation.replies import render_batch


def shell_delivers(setting: str, slack_configured: bool) -> bool:
    """``shell.notifications``: "on" or "off" as said; "auto" only where Slack does not serve this desk (no
    Slack channels mapped in the config and no Slack token in the environment)."""
    return setting == "on" or (setting == "auto" and not slack_configured)


def run_shell(desk: Desk, user: str, stdin: TextIO, stdout: TextIO, deliver: bool = True) -> int:
    chat = Chat(desk)
    t = chat.translator(desk.settings.language)
    shell: Shell
    if not deliver:
        shell = Shell(chat.handle, lambda: 0, user, stdout, prompt=stdin.isatty())
        shell.write(t("shell_not_delivering"))
        return shell.run(stdin)

    def render(batch: Sequence[Notification]) -> str:
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
