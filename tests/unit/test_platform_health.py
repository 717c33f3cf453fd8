"""Bringing a chat platform up in the background (bot/app/health.py): tries with backoff whose waiting the test
drives (nothing sleeps), a bad token said once and never retried, a stop that ends the waiting, and a degraded
platform's notifications held without spending their tries."""

from __future__ import annotations

import logging
import threading
from collections.abc import Sequence
from datetime import UTC, datetime

import pytest

from bot.app.health import BadToken, Connector, Health, HeldTransport, Unreachable, backoff
from bot.conversation.delivery import Limit, Notification, RetryLater


class Script:
    """An attempt that fails as told, then succeeds."""

    def __init__(self, *failures: Exception) -> None:
        self.failures = list(failures)
        self.tries = 0

    def __call__(self) -> None:
        self.tries += 1
        if self.failures:
            raise self.failures.pop(0)


def test_backoff_doubles_up_to_its_cap() -> None:
    delays = backoff(1.0, 10.0)
    assert [next(delays) for _ in range(6)] == [1.0, 2.0, 4.0, 8.0, 10.0, 10.0]


def test_an_unreachable_platform_is_degraded_then_tried_again_after_each_backoff(
    caplog: pytest.LogCaptureFixture,
) -> None:
    health, waited = Health(), []
    attempt = Script(Unreachable("Slack cannot be reached: refused"), Unreachable("Slack cannot be reached: refused"),
                     Unreachable("Slack answered internal_error"))  # fmt: skip
    seen: list[dict[str, object]] = []

    def wait(seconds: float) -> bool:
        waited.append(seconds)
        seen.append(health.report())
        return False

    woke: list[str] = []
    connector = Connector("slack", attempt, health, wait=wait, on_up=lambda: woke.append("dispatcher"))
    assert health.report()["platforms"] == {"slack": {"status": "degraded", "reason": "starting"}}
    with caplog.at_level(logging.WARNING, logger="bot.app.health"):
        connector.run()  # on this thread: the waits are the test's
    assert attempt.tries == 4 and waited == [1.0, 2.0, 4.0]
    assert woke == ["dispatcher"]  # what waited for Slack goes at once
    assert seen[0] == {"status": "degraded", "platforms": {"slack": {
        "status": "degraded", "reason": "Slack cannot be reached: refused"}}}  # fmt: skip
    assert health.report() == {"status": "ok", "platforms": {"slack": {"status": "ok"}}}
    said = [r.getMessage() for r in caplog.records]
    assert len(said) == 3  # one line per kind of trouble, and one when it is over
    assert said[-1] == "slack: connected"


def test_a_bad_token_is_one_error_line_and_no_more_tries(caplog: pytest.LogCaptureFixture) -> None:
    health = Health()
    attempt = Script(BadToken("SLACK_BOT_TOKEN", "invalid_auth"))
    connector = Connector("slack", attempt, health, wait=lambda _s: pytest.fail("a bad token is not retried"))
    with caplog.at_level(logging.WARNING, logger="bot.app.health"):
        connector.run()
    assert attempt.tries == 1
    assert [(r.levelname, r.getMessage()) for r in caplog.records] == [
        ("ERROR", "slack: SLACK_BOT_TOKEN was refused (invalid_auth); slack stays off until the token is fixed "
                  "and the process restarted"),
    ]  # fmt: skip
    assert health.report()["platforms"]["slack"] == {
        "status": "degraded", "reason": "SLACK_BOT_TOKEN was refused (invalid_auth)"}  # fmt: skip


def test_something_unforeseen_is_retried_like_an_outage_and_stop_ends_the_waiting() -> None:
    health = Health()
    attempt = Script(ValueError("odd answer"), ValueError("odd answer"))
    connector = Connector("telegram", attempt, health)  # the real waiting: the stop event's
    connector.start()
    assert health.wait_until(lambda h: "odd answer" in str(h.report()), timeout=10)
    connector.stop()  # in the middle of its 1 s wait
    connector.join(10)
    assert attempt.tries == 1
    assert health.report()["platforms"]["telegram"] == {"status": "degraded", "reason": "ValueError: odd answer"}


class Recording:
    prefixes = ("channel:",)

    def __init__(self) -> None:
        self.sent: list[int] = []

    def accepts(self, audience: str) -> bool:
        return audience.startswith("channel:")

    def limits(self, message: Notification) -> Sequence[Limit]:
        return [Limit(message.audience, 1.0)]

    def send(self, batch: Sequence[Notification]) -> None:
        self.sent += [n.id for n in batch]


def test_a_degraded_platform_offers_no_lanes_and_a_send_that_slips_in_waits() -> None:
    health, inner = Health(), Recording()
    held = HeldTransport(inner, health, "slack")
    note = Notification(
        1, "order_confirmed", "SO-2026-000001", "channel:orders", {}, 0, datetime(2026, 1, 1, tzinfo=UTC)
    )
    health.set("slack", False, "Slack cannot be reached")
    with pytest.raises(RetryLater) as later:
        held.send([note])
    assert later.value.retry_after > 0 and inner.sent == []
    assert held.prefixes == () and not held.accepts("channel:orders")  # the dispatcher leaves its lanes alone
    health.set("slack", True)
    assert held.prefixes == ("channel:",) and held.accepts("channel:orders") and held.limits(note)[0].key
    held.send([note])
    assert inner.sent == [1]


def test_health_reports_each_platform_and_is_ok_only_when_all_are() -> None:
    health = Health()
    assert health.report() == {"status": "ok", "platforms": {}}
    health.set("telegram", True)
    health.set("slack", False, "starting")
    assert health.report()["status"] == "degraded" and not health.ok("slack") and health.ok("telegram")
    done = threading.Event()

    def later() -> None:
        health.set("slack", True)
        done.set()

    threading.Thread(target=later).start()
    assert health.wait_until(lambda h: h.ok("slack"), timeout=10) and done.wait(10)
    assert health.report()["status"] == "ok"
