"""The ``event_driven`` model: business events trigger rules, webhooks and middleware directly.

The article's first model: the shared automated wiring with straight-through policies —
purchase orders confirmed with no managerial gate, price overrides up to
``auto_discount_limit`` approved by rule with no margin check, refunds paid when the return is
initiated ("refund at carrier scan", no fraud screen), count variances booked as counted, bills
paid on a 3-way match with only mismatches reaching finance, supplier bank changes applied by
the vendor portal, tickets routed by keyword rules, and no scheduled reconciliation. Fast; its
blind spots (margin leakage, refunds on fraudulent returns, lost ERP webhooks that leave a
confirmed PO unsent) are measurable.
"""

from __future__ import annotations

from orchestration.models.registry import register
from orchestration.models.wiring import AutomatedModel
from orchestration.policies import PolicyTable
from orchestration.policies.availability import PushOnChange
from orchestration.policies.bank_change import AppliedByRule
from orchestration.policies.discount import DepthLimitRule
from orchestration.policies.invoice import MismatchToFinance
from orchestration.policies.late_supplier import NoFlow
from orchestration.policies.purchase import StraightThrough
from orchestration.policies.refund import PayAtScan
from orchestration.policies.tickets import TriagedTickets
from orchestration.policies.variance import BookAsCounted
from scenarios.schema import EventDrivenParams, Scenario


def table(s: Scenario, p: EventDrivenParams) -> PolicyTable:
    return PolicyTable(
        purchase=StraightThrough(),
        discount=DepthLimitRule(p.auto_discount_limit),
        refund=PayAtScan(),
        variance=BookAsCounted(),
        invoice=MismatchToFinance(),
        bank_change=AppliedByRule(),
        tickets=TriagedTickets(threshold=0.0),  # keyword rules: every ticket auto-routed
        availability=PushOnChange(s.orchestration.integration.availability_push_interval_min),
        late_supplier=NoFlow(),
    )


@register(
    "event_driven",
    "Events trigger Odoo automation rules, webhooks and n8n flows directly: real-time "
    "replenishment and availability pushes, straight-through decisions, no managerial gate.",
    params=EventDrivenParams,
)
def build(scenario: Scenario, params: EventDrivenParams, audit=None) -> AutomatedModel:
    return AutomatedModel("event_driven", table(scenario, params), scenario, audit)
