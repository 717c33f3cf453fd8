"""Reruns every benchmark: `make bench` (or `python -m bench.run [--orders N]`). Prints a markdown table."""

from __future__ import annotations

import argparse
import platform
import tempfile
from pathlib import Path

from bench import core


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--orders", type=int, default=100_000)
    ap.add_argument("--samples", type=int, default=2000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="orderbot-bench-") as tmp:
        figures = core.run(Path(tmp), args.orders, args.samples)
    print(f"machine: {platform.processor() or platform.machine()}, Python {platform.python_version()}\n")
    print("| figure | value | goal | note |\n|---|---|---|---|")
    for f in figures:
        print(f"| {f.name} | {f.value} | {f.goal} | {f.note} |")


if __name__ == "__main__":
    main()
