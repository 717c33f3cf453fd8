"""Fixtures for tests that run python-telegram-bot against the local ``FakeBotApi``."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from tests.telegram.fake_bot_api import FakeBotApi


@pytest.fixture(autouse=True)
def _no_proxies(monkeypatch: pytest.MonkeyPatch) -> None:
    """httpx (under PTB) honours HTTP(S)_PROXY/ALL_PROXY: loopback requests must not go through a proxy."""
    for name in list(os.environ):
        if name.upper().endswith("_PROXY"):
            monkeypatch.delenv(name, raising=False)


@pytest.fixture
def fake_bot_api() -> Iterator[FakeBotApi]:
    """A started fake Bot API; stopped (and checked for internal errors) afterwards."""
    with FakeBotApi() as fake:
        yield fake
    assert not fake.errors, f"the fake Bot API itself failed: {fake.errors!r}"
