"""Who must approve a change request: rules from its impact and the order's facts to roles.

The rules come from ``orderbot.toml`` ``[[approval.rule]]``; ``ApprovalPolicy()`` is the default the
sales office starts with. A rule fires when any one of its conditions holds; every role of every
rule that fires must approve.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from domain.money import plain
from domain.users import Role

# The facts a rule's ``when`` may name (each is true or false for one request).
CONDITIONS = (
    "always", "cancel", "quantity_up", "quantity_down", "price_change", "date_earlier", "date_later",
    "production_started", "new_product", "over_credit", "many_changes", "inside_window", "stock_short",
    "schedule_infeasible", "risk_medium", "risk_high",
)  # fmt: skip


@dataclass(frozen=True)
class Facts:
    """What the rules look at, taken from the impact analysis and the order."""

    flags: frozenset[str]
    amount_delta: Decimal
    sunk_cost: Decimal
    changes_this_month: int
    params: dict[str, Any] = field(default_factory=dict, compare=False)


@dataclass(frozen=True)
class ApprovalRule:
    roles: tuple[Role, ...]
    when: frozenset[str] = frozenset()
    amount_delta_over: Decimal | None = None
    sunk_cost_over: Decimal | None = None

    def reasons(self, facts: Facts) -> list[tuple[str, dict[str, Any]]]:
        """Why this rule fires for ``facts`` (empty: it does not)."""
        out: list[tuple[str, dict[str, Any]]] = [
            (f"why_{flag}", facts.params.get(flag, {})) for flag in sorted(self.when & facts.flags)
        ]
        if self.amount_delta_over is not None and facts.amount_delta > self.amount_delta_over:
            out.append(
                ("why_amount_delta", {"delta": plain(facts.amount_delta), "limit": plain(self.amount_delta_over)})
            )
        if self.sunk_cost_over is not None and facts.sunk_cost > self.sunk_cost_over:
            out.append(("why_sunk_cost", {"cost": plain(facts.sunk_cost), "limit": plain(self.sunk_cost_over)}))
        return out


DEFAULT_RULES: tuple[ApprovalRule, ...] = (
    ApprovalRule((Role.sales_manager,), frozenset({"always"})),
    ApprovalRule((Role.finance,), amount_delta_over=Decimal(50000), sunk_cost_over=Decimal(50000)),
    ApprovalRule((Role.production,), frozenset({"production_started", "date_earlier"})),
    ApprovalRule((Role.tech,), frozenset({"new_product"})),
    ApprovalRule((Role.finance,), frozenset({"over_credit", "many_changes"})),
)


@dataclass(frozen=True)
class ChangeWindow:
    """Late changes cost the customer a fee: ``tiers`` of (days before due, percent), tightest first."""

    tiers: tuple[tuple[int, Decimal], ...] = ((7, Decimal(10)), (14, Decimal(5)))

    def penalty_pct(self, notice_days: int | None) -> Decimal:
        if notice_days is None:
            return Decimal(0)
        for days, pct in sorted(self.tiers):
            if notice_days <= days:
                return pct
        return Decimal(0)

    @property
    def widest(self) -> int:
        return max((d for d, _ in self.tiers), default=0)


def finance_threshold(rules: tuple[ApprovalRule, ...]) -> Decimal | None:
    """The lowest amount limit of a rule that calls in finance (None: no rule does by amount)."""
    limits = [r.amount_delta_over for r in rules if Role.finance in r.roles and r.amount_delta_over is not None]
    return min(limits, default=None)


@dataclass(frozen=True)
class ApprovalPolicy:
    rules: tuple[ApprovalRule, ...] = DEFAULT_RULES
    window: ChangeWindow = ChangeWindow()
    many_changes: int = 3  # a customer with more change requests than this in a month is "many changes"
    # A request whose order amount (the larger of before and after the change) is over this needs a different
    # person for every role: nobody's word counts twice, in their own right or through a backup. None: never.
    # The default is the finance threshold of the default rules; the config derives it from its own rules.
    distinct_approvers_over: Decimal | None = finance_threshold(DEFAULT_RULES)

    def distinct_approvers(self, amount: Decimal) -> bool:
        """Whether a request about an order of ``amount`` needs a different person for every role."""
        return self.distinct_approvers_over is not None and amount > self.distinct_approvers_over

    def required(self, facts: Facts) -> dict[str, list[list[Any]]]:
        """role -> [[reason code, params], ...]; in Role order, so every copy lists them alike."""
        found: dict[Role, list[list[Any]]] = {}
        for rule in self.rules:
            reasons = rule.reasons(facts)
            if reasons:
                for role in rule.roles:
                    found.setdefault(role, []).extend([code, params] for code, params in reasons)
        return {r.value: found[r] for r in Role if r in found}
