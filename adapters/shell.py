"""The terminal front end: the same commands and replies as Slack, as text. `/as NAME` switches who talks.

Piped input runs one command per line with the replies on stdout, so conversations can be scripted.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TextIO

from bot.conversation.replies.message import Message
from domain.users import Front

Handle = Callable[[Front, str, str], Message]


class Shell:
    def __init__(self, handle: Handle, drain: Callable[[], int], user: str, out: TextIO, prompt: bool) -> None:
        self.handle, self.drain, self.user, self.out, self.prompt = handle, drain, user, out, prompt

    def write(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def run(self, lines: Iterable[str]) -> int:
        """Returns how many commands got an error reply (the exit code of a scripted run)."""
        errors = 0
        if self.prompt:
            self.write(
                f"orderbot shell — you are {self.user}. `help` lists commands, `/as NAME` switches user, `/quit` ends."
            )
            self.out.write(f"{self.user}> ")
            self.out.flush()
        for raw in lines:
            line = raw.strip()
            if line and not line.startswith("#"):
                if line in ("/quit", "/exit", "quit", "exit"):
                    break
                errors += self.turn(line)
            if self.prompt:
                self.out.write(f"{self.user}> ")
                self.out.flush()
        return errors

    def turn(self, line: str) -> int:
        if line.startswith("/as"):
            name = line[3:].strip()
            if name:
                self.user = name
                self.write(f"(now speaking as {name})")
            else:
                self.write("(usage: /as NAME)")
            return 0
        if not self.prompt:
            self.write(f"{self.user}> {line}")
        reply = self.handle(Front.shell, self.user, line.removeprefix("/order ").removeprefix("/"))
        self.write(reply.text())
        self.drain()
        return 1 if reply.error else 0
