"""The shell as a person at a terminal uses it: prompt_toolkit's own line editor, fed keys through its pipe input
with DummyOutput, over a real desk on SQLite — Ctrl-C drops the line, Ctrl-D leaves with a goodbye in the user's
language, the history file is written beside the database, and what arrives from elsewhere is one line before
the next prompt instead of burying the answers."""

from __future__ import annotations

import io
import logging
import threading
import time
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from sqlalchemy import func, select

from adapters.shell import Terminal
from adapters.sql import tables as t
from bot.app.bootstrap import Desk
from bot.app.clock import FixedClock
from bot.app.shell_app import run_shell
from domain.commands import ConfirmOrder, CreateOrder, RunScans, SubmitOrder
from domain.messages import LineInput
from domain.users import Front
from tests.conftest import T0, make_desk, sqlite_url
from tests.integration.seed import seed

CTRL_C, CTRL_D = "\x03", "\x04"


@pytest.fixture
def seeded(tmp_path: Path) -> Iterator[Desk]:
    desk = make_desk(sqlite_url(tmp_path), FixedClock(T0))
    seed(desk)
    yield desk
    desk.close()


def session(desk: Desk, user: str, keys: str) -> str:
    """Types ``keys`` at the prompt as ``user``; what the shell printed."""
    out = io.StringIO()
    with create_pipe_input() as pipe:
        pipe.send_text(keys)
        run_shell(desk, user, io.StringIO(), out, terminal=Terminal(pipe, DummyOutput()))
    return out.getvalue()


def test_ctrl_c_drops_the_line_and_ctrl_d_leaves_with_a_goodbye(seeded: Desk, tmp_path: Path) -> None:
    out = session(seeded, "lily", f"frobnicate{CTRL_C}whoami\r{CTRL_D}")
    lines = out.splitlines()
    assert lines[:3] == [
        "orderbot shell — you are lily. `help` lists commands, `/as NAME` switches user, `/quit` ends.",  # English
        "Tab completes verbs, order numbers, customer codes and SKUs; ↑ and ↓ bring back earlier lines; "
        "Ctrl-C drops the line, Ctrl-D leaves.",
        f"The log is in {tmp_path / 'orderbot.log'}.",
    ]
    assert len(lines) == 5 and lines[3].startswith("You are lily;")  # frobnicate was dropped, never run
    assert lines[4] == "Bye."
    history = (tmp_path / "shell_history").read_text(encoding="utf-8")  # beside var's orderbot.db
    assert "+whoami" in history.splitlines() and "frobnicate" not in history


def test_the_words_of_the_shell_are_in_the_users_own_language(seeded: Desk) -> None:
    out = session(seeded, "wang", f"/as lily\r/as nobody\rwhoami\r{CTRL_D}")
    lines = out.splitlines()
    assert lines[0].startswith("订单终端 —— 你是 wang。") and "Tab 键补全" in out  # wang: the desk's language
    assert "(now speaking as lily)" in lines  # in lily's own language
    # an unknown user is refused in one line, in lily's language, and nothing switches
    refused = [line for line in lines if line.startswith("✖")]
    assert refused == ["✖ There is no user “nobody”: still the same user (`admin users` lists who there is)."]
    assert out.split(refused[0], 1)[1].startswith("\nYou are lily;")  # whoami: still lily
    assert lines[-1] == "Bye."


def orders_waiting(desk: Desk, clock: FixedClock) -> None:
    """lily's two orders, one confirmed and one left pending three days, and the scan that noticed: the
    channel's notices and the stage alert (for the channels and the sales managers) wait in the outbox."""
    lily = desk.context(Front.shell, "lily")
    for number in ("SO-2026-000001", "SO-2026-000002"):
        desk.bus.handle(CreateOrder("CUST-001", (LineInput("NUT-M8", Decimal(10)),), due_date=date(2026, 12, 20)), lily)
        desk.bus.handle(ConfirmOrder(number) if number.endswith("1") else SubmitOrder(number), lily)
    clock.advance(days=3)
    desk.bus.handle(RunScans(), desk.system_context())


