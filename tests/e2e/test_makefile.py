"""`make run` and `make test` on a fresh clone, with a stand-in python3 whose venv logs every tool it is asked to
run: running installs only what running needs, with pip's progress showing; the tests add their extra; each
install happens once, whichever command comes first."""

from __future__ import annotations

import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from tests.e2e.cli import ROOT

# A python3 that makes a "venv" whose every tool writes its name and arguments to $TOOL_LOG.
FAKE_PYTHON = """#!/bin/sh
if [ "$1" = "-m" ] && [ "$2" = "venv" ]; then
  mkdir -p "$3/bin"
  for tool in python pip orderbot ruff mypy lint-imports; do
    printf '#!/bin/sh\\necho "%s $*" >> "$TOOL_LOG"\\n' "$tool" > "$3/bin/$tool"
    chmod +x "$3/bin/$tool"
  done
  exit 0
fi
exit 1
"""

pytestmark = pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")


def clone(tmp_path: Path) -> tuple[Path, Path]:
    work = tmp_path / "clone"
    work.mkdir()
    for name in ("Makefile", "pyproject.toml"):
        shutil.copy(ROOT / name, work / name)
    fake = tmp_path / "python3"
    fake.write_text(FAKE_PYTHON)
    fake.chmod(fake.stat().st_mode | stat.S_IEXEC)
    return work, fake


def make(work: Path, fake: Path, target: str) -> tuple[list[str], str]:
    """The pip commands `make TARGET` ran (in order) and what make printed."""
    log = work / "tools.log"
    log.write_text("")
    done = subprocess.run(
        ["make", "-s", target, f"PYTHON={fake}"], cwd=work, capture_output=True, text=True, timeout=60,
        env={"PATH": "/usr/bin:/bin", "TOOL_LOG": str(log)},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    return [line for line in log.read_text().splitlines() if line.startswith("pip ")], done.stdout


def test_run_installs_only_what_running_needs_and_shows_pip_progress(tmp_path: Path) -> None:
    work, fake = clone(tmp_path)
    pips, said = make(work, fake, "run")
    installs = [p for p in pips if "--upgrade pip" not in p]
    assert installs == ["pip install -e ."]  # no test extra, and not --quiet: pip's progress shows
    assert "Installing orderbot and what it needs to run" in said
    assert make(work, fake, "run")[0] == []  # installed once
    # the test tools come on top when the tests first run, and only then
    assert make(work, fake, "test")[0] == ["pip install -e .[test]"]
    assert make(work, fake, "test")[0] == []
    assert make(work, fake, "run")[0] == []


def test_a_fresh_clone_can_run_the_tests_first(tmp_path: Path) -> None:
    work, fake = clone(tmp_path)
    pips, said = make(work, fake, "test")
    assert [p for p in pips if "--upgrade pip" not in p] == ["pip install -e .[test]"]
    assert "test tools" in said
    assert make(work, fake, "run")[0] == []  # the test extra includes everything running needs
    # a changed pyproject.toml installs again
    with (work / "pyproject.toml").open("a") as f:
        f.write("\n# changed\n")
    assert make(work, fake, "run")[0] == ["pip install -e ."]
