"""The terminal front end: the same commands and replies as Slack, as text. `/as NAME` switches who talks.

Piped input runs one command per line, each echoed after its prompt, the replies and every notification
delivered printed on stdout, so conversations can be scripted. At a terminal (``interactive``) what the
person's own command sends still prints right after its answer, but what arrives from elsewhere — the
scheduler's alerts, what waited for the user `/as` switches to — is counted in one line before the next
prompt, and `/news` prints it: an answer is never buried. Shell words of its own: `/as`, `/news`, `/quit`.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterable, Sequence
from typing import TextIO

from adapters.shell.news import News
from bot.conversation.delivery import Notification
from bot.conversation.i18n import Translator
from bot.conversation.ports import DeskPort
from bot.conversation.replies.message import Message
from domain.errors import OrderbotError
from domain.users import Front

Handle = Callable[[Front, str, str], Message]

QUIT = ("/quit", "/exit", "quit", "exit", "/退出", "退出")
AS = ("/as", "/切换")
NEWS = ("/news", "/消息")
SHELL_WORDS = (*AS, *NEWS, "/quit", "/退出")  # what completion offers besides the verbs
MAX_DRAINS = 20  # passes of the dispatcher at one point of a turn: a backlog larger than this waits a turn


class Shell:
    def __init__(
        self,
        desk: DeskPort,
        handle: Handle,
        user: str,
        out: TextIO,
        *,
        interactive: bool = False,
        drain: Callable[[], int] = lambda: 0,
        lock: threading.RLock | None = None,
    ) -> None:
        """``drain`` delivers what waits in the outbox (the shell's transport calls ``notify``); ``lock`` is
        held by every turn and by whatever else drains or writes the outbox in this process (the scheduler of
        an interactive `orderbot run`), so what a turn delivers is what its own command sent."""
        self.desk, self.handle, self.user, self.out = desk, handle, user, out
        self.interactive, self.drain = interactive, drain
        self.lock = lock or threading.RLock()
        self.news = News()
        self.errors = 0
        self._own = not interactive  # a script prints every notification where it is delivered

    def write(self, text: str) -> None:
        self.out.write(text + "\n")
        self.out.flush()

    def translator(self, name: str | None = None) -> Translator:
        """``name``'s own language (by default the user at the keyboard), else the desk's."""
        try:
            lang = self.desk.context(Front.shell, name or self.user).user.language
        except OrderbotError:  # not a user (yet): the desk's language
            lang = None
        return self.desk.translator(lang)

    # -- a script, or a terminal without line editing ----------------------------------------------
    def run(self, lines: Iterable[str], prompt: bool = False) -> int:
        """Returns how many commands got an error reply (the exit code of a scripted run)."""
        if prompt:
            self.start()
            self._prompt()
        for raw in lines:
            if not self.take(raw):
                break
            if prompt:
                self._prompt()
        else:
            if prompt:  # Ctrl-D at the prompt: the goodbye on a line of its own
                self.write("")
        if prompt:
            self.goodbye()
        return self.errors

    def _prompt(self) -> None:
        self.announce()
        self.out.write(f"{self.user}> ")
        self.out.flush()

    # -- what both do ------------------------------------------------------------------------------
    def start(self, *notes: str) -> None:
        """The words a person at a terminal is greeted with, in their language; what waited before they came
        is counted, not printed."""
        t = self.translator()
        self.write(t("shell_banner", user=self.user))
        for note in notes:
            self.write(note)
        self.collect()

    def goodbye(self) -> None:
        self.write(self.translator()("shell_goodbye"))

    def take(self, raw: str) -> bool:
        """One typed line; False when it ends the session."""
        line = raw.strip()
        if not line or line.startswith("#"):
            return True
        if line in QUIT:
            return False
        word, _, rest = line.partition(" ")
        if word in AS:
            self.switch(rest.strip())
        elif word in NEWS and not rest.strip():
            self.show_news()
        else:
            self.errors += self.turn(line)
        return True

    def switch(self, name: str) -> None:
        """`/as NAME`: only to someone the desk knows; told in their language. A refusal is one line in the
        language of who asked, counts as an error, and switches nothing."""
        if not name:
            self.write(self.translator()("shell_as_usage"))
            return
        try:
            them = self.desk.context(Front.shell, name).user
        except OrderbotError:
            self.write("✖ " + self.translator()("shell_as_unknown", user=name[:40]))
            self.errors += 1
            return
        self.user = them.name
        self.write(self.desk.translator(them.language)("shell_as", user=them.name))
        self.collect()  # what waited for them is counted before the next prompt, not dumped after their command

    def turn(self, line: str) -> int:
        """Runs one command; 1 if its reply is an error. Interactive: what came before it is news, what
        its command sent prints after the answer, and Ctrl-C while it runs is one line, not a traceback."""
        if not self.interactive:
            self.write(f"{self.user}> {line}")
        text = line.removeprefix("/order ").removeprefix("/")
        try:
            with self.lock:
                if self.interactive:
                    self._drain_all()  # arrived meanwhile: counted, not mistaken for this command's
                self._own = True
                try:
                    reply = self.handle(Front.shell, self.user, text)
                    self.write(reply.text())
                    if self.interactive:
                        self._drain_all()
                    else:
                        self.drain()
                finally:
                    self._own = not self.interactive
        except KeyboardInterrupt:
            if not self.interactive:
                raise
            self.write(self.translator()("shell_interrupted"))
            return 1
        return 1 if reply.error else 0

    # -- notifications ------------------------------------------------------------------------------
    def notify(self, batch: Sequence[Notification], line: str) -> None:
        """The shell transport's delivery: printed when the person's own command sent it (or in a script),
        kept as news otherwise."""
        if self._own:
            self.write(line)
        else:
            self.news.add(batch, line)

    def collect(self) -> None:
        """Deliver what waits now as news (start-up, `/as`, the scheduler's thread after its scans)."""
        if self.interactive:
            with self.lock:
                self._drain_all()

    def announce(self) -> None:
        """Before a prompt: one line counting what arrived from elsewhere since the last one."""
        count = self.news.take_fresh()
        if count:
            self.write(self.translator()("shell_news", count=count))

    def show_news(self) -> None:
        lines = self.news.take_all()
        self.write("\n".join(lines) if lines else self.translator()("shell_news_none"))

    def _drain_all(self) -> None:
        for _ in range(MAX_DRAINS):
            if not self.drain():
                break
