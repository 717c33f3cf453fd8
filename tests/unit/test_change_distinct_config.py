"""`[approval] distinct_approvers_over`: the order amount over which every role of a change request needs a
different person — from the config, derived from the finance rule when not given, refused at start-up when bad."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from bot.app.config import ConfigError, load_settings
from domain.approval import ApprovalPolicy


def settings_from(tmp_path: Path, text: str) -> ApprovalPolicy:
    path = tmp_path / "orderbot.toml"
    path.write_text(text, encoding="utf-8")
    return load_settings(path, env={}).approval


FINANCE_80K = """
[[approval.rule]]
roles = ["sales_manager"]
when = ["always"]

[[approval.rule]]
roles = ["finance"]
amount_delta_over = 80000
"""


def test_the_default_is_the_finance_threshold() -> None:
    policy = ApprovalPolicy()
    assert policy.distinct_approvers_over == Decimal(50000)
    assert policy.distinct_approvers(Decimal("50000.01")) and not policy.distinct_approvers(Decimal(50000))


@pytest.mark.parametrize(
    ("text", "limit"),
    [
        ("[orderbot]\n", Decimal(50000)),  # nothing said: the default rules' finance threshold
        (FINANCE_80K, Decimal(80000)),  # own rules: their finance threshold
        ('[[approval.rule]]\nroles = ["sales_manager"]\nwhen = ["always"]\n', None),  # no finance limit: never
        ("[approval]\ndistinct_approvers_over = 20000\n" + FINANCE_80K, Decimal(20000)),
        ('[approval]\ndistinct_approvers_over = "1500.50"\n', Decimal("1500.50")),
        ("[approval]\ndistinct_approvers_over = 0\n", Decimal(0)),  # every request
        ("[approval]\ndistinct_approvers_over = false\n", None),  # never
    ],
)
def test_the_amount_from_the_config(tmp_path: Path, text: str, limit: Decimal | None) -> None:
    assert settings_from(tmp_path, text).distinct_approvers_over == limit


@pytest.mark.parametrize(
    "text",
    [
        "[approval]\ndistinct_approvers_over = -1\n",
        "[approval]\ndistinct_approvers_over = true\n",
        '[approval]\ndistinct_approvers_over = "lots"\n',
        "[approval]\ndistinct_approvers_over = [1]\n",
        "[approval]\ndistinct_approver_over = 1\n",  # a typo is refused, not ignored
    ],
)
def test_a_bad_amount_is_refused_at_start_up(tmp_path: Path, text: str) -> None:
    with pytest.raises(ConfigError) as refused:
        settings_from(tmp_path, text)
    assert "distinct_approver" in str(refused.value) and "\n" not in str(refused.value)


def test_the_example_config_says_it(tmp_path: Path) -> None:
    example = Path(__file__).resolve().parents[2] / "orderbot.toml.example"
    assert load_settings(example, env={}).approval.distinct_approvers_over == Decimal(50000)
