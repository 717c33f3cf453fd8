"""The README's chat examples run as written, in order, through the real `orderbot shell --strict` on what
`make run` sets up on a fresh clone (the default config, `db upgrade`, `demo --if-empty`), at a fixed time —
so the first thing a newcomer types cannot rot again. And the README's table of who may do what is the
domain's."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from domain.users import PERMISSIONS
from tests.conftest import T0, sqlite_url
from tests.e2e.cli import run_cli
from tests.e2e.readme import ORDER_NUMBER, ReadmeError, Step, read_readme, replies, script, steps

README = read_readme()


def run_readme(tmp_path: Path, now: str) -> tuple[list[Step], dict[int, str], str]:
    db = sqlite_url(tmp_path)
    config = tmp_path / "orderbot.toml"
    config.write_text("")  # a fresh clone has no orderbot.toml: every default
    env = {"now": now, "ORDERBOT_CONFIG": str(config)}
    for args in (["db", "upgrade"], ["demo", "--if-empty"]):
        done = run_cli(args, db, **env)
        assert done.returncode == 0, done.stdout + done.stderr
    all_steps = steps(README)
    done = run_cli(["shell", "--strict"], db, script(all_steps), **env)
    out = done.stdout
    assert "Traceback" not in out + done.stderr, done.stderr
    answered = replies(all_steps, out)
    refused = [
        f"README.md:{line}: `{next(s.command for s in all_steps if s.line == line)}` →\n{reply}"
        for line, reply in answered.items()
        if any(r.startswith("✖ ") for r in reply.splitlines())
    ]
    assert not refused, "\n\n".join(refused)
    assert done.returncode == 0, out[-3000:] + done.stderr
    return all_steps, answered, out


# T0 is a Sunday in November; the other a Friday mid-year: 下周五, 下个月底 and 提前两周 fall differently.
@pytest.mark.parametrize("now", [T0.isoformat(), "2026-06-26T02:00:00+00:00"], ids=["november", "june"])
def test_every_readme_chat_block_runs_as_written_on_the_demo_company(tmp_path: Path, now: str) -> None:
    all_steps, answered, _ = run_readme(tmp_path, now)
    assert len(all_steps) >= 20 and any(s.command.startswith("/as ") for s in all_steps)
    # the order numbers the README types are the ones the demo company gives next
    for i, s in enumerate(all_steps):
        if s.command.split()[0] in ("new", "新建", "下单"):
            created = ORDER_NUMBER.findall(answered[s.line])
            assert created, f"README.md:{s.line}: `new` created no order: {answered[s.line]}"
            typed = next((n for later in all_steps[i + 1 :] for n in ORDER_NUMBER.findall(later.command)), None)
            assert typed == created[0], f"README.md:{s.line}: the demo creates {created[0]}, the README types {typed}"
    # what the README's comments say happens, happens
    history = next(answered[s.line] for s in all_steps if s.command.startswith("history"))
    # created, confirmed, held, resumed, in production, ready, shipped, delivered, closed: nine entries at v1
    assert len(re.findall(r"^\s+v1\s", history, re.MULTILINE)) == 9, history
    assert "等客户图纸" in history and "SF1234567890" in history
    applied = next(answered[s.line] for s in all_steps if s.user == "zhao" and s.command == "approve CR-1")
    assert "v2" in applied


def test_the_readme_checker_fails_on_a_wrong_prompt_or_a_stray_line() -> None:
    good = "```\nadmin> whoami\n# a comment\nadmin> /as lily\nlily> whoami\n```\n```text\nnot run\n```\n"
    said = [(s.user, s.command) for s in steps(good)]
    assert said == [("admin", "whoami"), ("admin", "/as lily"), ("lily", "whoami")]
    with pytest.raises(ReadmeError, match="prompt says lily> but admin is speaking"):
        steps("```\nlily> whoami\n```\n")
    with pytest.raises(ReadmeError, match="not `NAME> COMMAND`"):
        steps("```\nadmin> whoami\nwhoami   # no prompt\n```\n")


# The README's "Who may do what" rows, and the permissions (domain/users.py) each row stands for.
ROWS = {
    "create, edit a draft, submit, confirm, cancel, request a change": (
        "create", "edit", "submit", "confirm", "cancel", "request_change",
    ),
    "hold, resume": ("hold", "resume"),
    "move to in production": ("in_production",),
    "move to ready": ("ready",),
    "ship": ("shipped",),
    "record the delivery": ("delivered",),
    "close": ("closed",),
}  # fmt: skip


def test_the_readme_says_who_may_move_an_order_as_the_domain_decides() -> None:
    section = README.split("**Who may do what.**", 1)[1].split("\n\n**", 1)[0]
    table = dict(re.findall(r"^\| (.+?) \| (.+?) \|$", section, re.MULTILINE))
    for row, actions in ROWS.items():
        # a row may say more after its name ("move to ready (…)") and after its roles ("… — only once …")
        label = next((label for label in table if label.startswith(row)), None)
        assert label is not None, f"README's 'Who may do what' lost the row {row!r}"
        said = {r.strip() for r in table[label].split(" — ")[0].split(",")}
        for action in actions:
            assert said == {r.value for r in PERMISSIONS[action]}, f"{row}: README says {said}, domain {action}"
