"""The ``exception_driven`` model: straight-through by default, anomalies to people.

The automated wiring of :mod:`orchestration.automated`, with rules that decide the standard
cases and send only anomalies to team queues, plus scheduled checks for what events miss:

- **price overrides** — approved by rule when the margin floor holds, refused by rule when not;
- **refunds** — AI-assisted triage (:mod:`orchestration.triage`, the ``refunds`` preset) routes
  each return: a case classified *standard* with confidence at or above
  ``refund_triage_threshold`` is refunded at once; below the threshold, a fraud signal above
  ``fraud_signal_threshold`` (a hard rule), an amount over the high-risk bound, or another class
  sends it to customer service, decided when the parcel is back and inspected. A fraud the
  classifier reads as standard with confidence is paid: that is what misroutes cost;
- **inventory adjustments** — variances over tolerance are anomalies for inventory control,
  booked once reviewed;
- **invoices** — a price variance within ``invoice_price_tolerance`` is accepted by rule; larger
  mismatches go to finance;
- **scheduled checks** — a PO watchdog re-sends confirmed orders that never reached the
  supplier after ``po_watchdog_h`` (a lost ERP webhook), and a nightly full availability sync
  repairs feeds that a lost push left stale.
"""

from __future__ import annotations

import numpy as np

from orchestration.automated import AutomatedModel
from orchestration.base import register
from orchestration.triage import REFUNDS, Case, TriageRouter, refund_rules
from scenarios.schema import ExceptionDrivenParams, Scenario
from sim.events import DiscountRequested, InvoiceReceived, ReturnInitiated


class ExceptionPolicies:
    """The exception-driven rules, shared with ``hybrid``; mixed into an AutomatedModel."""

    fraud_threshold: float
    triage_threshold: float
    price_tolerance: float
    _refund_router: TriageRouter | None = None

    def configure_exceptions(self, p: ExceptionDrivenParams) -> None:
        self.fraud_threshold = p.fraud_signal_threshold
        self.triage_threshold = p.refund_triage_threshold
        self.price_tolerance = p.invoice_price_tolerance
        self.watchdog_h = p.po_watchdog_h

    def refund_router(self) -> TriageRouter:
        if self._refund_router is None:
            self._refund_router = REFUNDS.router(
                self.w.streams.get(f"orch.{self.name}.triage.refunds"),
                threshold=self.triage_threshold,
                rules=refund_rules(
                    amount_limit=self.s.policy.refund.high_from,
                    fraud_signal_limit=self.fraud_threshold,
                ),
                clock=lambda: self.env.now,
            )
        return self._refund_router

    def triaged_standard(self, e: ReturnInitiated) -> bool:
        """Triage the refund; True when it is routed to straight-through payment."""
        if self.w.return_is_fraudulent(e.return_id):
            truth = "suspected_fraud"
        elif e.amount >= self.s.policy.refund.high_from:
            truth = "policy_exception"
        else:
            truth = "standard"
        decision = self.refund_router().route(
            Case(
                f"return:{e.return_id}", truth, {"amount": e.amount, "fraud_signal": e.fraud_signal}
            )
        )
        return decision.queue == REFUNDS.routes["standard"]

    def refund_at_initiation(self, e: ReturnInitiated, risk: str) -> bool:
        return self.triaged_standard(e)

    def finish(self) -> None:
        super().finish()
        if self._refund_router is not None:
            c, k = self._refund_router.counts(), self.kpi
            k.triage_total += c["total"]
            k.triage_auto += c["auto_routed"]
            k.triage_misrouted += c["misrouted"]
            k.triage_manual += c["manual_review"]

    def refund_on_receipt(self, init: ReturnInitiated, back: bool, risk: str):
        return ("customer_service",), back

    def on_variance(self, location: int, skus, delta, value, risk: str | None) -> None:
        """An anomaly: inventory control reviews it, then the count is booked."""
        self.bo.exception(
            "inventory_control", None, resolve=lambda: self.rec.adjust(location, skus, delta)
        )

    def on_invoice_mismatch(self, e: InvoiceReceived) -> None:
        po = self._pos.get(self._sent_as.get(e.po_key, e.po_key))
        if po is not None:
            expected = float(np.dot(e.qty, po[4]))
            if expected > 0 and abs(e.amount - expected) / expected <= self.price_tolerance:
                self.bo.auto_resolved(e)  # within tolerance: accepted by rule
                return
        self.bo.exception("finance", e)


@register(
    "exception_driven",
    "Straight-through by default: rules decide standard cases, anomalies go to team queues; "
    "scheduled checks re-send lost POs and re-sync availability nightly.",
)
class ExceptionDrivenModel(ExceptionPolicies, AutomatedModel):
    name = "exception_driven"
    reconcile = True

    def __init__(self, scenario: Scenario):
        super().__init__(scenario)
        self.configure_exceptions(scenario.orchestration.exception_driven)

    def discount_policy(self, e: DiscountRequested, risk: str) -> tuple[tuple[str, ...], bool]:
        return (), self.floor_ok(e)
