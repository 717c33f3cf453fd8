"""Alerts in the shell, as an admin would try them without any token: an order left unconfirmed and an
approval left waiting, noticed by `admin scan` three days later, listed by `admin alerts`, said once however
often the scans run, and cleared when the order moves on. `admin outbox` shows nothing was given up on."""

from __future__ import annotations

import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from bot.app.clock import FixedClock
from tests.conftest import T0, make_desk, sqlite_url
from tests.e2e.cli import ROOT, cli_env
from tests.integration.seed import seed

MONDAY = """\
/as lily
new CUST-001 NUT-M8 10 due 2026-12-20
submit SO-2026-000001
new CUST-001 NUT-M8 20 due 2026-12-20
confirm SO-2026-000002
qty SO-2026-000002 NUT-M8 15 reason 客户减量
"""
THURSDAY = """\
/as admin
admin scan
admin alerts
admin scan
/as wang
confirm SO-2026-000001
/as admin
admin scan 逾期 环节
admin outbox
admin scan weather
"""


def shell(db: str, now: str, script: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot.app.cli", "shell"], input=script, capture_output=True, text=True,
                          env=cli_env(db, now), cwd=ROOT, timeout=120)  # fmt: skip


def test_alerts_in_the_shell(tmp_path: Path) -> None:
    db = sqlite_url(tmp_path)
    desk = make_desk(db, FixedClock(T0))
    seed(desk)
    desk.close()
    first = shell(db, T0.isoformat(), MONDAY)
    assert first.returncode == 0, first.stdout + first.stderr
    later = shell(db, (T0 + timedelta(days=3)).isoformat(), THURSDAY)
    out = later.stdout
    assert later.returncode == 0, out + later.stderr
    scans = out.split("admin> admin scan\n")
    # `/as wang` says so in wang's language (Chinese)
    first_scan, second_scan = scans[1].split("admin> admin alerts")[0], scans[2].split("（现在以 wang 的身份操作）")[0]
    # the forgotten order, to the alerts channel; the request waiting, escalated to the approvals channel
    assert "📣 [channel:alerts] 🐢 SO-2026-000001" in first_scan
    assert "📣 [channel:approvals] 🚨 SO-2026-000002" in first_scan
    assert "📣 [role:admin] 🚨 SO-2026-000002" in first_scan  # the admin is who the sales manager escalates to
    assert "环节超时：新提醒 1" in first_scan and "待审批超时：新提醒 1" in first_scan  # the admin reads Chinese
    listed = out.split("admin> admin alerts\n", 1)[1].split("admin> ")[0]
    assert "SO-2026-000001" in listed and "CR-1" in listed and "待确认" in listed and "销售经理" in listed
    # wang, at the keyboard, gets what was sent to him and to his role (a script prints it where delivered)
    wang = out.split("wang> confirm SO-2026-000001\n", 1)[1].split("（现在以 admin 的身份操作）")[0]
    assert "(now speaking" not in out  # both read Chinese
    assert "📣 [role:sales_manager] 🐢 SO-2026-000001" in wang and "📣 [user:wang] ⌛ SO-2026-000002" in wang
    # scanning again says nothing new
    assert "📣" not in second_scan and "新提醒 1" not in second_scan
    # confirmed: cleared, once, in the alerts channel
    after = out.split("admin> admin scan 逾期 环节\n", 1)[1].split("admin> admin outbox")[0]
    assert "📣 [channel:alerts] ✅ SO-2026-000001" in after
    assert "Nothing was given up on" in out or "没有放弃的通知" in out
    assert "weather" in out.rsplit("admin> admin scan weather", 1)[1]
