"""The command line speaks one language — ORDERBOT_LANGUAGE, else the configured one — in its errors and in the
import's report of rejected rows alike."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import sqlite_url
from tests.e2e.cli import run_cli

CSV = "code,name,tier\nC1,,normal\nC2,Good Co,bogus\nC3,Fine Co,normal\n"


def setup(tmp_path: Path, language: str) -> tuple[str, dict[str, str], Path]:
    db = sqlite_url(tmp_path)
    config = tmp_path / "orderbot.toml"
    config.write_text(f'[orderbot]\nlanguage = "{language}"\n')
    env = {"ORDERBOT_CONFIG": str(config), "ORDERBOT_LANGUAGE": ""}
    assert run_cli(["db", "upgrade"], db, **env).returncode == 0
    path = tmp_path / "customers.csv"
    path.write_text(CSV, encoding="utf-8")
    return db, env, path


def test_import_rows_follow_orderbot_language_over_the_configured_one(tmp_path: Path) -> None:
    db, env, path = setup(tmp_path, "en")
    done = run_cli(["import", "customers", str(path)], db, **{**env, "ORDERBOT_LANGUAGE": "zh"})
    assert done.returncode == 1
    rows = done.stdout.splitlines()
    assert rows[0].startswith("第 2 行：") and "为空" in rows[0]
    assert rows[1].startswith("第 3 行：") and "「bogus」不在可选值之内：normal, key, strategic" in rows[1]
    assert rows[2] == "已导入 1 条，更新 0 条，无变化 0 条，已存在 0 条，拒绝 2 条"
    missing = run_cli(["import", "customers", str(tmp_path / "nope.csv")], db, **{**env, "ORDERBOT_LANGUAGE": "zh"})
    assert missing.returncode == 2 and "不存在" in missing.stderr


def test_without_orderbot_language_the_command_line_speaks_the_configured_language(tmp_path: Path) -> None:
    db, env, path = setup(tmp_path, "zh")
    done = run_cli(["import", "customers", str(path)], db, **env)
    assert done.stdout.startswith("第 2 行：") and "「bogus」不在可选值之内" in done.stdout
    missing = run_cli(["import", "customers", str(tmp_path / "nope.csv")], db, **env)
    assert "不存在" in missing.stderr  # the error outside the rows, in the same language
    english = run_cli(["import", "customers", str(path)], db, **{**env, "ORDERBOT_LANGUAGE": "en"})
    assert english.stdout.startswith("row 2: ") and "“bogus” is not one of normal, key, strategic" in english.stdout
