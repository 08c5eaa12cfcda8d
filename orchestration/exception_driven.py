"""The ``exception_driven`` model: straight-through by default, anomalies to people.

The automated wiring of :mod:`orchestration.automated`, with rules that decide the standard
cases and send only anomalies to team queues, plus scheduled checks for what events miss:

- **price overrides** — approved by rule when the margin floor holds, refused by rule when not;
- **refunds** — a standard return (fraud signal below ``fraud_signal_threshold``) is refunded at
  once; a suspicious one goes to customer service, decided when the parcel is back;
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
from scenarios.schema import Scenario
from sim.events import DiscountRequested, InvoiceReceived, ReturnInitiated


class ExceptionPolicies:
    """The exception-driven rules, shared with ``hybrid``; mixed into an AutomatedModel."""

    fraud_threshold: float
    price_tolerance: float

    def refund_at_initiation(self, e: ReturnInitiated, risk: str) -> bool:
        return e.fraud_signal < self.fraud_threshold

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
        p = scenario.orchestration.exception_driven
        self.fraud_threshold = p.fraud_signal_threshold
        self.price_tolerance = p.invoice_price_tolerance
        self.watchdog_h = p.po_watchdog_h

    def discount_policy(self, e: DiscountRequested, risk: str) -> tuple[tuple[str, ...], bool]:
        return (), self.floor_ok(e)
