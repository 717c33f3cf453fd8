"""The approval policy: rules from facts to roles, the change window, and how orderbot.toml spells them."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from bot.app.config import ConfigError, load_settings
from bot.app.routing import Router
from domain.approval import ApprovalPolicy, ApprovalRule, ChangeWindow, Facts
from domain.events import OrderChanged, RoleChanged
from domain.users import Role

D = Decimal


def facts(*flags: str, delta: int = 0, sunk: int = 0) -> Facts:
    return Facts(frozenset({"always", *flags}), D(delta), D(sunk), 1)


@pytest.mark.parametrize(
    ("given", "roles"),
    [
        (facts(), ["sales_manager"]),
        (facts(delta=50000), ["sales_manager"]),  # over, not at, the limit
        (facts(delta=50001), ["sales_manager", "finance"]),
        (facts(sunk=60000), ["sales_manager", "finance"]),
        (facts("date_earlier"), ["sales_manager", "production"]),
        (facts("production_started"), ["sales_manager", "production"]),
        (facts("new_product"), ["sales_manager", "tech"]),
        (facts("over_credit"), ["sales_manager", "finance"]),
        (facts("many_changes", "date_earlier", delta=90000), ["sales_manager", "finance", "production"]),
    ],
)
def test_the_default_policy(given: Facts, roles: list[str]) -> None:
    assert list(ApprovalPolicy().required(given)) == roles


def test_each_role_says_why() -> None:
    required = ApprovalPolicy().required(facts("date_earlier", delta=60000, sunk=70000))
    assert [code for code, _ in required["finance"]] == ["why_amount_delta", "why_sunk_cost"]
    assert required["finance"][0][1] == {"delta": "60000", "limit": "50000"}


def test_the_change_window_takes_the_tightest_tier() -> None:
    window = ChangeWindow(((14, D(5)), (7, D(10))))
    assert [window.penalty_pct(d) for d in (None, 0, 7, 8, 14, 15)] == [0, 10, 10, 5, 5, 0]


def config(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "orderbot.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_rules_and_window_from_the_config(tmp_path: Path) -> None:
    path = config(tmp_path, """
[changes]
penalty = [[3, 20]]
many_per_month = 5

[[approval.rule]]
roles = ["sales_manager", "finance"]
when = "always"

[[approval.rule]]
roles = ["tech"]
amount_delta_over = 1000
""")  # fmt: skip
    policy = load_settings(path, env={}).approval
    assert policy.rules == (
        ApprovalRule((Role.sales_manager, Role.finance), frozenset({"always"})),
        ApprovalRule((Role.tech,), amount_delta_over=D(1000)),
    )
    assert policy.window == ChangeWindow(((3, D(20)),)) and policy.many_changes == 5
    assert load_settings(config(tmp_path, "[orderbot]\n"), env={}).approval == ApprovalPolicy()


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ('[[approval.rule]]\nroles = ["boss"]\nwhen = "always"\n', "roles must be among"),
        ('[[approval.rule]]\nroles = ["finance"]\nwhen = "sometimes"\n', "unknown condition 'sometimes'"),
        ('[[approval.rule]]\nroles = ["finance"]\n', "give `when` conditions or a limit"),
        ('[[approval.rule]]\nwhen = "always"\n', "give the roles"),
        ('[[approval.rule]]\nroles = ["finance"]\nwhen = "always"\nif = 1\n', "unknown key if"),
        ("[approval]\nrule = 3\n", "must be one or more"),
        ('[changes]\npenalty = [[7, "x"]]\n', "changes.penalty"),
        ("[changes]\npenalty = [[7, 120]]\n", "between 0 and 100"),
        ("[changes]\nmany_per_month = -1\n", "many_per_month"),
        ("[changes]\nwindow = 3\n", "unknown key changes.window"),
    ],
)
def test_a_bad_policy_is_refused_at_start_up(tmp_path: Path, text: str, says: str) -> None:
    with pytest.raises(ConfigError) as refused:
        load_settings(config(tmp_path, text), env={})
    assert says in str(refused.value)


def test_routes_fill_the_customer_and_keep_defaults_for_kinds_not_named(tmp_path: Path) -> None:
    settings = load_settings(config(tmp_path, '[routes]\n"*" = ["channel:all"]\n'), env={})
    route = Router(settings.routes)
    changed = OrderChanged("SO-2026-000001", "CUST-007", "CR-1", 2, (), None, D(1), "wang")
    assert route(changed) == ("channel:orders", "customer:CUST-007")
    assert route(RoleChanged("lily", "sales", True, "admin")) == ("channel:all",)
    odd = Router({"*": ("customer:{customer}",)})
    assert odd(RoleChanged("lily", "sales", True, "admin")) == ()  # no customer: nobody to tell


def test_an_invitation_carries_the_deep_link_when_the_bot_is_named(tmp_path: Path) -> None:
    settings = load_settings(config(tmp_path, '[telegram]\nbot_username = "@acme_orders_bot"\n'), env={})
    assert settings.telegram_bot == "acme_orders_bot"
