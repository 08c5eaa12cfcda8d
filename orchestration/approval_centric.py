"""The ``approval_centric`` model: governance first — every policy-relevant action is gated.

The automated wiring of :mod:`orchestration.automated` (real-time events, Odoo, n8n), with
decisions routed to people by risk tier, as in the article's approval table:

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
inside their pools' calendars. Strong control, slow cycle times: the trade-off is measurable.
"""

from __future__ import annotations

from orchestration.automated import AutomatedModel
from orchestration.backoffice import Request
from orchestration.base import register
from scenarios.schema import Scenario
from sim.events import DiscountRequested, ReturnInitiated


@register(
    "approval_centric",
    "Governance first: every policy-relevant action (POs, overrides, refunds, write-offs) "
    "routed to approvers by risk tier, with dual approval for high risk.",
)
class ApprovalCentricModel(AutomatedModel):
    name = "approval_centric"
    escalate = True

    def __init__(self, scenario: Scenario):
        super().__init__(scenario)
        self.approval_pickup = scenario.orchestration.approval_centric.approval_pickup_h

    def purchase_steps(self, risk: str, preferred_supplier: bool) -> tuple[str, ...]:
        if risk == "high" or not preferred_supplier:
            return ("buyers", "finance")
        return ("buyers",)

    def bank_change_steps(self) -> tuple[str, ...]:
        """Dual control: a buyer calls the supplier back, finance confirms (a different person)."""
        return ("buyers", "finance")

    def ticket_router(self):
        """People read and route every ticket (no classifier)."""
        return None

    def discount_policy(self, e: DiscountRequested, risk: str) -> tuple[tuple[str, ...], bool]:
        ok = self.floor_ok(e)
        if risk == "low" and ok:
            return (), True
        if risk == "high":
            return ("store_managers", "finance"), ok
        return ("store_managers",), ok

    def refund_at_initiation(self, e: ReturnInitiated, risk: str) -> bool:
        return False

    def refund_on_receipt(self, init: ReturnInitiated, back: bool, risk: str):
        steps = ("customer_service", "finance") if risk == "high" else ("customer_service",)
        return steps, back

    def on_variance(self, location: int, skus, delta, value, risk: str | None) -> None:
        steps = ("inventory_control", "finance") if risk == "high" else ("inventory_control",)

        def decided(approved: bool) -> None:
            if approved:
                self.rec.adjust(location, skus, delta)

        self.bo.request(
            Request(
                "inventory_adjustment",
                risk or "low",
                self.env.now,
                f"site:{location}",
                steps,
                decided,
                rule="on_variance (dual with finance when high)",
            ),
            pickup=self.approval_pickup,
        )
