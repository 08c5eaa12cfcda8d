"""The threshold trade-off: manual-review workload against misrouted cases.

A confidence threshold buys accuracy with people's time. Raise it and fewer cases are routed
automatically, so fewer are misrouted (with informative confidence) but more wait in the manual
review queue; lower it and the reverse. ``threshold_tradeoff`` routes the same case stream at each
threshold and reports, per threshold, the three triage KPIs of KPIS.md as fractions in [0, 1]:
``auto_routed_rate`` (auto / all cases), ``misroute_rate`` (misrouted / auto-routed, ``None`` when
nothing was auto-routed) and ``manual_review_rate`` (manual / all cases).

``classifier_factory`` is called once per threshold and must build a *fresh* classifier each
time. Seed it identically (e.g. ``TICKETS.classifier_factory(seed=7)``) and every threshold sees
the very same predictions and confidences (common random numbers): the rows then differ only by
the threshold, so the manual-review rate rises monotonically with it, and the result is
deterministic for a given seed. No hard rules apply here: this is the classifier's trade-off.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import NamedTuple

import numpy as np

from orchestration.triage.classifier import Classifier
from orchestration.triage.router import TriageRouter, confident

__all__ = ["TradeoffRow", "threshold_tradeoff"]


class TradeoffRow(NamedTuple):
    """The triage KPIs at one confidence threshold (fractions; misroute None if no auto)."""

    threshold: float
    auto_routed_rate: float
    misroute_rate: float | None
    manual_review_rate: float


def threshold_tradeoff(
    classifier_factory: Callable[[], Classifier],
    true_classes: Sequence[str],
    thresholds: Sequence[float],
    *,
    routes: Mapping[str, str] | None = None,
    manual_queue: str = "manual_review",
) -> list[TradeoffRow]:
    """Route ``true_classes`` at each threshold; one row per threshold, in the order given.

    ``routes`` maps classes to queues (default: each class to a queue of its own name, so a
    misroute is exactly a wrong auto-routed prediction). The counting is vectorised but follows
    ``TriageRouter`` exactly (same validation, same ``confident`` test, same queue comparison);
    it keeps no per-case ``Decision`` records.
    """
    true_classes = list(true_classes)
    thresholds = list(thresholds)
    if not true_classes:
        raise ValueError("threshold_tradeoff needs at least one case")
    if not thresholds:
        raise ValueError("threshold_tradeoff needs at least one threshold")
    rows: list[TradeoffRow] = []
    seen: list[Classifier] = []
    for threshold in thresholds:
        classifier = classifier_factory()
        rng = getattr(classifier, "rng", None)
        if any(
            c is classifier or (rng is not None and getattr(c, "rng", None) is rng) for c in seen
        ):
            raise ValueError(
                "classifier_factory returned a classifier (or random generator) it had already "
                "returned; it must build a fresh, identically seeded one per call so every "
                "threshold sees the same draws"
            )
        seen.append(classifier)
        classes = classifier.classes
        # the router validates threshold, routes and manual queue exactly as in a simulation
        router = TriageRouter(
            classifier,
            threshold,
            routes if routes is not None else {c: c for c in classes},
            manual_queue=manual_queue,
        )
        rows.append(_row(router, classes, true_classes))
    return rows


def _row(router: TriageRouter, classes: tuple[str, ...], true_classes: list[str]) -> TradeoffRow:
    index = {c: i for i, c in enumerate(classes)}
    unknown = sorted(set(true_classes) - set(index))
    if unknown:
        raise ValueError(f"unknown true classes {unknown}; classes are {classes}")
    queue_ids = {q: k for k, q in enumerate(dict.fromkeys(router.routes.values()))}
    queue_of_class = np.array([queue_ids[router.routes[c]] for c in classes])
    true_idx = np.array([index[c] for c in true_classes])

    batch = router.classifier.classify_many(true_classes)
    auto = confident(batch.confidence, router.threshold)
    misrouted = auto & (queue_of_class[batch.pred_index] != queue_of_class[true_idx])
    n, n_auto = len(true_classes), int(auto.sum())
    return TradeoffRow(
        threshold=router.threshold,
        auto_routed_rate=n_auto / n,
        misroute_rate=int(misrouted.sum()) / n_auto if n_auto else None,
        manual_review_rate=(n - n_auto) / n,
    )
