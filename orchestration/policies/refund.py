"""Refund policies: pay when the return is initiated, or wait for the parcel and inspect it.

A :class:`RefundCase` is one return: its amount (currency), risk tier (``policy.refund``
bounds), the fraud signal the returns portal computed, and — once the parcel is back — whether
anything usable came back. At initiation a policy answers a touchless :class:`Route` (pay now)
or ``None`` (decide on receipt); on receipt it answers the steps and the verdict.
"""

from __future__ import annotations

from dataclasses import dataclass

from orchestration.policies.context import PolicyContext
from orchestration.policies.route import Route
from orchestration.triage import REFUNDS, Case, TriageRouter, refund_rules


@dataclass(frozen=True, slots=True)
class RefundCase:
    return_id: int
    amount: float
    tier: str
    fraud_signal: float
    correlation: str = ""
    received: bool = False  # the parcel is back and inspected
    usable_back: bool = False  # inspection: something usable came back


#: the answers are few and a Route is frozen: each is made once, not per return
AT_INITIATION = Route(rule="refund_at_initiation")
_ON_RECEIPT = {
    back: Route(("customer_service",), back, rule="refund_on_receipt") for back in (True, False)
}


class PayAtScan:
    """Refund at carrier scan: paid when the return is initiated, no fraud screen."""

    def decide(self, case: RefundCase) -> Route | None:
        if not case.received:
            return AT_INITIATION
        return _ON_RECEIPT[case.usable_back]


@dataclass(frozen=True)
class InspectOnReceipt:
    """Decided once the parcel is back: customer service (with finance when high, if
    ``finance_when_high``); refused when nothing usable came back, if ``check_contents``."""

    finance_when_high: bool = True
    check_contents: bool = True
    rule: str = "refund_on_receipt (inspection)"

    def __post_init__(self) -> None:
        # the four answers (high or not, usable or not), made once
        routes = {}
        for high in (True, False):
            steps = ("customer_service", "finance") if high else ("customer_service",)
            for back in (True, False):
                routes[high, back] = Route(steps, back or not self.check_contents, rule=self.rule)
        object.__setattr__(self, "_routes", routes)

    def decide(self, case: RefundCase) -> Route | None:
        if not case.received:
            return None
        high = self.finance_when_high and case.tier == "high"
        return self._routes[high, case.usable_back]  # type: ignore[attr-defined]


class RefundTriage:
    """AI-assisted triage of a return (the ``refunds`` preset): is it a standard case?

    Hard rules first (an amount from ``policy.refund.high_from``, a fraud signal above
    ``fraud_signal_limit``), then the classifier's confidence against ``threshold``.
    """

    def __init__(self, threshold: float, fraud_signal_limit: float):
        self.threshold = threshold
        self.fraud_signal_limit = fraud_signal_limit
        self.router: TriageRouter | None = None
        self._ctx: PolicyContext | None = None

    def initialise(self, ctx: PolicyContext) -> None:
        self._ctx = ctx

    def _router(self) -> TriageRouter:
        if self.router is None:
            ctx = self._ctx
            self.router = ctx.preset(REFUNDS).router(
                ctx.stream("triage.refunds"),
                threshold=self.threshold,
                rules=refund_rules(
                    amount_limit=ctx.scenario.policy.refund.high_from,
                    fraud_signal_limit=self.fraud_signal_limit,
                ),
                clock=ctx.now,
            )
        return self.router

    def standard(self, case: RefundCase) -> bool:
        """Triage the case; True when it is routed to straight-through payment."""
        ctx = self._ctx
        if ctx.return_is_fraudulent(case.return_id):
            truth = "suspected_fraud"
        elif case.amount >= ctx.scenario.policy.refund.high_from:
            truth = "policy_exception"
        else:
            truth = "standard"
        d = self._router().route(
            Case(
                f"return:{case.return_id}",
                truth,
                {"amount": case.amount, "fraud_signal": case.fraud_signal},
            )
        )
        if ctx.tracing:
            ctx.trace(
                "triage.decision",
                case.correlation,
                f"class {d.predicted_class}, confidence {d.confidence:.3f}, threshold "
                f"{d.threshold:g}, rule {d.rule} ({d.detail}) -> queue {d.queue}",
                value=d.confidence,
            )
        return d.queue == REFUNDS.routes["standard"]


@dataclass(frozen=True)
class TriagedRefund:
    """Triage at initiation: a confident standard case (of tier ``only_tier``, when given) is
    refunded at once; every other return is decided on receipt by ``on_receipt``."""

    triage: RefundTriage
    on_receipt: InspectOnReceipt
    only_tier: str | None = None

    def initialise(self, ctx: PolicyContext) -> None:
        self.triage.initialise(ctx)

    def decide(self, case: RefundCase) -> Route | None:
        if case.received:
            return self.on_receipt.decide(case)
        if (self.only_tier is None or case.tier == self.only_tier) and self.triage.standard(case):
            return AT_INITIATION
        return None
