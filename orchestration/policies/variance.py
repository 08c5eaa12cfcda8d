"""Count-variance policies: what happens to a cycle count's variance over tolerance.

A :class:`VarianceCase` is the value (currency, at cost) of a location's counted variances
over tolerance and its tier (``policy.inventory_variance_value`` bounds). A policy books it by
rule (touchless, the records follow the count), asks approvers (booked once approved), or opens
an exception for a team (booked once reviewed). Variances under tolerance are always booked.
"""

from __future__ import annotations

from dataclasses import dataclass

from orchestration.policies.route import Route


@dataclass(frozen=True, slots=True)
class VarianceCase:
    location: int
    value: float
    tier: str


class BookAsCounted:
    """Booked as counted by rule: accurate records, unchecked write-offs (event-driven)."""

    def decide(self, case: VarianceCase) -> Route:
        return Route(rule="on_variance: booked as counted")


@dataclass(frozen=True)
class ApproveVariance:
    """Inventory control approves, with finance when high (``rule`` is traced)."""

    rule: str = "on_variance (dual with finance when high)"

    def decide(self, case: VarianceCase) -> Route:
        high = case.tier == "high"
        steps = ("inventory_control", "finance") if high else ("inventory_control",)
        return Route(steps, rule=self.rule)


class VarianceException:
    """An anomaly: inventory control reviews it, then the count is booked."""

    def decide(self, case: VarianceCase) -> Route:
        return Route(team="inventory_control", rule="count variance over tolerance")


@dataclass(frozen=True)
class ByTier:
    """``high`` decides high-risk variances, ``other`` every other."""

    high: ApproveVariance | VarianceException | BookAsCounted
    other: ApproveVariance | VarianceException | BookAsCounted

    def decide(self, case: VarianceCase) -> Route:
        return (self.high if case.tier == "high" else self.other).decide(case)
