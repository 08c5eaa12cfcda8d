"""Default triage models for the three case families: customer tickets, refunds, vendor invoices.

ASSUMPTIONS, NOT MEASUREMENTS. No public benchmark gives per-class confusion matrices or
confidence distributions for retail triage models; every number below is our assumption, set
so that the prior-weighted accuracy lands in 85-92% (what vendors of ticket and invoice
classifiers commonly claim, and what a pilot would be asked to reach before it auto-routes),
with the errors placed where they are plausible (a damaged item read as a return request; a
fraudulent refund read as a standard one). Only the class mixes are anchored on sources, via
``/work/shared/RETAIL_PARAMS.md``:

* tickets: WISMO ("where is my order") is 18% of tickets (Gorgias [20], section 8);
* refunds: return fraud/abuse is 13.7% of returned value [6]; we take 12% of refund *cases*;
* invoices: the invoice exception rate is 22% [18], so 78% are clean 3-way matches; duplicates
  are a small share of the exceptions (assumption).

Reported confidence is ``Beta(a, b)``: correct predictions around 0.8-0.9, wrong ones around
0.5-0.6, and always ``a_correct >= a_wrong`` and ``b_correct <= b_wrong`` so that confidence is
informative (monotone likelihood ratio) — raising the threshold then lowers the misroute rate
and raises the manual-review workload.

Each preset also names the default work queue of each class and a default operating threshold;
``refund_rules`` and ``invoice_rules`` give the hard rules of the article's governance table
(refunds beyond policy or with a fraud signal go to people). Amounts are in the scenario's
currency; confidences and shares are fractions in [0, 1].
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

import numpy as np

from orchestration.triage.classifier import Beta, SimulatedClassifier
from orchestration.triage.router import HardRule, TriageRouter, amount_above, signal_above

__all__ = [
    "INVOICES",
    "PRESETS",
    "REFUNDS",
    "TICKETS",
    "TriagePreset",
    "invoice_rules",
    "refund_rules",
]


@dataclass(frozen=True, slots=True)
class TriagePreset:
    """A family's classes, class mix, confusion matrix, confidence model, queues and threshold.

    ``class_mix[i]`` is the share of cases of ``classes[i]``; ``confusion[i][j]`` is
    P(predicted ``classes[j]`` | true ``classes[i]``); ``confidence[True]`` / ``[False]`` are the
    confidence distributions of correct / wrong predictions; ``routes`` the queue of each class;
    ``threshold`` the default operating confidence threshold.
    """

    family: str
    classes: tuple[str, ...]
    class_mix: tuple[float, ...]
    confusion: tuple[tuple[float, ...], ...]
    confidence: Mapping[bool, Beta]
    routes: Mapping[str, str]
    threshold: float

    def __post_init__(self) -> None:
        if len(self.class_mix) != len(self.classes):
            raise ValueError(f"{self.family}: one class_mix share per class")
        mix = np.asarray(self.class_mix, dtype=float)
        if np.any(mix < 0) or abs(mix.sum() - 1.0) > 1e-9:
            raise ValueError(f"{self.family}: class_mix must be non-negative and sum to 1")
        object.__setattr__(self, "confidence", MappingProxyType(dict(self.confidence)))
        object.__setattr__(self, "routes", MappingProxyType(dict(self.routes)))

    @property
    def mix(self) -> dict[str, float]:
        """Share of cases by true class."""
        return dict(zip(self.classes, self.class_mix, strict=True))

    @property
    def accuracy(self) -> float:
        """Expected share of correct predictions over the class mix."""
        return float(np.asarray(self.class_mix) @ np.diag(np.asarray(self.confusion)))

    def classifier(self, rng: np.random.Generator) -> SimulatedClassifier:
        """A classifier with this preset's behaviour, drawing from ``rng``."""
        return SimulatedClassifier(self.classes, self.confusion, self.confidence, rng)

    def classifier_factory(self, seed: int) -> Callable[[], SimulatedClassifier]:
        """Build a fresh, identically seeded classifier on each call (for threshold sweeps)."""
        return lambda: self.classifier(np.random.default_rng(seed))

    def sample_true_classes(self, n: int, rng: np.random.Generator) -> list[str]:
        """``n`` true classes drawn from the class mix (a synthetic case stream)."""
        idx = rng.choice(len(self.classes), size=n, p=np.asarray(self.class_mix))
        return [self.classes[i] for i in idx.tolist()]

    def router(
        self,
        rng: np.random.Generator,
        *,
        threshold: float | None = None,
        rules: Sequence[HardRule] = (),
        manual_queue: str = "manual_review",
        clock: Callable[[], float] | None = None,
    ) -> TriageRouter:
        """A router with this preset's classifier and queues (default threshold unless given)."""
        return TriageRouter(
            self.classifier(rng),
            self.threshold if threshold is None else threshold,
            self.routes,
            manual_queue=manual_queue,
            rules=rules,
            clock=clock,
        )