def test_what_arrives_from_elsewhere_is_one_line_before_the_prompt_and_own_notices_follow_the_answer(
    tmp_path: Path,
) -> None:
    clock = FixedClock(T0)
    desk = make_desk(sqlite_url(tmp_path), clock)
    seed(desk)
    orders_waiting(desk, clock)
    try:
        out = session(desk, "lily", f"help\rhold SO-2026-000001 客户等图纸\r/news\r/news\r{CTRL_D}")
    finally:
        desk.close()
    rest = out.split("\n", 3)[3]  # after the banner, the keys and the log's place
    summary, rest = rest.split("\n", 1)
    # four order notices and the stage alert in the channels: counted before the first prompt, not printed
    assert summary == (
        "📣 New alerts and notifications: 5 — `admin alerts` lists the alerts raised, `/news` prints what arrived"
    )
    help_answer, rest = rest.split("SO-2026-000001 is now on hold.\n", 1)
    assert "📣" not in help_answer and "orderbot commands" in help_answer  # help: nothing but its answer
    held, listed = rest.split("\n  📣 [channel:orders] 🔄 SO-2026-000001", 1)
    assert "📣" not in held and "客户等图纸" in listed.split("\n", 1)[0]  # the hold's own notice follows its answer
    news, again = listed.split("\n", 1)[1].split("Nothing new has arrived.\n")
    assert news.count("  📣 [channel:orders]") == 4 and news.count("  📣 [channel:alerts] 🐢 SO-2026-000002") == 1
    assert again == "Bye.\n"


def test_a_switch_counts_what_waited_for_the_new_user_instead_of_dumping_it_after_their_first_command(
    tmp_path: Path,
) -> None:
    clock = FixedClock(T0)
    desk = make_desk(sqlite_url(tmp_path), clock)
    seed(desk)
    orders_waiting(desk, clock)
    try:
        out = session(desk, "lily", f"/as wang\r确认 SO-2026-000002\r/消息\r{CTRL_D}")
    finally:
        desk.close()
    rest = out.split("（现在以 wang 的身份操作）\n", 1)[1]
    summary, rest = rest.split("\n", 1)
    assert summary == "📣 新提醒和通知 1 条 —— `管理 提醒` 列出未解除的提醒，`/消息` 逐条查看"  # wang's language
    confirmed, news = rest.split("  📣 [role:sales_manager]", 1)
    assert "SO-2026-000002" in confirmed and "📣 [channel:orders] ✅ SO-2026-000002" in confirmed  # his own notice
    assert news.startswith(" 🐢 SO-2026-000002") and news.endswith("再见。\n")  # the alert: only when asked


def test_the_schedulers_alerts_never_come_between_a_command_and_its_answer_and_logs_stay_off_the_screen(
    tmp_path: Path,
) -> None:
    """An interactive `orderbot run`: the scheduler scans in the background a moment after start-up; what it
    raises is counted, and printed as one line only after the next command's answer."""
    clock = FixedClock(T0)
    desk = make_desk(sqlite_url(tmp_path), clock)
    seed(desk)
    orders_waiting(desk, clock)  # the scan made here is the state; the background scan finds the rest
    clock.advance(days=30)  # both orders now late too: the background scan raises new alerts
    screen = io.StringIO()
    handler = logging.StreamHandler(screen)  # as `orderbot`'s basicConfig sets up
    root = logging.getLogger()
    root.addHandler(handler)
    out = io.StringIO()
    try:
        with create_pipe_input() as pipe:
            done = threading.Event()

            def at_the_keyboard() -> None:
                run_shell(desk, "admin", io.StringIO(), out, terminal=Terminal(pipe, DummyOutput()), background=True)
                done.set()

            threading.Thread(target=at_the_keyboard, daemon=True).start()
            deadline = time.monotonic() + 30
            while not _alerts_sent(desk) and time.monotonic() < deadline:  # the background scan has delivered
                time.sleep(0.05)
            assert _alerts_sent(desk), out.getvalue()
            pipe.send_text(f"help\r{CTRL_D}")
            assert done.wait(30), out.getvalue()
    finally:
        root.removeHandler(handler)
        desk.close()
    text = out.getvalue()
    assert "调度器在后台运行" in text.split("\n", 3)[2]  # the start-up words say the scheduler runs (admin: zh)
    assert "📣 [" not in text  # not one notification printed in full
    answer = text.split("orderbot 命令\n", 1)[1]
    help_answer, after = answer.split("\n📣 新提醒和通知 ", 1)
    assert "📣" not in help_answer  # the alerts: after the answer, as one line before the next prompt
    assert after.split("\n")[1:] == ["再见。", ""]
    log = (tmp_path / "orderbot.log").read_text(encoding="utf-8")
    assert "took the lead" in log  # the scheduler's warning went to var/orderbot.log ...
    assert screen.getvalue() == ""  # ... and not onto the screen


def _alerts_sent(desk: Desk) -> int:
    with desk.engine.connect() as conn:
        o = t.outbox.c
        late = select(func.count()).where(o.status == "sent", o.kind == "alert_overdue")
        return int(conn.execute(late).scalar_one())
