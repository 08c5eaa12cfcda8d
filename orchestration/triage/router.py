"""Triage routing: send each case to a work queue, automatically only when the model is sure.

Why one long module: the routing order (hard rules, threshold, queue), the decision record and
its override are one auditable unit; most of the length is their documentation.

A **case** (a customer ticket, a refund request, a vendor invoice) has an id, a true class and
a few numeric features (``amount`` in the scenario's currency, ``fraud_signal`` in [0, 1]...).
The true class is what the case really is: the router keeps it on the decision for scoring and
never uses it to route.

For each case the router, in this order:

1. asks the classifier for a prediction (always, so the model's opinion is on record and the
   classifier's random stream does not depend on the rules in force);
2. applies the **hard rules**, first match wins: a rule names a queue (or the manual-review
   queue), e.g. "refunds over 500 always go to manual review", "a fraud signal above 0.6 always
   goes to loss prevention" — policy beats the model; the rule is ``"hard_rule:<name>"``;
3. if the reported confidence is **below the threshold**, sends the case to manual review
   (rule ``"below_threshold"``);
4. otherwise (confidence >= threshold) sends it to the queue of its *predicted* class
   (rule ``"auto"``).

Each routing is a frozen ``Decision`` naming the rule, the confidence and the threshold, with a
one-line ``explain()``. A person can re-route a case with ``override(by, queue, reason)``: the
result is a new ``Decision`` whose ``original`` is the one it replaces, so the history is kept.

Counters (cases): ``total``; ``auto_routed``; ``misrouted`` (auto-routed to a queue other than
the true class's queue — two classes sharing a queue are not misroutes of each other);
``below_threshold``; ``hard_rule_routed``; ``manual_review`` (the triage decision put the case
in the manual-review queue, below threshold or by a hard rule); ``overridden`` (cases re-routed
by a person at least once). ``total = auto_routed + below_threshold + hard_rule_routed``. The
counters describe the triage decisions; an override corrects a case but does not rewrite them.

KPIs (KPIS.md): ``triage_auto_routed_rate = auto_routed / total``,
``triage_misroute_rate = misrouted / auto_routed``, ``manual_review_rate = manual_review /
total``, each ``None`` when its denominator is 0. Times ``t_h`` are simulated hours from the
injected clock (e.g. ``lambda: env.now``), ``None`` without one.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType
from typing import Any

from orchestration.triage.classifier import Classifier

__all__ = [
    "AUTO",
    "BELOW_THRESHOLD",
    "HARD_RULE_PREFIX",
    "KPI_KEYS",
    "Case",
    "CaseId",
    "Decision",
    "HardRule",
    "TriageRouter",
    "amount_above",
    "confident",
    "signal_above",
]

AUTO = "auto"
BELOW_THRESHOLD = "below_threshold"
HARD_RULE_PREFIX = "hard_rule:"
KPI_KEYS = ("triage_auto_routed_rate", "triage_misroute_rate", "manual_review_rate")

CaseId = str | int


@dataclass(frozen=True, slots=True)
class Case:
    """One case to triage: id, true class (for scoring only) and numeric features for rules."""

    case_id: CaseId
    true_class: str
    features: Mapping[str, float] = field(default_factory=dict, hash=False)

    def __post_init__(self) -> None:
        # the common types are accepted by an exact type test first (an ``isinstance`` against
        # ``numbers.Real`` is an ABC check: a case is built per ticket, return and invoice)
        cid = self.case_id
        if type(cid) is not str and (isinstance(cid, bool) or not isinstance(cid, str | int)):
            raise TypeError(f"case_id must be a str or int, got {cid!r}")
        if type(self.true_class) is not str or not self.true_class:
            raise ValueError(f"case {cid!r}: true_class must be a non-empty str")
        features = {}
        for name, value in dict(self.features).items():
            if type(value) is not float:
                if isinstance(value, bool) or not isinstance(value, numbers.Real):
                    raise TypeError(
                        f"case {cid!r}: feature {name!r} must be a number, got {value!r}"
                    )
                value = float(value)
            features[name] = value
        object.__setattr__(self, "features", MappingProxyType(features))

    def feature(self, name: str, rule: str) -> float:
        """The value of feature ``name``; a ``KeyError`` naming the rule when the case lacks it."""
        try:
            return self.features[name]
        except KeyError:
            raise KeyError(
                f"hard rule {rule!r} needs case feature {name!r}; case {self.case_id!r} has "
                f"{sorted(self.features)}"
            ) from None


@dataclass(frozen=True, slots=True)
class HardRule:
    """A policy rule checked before the classifier's threshold: if ``when(case)``, go to ``queue``.

    ``queue=None`` means the router's manual-review queue. ``description`` is the human reading
    of the condition (``"amount > 500"``) and goes into each decision's ``detail``.
    """

    name: str
    when: Callable[[Case], bool]
    queue: str | None = None
    description: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.name, str) or not self.name:
            raise ValueError(f"a hard rule needs a non-empty name, got {self.name!r}")
        if self.queue is not None and (not isinstance(self.queue, str) or not self.queue):
            raise ValueError(f"hard rule {self.name!r}: queue must be a non-empty str or None")
        if not callable(self.when):
            raise TypeError(f"hard rule {self.name!r}: when must be callable")


def amount_above(
    limit: float, *, name: str | None = None, queue: str | None = None, feature: str = "amount"
) -> HardRule:
    """Cases whose ``amount`` (currency) is strictly above ``limit`` go to ``queue`` (manual)."""
    limit = _finite(limit, "limit")
    rule_name = name or f"{feature}_over_{limit:g}"
    return HardRule(
        name=rule_name,
        when=lambda case: case.feature(feature, rule_name) > limit,
        queue=queue,
        description=f"{feature} > {limit:g}",
    )


def signal_above(
    feature: str, limit: float, *, queue: str | None = None, name: str | None = None
) -> HardRule:
    """Cases whose score ``feature`` (e.g. ``fraud_signal``) is strictly above ``limit`` go to
    ``queue`` (manual review when None)."""
    limit = _finite(limit, "limit")
    rule_name = name or f"{feature}_over_{limit:g}"
    return HardRule(
        name=rule_name,
        when=lambda case: case.feature(feature, rule_name) > limit,
        queue=queue,
        description=f"{feature} > {limit:g}",
    )


@dataclass(frozen=True, slots=True)
class Decision:
    """One routing of one case, and why.

    ``rule`` is how the triage decided (``"auto"``, ``"below_threshold"`` or
    ``"hard_rule:<name>"``); ``detail`` says it in words (a hard rule's condition and the case's
    features are kept in ``rule_detail``); ``queue`` is where the case goes. A decision made by
    a person has ``overridden_by``/``override_reason`` set and keeps the decision it replaced in
    ``original`` (the triage fields are carried over unchanged).
    """

    case_id: CaseId
    true_class: str
    predicted_class: str
    confidence: float
    threshold: float
    rule: str
    queue: str
    rule_detail: str = ""
    t_h: float | None = None
    overridden_by: str | None = None
    override_reason: str | None = None
    original: Decision | None = None

    @property
    def detail(self) -> str:
        """Why the triage rule applied, in words."""
        if self.rule == AUTO:
            return f"confidence {self.confidence:.3f} >= threshold {self.threshold:g}"
        if self.rule == BELOW_THRESHOLD:
            return f"confidence {self.confidence:.3f} < threshold {self.threshold:g}"
        return self.rule_detail

    @property
    def overridden(self) -> bool:
        """True when a person re-routed the case (this decision replaced another)."""
        return self.original is not None

    @property
    def triage(self) -> Decision:
        """The first, automatic decision for this case (itself when never overridden)."""
        decision = self
        while decision.original is not None:
            decision = decision.original
        return decision

    @property
    def auto_routed(self) -> bool:
        return self.rule == AUTO

    def override(self, by: str, queue: str, reason: str, t_h: float | None = None) -> Decision:
        """A person ``by`` re-routes the case to ``queue`` because ``reason``; returns the new
        decision, which keeps this one as ``original``. Who, where and why are all required."""
        for label, value in (("by", by), ("queue", queue), ("reason", reason)):
            if not isinstance(value, str) or not value.strip():
                raise ValueError(f"an override needs a non-empty {label}, got {value!r}")
        if queue == self.queue:
            raise ValueError(f"case {self.case_id!r} is already in queue {queue!r}")
        return replace(
            self,
            queue=queue,
            t_h=t_h,
            overridden_by=by,
            override_reason=reason,
            original=self,
        )

    def explain(self) -> str:
        """The decision and its history in one line of words."""
        first = self.triage
        text = (
            f"case {first.case_id!r}: model predicted {first.predicted_class!r} with confidence "
            f"{first.confidence:.3f} (threshold {first.threshold:g}); {first.rule}: "
            f"{first.detail} -> {first.queue!r}"
        )
        chain: list[Decision] = []
        decision: Decision | None = self
        while decision is not None and decision.original is not None:
            chain.append(decision)
            decision = decision.original
        for step in reversed(chain):
            assert step.original is not None
            text += (
                f"; overridden by {step.overridden_by!r} from {step.original.queue!r} to "
                f"{step.queue!r}: {step.override_reason}"
            )
        return text

    def record(self) -> dict[str, Any]:
        """A flat row for a frame or the event log (the triage queue is ``triage_queue``)."""
        return {
            "case_id": self.case_id,
            "true_class": self.true_class,
            "predicted_class": self.predicted_class,
            "confidence": self.confidence,
            "threshold": self.threshold,
            "rule": self.rule,
            "detail": self.triage.detail,
            "triage_queue": self.triage.queue,
            "queue": self.queue,
            "t_h": self.t_h,
            "overridden_by": self.overridden_by,
            "override_reason": self.override_reason,
        }


class TriageRouter:
    """Route cases of one family (tickets, refunds or invoices) by rules, threshold and model.

    ``routes`` maps every class of the classifier to its work queue (several classes may share
    one); no route may be the manual-review queue (that queue is reached by threshold or rule
    only, which keeps the counters a partition). ``threshold`` is a confidence in [0, inf):
    0 auto-routes everything, anything above 1 sends everything to manual review.

    Routing the same case id again returns its current decision and counts nothing (duplicate
    deliveries are harmless); routing it with a different true class is an error.
    """

    def __init__(
        self,
        classifier: Classifier,
        threshold: float,
        routes: Mapping[str, str],
        manual_queue: str = "manual_review",
        rules: Sequence[HardRule] = (),
        clock: Callable[[], float] | None = None,
    ) -> None:
        self.classifier = classifier
        self.threshold = _threshold(threshold)
        if not isinstance(manual_queue, str) or not manual_queue:
            raise ValueError(f"manual_queue must be a non-empty str, got {manual_queue!r}")
        self.manual_queue = manual_queue
        self.routes: Mapping[str, str] = MappingProxyType(
            _validate_routes(classifier.classes, routes, manual_queue)
        )
        self.rules: tuple[HardRule, ...] = _validate_rules(rules)
        self._clock = clock
        #: one case's scalar classification, when the classifier offers it (decided once)
        self._classify_one: Callable[[str], tuple[int, float]] | None = getattr(
            classifier, "classify_one", None
        )
        self._decisions: dict[CaseId, Decision] = {}
        self.total = 0
        self.auto_routed = 0
        self.misrouted = 0
        self.below_threshold = 0
        self.hard_rule_routed = 0
        self.manual_review = 0
        self.overridden = 0

    # ------------------------------------------------------------------ routing
    def route(self, case: Case) -> Decision:
        """Triage one case (see the module docstring for the order of the checks): what
        ``route_many([case])[0]`` does, with the classifier's scalar draws when it has them
        (``classify_one``: the same numbers, without a batch's arrays)."""
        if not isinstance(case, Case):
            raise TypeError(f"route expects Case records, got {type(case).__name__}")
        seen = self._decisions.get(case.case_id)
        if seen is not None:
            _same_class(seen, case)
            return seen
        one = self._classify_one
        if one is not None:
            k, confidence = one(case.true_class)
            pred = self.classifier.classes[k]
        else:
            batch = self.classifier.classify_many([case.true_class])
            pred, confidence = batch.classes[int(batch.pred_index[0])], float(batch.confidence[0])
        t_h = self._clock() if self._clock is not None else None
        decision = self._decide(case, pred, confidence, t_h)
        self._count(decision)
        self._decisions[case.case_id] = decision
        return decision

    def route_many(self, cases: Iterable[Case]) -> list[Decision]:
        """Triage a batch with one classifier call; decisions come back in case order."""
        cases = list(cases)
        fresh: dict[CaseId, Case] = {}
        for case in cases:
            if not isinstance(case, Case):
                raise TypeError(f"route expects Case records, got {type(case).__name__}")
            seen = self._decisions.get(case.case_id) or fresh.get(case.case_id)
            if seen is not None:
                _same_class(seen, case)
            else:
                fresh[case.case_id] = case
        if fresh:
            batch = self.classifier.classify_many([c.true_class for c in fresh.values()])
            t_h = self._clock() if self._clock is not None else None
            # decide everything first, so a rule failing on one case leaves the router untouched
            classes = batch.classes
            decisions = [
                self._decide(case, classes[k], confidence, t_h)
                for case, k, confidence in zip(
                    fresh.values(),
                    batch.pred_index.tolist(),
                    batch.confidence.tolist(),
                    strict=True,
                )
            ]
            for decision in decisions:
                self._count(decision)
                self._decisions[decision.case_id] = decision
        return [self._decisions[c.case_id] for c in cases]

    def _decide(self, case: Case, pred: str, confidence: float, t_h: float | None) -> Decision:
        rule, queue, detail = self._apply_policy(case, confidence, pred)
        return Decision(
            case_id=case.case_id,
            true_class=case.true_class,
            predicted_class=pred,
            confidence=confidence,
            threshold=self.threshold,
            rule=rule,
            queue=queue,
            rule_detail=detail,
            t_h=t_h,
        )

    def _count(self, decision: Decision) -> None:
        rule, queue = decision.rule, decision.queue
        self.total += 1
        if rule == AUTO:
            self.auto_routed += 1
            if queue != self.routes[decision.true_class]:
                self.misrouted += 1
        elif rule == BELOW_THRESHOLD:
            self.below_threshold += 1
        else:
            self.hard_rule_routed += 1
        if queue == self.manual_queue:
            self.manual_review += 1

    def _apply_policy(self, case: Case, confidence: float, pred: str) -> tuple[str, str, str]:
        for hard in self.rules:
            if hard.when(case):
                queue = hard.queue if hard.queue is not None else self.manual_queue
                features = ", ".join(f"{k}={v:g}" for k, v in case.features.items())
                detail = f"{hard.description or hard.name} ({features or 'no features'})"
                return HARD_RULE_PREFIX + hard.name, queue, detail
        if not confident(confidence, self.threshold):
            return BELOW_THRESHOLD, self.manual_queue, ""
        return AUTO, self.routes[pred], ""

    # ------------------------------------------------------------------ people
    def override(self, case_id: CaseId, by: str, queue: str, reason: str) -> Decision:
        """Person ``by`` re-routes case ``case_id`` to ``queue`` because ``reason``; recorded,
        the replaced decision kept as ``original``. Returns the new current decision."""
        current = self.decision(case_id)
        t_h = self._clock() if self._clock is not None else None
        new = current.override(by=by, queue=queue, reason=reason, t_h=t_h)
        if not current.overridden:
            self.overridden += 1
        self._decisions[case_id] = new
        return new

    # ------------------------------------------------------------------ reading
    def decision(self, case_id: CaseId) -> Decision:
        """The current decision for ``case_id`` (the latest override, if any)."""
        try:
            return self._decisions[case_id]
        except KeyError:
            raise KeyError(f"case {case_id!r} has not been triaged by this router") from None

    @property
    def decisions(self) -> list[Decision]:
        """Current decisions, one per case, in the order the cases were first routed."""
        return list(self._decisions.values())

    def counts(self) -> dict[str, int]:
        """The case counters, by name."""
        return {
            "total": self.total,
            "auto_routed": self.auto_routed,
            "misrouted": self.misrouted,
            "below_threshold": self.below_threshold,
            "hard_rule_routed": self.hard_rule_routed,
            "manual_review": self.manual_review,
            "overridden": self.overridden,
        }

    def kpis(self) -> dict[str, float | None]:
        """The triage KPIs of KPIS.md, exactly ``KPI_KEYS``; ``None`` where nothing applies."""
        return {
            "triage_auto_routed_rate": _ratio(self.auto_routed, self.total),
            "triage_misroute_rate": _ratio(self.misrouted, self.auto_routed),
            "manual_review_rate": _ratio(self.manual_review, self.total),
        }

    def __repr__(self) -> str:
        return (
            f"TriageRouter(threshold={self.threshold:g}, manual_queue={self.manual_queue!r}, "
            f"rules={[r.name for r in self.rules]}, counts={self.counts()})"
        )


# ---------------------------------------------------------------------- helpers
def _same_class(seen: Decision | Case, case: Case) -> None:
    """A case routed again must be the same case: its true class may not change."""
    if seen.true_class != case.true_class:
        raise ValueError(
            f"case {case.case_id!r} was already triaged as true class "
            f"{seen.true_class!r}, now given {case.true_class!r}"
        )


def confident(confidence: Any, threshold: float) -> Any:
    """Whether a confidence (a float or a numpy array of them) clears the threshold: at or above
    it is confident enough to auto-route. The one place this comparison is made."""
    return confidence >= threshold


def _ratio(num: int, den: int) -> float | None:
    return num / den if den else None


def _finite(value: float, label: str) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"{label} must be a number, got {value!r}")
    if not math.isfinite(value):
        raise ValueError(f"{label} must be finite, got {value!r}")
    return float(value)


