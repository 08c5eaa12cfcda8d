"""The threshold trade-off: a higher threshold means more manual review and fewer misroutes."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from orchestration.triage import (
    PRESETS,
    TICKETS,
    Case,
    TradeoffRow,
    TriagePreset,
    TriageRouter,
    threshold_tradeoff,
)

THRESHOLDS = (0.0, 0.3, 0.5, 0.6, 0.7, 0.75, 0.8, 0.85, 0.9, 0.95)
N_CASES = 50_000


def _stream(preset: TriagePreset, seed: int = 1) -> list[str]:
    return preset.sample_true_classes(N_CASES, np.random.default_rng(seed))


@pytest.mark.parametrize("preset", PRESETS.values(), ids=list(PRESETS))
def test_raising_the_threshold_trades_workload_for_fewer_misroutes(preset: TriagePreset) -> None:
    """Each step up in threshold raises manual review and does not raise the misroute rate."""
    rows = threshold_tradeoff(preset.classifier_factory(seed=7), _stream(preset), THRESHOLDS)
    assert [r.threshold for r in rows] == list(THRESHOLDS)
    manual = [r.manual_review_rate for r in rows]
    misroute = [r.misroute_rate for r in rows]
    assert all(m is not None for m in misroute)
    assert all(lo < hi for lo, hi in itertools.pairwise(manual)), manual
    assert all(hi <= lo for lo, hi in itertools.pairwise(misroute)), misroute
    # and the trade-off is material, not a rounding effect
    assert misroute[0] > 3 * misroute[-1]
    for r in rows:
        assert r.auto_routed_rate + r.manual_review_rate == pytest.approx(1.0)


@pytest.mark.parametrize("preset", PRESETS.values(), ids=list(PRESETS))
def test_threshold_zero_misroutes_one_minus_accuracy(preset: TriagePreset) -> None:
    """With everything auto-routed, the misroute rate is the model's error rate, within 1 point."""
    (row,) = threshold_tradeoff(preset.classifier_factory(seed=3), _stream(preset, 2), [0.0])
    assert row.auto_routed_rate == 1.0
    assert row.manual_review_rate == 0.0
    assert row.misroute_rate == pytest.approx(1 - preset.accuracy, abs=0.01)


def test_threshold_above_one_sends_everything_to_people() -> None:
    """Above 1 nothing is confident enough: auto rate 0, misroute rate None, manual rate 1."""
    (row,) = threshold_tradeoff(TICKETS.classifier_factory(seed=3), _stream(TICKETS), [1.01])
    assert row == TradeoffRow(1.01, 0.0, None, 1.0)


def test_same_seed_same_rows_other_seed_other_rows() -> None:
    """The sweep is deterministic for a given seed."""
    stream = _stream(TICKETS)
    a = threshold_tradeoff(TICKETS.classifier_factory(seed=5), stream, THRESHOLDS)
    b = threshold_tradeoff(TICKETS.classifier_factory(seed=5), stream, THRESHOLDS)
    c = threshold_tradeoff(TICKETS.classifier_factory(seed=6), stream, THRESHOLDS)
    assert a == b
    assert a != c


def test_the_sweep_agrees_exactly_with_the_router() -> None:
    """A sweep row equals the KPIs of a TriageRouter routing the same cases with the same seed."""
    stream = _stream(TICKETS)[:5_000]
    routes = dict(TICKETS.routes)
    rows = threshold_tradeoff(TICKETS.classifier_factory(seed=9), stream, [0.6, 0.8], routes=routes)
    for row in rows:
        router = TriageRouter(TICKETS.classifier(np.random.default_rng(9)), row.threshold, routes)
        router.route_many([Case(i, c) for i, c in enumerate(stream)])
        k = router.kpis()
        assert (row.auto_routed_rate, row.misroute_rate, row.manual_review_rate) == (
            k["triage_auto_routed_rate"],
            k["triage_misroute_rate"],
            k["manual_review_rate"],
        )


def test_a_factory_must_build_a_fresh_classifier_each_time() -> None:
    """Reusing one classifier (or generator) across thresholds would compare different draws."""
    shared = TICKETS.classifier(np.random.default_rng(0))
    with pytest.raises(ValueError, match="fresh"):
        threshold_tradeoff(lambda: shared, ["wismo"] * 10, [0.5, 0.6])
    rng = np.random.default_rng(0)
    with pytest.raises(ValueError, match="fresh"):
        threshold_tradeoff(lambda: TICKETS.classifier(rng), ["wismo"] * 10, [0.5, 0.6])


def test_empty_inputs_and_unknown_classes_are_rejected() -> None:
    """A sweep needs cases and thresholds, and cases of classes the model knows."""
    factory = TICKETS.classifier_factory(seed=0)
    with pytest.raises(ValueError, match="at least one case"):
        threshold_tradeoff(factory, [], [0.5])
    with pytest.raises(ValueError, match="at least one threshold"):
        threshold_tradeoff(factory, ["wismo"], [])
    with pytest.raises(ValueError, match="unknown true classes"):
        threshold_tradeoff(factory, ["wismo", "refund"], [0.5])
