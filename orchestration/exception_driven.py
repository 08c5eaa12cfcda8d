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
  mismatches are AI-triaged (the ``invoices`` preset, ``invoice_triage_threshold``) to finance
  (price, duplicates, manual review) or inventory control (quantity/receiving);
- **tickets** — AI-triaged (``ticket_triage_threshold``): a confident WISMO is answered by the
  tracking rule, other confident tickets go straight to their queue, the rest to manual review;
- **supplier bank changes** — an anomaly for finance (one call-back); payments wait;
- **scheduled checks** — a PO watchdog re-sends confirmed orders that never reached the
  supplier after ``po_watchdog_h`` (a lost ERP webhook), and a nightly full availability sync
  repairs feeds that a lost push left stale.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from orchestration.automated import AutomatedModel
from orchestration.base import register
from orchestration.triage import (
    AUTO,
    INVOICES,
    REFUNDS,
    Case,
    TriageRouter,
    invoice_rules,
    refund_rules,
)
from scenarios.schema import ExceptionDrivenParams, Scenario
from sim.events import DiscountRequested, InvoiceReceived, ReturnInitiated


class ExceptionPolicies:
    """The exception-driven rules, shared with ``hybrid``; mixed into an AutomatedModel."""

    fraud_threshold: float
    triage_threshold: float
    price_tolerance: float
    _refund_router: TriageRouter | None = None
    _invoice_router: TriageRouter | None = None
    #: the work queue of each invoice triage queue (the manual-review queue is finance's)
    INVOICE_TEAMS: ClassVar[dict[str, str]] = {
        "ap_price_exceptions": "finance",
        "ap_receiving_exceptions": "inventory_control",
        "ap_duplicate_hold": "finance",
        "manual_review": "finance",
    }

    def configure_exceptions(self, p: ExceptionDrivenParams) -> None:
        self.fraud_threshold = p.fraud_signal_threshold
        self.triage_threshold = p.refund_triage_threshold
        self.ticket_threshold = p.ticket_triage_threshold
        self.invoice_threshold = p.invoice_triage_threshold
        self.price_tolerance = p.invoice_price_tolerance
        self.watchdog_h = p.po_watchdog_h

    def bank_change_steps(self) -> tuple[str, ...]:
        """An anomaly for finance: one person calls the supplier back; payments wait."""
        return ("finance",)

    def invoice_router(self) -> TriageRouter:
        if self._invoice_router is None:
            self._invoice_router = INVOICES.router(
                self.w.streams.get(f"orch.{self.name}.triage.invoices"),
                threshold=self.invoice_threshold,
                rules=invoice_rules(amount_limit=self.s.policy.purchase.high_from),
                clock=lambda: self.env.now,
            )
        return self._invoice_router

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
        if self.w.log.enabled:
            d = decision
            rule = f"{d.rule} ({d.detail})"
            self.w.trace(
                "triage.decision",
                e.correlation,
                f"class {d.predicted_class}, confidence {d.confidence:.3f}, threshold "
                f"{d.threshold:g}, rule {rule} -> queue {d.queue}",
                value=d.confidence,
            )
        return decision.queue == REFUNDS.routes["standard"]

    def refund_at_initiation(self, e: ReturnInitiated, risk: str) -> bool:
        return self.triaged_standard(e)

    def finish(self) -> None:
        super().finish()
        if self._refund_router is not None:
            self.kpi.triage_reported("refunds", self._refund_router.counts())
        if self._invoice_router is not None:
            self.kpi.triage_reported("invoices", self._invoice_router.counts())

    def refund_on_receipt(self, init: ReturnInitiated, back: bool, risk: str):
        return ("customer_service",), back

    def on_variance(self, location: int, skus, delta, value, risk: str | None) -> None:
        """An anomaly: inventory control reviews it, then the count is booked."""
        self.bo.exception(
            "inventory_control",
            None,
            resolve=lambda: self.rec.adjust(location, skus, delta),
            reason="count variance over tolerance",
        )

    def on_invoice_mismatch(self, e: InvoiceReceived) -> None:
        po = self._pos.get(self._sent_as.get(e.po_key, e.po_key))
        if po is not None:
            expected = float(np.dot(e.qty, po[4]))
            if expected > 0 and abs(e.amount - expected) / expected <= self.price_tolerance:
                # within tolerance: accepted by rule, and paid
                self.bo.pay_invoice(e)
                self.bo.auto_resolved(e, "price variance within invoice_price_tolerance")
                return
        self.triage_invoice(e, po)

    def triage_invoice(self, e: InvoiceReceived, po) -> None:
        """An invoice exception beyond tolerance, AI-triaged to the team that can clear it.

        Read as a clean match with confidence (a misroute), it is posted and paid as billed,
        unchecked; routed to the wrong team, that team forwards it (a recorded override) and the
        right one clears it; below the threshold, or over the amount rule, finance reviews it.
        Once cleared it is paid (held while the supplier's bank details change).
        """
        price_off = po is None or not np.array_equal(e.unit_price, po[4])
        truth = "price_mismatch" if price_off else "quantity_mismatch"
        router = self.invoice_router()
        case_id = f"invoice:{e.invoice_id}"
        d = router.route(Case(case_id, truth, {"amount": e.amount}))
        if self.w.log.enabled:
            self.w.trace(
                "triage.decision",
                e.correlation,
                f"invoice {case_id}: class {d.predicted_class}, confidence {d.confidence:.3f}, "
                f"threshold {d.threshold:g}, rule {d.rule} -> queue {d.queue}",
                value=d.confidence,
            )
        if d.rule == AUTO and d.queue == INVOICES.routes["clean_match"]:
            payable = self.bo.last_payable  # set by the 3-way match this bill just failed
            if payable is not None:
                self.kpi.invoice_overpaid += max(e.amount - payable, 0.0)
            self.bo.pay_invoice(e)
            self.bo.auto_resolved(e, "triage: read as a clean match, posted as billed")
            return
        right = router.routes[truth]

        def pay() -> None:
            self.bo.pay_invoice(e)

        if d.rule == AUTO and d.queue != right:
            wrong = self.INVOICE_TEAMS[d.queue]

            def forward() -> None:
                d2 = router.override(case_id, by=wrong, queue=right, reason="misrouted by triage")
                self.w.trace("triage.override", e.correlation, d2.explain())
                self.w.trace("triage.override", e.correlation, f"{wrong} forwards to {right}")
                self.bo.exception(self.INVOICE_TEAMS[right], e, pay, reason="forwarded")

            self.bo.exception(wrong, None, forward, reason=f"invoice triage: {d.queue}")
            return
        team = self.INVOICE_TEAMS.get(d.queue, "finance")
        self.bo.exception(team, e, pay, reason=f"invoice triage ({d.rule}): {d.queue}")


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
