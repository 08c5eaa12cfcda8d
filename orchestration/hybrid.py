"""The ``hybrid`` model: event-driven for routine, approvals where risk is high, exceptions for
resilience — the article's recommendation, composed from the other models by process area.

- purchase orders: low risk straight through; medium risk (or a non-preferred supplier) a
  buyer; high risk a buyer and finance;
- price overrides: low risk keeping the margin floor by rule; otherwise the store manager, and
  finance too for deep (high-risk) overrides;
- refunds: low-value returns with a low fraud signal paid at initiation; the rest decided on
  receipt by customer service (with finance when high), refused when nothing usable came back;
- inventory adjustments: low risk booked; medium an exception for inventory control; high a
  dual approval with finance;
- invoices: a price variance within tolerance accepted by rule; larger mismatches to finance
  (invoice exceptions and customer tickets AI-triaged as in ``exception_driven``);
- supplier bank changes: dual control (buyer call-back, finance confirms), payments held.

Scheduled checks (PO watchdog, nightly availability sync) as in ``exception_driven``.
"""

from __future__ import annotations

from orchestration.approval_centric import ApprovalCentricModel
from orchestration.automated import AutomatedModel
from orchestration.base import register
from orchestration.exception_driven import ExceptionPolicies
from scenarios.schema import Scenario
from sim.events import DiscountRequested, ReturnInitiated


@register(
    "hybrid",
    "Event-driven for routine, approvals where risk is high, exception handling for resilience "
    "(rules per process area).",
)
class HybridModel(ExceptionPolicies, AutomatedModel):
    name = "hybrid"
    reconcile = True
    escalate = True

    def __init__(self, scenario: Scenario):
        super().__init__(scenario)
        p = scenario.orchestration.hybrid
        self.approval_pickup = p.approval_pickup_h
        self.configure_exceptions(p)

    def bank_change_steps(self) -> tuple[str, ...]:
        return ApprovalCentricModel.bank_change_steps(self)

    def purchase_steps(self, risk: str, preferred_supplier: bool) -> tuple[str, ...]:
        if risk == "high":
            return ("buyers", "finance")
        if risk == "medium" or not preferred_supplier:
            return ("buyers",)
        return ()

    def discount_policy(self, e: DiscountRequested, risk: str) -> tuple[tuple[str, ...], bool]:
        return ApprovalCentricModel.discount_policy(self, e, risk)

    def refund_at_initiation(self, e: ReturnInitiated, risk: str) -> bool:
        return risk == "low" and self.triaged_standard(e)

    def refund_on_receipt(self, init: ReturnInitiated, back: bool, risk: str):
        return ApprovalCentricModel.refund_on_receipt(self, init, back, risk)

    def on_variance(self, location: int, skus, delta, value, risk: str | None) -> None:
        if risk == "high":
            ApprovalCentricModel.on_variance(self, location, skus, delta, value, risk)
        else:
            ExceptionPolicies.on_variance(self, location, skus, delta, value, risk)