def _threshold(value: float) -> float:
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f"threshold must be a number, got {value!r}")
    if math.isnan(value) or value < 0:
        raise ValueError(
            f"threshold must be a confidence >= 0 (above 1: all manual), got {value!r}"
        )
    return float(value)


def _validate_routes(
    classes: Sequence[str], routes: Mapping[str, str], manual_queue: str
) -> dict[str, str]:
    missing = [c for c in classes if c not in routes]
    unknown = sorted(set(routes) - set(classes), key=str)
    if missing or unknown:
        raise ValueError(
            f"routes must name a queue for every class and nothing else: missing {missing}, "
            f"unknown {unknown}"
        )
    out = {}
    for c in classes:
        queue = routes[c]
        if not isinstance(queue, str) or not queue:
            raise ValueError(f"route for class {c!r} must be a non-empty queue name, got {queue!r}")
        if queue == manual_queue:
            raise ValueError(
                f"route for class {c!r} is the manual-review queue {manual_queue!r}; cases reach "
                "manual review by threshold or hard rule only"
            )
        out[c] = queue
    return out


def _validate_rules(rules: Sequence[HardRule]) -> tuple[HardRule, ...]:
    out = tuple(rules)
    for r in out:
        if not isinstance(r, HardRule):
            raise TypeError(f"rules must be HardRule records, got {type(r).__name__}")
    names = [r.name for r in out]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ValueError(f"hard rule names must be unique; repeated: {dupes}")
    return out
