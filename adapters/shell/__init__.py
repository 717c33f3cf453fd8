"""The terminal front end: a script on stdin (``Shell.run``) or a person at a terminal (``run_terminal``, with
prompt_toolkit's line editing, history and completion)."""

from adapters.shell.session import Shell
from adapters.shell.terminal import Terminal, history_at, run_terminal

__all__ = ["Shell", "Terminal", "history_at", "run_terminal"]
