"""Reruns every benchmark: `make bench` (or `python -m bench.run [--orders N] [--only GROUP]`).
Prints a markdown table."""

from __future__ import annotations

import argparse
import platform
import tempfile
from pathlib import Path

from bench import changes, core, slack, stock


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=100_000)
    ap.add_argument("--samples", type=int, default=2000)
    groups = ("core", "stock", "changes", "slack", "delivery", "scheduler")
    ap.add_argument("--only", choices=groups, help="run one group of figures (default: all)")
    ap.add_argument("--stock-orders", type=int, default=5_000, help="orders confirmed in the PostgreSQL race")
    ap.add_argument("--slack-seconds", type=int, default=60, help="length of the slash-command load (50 per second)")
    ap.add_argument("--delivery-rows", type=int, default=10_000, help="outbox rows paced to 20 channels at 1/s each")
    ap.add_argument("--shared-rows", type=int, default=2_000, help="rows for two dispatchers taking turns (twice)")
    ap.add_argument(
        "--scheduler-orders", default="10000,100000,1000000", help="order counts the scheduler's scans run on"
    )
    args = ap.parse_args()
    figures: list[core.Figure] = []
    with tempfile.TemporaryDirectory(prefix="orderbot-bench-") as tmp:
        if args.only in (None, "core"):
            figures += core.run(Path(tmp), args.orders, args.samples)
        if args.only in (None, "stock"):
            figures += stock.run(Path(tmp), args.orders, args.samples, pg_orders=args.stock_orders)
        if args.only in (None, "changes"):
            figures += changes.run(Path(tmp), args.orders, samples=min(args.samples, 200))
        if args.only in (None, "slack"):
            figures += slack.run(Path(tmp), args.orders, args.slack_seconds)
        if args.only in (None, "delivery"):
            from bench import delivery, delivery_shared

            figures += delivery.run(Path(tmp), args.delivery_rows)
            figures += delivery_shared.run(Path(tmp), args.shared_rows)
        if args.only in (None, "scheduler"):
            from bench import scheduler

            sizes = [int(n) for n in args.scheduler_orders.split(",")]
            figures += scheduler.run(Path(tmp), sizes)
    print(f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}\n")
    print("| figure | value | goal | note |\n|---|---|---|---|")
    for f in figures:
        print(f"| {f.name} | {f.value} | {f.goal} | {f.note} |")


if __name__ == "__main__":
    main()
