"""Price-override policies: who decides a discount asked for at the till, and the verdict.

A :class:`DiscountCase` is the override's depth (a fraction of the basket value), its risk tier
(``policy.discount_depth`` bounds), the basket's value and cost and the margin floor of policy;
a policy answers with a :class:`~orchestration.policies.route.Route`.
"""

from __future__ import annotations

from dataclasses import dataclass

from orchestration.policies.route import Route


@dataclass(frozen=True, slots=True)
class DiscountCase:
    depth: float
    tier: str
    basket_value: float
    basket_cost: float
    margin_floor: float

    @property
    def keeps_floor(self) -> bool:
        """The overridden price keeps at least the policy's margin floor."""
        floor_price = self.basket_cost / (1.0 - self.margin_floor)
        return self.basket_value * (1.0 - self.depth) >= floor_price


#: by rule, approved or refused (a Route is frozen: each answer is made once, not per request)
_BY_RULE = {ok: Route(approve=ok, rule="discount_policy") for ok in (True, False)}
_MANAGER = {ok: Route(("store_managers",), ok, rule="discount_policy") for ok in (True, False)}
_MANAGER_FINANCE = {
    ok: Route(("store_managers", "finance"), ok, rule="discount_policy") for ok in (True, False)
}


@dataclass(frozen=True)
class DepthLimitRule:
    """Approved by rule up to a depth, with no margin check (event-driven)."""

    limit: float

    def decide(self, case: DiscountCase) -> Route:
        return _BY_RULE[case.depth <= self.limit]


class MarginFloorRule:
    """Approved by rule when the margin floor holds, refused by rule when not."""

    def decide(self, case: DiscountCase) -> Route:
        return _BY_RULE[case.keeps_floor]


class MarginFloorGate:
    """Low risk keeping the floor by rule; otherwise the store manager, finance too when deep;
    the people approve exactly when the floor holds."""

    def decide(self, case: DiscountCase) -> Route:
        ok = case.keeps_floor
        if case.tier == "low" and ok:
            return _BY_RULE[True]
        if case.tier == "high":
            return _MANAGER_FINANCE[ok]
        return _MANAGER[ok]


@dataclass(frozen=True)
class StoreManagerLimit:
    """Manual: the store manager approves up to their own limit, without a margin check."""

    limit: float

    def decide(self, case: DiscountCase) -> Route:
        return Route(
            ("store_managers",),
            case.depth <= self.limit,
            rule="store_manager_discount_limit (no margin check)",
        )
