"""Stock, as the floor lives it, through `orderbot shell`: short on confirmation, backorders and a
purchase suggestion, a receipt that serves the strategic customer first, a work order, shipping, the ledger."""

from __future__ import annotations

from pathlib import Path

from bot.app.clock import FixedClock
from tests.conftest import T0, make_desk, sqlite_url
from tests.e2e.cli import run_cli
from tests.integration.seed import seed

STORY = """\
/as liu
count NUT-M8 100 opening balance
count BOLT-M8X30 200 opening balance
/as lily
new CUST-001 NUT-M8 300 BOLT-M8X30 500 due 2026-12-10
confirm SO-2026-000001
new CUST-003 NUT-M8 150 due 2026-12-20
confirm SO-2026-000002
stock NUT-M8
po suggest
/as zhao
po from-suggestions supplier 宁波五金 eta 2026-12-01
/as chen
po approve PO-2026-000001
/as liu
receive PO-2026-000001 NUT-M8 200
stock NUT-M8
receive PO-2026-000001
/as zhao
wo release WO-2026-000001
wo start WO-2026-000001
wo report WO-2026-000001 300 scrap 5
advance SO-2026-000001
advance SO-2026-000001
/as liu
ship SO-2026-000001 顺丰 SF1234567890
ledger NUT-M8
"""


def test_stock_story(tmp_path: Path) -> None:
    db = sqlite_url(tmp_path)
    desk = make_desk(db, FixedClock(T0))
    seed(desk, opening_stock=0)
    desk.close()
    done = run_cli(["shell", "--strict"], db, STORY)
    out = done.stdout
    assert done.returncode == 0, out + done.stderr
    # confirmed short: both lines backordered, a work order planned for the make item
    assert "line 1 NUT-M8: 200 short" in out and "line 2 BOLT-M8X30: 300 short" in out
    assert "work orders planned: WO-2026-000001" in out
    # the suggestion covers both orders' NUT-M8 backorders (200 + 150)
    suggest = out.split("> po suggest\n", 1)[1]
    assert "NUT-M8" in suggest.split("\n")[3] and suggest.split("\n")[3].rstrip().endswith("350")
    # 200 received: the strategic customer's order (later due date) is served first and told so
    notices = [ln for ln in out.splitlines() if "📣" in ln]
    complete = [ln for ln in notices if "now has all its stock reserved" in ln or "所需库存已全部预占" in ln]
    assert complete and "SO-2026-000002" in complete[0]
    after_first = out.split("> receive PO-2026-000001 NUT-M8 200\n", 1)[1].split("> receive PO-2026-000001\n")[0]
    assert "SO-2026-000002  CUST-003  confirmed  2026-12-20  1  150       0" in after_first
    assert "SO-2026-000001  CUST-001  confirmed  2026-12-10  1  150       150" in after_first
    # the work order finished the bolts; the order shipped; the ledger tells every move of NUT-M8
    assert "WO-2026-000001: 300 done, 5 scrap; done." in out
    assert "SO-2026-000001 shipped with 顺丰, tracking SF1234567890." in out
    ledger = out.split("> ledger NUT-M8\n", 1)[1]
    for kind in ("adjustment", "reservation", "receipt", "shipment"):
        assert kind in ledger
    assert "Ledger of NUT-M8 (on hand 150, reserved 150)" in ledger
