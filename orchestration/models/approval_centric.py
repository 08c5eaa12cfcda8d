"""The ``approval_centric`` model: governance first — every policy-relevant action is gated.

The shared automated wiring (real-time events, Odoo, n8n) with decisions routed to people by
risk tier, as in the article's approval table:

- **procurement** — every PO is approved in the approval app: a buyer (category owner) for low
  and medium risk, then finance for high risk or a non-preferred supplier;
- **price overrides** — the margin floor is policy: an override that keeps the floor and is low
  risk is approved by rule; anything else waits for the store manager at the till, and deep
  (high-risk) overrides also for finance — the customer waits, and walks after 15 minutes;
- **refunds** — paid only after the parcel is back and inspected, by customer service, with
  finance for high-risk amounts: fraudulent returns (nothing usable back) are refused;
- **inventory adjustments** — variances over tolerance need inventory control, and dual
  approval with finance when high;
- **supplier bank changes** — dual control: a buyer calls the supplier back on the number on
  file, finance confirms; payments to the supplier wait until then;
- **tickets** — people read, route and work every customer ticket.

Approvers pick tasks up after a lognormal delay in *working* hours (``approval_pickup_h``),
inside their pools' calendars; waiting steps get reminders and escalation when
``governance.escalation`` is enabled. Strong control, slow cycle times: the trade-off is
measurable.
"""

from __future__ import annotations

from orchestration.models.registry import register
from orchestration.models.wiring import AutomatedModel
from orchestration.policies import PolicyTable
from orchestration.policies.availability import PushOnChange
from orchestration.policies.bank_change import DualControl
from orchestration.policies.discount import MarginFloorGate
from orchestration.policies.invoice import MismatchToFinance
from orchestration.policies.late_supplier import NoFlow
from orchestration.policies.purchase import GovernedPurchase
from orchestration.policies.refund import InspectOnReceipt
from orchestration.policies.tickets import PeopleRoute
from orchestration.policies.variance import ApproveVariance
from scenarios.schema import ApprovalCentricParams, Scenario


def table(s: Scenario, p: ApprovalCentricParams) -> PolicyTable:
    return PolicyTable(
        purchase=GovernedPurchase(),
        discount=MarginFloorGate(),
        refund=InspectOnReceipt(),
        variance=ApproveVariance(),
        invoice=MismatchToFinance(),
        bank_change=DualControl(),
        tickets=PeopleRoute(),
        availability=PushOnChange(s.orchestration.integration.availability_push_interval_min),
        late_supplier=NoFlow(),
        approval_pickup=p.approval_pickup_h,
        escalate=True,
    )


@register(
    "approval_centric",
    "Governance first: every policy-relevant action (POs, overrides, refunds, write-offs) "
    "routed to approvers by risk tier, with dual approval for high risk.",
    params=ApprovalCentricParams,
)
def build(scenario: Scenario, params: ApprovalCentricParams, audit=None) -> AutomatedModel:
    return AutomatedModel("approval_centric", table(scenario, params), scenario, audit)