# Customer-service tickets. Rows: true class; columns: predicted, in the order of the classes.
# WISMO is the easiest (tracking words); a damaged item is often read as a return request.
TICKETS = TriagePreset(
    family="tickets",
    classes=("wismo", "return_request", "damaged_item", "payment_issue", "other"),
    class_mix=(0.18, 0.27, 0.12, 0.08, 0.35),  # WISMO 18% [20]; the rest assumed
    confusion=(
        (0.93, 0.02, 0.01, 0.01, 0.03),
        (0.02, 0.88, 0.05, 0.01, 0.04),
        (0.02, 0.10, 0.80, 0.01, 0.07),
        (0.02, 0.02, 0.01, 0.87, 0.08),
        (0.04, 0.04, 0.02, 0.03, 0.87),
    ),  # accuracy over the mix ≈ 0.875
    confidence={True: Beta(8.0, 2.0), False: Beta(3.0, 3.0)},  # means 0.80 / 0.50
    routes={
        "wismo": "cs_order_status",
        "return_request": "cs_returns",
        "damaged_item": "cs_claims",
        "payment_issue": "cs_payments",
        "other": "cs_general",
    },
    threshold=0.7,
)

# Refund requests. Fraud is the hardest to see, and a missed fraud (read as standard) is the
# costly error, which is why refunds also get hard rules (see ``refund_rules``).
REFUNDS = TriagePreset(
    family="refunds",
    classes=("standard", "policy_exception", "suspected_fraud"),
    class_mix=(0.75, 0.13, 0.12),  # fraud 12% of cases, from 13.7% of value [6]; rest assumed
    confusion=(
        (0.94, 0.04, 0.02),
        (0.15, 0.80, 0.05),
        (0.20, 0.08, 0.72),
    ),  # accuracy over the mix ≈ 0.895
    confidence={True: Beta(10.0, 2.0), False: Beta(4.0, 3.0)},  # means 0.83 / 0.57
    routes={
        "standard": "refund_standard",
        "policy_exception": "refund_finance_review",
        "suspected_fraud": "loss_prevention",
    },
    threshold=0.75,
)

# Vendor invoices against purchase orders and goods receipts. Structured data: the best
# separated family; confident wrong answers are rarer.
INVOICES = TriagePreset(
    family="invoices",
    classes=("clean_match", "price_mismatch", "quantity_mismatch", "duplicate_invoice"),
    class_mix=(0.78, 0.11, 0.09, 0.02),  # 22% exceptions [18]; split assumed
    confusion=(
        (0.93, 0.03, 0.03, 0.01),
        (0.08, 0.85, 0.05, 0.02),
        (0.09, 0.05, 0.84, 0.02),
        (0.10, 0.02, 0.02, 0.86),
    ),  # accuracy over the mix ≈ 0.912
    confidence={True: Beta(12.0, 1.5), False: Beta(3.0, 3.0)},  # means 0.89 / 0.50
    routes={
        "clean_match": "ap_auto_post",
        "price_mismatch": "ap_price_exceptions",
        "quantity_mismatch": "ap_receiving_exceptions",
        "duplicate_invoice": "ap_duplicate_hold",
    },
    threshold=0.7,
)

PRESETS: Mapping[str, TriagePreset] = MappingProxyType(
    {p.family: p for p in (TICKETS, REFUNDS, INVOICES)}
)


def refund_rules(
    amount_limit: float = 500.0,
    fraud_signal_limit: float = 0.6,
    fraud_queue: str = "loss_prevention",
) -> tuple[HardRule, ...]:
    """Hard rules for refunds, checked in order: a fraud signal above ``fraud_signal_limit`` goes
    to loss prevention; an amount above ``amount_limit`` goes to manual review.

    Assumptions: the 500 limit is ours (RETAIL_PARAMS has only a 100 auto-approve assumption for
    approvals); 0.6 is where the world's return screen (``ReturnInitiated.fraud_signal``) shows
    only fraudulent returns.
    """
    return (
        signal_above("fraud_signal", fraud_signal_limit, queue=fraud_queue, name="fraud_signal"),
        amount_above(amount_limit, name="refund_over_limit"),
    )


def invoice_rules(amount_limit: float = 50_000.0) -> tuple[HardRule, ...]:
    """Hard rule for invoices: an amount above ``amount_limit`` goes to manual review (the
    finance-approval limit of the ``manual`` model's purchase orders)."""
    return (amount_above(amount_limit, name="invoice_over_limit"),)
