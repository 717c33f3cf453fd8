"""The README's chat examples as a script for the real shell.

A fence with no language (a bare three-backtick line) in README.md is a chat session: every line is either
`NAME> COMMAND` — the prompt the shell shows, then exactly what one types — or a `# comment` line (the shell
skips those). The blocks run one after another in one session on one database, as a reader going down the
page would, starting as `admin` (what `make run` opens as). Any other block says its language (`sh`, `text`,
`toml`) and is not run."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from tests.e2e.cli import ROOT

README = ROOT / "README.md"
PROMPT = re.compile(r"^(?P<user>[a-z][a-z0-9_]*)> (?P<command>\S.*)$")
ORDER_NUMBER = re.compile(r"SO-\d{4}-\d{6}")
FIRST_USER = "admin"


class ReadmeError(AssertionError):
    pass


@dataclass(frozen=True)
class Step:
    line: int  # in README.md, 1-based
    user: str  # who is speaking when it is typed
    command: str  # exactly what is typed after the prompt


def chat_blocks(text: str) -> list[list[tuple[int, str]]]:
    """The bare fences' lines with their README line numbers."""
    blocks: list[list[tuple[int, str]]] = []
    current: list[tuple[int, str]] | None = None
    bare = False
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("```"):
            if current is None:
                current, bare = [], line.strip() == "```"
            else:
                if bare:
                    blocks.append(current)
                current = None
        elif current is not None:
            current.append((number, line))
    return blocks


def steps(text: str) -> list[Step]:
    """Every command of every chat block in order; a prompt that is not who is speaking at that point (after
    the `/as` lines before it) is an error in the README, and so is a line that is neither prompt nor comment."""
    out: list[Step] = []
    user = FIRST_USER
    for block in chat_blocks(text):
        for number, line in block:
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            m = PROMPT.match(line)
            if m is None:
                raise ReadmeError(f"README.md:{number}: not `NAME> COMMAND` in a chat block: {line!r}")
            if m["user"] != user:
                raise ReadmeError(f"README.md:{number}: the prompt says {m['user']}> but {user} is speaking")
            command = m["command"]
            out.append(Step(number, user, command))
            if command.startswith("/as "):
                user = command[4:].strip()
    return out


def script(all_steps: list[Step]) -> str:
    return "".join(f"{s.command}\n" for s in all_steps)


def replies(all_steps: list[Step], output: str) -> dict[int, str]:
    """What the shell answered to each typed command (not the `/as` switches), by README line: the text after
    its echoed `user> command` line up to the next command's echo (so what a `/as` says lands with the command
    before it)."""
    commands = [s for s in all_steps if not s.command.startswith("/as ")]
    lines = output.splitlines()
    found: list[int] = []
    at = 0
    for s in commands:
        echo = f"{s.user}> {s.command}"
        while at < len(lines) and lines[at] != echo:
            at += 1
        if at == len(lines):
            raise ReadmeError(f"README.md:{s.line}: the shell never got to `{echo}`:\n{output[-3000:]}")
        found.append(at)
        at += 1
    ends = [*found[1:], len(lines)]
    return {s.line: "\n".join(lines[a + 1 : b]) for s, a, b in zip(commands, found, ends, strict=True)}


def read_readme(path: Path = README) -> str:
    return path.read_text(encoding="utf-8")
