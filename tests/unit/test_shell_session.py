"""The shell's turns on a desk in memory: Ctrl-C while a command runs is one line, not a traceback; what is
delivered during a person's own turn prints, what is delivered outside it is news — counted once, printed by
`/news`; a script prints everything where it is delivered, as it always has."""

from __future__ import annotations

import io
from datetime import UTC, datetime

from adapters.shell import Shell
from bot.app.bootstrap import Desk
from bot.conversation.delivery import Notification
from bot.conversation.replies.message import Message
from domain.users import Front


def notice(text: str) -> tuple[list[Notification], str]:
    row = Notification(1, "order_created", "SO-1", "channel:orders", {}, 0, datetime(2026, 11, 22, tzinfo=UTC))
    return [row], f"  📣 [channel:orders] {text}"


def test_ctrl_c_while_a_command_runs_is_one_line_and_the_session_goes_on(fake_desk: Desk) -> None:
    def interrupted(front: Front, who: str, text: str) -> Message:
        raise KeyboardInterrupt

    out = io.StringIO()
    shell = Shell(fake_desk, interrupted, "admin", out, interactive=True)
    assert shell.take("list") is True
    assert out.getvalue() == "（已中断：未完成的操作没有保存）\n"  # admin: the desk's language
    assert shell.errors == 1


def test_own_notices_print_after_the_answer_and_the_rest_is_news(fake_desk: Desk) -> None:
    out = io.StringIO()
    outbox = ["from the scheduler", "from another process"]  # waiting before the command is typed

    def drain() -> int:
        sent = len(outbox)
        while outbox:
            shell.notify(*notice(outbox.pop(0)))
        return sent

    def answer(front: Front, who: str, text: str) -> Message:
        outbox.append("from the command")
        return Message(title="done")

    shell = Shell(fake_desk, answer, "admin", out, interactive=True, drain=drain)
    shell.take("list")
    assert out.getvalue() == "done\n  📣 [channel:orders] from the command\n"
    shell.announce()
    shell.announce()  # counted once
    assert out.getvalue().splitlines()[2].startswith("📣 新提醒和通知 2 条")
    assert len(out.getvalue().splitlines()) == 3
    shell.take("/news")
    shell.take("/消息")
    assert out.getvalue().splitlines()[3:] == [
        "  📣 [channel:orders] from the scheduler",
        "  📣 [channel:orders] from another process",
        "没有新消息。",
    ]


def test_a_script_prints_every_notice_where_it_is_delivered(fake_desk: Desk) -> None:
    out = io.StringIO()
    shell = Shell(fake_desk, lambda f, w, t: Message(title="done"), "admin", out)
    shell.notify(*notice("from before"))
    assert shell.run(["whoami", "quit", "list"]) == 0
    assert out.getvalue() == "  📣 [channel:orders] from before\nadmin> whoami\ndone\n"
