"""`orderbot import` as a user runs it (issue 13, item 15): the same orders file twice creates its orders once —
the first run lists the numbers created, the second says per order which one it already is — and `--update`
updates customers the first run left alone."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import sqlite_url
from tests.e2e.cli import run_cli

CUSTOMERS = "code,name,tier\nCUST-9,Ninth Co,normal\n"
ORDERS = (
    "order_ref,customer,sku,quantity,unit_price,due_date\n"
    'X-1,CUST-9,BOLT-M8X30,"1,000",0.12,2026-12-20\n'
    "X-2,CUST-9,BOLT-M8X30,２５０,0.12,2026-12-20\n"
)


def test_an_orders_file_imported_twice(tmp_path: Path) -> None:
    db = sqlite_url(tmp_path)
    env = {"ORDERBOT_LANGUAGE": "en"}
    assert run_cli(["db", "upgrade"], db, **env).returncode == 0
    products = tmp_path / "p.csv"
    products.write_text("sku,name,list_price\nBOLT-M8X30,Hex bolt,0.12\n", encoding="utf-8")
    customers, orders = tmp_path / "c.csv", tmp_path / "o.csv"
    customers.write_text(CUSTOMERS, encoding="utf-8")
    orders.write_text(ORDERS, encoding="utf-8")
    for kind, path in (("products", products), ("customers", customers)):
        assert run_cli(["import", kind, str(path)], db, **env).returncode == 0

    first = run_cli(["import", "orders", str(orders), "--user", "admin"], db, **env)
    assert first.returncode == 0, first.stderr
    assert first.stdout.splitlines() == [
        "orders created: SO-2026-000001, SO-2026-000002",
        "imported 2, updated 0, unchanged 0, already there 0, rejected 0",
    ]
    again = run_cli(["import", "orders", str(orders), "--user", "admin"], db, **env)
    assert again.returncode == 0, again.stderr
    assert again.stdout.splitlines() == [
        "row 2: order X-1 is already imported as SO-2026-000001; skipped.",
        "row 3: order X-2 is already imported as SO-2026-000002; skipped.",
        "imported 0, updated 0, unchanged 0, already there 2, rejected 0",
    ]

    customers.write_text("code,name,tier\nCUST-9,Ninth Group,key\n", encoding="utf-8")
    left = run_cli(["import", "customers", str(customers)], db, **env)
    assert left.stdout.splitlines()[0] == (
        "row 2: CUST-9 already exists; left as it is (import with --update to update it)."
    )
    updated = run_cli(["import", "customers", str(customers), "--update"], db, **env)
    assert updated.stdout.splitlines() == ["imported 0, updated 1, unchanged 0, already there 0, rejected 0"]
