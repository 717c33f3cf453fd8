"""The shell's transport: notifications for channels, for the user at the keyboard and for their roles, handed to
the shell as one line each (a digest is one line): it prints them after the answer of the command that sent
them, or counts them as news at a terminal when they came from elsewhere."""

from __future__ import annotations

from collections.abc import Callable, Collection, Sequence

from bot.conversation.delivery import Limit, Notification


class ShellTransport:
    prefixes = ("channel:", "user:", "role:")

    def __init__(self, deliver: Callable[[Sequence[Notification], str], None],
                 render: Callable[[Sequence[Notification]], str], me: Callable[[], str],
                 my_roles: Callable[[], Collection[str]] = tuple) -> None:  # fmt: skip
        self._deliver, self._render, self._me, self._roles = deliver, render, me, my_roles

    def accepts(self, audience: str) -> bool:
        kind, _, name = audience.partition(":")
        if kind == "role":
            return name in self._roles()
        return kind == "channel" or (kind == "user" and name == self._me())

    def limits(self, message: Notification) -> Sequence[Limit]:
        return ()  # a terminal has no rate limit

    def send(self, batch: Sequence[Notification]) -> None:
        text = self._render(batch).replace("\n", "\n     ")
        self._deliver(batch, f"  📣 [{batch[0].audience}] {text}")
