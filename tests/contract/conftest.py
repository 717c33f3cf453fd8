"""The repository contract: every test here runs on each unit of work the handlers may be given — the in-memory
one of ``tests.fakes`` ("fake"), and the SQL one on SQLite and on PostgreSQL (skipped, with its reason, unless
ORDERBOT_TEST_DATABASE_URL is set). The SQL answers are the truth; the fake must give the same.

Tests write through the repositories themselves (``add`` and ``commit``), in one transaction, and read back in
another, so the same code seeds every store (``tests.contract.world`` builds a small known world).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from adapters.sql.engine import make_engine
from adapters.sql.schema import upgrade
from bot.app.bootstrap import bootstrap
from bot.app.clock import FixedClock
from bot.app.config import Settings
from tests.conftest import sqlite_url
from tests.contract.world import Store
from tests.fakes import FakeUnitOfWork

BACKENDS = ["fake", "sqlite", "postgresql"]


@pytest.fixture(params=BACKENDS)
def store(request: pytest.FixtureRequest, tmp_path: Path, clock: FixedClock) -> Iterator[Store]:
    if request.param == "fake":
        yield Store("fake", FakeUnitOfWork().factory)
        return
    url = sqlite_url(tmp_path) if request.param == "sqlite" else str(request.getfixturevalue("pg_url"))
    engine = make_engine(url)
    upgrade(engine)
    desk = bootstrap(Settings(database_url=url, admins=()), clock, engine=engine)
    yield Store(request.param, desk.uow)
    desk.close()
