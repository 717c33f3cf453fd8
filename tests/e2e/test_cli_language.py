"""The command line speaks one language — ORDERBOT_LANGUAGE, else the configured one — in its errors and in the
import's report of rejected rows alike."""

from __future__ import annotations

import re
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


def chinese(text: str) -> bool:
    return re.search(r"[\u4e00-\u9fff]", text) is not None


def test_import_rows_follow_orderbot_language_over_the_configured_one(tmp_path: Path) -> None:
    db, env, path = setup(tmp_path, "en")
    done = run_cli(["import", "customers", str(path)], db, **{**env, "ORDERBOT_LANGUAGE": "zh"})
    assert done.returncode == 1
    rows = done.stdout.splitlines()
    # the reasons' wording is the catalogs' business; the language is the command line's
    assert rows[0].startswith("第 2 行：") and chinese(rows[0].removeprefix("第 2 行："))
    assert rows[1].startswith("第 3 行：") and "bogus" in rows[1] and chinese(rows[1].removeprefix("第 3 行："))
    assert rows[-1].startswith("已导入 1 条")
    missing = run_cli(["import", "customers", str(tmp_path / "nope.csv")], db, **{**env, "ORDERBOT_LANGUAGE": "zh"})
    assert missing.returncode == 2 and "不存在" in missing.stderr


def test_without_orderbot_language_the_command_line_speaks_the_configured_language(tmp_path: Path) -> None:
    db, env, path = setup(tmp_path, "zh")
    done = run_cli(["import", "customers", str(path)], db, **env)
    assert done.stdout.startswith("第 2 行：") and "bogus" in done.stdout
    missing = run_cli(["import", "customers", str(tmp_path / "nope.csv")], db, **env)
    assert "不存在" in missing.stderr  # the error outside the rows, in the same language
    english = run_cli(["import", "customers", str(path)], db, **{**env, "ORDERBOT_LANGUAGE": "en"})
    rows = english.stdout.splitlines()
    assert rows[0].startswith("row 2: ") and "bogus" in english.stdout and not chinese(english.stdout)
