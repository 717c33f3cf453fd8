"""Migrations from code: upgrade, and the check that keeps the bot off an outdated database."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Engine

from domain.errors import OrderbotError

ROOT = Path(__file__).resolve().parents[2]


class SchemaOutdated(OrderbotError):
    code = "schema_outdated"
    default = "The database {url} is at revision {current}, the code needs {head}: run `orderbot db upgrade`."


def alembic_config(url: str) -> Config:
    cfg = Config(str(ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def head_revision(url: str) -> str:
    head = ScriptDirectory.from_config(alembic_config(url)).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> str:
    url = engine.url.render_as_string(hide_password=False)
    cfg = alembic_config(url)
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
    return head_revision(url)


def require_current(engine: Engine) -> None:
    url = engine.url.render_as_string(hide_password=False)
    head, current = head_revision(url), current_revision(engine)
    if current != head:
        raise SchemaOutdated(
            "schema_outdated",
            url=engine.url.render_as_string(hide_password=True),
            current=current or "empty",
            head=head,
        )
