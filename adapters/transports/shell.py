"""The shell's transport: notifications for channels (and for the user at the keyboard) printed inline."""

from __future__ import annotations

from collections.abc import Callable

from adapters.sql.outbox import OutboxMessage


class ShellTransport:
    prefixes = ("channel:", "user:")

    def __init__(self, write: Callable[[str], None], render: Callable[[OutboxMessage], str], me: Callable[[], str]):
        self._write, self._render, self._me = write, render, me

    def accepts(self, audience: str) -> bool:
        kind, _, name = audience.partition(":")
        return kind == "channel" or (kind == "user" and name == self._me())

    def send(self, message: OutboxMessage) -> None:
        self._write(f"  📣 [{message.audience}] {self._render(message)}")
