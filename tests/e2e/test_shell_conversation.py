"""The shell front end as a user runs it: `orderbot shell` with a script on stdin, a real process."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, select

from adapters.sql import tables as t
from bot.app.clock import FixedClock
from tests.conftest import T0, make_desk, sqlite_url
from tests.e2e.cli import run_cli
from tests.integration.seed import seed

SCRIPT = """\
# the warehouse counts what is on the shelf; a salesperson enters and confirms an order; the floor ships it
/as liu
count BOLT-M8X30 5000 opening balance
count NUT-M8 5000 opening balance
/as lily
new CUST-001 BOLT-M8X30 1000 @0.12 NUT-M8 1000 due 下周五 po PO-7781
set SO-2026-000001 due 12月4日
confirm SO-2026-000001
hold SO-2026-000001 客户要求等图纸
resume SO-2026-000001
/as zhao
advance SO-2026-000001
advance SO-2026-000001
/as liu
ship SO-2026-000001 顺丰 SF1234567890
deliver SO-2026-000001
/as wang
close SO-2026-000001
show SO-2026-000001
history SO-2026-000001
diff SO-2026-000001 v1 v2
"""


def test_scripted_conversation_takes_an_order_from_entry_to_close(tmp_path: Path) -> None:
    db = sqlite_url(tmp_path)
    desk = make_desk(db, FixedClock(T0))
    seed(desk)
    desk.close()
    done = run_cli(["shell", "--strict"], db, SCRIPT)
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    assert "Traceback" not in out + done.stderr
    assert "Order SO-2026-000001 created." in out
    assert "Due       2026-11-27" in out  # 下周五 from Sunday 2026-11-22
    assert "SO-2026-000001 is now on hold" in out
    assert "SO-2026-000001 已关闭" not in out and "SO-2026-000001 当前状态：已关闭。" in out  # wang reads Chinese
    assert "SF1234567890" in out
    # the channel hears about every step, in order
    notices = [line for line in out.splitlines() if "📣 [channel:orders]" in line]
    assert len(notices) == 10, notices
    assert "SF1234567890" in notices[7]
    # history lists every step with who, why and the version it was on; the diff shows the draft's edit
    history = out.split("history SO-2026-000001")[1]
    for who in ("lily", "zhao", "liu", "wang"):
        assert who in history
    assert "客户要求等图纸" in history
    diff = out.split("diff SO-2026-000001 v1 v2")[1]
    assert "交期" in diff and "2026-11-27" in diff and "2026-12-04" in diff  # wang reads Chinese


def test_errors_in_a_script_are_one_line_and_change_nothing(tmp_path: Path) -> None:
    db = sqlite_url(tmp_path)
    desk = make_desk(db, FixedClock(T0))
    seed(desk)
    desk.close()
    done = run_cli(["shell", "--user", "lily", "--strict"], db, "confirm SO-2026-000042\nfrobnicate\nlist\n")
    assert done.returncode == 1
    errors = [line for line in done.stdout.splitlines() if line.startswith("✖")]
    assert errors == [
        "✖ No order SO-2026-000042.",
        "✖ I don't know the command “frobnicate”. Type `help` for the list.",
    ]


def test_unmigrated_database_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    done = run_cli(["shell"], sqlite_url(tmp_path), "help\n")
    assert done.returncode == 2
    assert "orderbot db upgrade" in done.stderr and "Traceback" not in done.stderr


def test_db_upgrade_then_current(tmp_path: Path) -> None:
    db = sqlite_url(tmp_path)
    assert run_cli(["db", "upgrade"], db).returncode == 0
    assert "up to date" in run_cli(["db", "current"], db).stdout


def test_when_prints_the_date(tmp_path: Path) -> None:
    db = sqlite_url(tmp_path)
    cases = [
        (["下周五", "--today", "2026-11-22"], "2026-11-27"),
        (["提前两周", "--today", "2026-11-22", "--due", "2026-12-20"], "2026-12-06"),
        (["end", "of", "month", "--today", "2026-02-10"], "2026-02-28"),
        (["十天后", "--today", "2026-11-22"], "2026-12-02"),
    ]
    for args, expected in cases:
        done = run_cli(["when", *args], db)
        assert done.returncode == 0, done.stderr
        assert done.stdout.splitlines()[0] == expected
    bad = run_cli(["when", "blah", "--today", "2026-11-22"], db)
    assert bad.returncode != 0 and "blah" in bad.stderr and "Traceback" not in bad.stderr
    shift = run_cli(["when", "推迟3天", "--today", "2026-11-22"], db)
    assert shift.returncode != 0 and "推迟3天" in shift.stderr


def test_demo_if_empty_respects_the_config(tmp_path: Path) -> None:
    db = sqlite_url(tmp_path)
    assert run_cli(["db", "upgrade"], db).returncode == 0
    config = tmp_path / "orderbot.toml"
    config.write_text("[orderbot]\ndemo_when_empty = false\n", encoding="utf-8")
    off = run_cli(["--config", str(config), "demo", "--if-empty", "--orders", "20"], db, ORDERBOT_LANGUAGE="en")
    assert off.returncode == 0 and "not loaded" in off.stdout
    on = run_cli(["demo", "--if-empty", "--orders", "20"], db, ORDERBOT_LANGUAGE="en")
    assert on.returncode == 0 and "demo loaded: 120 customers" in on.stdout and "DemoSummary" not in on.stdout
    again = run_cli(["demo", "--if-empty", "--orders", "20"], db)  # the command line's language: the config's
    assert "数据库中已有数据" in again.stdout


def test_a_shell_on_a_desk_slack_serves_leaves_its_notifications_to_slack(tmp_path: Path) -> None:
    """Printing a notification marks it sent: a shell opened where Slack delivers must not take them."""
    db = sqlite_url(tmp_path)
    desk = make_desk(db, FixedClock(T0))
    seed(desk)
    desk.close()
    script = "/as lily\nnew CUST-001 BOLT-M8X30 10 @0.12\n"
    done = run_cli(["shell", "--strict"], db, script, SLACK_BOT_TOKEN="xoxb-test")
    assert done.returncode == 0, done.stdout + done.stderr
    assert "SO-2026-000001" in done.stdout
    assert "📣" not in done.stdout and "Slack" in done.stdout.splitlines()[0]
    engine = create_engine(db)
    with engine.connect() as conn:
        o = t.outbox.c
        team = conn.execute(select(o.status).where(o.audience.like("channel:%"))).scalars().all()
    engine.dispose()
    assert team and set(team) == {"pending"}  # still Slack's to send
    shown = run_cli(["shell", "--strict"], db, "list\n")  # no token: the shell is the only front end
    assert "📣 [channel:orders]" in shown.stdout


def test_a_script_cannot_switch_to_someone_the_desk_does_not_know(tmp_path: Path) -> None:
    """`/as` a typo would run the rest of the script as whoever spoke before: refused in one line, in the
    language of who asked, an error for `--strict`; a known user is told in their own language."""
    db = sqlite_url(tmp_path)
    desk = make_desk(db, FixedClock(T0))
    seed(desk)
    desk.close()
    done = run_cli(["shell", "--user", "lily", "--strict"], db, "/as wnag\nwhoami\n/as wang\nwhoami\n")
    assert done.returncode == 1 and "Traceback" not in done.stdout + done.stderr
    lines = done.stdout.splitlines()
    assert lines[:2] == [
        "✖ There is no user “wnag”: still the same user (`admin users` lists who there is).",  # lily reads English
        "lily> whoami",
    ]
    assert lines[2].startswith("You are lily;")  # nothing switched
    assert lines[3:5] == ["（现在以 wang 的身份操作）", "wang> whoami"]  # wang reads Chinese
    assert "wang" in lines[5]
    assert run_cli(["shell", "--user", "lily", "--strict"], db, "/as wang\nwhoami\n").returncode == 0
