"""Shared fixtures: a fixed clock, a migrated database (SQLite file, or real PostgreSQL when asked), and desks on
either (``desk``, ``any_desk``) or on the in-memory unit of work of ``tests.fakes`` (``fake_desk``)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import text

from adapters.delivery import DeliveryPolicy, Pace
from adapters.sql.engine import make_engine
from adapters.sql.schema import upgrade
from bot.app.bootstrap import Desk, bootstrap
from bot.app.clock import FixedClock
from bot.app.config import Settings
from tests.fakes import FakeUnitOfWork

# Sunday 22 November 2026, 09:00 in Shanghai.
T0 = datetime(2026, 11, 22, 1, 0, tzinfo=UTC)
PG_ENV = "ORDERBOT_TEST_DATABASE_URL"
# For end-to-end tests whose fixed clock does not move while they deliver: pacing would hold everything
# after the first burst. Pacing itself is tested with a clock that moves (test_outbox, test_delivery_*).
_FAST = Pace(1000.0, 1000)
UNPACED = DeliveryPolicy(slack_channel=_FAST, telegram_chat=_FAST, telegram_group=_FAST, telegram_bot=_FAST)


@pytest.fixture(autouse=True)
def _no_real_tokens(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may read a real token or the developer's own config."""
    for name in list(os.environ):
        if name.startswith(("SLACK_", "TELEGRAM_")) or name in ("ORDERBOT_CONFIG", "ORDERBOT_DATABASE_URL"):
            monkeypatch.delenv(name, raising=False)


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(T0)


def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'orderbot.db'}"


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A fresh schema on the test PostgreSQL, dropped afterwards; skipped (visibly) when none is configured."""
    base = os.environ.get(PG_ENV)
    if not base:
        pytest.skip(f"PostgreSQL tests need {PG_ENV} (e.g. postgresql://postgres@127.0.0.1:5432/test)")
    schema = f"t_{uuid.uuid4().hex[:10]}"
    admin = make_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in base else "?"
    yield f"{base}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def make_desk(url: str, clock: FixedClock, **settings: object) -> Desk:
    engine = make_engine(url)
    upgrade(engine)
    desk = bootstrap(Settings(database_url=url, **settings), clock, engine=engine)  # type: ignore[arg-type]
    desk.ensure_admins()
    return desk


def make_fake_desk(clock: FixedClock, fake: FakeUnitOfWork, **settings: object) -> Desk:
    """The same desk as ``make_desk`` (bus, dates, contexts, the config's admins let in) on the in-memory unit
    of work ``fake``: no database, and ``fake.saved`` shows what every command kept."""
    desk = bootstrap(Settings(**settings), clock, uow_factory=fake.factory)  # type: ignore[arg-type]
    desk.ensure_admins()
    return desk


@pytest.fixture(params=["sqlite", "postgresql"])
def any_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return sqlite_url(tmp_path)
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def desk(tmp_path: Path, clock: FixedClock) -> Iterator[Desk]:
    d = make_desk(sqlite_url(tmp_path), clock)
    yield d
    d.close()


@pytest.fixture
def any_desk(any_url: str, clock: FixedClock) -> Iterator[Desk]:
    d = make_desk(any_url, clock)
    yield d
    d.close()


@pytest.fixture
def fake_uow() -> FakeUnitOfWork:
    return FakeUnitOfWork()


@pytest.fixture
def fake_desk(fake_uow: FakeUnitOfWork, clock: FixedClock) -> Desk:
    return make_fake_desk(clock, fake_uow)
