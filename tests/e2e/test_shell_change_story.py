"""The story from the field, as a scripted shell session on a real database: 1000 units confirmed with a
work order that ran; the customer cuts to 800 and wants them two weeks earlier. The change is assessed,
three roles approve it, and it reaches stock, production and the customer at once."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import create_engine, select

from adapters.sql import tables as t
from bot.app.clock import FixedClock
from tests.conftest import T0, make_desk, sqlite_url
from tests.e2e.cli import run_cli
from tests.integration.seed import seed

SCRIPT = """\
/as liu
count BOLT-M8X30 700 opening balance
/as lily
new CUST-003 BOLT-M8X30 1000 @300 due 2026-12-31 po PO-88
confirm SO-2026-000001
/as zhao
wo release WO-2026-000001
wo start WO-2026-000001
wo report WO-2026-000001 300
/as lily
change SO-2026-000001 qty BOLT-M8 800 date 提前两周 reason "customer budget cut" evidence "mail 11-21"
approve CR-1
/as liu
approve CR-1
/as wang
approve CR-1
approve CR-1
/as chen
pending
approve CR-1
/as zhao
approve CR-1
show SO-2026-000001
diff SO-2026-000001 v1 v2
cr CR-1
stock BOLT-M8X30
/as lily
report changes 2026-11
"""


def between(out: str, start: str, end: str) -> str:
    return out.split(start, 1)[1].split(end, 1)[0]


def test_cut_and_pull_in_runs_from_request_to_customer_notice(tmp_path: Path) -> None:
    db = sqlite_url(tmp_path)
    desk = make_desk(db, FixedClock(T0))
    seed(desk, opening_stock=0)
    desk.close()
    done = run_cli(["shell"], db, SCRIPT)
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    assert "Traceback" not in out + done.stderr

    # the request shows its impact before anyone decides
    filed = between(out, "lily> change SO-2026-000001", "lily> approve CR-1")
    assert "CR-1 filed for SO-2026-000001 — waiting for sales manager, finance, production." in filed
    assert "BOLT-M8X30: 200 released from reservation back to free stock" in filed
    assert "BOLT-M8X30: 300 produced, 0 in production, 0 planned" in filed
    assert "BOLT-M8X30: 200 produced or in production beyond the new quantity" in filed
    assert "300,000.00 → 240,000.00 (-60,000.00)" in filed
    assert "due 2026-12-31 → 2026-12-17" in filed
    assert "amount change 60000 > 50000" in filed and "date pulled earlier (2026-12-31 → 2026-12-17)" in filed
    assert "HIGH" in filed

    # self-approval and a wrong role are refused, in one line each, and change nothing
    assert "✖ You requested CR-1: someone else must decide it." in between(out, "lily> approve CR-1", "(now")
    assert "✖ You need one of the roles" in between(out, "liu> approve CR-1", "(now")
    # wang (reads Chinese) approves; his double click changes nothing
    wang = between(out, "（现在以 wang 的身份操作）", "(now speaking as chen)")  # each told in their own language
    assert "CR-1：已以销售经理身份同意" in wang and "您已经同意过" in wang
    assert "CR-1" in between(out, "chen> pending", "chen> approve")
    assert "still waiting for production" in between(out, "chen> approve CR-1", "(now")
    applied = between(out, "zhao> approve CR-1", "zhao> show")
    assert "CR-1 approved and applied: SO-2026-000001 is now v2." in applied

    shown = between(out, "zhao> show SO-2026-000001", "zhao> diff")
    assert "v2" in shown and "240,000.00" in shown and "2026-12-17" in shown
    diff = between(out, "zhao> diff SO-2026-000001 v1 v2", "zhao> cr CR-1")
    assert "1000" in diff and "800" in diff and "2026-12-31" in diff and "2026-12-17" in diff
    trail = between(out, "zhao> cr CR-1", "zhao> stock")
    for who in ("wang", "chen", "zhao"):
        assert f"approved by {who}" in trail
    assert "Refused attempts: lily (approve), liu (approve)" in trail
    stock = between(out, "zhao> stock BOLT-M8X30", "(now")
    assert "200" in stock  # the 200 units are free stock again
    report = out.split("lily> report changes 2026-11", 1)[1]
    assert "CUST-003" in report and "-60,000.00" in report

    engine = create_engine(db)
    with engine.connect() as conn:
        o = t.outbox.c
        told = conn.execute(select(o.kind).where(o.audience == "customer:CUST-003").order_by(o.id)).scalars().all()
        kinds = conn.execute(select(o.kind).order_by(o.id)).scalars().all()
        line = conn.execute(select(t.order_lines.c.quantity, t.order_lines.c.reserved_qty)).one()
    engine.dispose()
    assert told == ["order_confirmed", "order_changed"]  # the customer-facing event is in the outbox
    assert {"cr_created", "cr_approval", "cr_approved", "order_changed"} <= set(kinds)
    assert tuple(line) == (800, 800)
