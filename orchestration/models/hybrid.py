"""The ``hybrid`` model: event-driven for routine, approvals where risk is high, exceptions for
resilience — the article's recommendation, composed from the other models' tables by area.

- purchase orders: low risk straight through; medium risk (or a non-preferred supplier) a
  buyer; high risk a buyer and finance;
- price overrides, supplier bank changes: as ``approval_centric`` (margin-floor gate; dual
  control with payments held);
- refunds: low-value returns the triage reads as standard paid at initiation; the rest decided
  on receipt as ``approval_centric`` does (customer service, finance when high, refused when
  nothing usable came back);
- inventory adjustments: high risk approved as ``approval_centric``; the rest reviewed as
  ``exception_driven`` does;
- invoices, tickets, scheduled checks: as ``exception_driven``.
"""

from __future__ import annotations

from dataclasses import replace

from orchestration.models.approval_centric import table as governed_table
from orchestration.models.exception_driven import table as exceptions_table
from orchestration.models.registry import register
from orchestration.models.wiring import AutomatedModel
from orchestration.policies import PolicyTable
from orchestration.policies.purchase import RiskTieredPurchase
from orchestration.policies.refund import TriagedRefund
from orchestration.policies.variance import ByTier
from scenarios.schema import HybridParams, Scenario


def table(s: Scenario, p: HybridParams) -> PolicyTable:
    gov, exc = governed_table(s, p), exceptions_table(s, p)
    return replace(
        exc,
        purchase=RiskTieredPurchase(),
        discount=gov.discount,
        refund=TriagedRefund(exc.refund.triage, gov.refund, only_tier="low"),
        variance=ByTier(high=gov.variance, other=exc.variance),
        bank_change=gov.bank_change,
        approval_pickup=p.approval_pickup_h,
        escalate=True,
    )


@register(
    "hybrid",
    "Event-driven for routine, approvals where risk is high, exception handling for resilience "
    "(rules per process area).",
    params=HybridParams,
)
def build(scenario: Scenario, params: HybridParams, audit=None) -> AutomatedModel:
    return AutomatedModel("hybrid", table(scenario, params), scenario, audit)
