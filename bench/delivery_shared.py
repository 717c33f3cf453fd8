"""Two dispatchers on one database — what two `orderbot serve` processes are — delivering to 20 Slack
channels through the fake Slack that enforces 1 message/s per channel with a burst of 3 and answers 429
beyond it. A lane goes to whichever dispatcher claims it next, so it hops between them.

What is compared, in the same run, on the same rows and the same fake: the pacer's schedule carried by the
lane (``outbox_lanes.pace``: the next dispatcher goes on from it), against a baseline whose pacers ignore
it — how delivery behaved before the schedule travelled, each process pacing only what it had sent itself,
so a lane that changed hands started a fresh burst. The figures: Slack's 429 answers, and the time as a
ratio to the floor the limit sets. Everything else is the production path of ``bench.delivery``: two
``build_slack`` runtimes (transport, dispatcher of 8 workers, loop), the real clock, SQLite.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from adapters.delivery.pacing import Pacer
from bench.core import Figure
from bench.delivery import BURST, CHANNELS, INTERVAL, NUMBER, POLL_S, RATE, _counts, _desk, _fill, _no_proxy
from bot.app.slack_runtime import SlackSecrets, build_slack
from tests.slack.fake_api import FakeSlack

DISPATCHERS = 2


class ForgetfulPacer(Pacer):
    """The baseline: a pacer that ignores the schedule a lane carries, as each process did on its own."""

    def adopt(self, schedule: Mapping[str, float]) -> None:
        return None


@dataclass(frozen=True)
class Outcome:
    seconds: float
    limited: int
    accepted: int
    counts: dict[str, int]
    in_order: bool
    floor: float


def _deliver(workdir: Path, rows: int, pacer: type[Pacer]) -> Outcome:
    workdir.mkdir()
    desk = _desk(workdir)
    expected = _fill(desk, rows)
    desk.settings = replace(desk.settings, slack_channels={f"c{n:02d}": f"C{n:02d}" for n in range(1, CHANNELS + 1)})
    floor = max(max(0, len(v) - BURST) / RATE for v in expected.values())
    fake = FakeSlack().start()
    fake.rate_limit(RATE, burst=BURST)
    loops = []
    try:
        with _no_proxy():
            secrets = SlackSecrets("xoxb-bench", "", "", fake.base_url)
            for _ in range(DISPATCHERS):
                runtime = build_slack(desk, secrets, verify_token=False, interval=INTERVAL)
                runtime.dispatcher.pacer = pacer()
                loops.append(runtime.loop)
            start = time.monotonic()
            for loop in loops:
                loop.start()
            counts = _counts(desk)
            while counts.get("pending", 0) and time.monotonic() - start < 3 * floor + 120:
                time.sleep(POLL_S)
                counts = _counts(desk)
            seconds = time.monotonic() - start
    finally:
        for loop in loops:
            loop.stop()
        fake.stop()
        desk.close()
    in_order = all(
        [int(m.group(1)) if (m := NUMBER.search(text)) else -1 for text in fake.posted_to(channel)] == want
        for channel, want in expected.items()
    )
    return Outcome(seconds, fake.rate_limited, len(fake.posted), counts, in_order, floor)


def _share(o: Outcome) -> str:
    posts = o.accepted + o.limited
    return f"{o.limited:,} = {o.limited / posts:.2%} of posts" if posts else "0 (no posts)"


def run(workdir: Path, rows: int = 2_000) -> list[Figure]:
    carried = _deliver(workdir / "carried", rows, Pacer)
    forgetful = _deliver(workdir / "forgetful", rows, ForgetfulPacer)
    checks = "; ".join(
        f"{name}: sent {o.counts.get('sent', 0):,}, dead {o.counts.get('dead', 0):,}, pending "
        f"{o.counts.get('pending', 0):,}, {'in row order' if o.in_order else 'NOT in row order'}"
        for name, o in (("carried", carried), ("baseline", forgetful))
    )
    return [
        Figure(
            f"Slack 429 answers, {DISPATCHERS} dispatchers taking turns, {rows:,} rows to {CHANNELS} channels",
            f"{_share(carried)} (baseline without the carried schedule: {_share(forgetful)})",
            "≤ 1 %",
            f"same rows, same fake limit ({RATE:g}/s per channel, burst {BURST}), run one after the other; {checks}",
        ),
        Figure(
            f"outbox delivery, {DISPATCHERS} dispatchers, {rows:,} rows to {CHANNELS} Slack channels",
            f"{carried.seconds:.1f} s = {carried.seconds / carried.floor:.3f} × floor "
            f"(baseline {forgetful.seconds / forgetful.floor:.3f} ×)",
            "≤ 1.1 × floor",
            f"floor {carried.floor:.0f} s ((rows − burst)/rate, slowest channel); SQLite, real clock",
        ),
    ]
