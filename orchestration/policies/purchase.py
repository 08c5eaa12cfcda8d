"""Purchase policies: who must approve a purchase order before it is confirmed.

A :class:`PurchaseCase` is the order's value, its risk tier (``policy.purchase`` bounds) and
whether the supplier is preferred; a policy answers with the approval steps (pools, in order).
Amounts are in the scenario's currency.
"""

from __future__ import annotations

from dataclasses import dataclass

from orchestration.policies.route import NOBODY


@dataclass(frozen=True, slots=True)
class PurchaseCase:
    value: float
    tier: str
    preferred_supplier: bool


class StraightThrough:
    """Every PO confirmed by rule, no managerial gate (event-driven)."""

    def steps(self, case: PurchaseCase) -> tuple[str, ...]:
        return NOBODY


class GovernedPurchase:
    """Every PO to a buyer; finance too when high risk or the supplier is not preferred."""

    def steps(self, case: PurchaseCase) -> tuple[str, ...]:
        if case.tier == "high" or not case.preferred_supplier:
            return ("buyers", "finance")
        return ("buyers",)


class RiskTieredPurchase:
    """Low risk straight through; medium (or a non-preferred supplier) a buyer; high dual."""

    def steps(self, case: PurchaseCase) -> tuple[str, ...]:
        if case.tier == "high":
            return ("buyers", "finance")
        if case.tier == "medium" or not case.preferred_supplier:
            return ("buyers",)
        return NOBODY


@dataclass(frozen=True)
class EmailPurchase:
    """Manual: a buyer manager approves by e-mail (finance too when high), except POs under
    the ERP's own approval threshold, which are confirmed directly.

    ``batch_hour``: in the automated wiring (a phased rollout's manual purchase area), the
    hour of the nightly requisition run that turns the day's reorder-point breaches into
    RFQs (the manual model has its own nightly job and leaves it None)."""

    auto_approve_below: float
    batch_hour: float | None = None

    def steps(self, case: PurchaseCase) -> tuple[str, ...]:
        if case.value < self.auto_approve_below:
            return NOBODY
        return ("buyers", "finance") if case.tier == "high" else ("buyers",)
