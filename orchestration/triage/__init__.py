"""AI-assisted triage: route a case automatically when the model is confident, else to people.

The article's safeguards for AI in retail workflows — explainable routing, human override,
measurable accuracy thresholds — as building blocks on which a model composes its triage step.
One concept per module:

* ``classifier``: ``SimulatedClassifier``, predictions by a confusion matrix with Beta-drawn
  reported confidence (fractions in [0, 1]), from an explicit numpy ``Generator``.
* ``router``: ``TriageRouter``, hard rules first, then the confidence threshold, then the
  predicted class's queue; every routing a frozen ``Decision`` that a person can ``override``;
  the triage KPIs of KPIS.md.
* ``presets``: assumed (not benchmarked) models for tickets, refunds and vendor invoices, with
  class mixes anchored on RETAIL_PARAMS, default queues, thresholds and hard rules.
"""

from orchestration.triage.classifier import (
    Beta,
    Classifier,
    Prediction,
    PredictionBatch,
    SimulatedClassifier,
)
from orchestration.triage.presets import (
    INVOICES,
    PRESETS,
    REFUNDS,
    TICKETS,
    TriagePreset,
    invoice_rules,
    refund_rules,
)
from orchestration.triage.router import (
    AUTO,
    BELOW_THRESHOLD,
    HARD_RULE_PREFIX,
    KPI_KEYS,
    Case,
    CaseId,
    Decision,
    HardRule,
    TriageRouter,
    amount_above,
    signal_above,
)

__all__ = [
    "AUTO",
    "BELOW_THRESHOLD",
    "HARD_RULE_PREFIX",
    "INVOICES",
    "KPI_KEYS",
    "PRESETS",
    "REFUNDS",
    "TICKETS",
    "Beta",
    "Case",
    "CaseId",
    "Classifier",
    "Decision",
    "HardRule",
    "Prediction",
    "PredictionBatch",
    "SimulatedClassifier",
    "TriagePreset",
    "TriageRouter",
    "amount_above",
    "invoice_rules",
    "refund_rules",
    "signal_above",
]
