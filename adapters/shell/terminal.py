"""The shell at a terminal, with prompt_toolkit's line editor: arrow keys, history kept in a file, Tab completion.
Ctrl-C drops the line being typed, Ctrl-D on an empty line leaves with a goodbye. While the prompt waits,
the count of what arrived from elsewhere shows at its right; before the next prompt it is one line.

prompt_toolkit (well kept, used by IPython and pgcli) rather than our own line editing: wide Chinese
characters, input methods, terminals' key codes, history search and completion menus are its craft."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from prompt_toolkit import PromptSession
from prompt_toolkit.history import FileHistory, History, InMemoryHistory
from prompt_toolkit.input import Input
from prompt_toolkit.output import Output

from adapters.shell.completion import Lookups, ShellCompleter
from adapters.shell.session import Shell


@dataclass(frozen=True)
class Terminal:
    """prompt_toolkit's input and output: None for the real terminal; tests give a pipe and DummyOutput."""

    input: Input | None = None
    output: Output | None = None
    refresh: float = 0  # seconds between redraws of the waiting prompt (its news count); 0: never


def history_at(path: Path | None) -> History:
    """The lines typed before, in a file (created with its folder); in memory when the file cannot be."""
    if path is None:
        return InMemoryHistory()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.touch(exist_ok=True)
    except OSError:
        return InMemoryHistory()
    return FileHistory(str(path))


def run_terminal(shell: Shell, history: History, terminal: Terminal, notes: tuple[str, ...] = ()) -> int:
    """Returns how many commands got an error reply."""
    lookups = Lookups(shell.desk, lambda: shell.user)
    session: PromptSession[str] = PromptSession(
        history=history,
        completer=ShellCompleter(lookups),
        complete_while_typing=False,  # Tab asks; typing never waits for the database
        rprompt=lambda: f"📣 {shell.news.fresh}" if shell.news.fresh else "",
        refresh_interval=terminal.refresh,
        input=terminal.input,
        output=terminal.output,
    )
    shell.start(*notes)
    while True:
        shell.announce()
        lookups.reset()
        try:
            line = session.prompt(f"{shell.user}> ")
        except KeyboardInterrupt:  # Ctrl-C: the line is dropped, the prompt comes back
            continue
        except EOFError:  # Ctrl-D
            break
        if not shell.take(line):
            break
    shell.goodbye()
    return shell.errors
