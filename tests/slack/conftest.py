"""Fixtures for Slack tests: a running ``FakeSlack``, and no proxy between clients and it."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.slack.fake_api import FakeSlack


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch: pytest.MonkeyPatch) -> None:
    """slack_sdk sends through HTTPS_PROXY/HTTP_PROXY when set; the fake lives on loopback."""
    for name in ("HTTPS_PROXY", "https_proxy", "HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def fake_slack() -> Iterator[FakeSlack]:
    with FakeSlack() as fake:
        yield fake
