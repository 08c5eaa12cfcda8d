"""Invoice policies: what happens to a vendor bill that fails the 3-way match.

A bill that matches its PO's prices and its recorded receipt is paid (held while the supplier's
bank details change) whatever the model. An :class:`InvoiceCase` is a bill that did not match:
its amount, what the PO's prices say it should be for the billed quantities (``expected``, None
when the PO is unknown), whether its unit prices differ from the PO's, and what was payable
(received quantity x PO price, None when unknown). A policy answers an :class:`InvoiceRoute`:
paid by rule (no person), or an exception for a team — possibly the wrong one, which forwards it.
Amounts are in the scenario's currency.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import ClassVar

from orchestration.policies.context import PolicyContext
from orchestration.triage import AUTO, INVOICES, Case, TriageRouter, invoice_rules
from scenarios.schema import LogNormal


@dataclass(frozen=True, slots=True)
class InvoiceCase:
    invoice_id: int
    amount: float
    expected: float | None
    price_off: bool
    payable: float | None
    correlation: str = ""


@dataclass(frozen=True)
class InvoiceRoute:
    #: the team whose queue works it ("" = paid by rule, no person)
    team: str = ""
    reason: str = ""
    #: misrouted: ``team`` forwards it to this team (a recorded override)
    forward_to: str = ""
    #: posted and paid as billed, unchecked (triage read a mismatch as a clean match)
    as_billed: bool = False
    #: called with the forwarding team when it forwards (records the override)
    on_forward: Callable[[str], None] | None = None


class MismatchToFinance:
    """Every mismatch is an exception for finance; the bill is paid once it is cleared."""

    def route(self, case: InvoiceCase) -> InvoiceRoute:
        return InvoiceRoute("finance", "3-way match failed")


@dataclass(frozen=True)
class KeyedByFinance(MismatchToFinance):
    """Manual: finance keys every bill by hand (picked up after ``entry_h`` working hours, a
    lognormal) and matches it then; a mismatch goes to the exceptions spreadsheet, worked after
    the daily review at ``review_hour``. No bill is touchless."""

    entry_h: LogNormal
    review_hour: float


class InvoiceTriage:
    """A price variance within ``price_tolerance`` is accepted by rule; larger mismatches are
    AI-triaged (the ``invoices`` preset) to the team that can clear them."""

    #: the work queue of each invoice triage queue (the manual-review queue is finance's)
    TEAMS: ClassVar[dict[str, str]] = {
        "ap_price_exceptions": "finance",
        "ap_receiving_exceptions": "inventory_control",
        "ap_duplicate_hold": "finance",
        "manual_review": "finance",
    }

    def __init__(self, price_tolerance: float, threshold: float):
        self.price_tolerance = price_tolerance
        self.threshold = threshold
        self.router: TriageRouter | None = None
        self._ctx: PolicyContext | None = None

    def initialise(self, ctx: PolicyContext) -> None:
        self._ctx = ctx

    def _router(self) -> TriageRouter:
        if self.router is None:
            ctx = self._ctx
            self.router = ctx.preset(INVOICES).router(
                ctx.stream("triage.invoices"),
                threshold=self.threshold,
                rules=invoice_rules(amount_limit=ctx.scenario.policy.purchase.high_from),
                clock=ctx.now,
            )
        return self.router

    def route(self, case: InvoiceCase) -> InvoiceRoute:
        exp = case.expected
        if exp is not None and exp > 0 and abs(case.amount - exp) / exp <= self.price_tolerance:
            return InvoiceRoute(reason="price variance within invoice_price_tolerance")
        ctx, router = self._ctx, self._router()
        truth = "price_mismatch" if case.price_off else "quantity_mismatch"
        case_id = f"invoice:{case.invoice_id}"
        d = router.route(Case(case_id, truth, {"amount": case.amount}))
        if ctx.tracing:
            ctx.trace(
                "triage.decision",
                case.correlation,
                f"invoice {case_id}: class {d.predicted_class}, confidence {d.confidence:.3f}, "
                f"threshold {d.threshold:g}, rule {d.rule} -> queue {d.queue}",
                value=d.confidence,
            )
        if d.rule == AUTO and d.queue == INVOICES.routes["clean_match"]:
            return InvoiceRoute(
                reason="triage: read as a clean match, posted as billed", as_billed=True
            )
        right = router.routes[truth]
        if d.rule == AUTO and d.queue != right:

            def forwarded(wrong: str) -> None:
                d2 = router.override(case_id, by=wrong, queue=right, reason="misrouted by triage")
                ctx.trace("triage.override", case.correlation, d2.explain())
                ctx.trace("triage.override", case.correlation, f"{wrong} forwards to {right}")

            return InvoiceRoute(
                self.TEAMS[d.queue],
                f"invoice triage: {d.queue}",
                forward_to=self.TEAMS[right],
                on_forward=forwarded,
            )
        return InvoiceRoute(
            self.TEAMS.get(d.queue, "finance"), f"invoice triage ({d.rule}): {d.queue}"
        )
