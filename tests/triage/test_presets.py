"""The default triage models: assumed, but within the accuracy band and anchored class mixes."""

from __future__ import annotations

import numpy as np
import pytest

from orchestration.triage import (
    INVOICES,
    PRESETS,
    REFUNDS,
    TICKETS,
    Case,
    TriagePreset,
    invoice_rules,
    refund_rules,
)


@pytest.mark.parametrize("preset", PRESETS.values(), ids=list(PRESETS))
def test_accuracy_over_the_class_mix_is_85_to_92_percent(preset: TriagePreset) -> None:
    """Each family's prior-weighted accuracy sits in the 85-92% band the presets promise."""
    assert 0.85 <= preset.accuracy <= 0.92
    clf = preset.classifier(np.random.default_rng(0))
    assert clf.accuracy(preset.mix) == pytest.approx(preset.accuracy)


@pytest.mark.parametrize("preset", PRESETS.values(), ids=list(PRESETS))
def test_confidence_is_informative_and_routes_cover_every_class(preset: TriagePreset) -> None:
    """Correct answers report higher confidence; every class has its own (non-manual) queue."""
    clf = preset.classifier(np.random.default_rng(0))
    assert clf.confidence_is_informative
    assert preset.confidence[True].mean > preset.confidence[False].mean + 0.2
    assert set(preset.routes) == set(preset.classes)
    assert "manual_review" not in preset.routes.values()
    assert 0.5 <= preset.threshold <= 0.9


def test_class_mixes_follow_retail_params() -> None:
    """WISMO is 18% of tickets; 22% of invoices are exceptions; about 12% of refunds are fraud."""
    assert TICKETS.mix["wismo"] == 0.18
    assert 1 - INVOICES.mix["clean_match"] == pytest.approx(0.22)
    assert REFUNDS.mix["suspected_fraud"] == 0.12
    stream = TICKETS.sample_true_classes(50_000, np.random.default_rng(3))
    assert stream.count("wismo") / 50_000 == pytest.approx(0.18, abs=0.01)


def test_presets_are_registered_by_family() -> None:
    """The three families are available by name, with the classes the issue names."""
    assert set(PRESETS) == {"tickets", "refunds", "invoices"}
    assert TICKETS.classes == ("wismo", "return_request", "damaged_item", "payment_issue", "other")
    assert REFUNDS.classes == ("standard", "policy_exception", "suspected_fraud")
    assert INVOICES.classes == (
        "clean_match",
        "price_mismatch",
        "quantity_mismatch",
        "duplicate_invoice",
    )


def test_default_operating_points_keep_misroutes_low() -> None:
    """At each preset's default threshold fewer than 5% of auto-routed cases are misrouted."""
    for preset in PRESETS.values():
        router = preset.router(np.random.default_rng(11))
        stream = preset.sample_true_classes(10_000, np.random.default_rng(12))
        router.route_many([Case(i, c) for i, c in enumerate(stream)])
        k = router.kpis()
        assert k["triage_misroute_rate"] is not None
        assert k["triage_misroute_rate"] < 0.05, preset.family
        assert 0.5 < k["triage_auto_routed_rate"] < 0.95, preset.family


def test_refund_and_invoice_rules_send_risky_cases_to_people() -> None:
    """Fraud signals go to loss prevention first; big refunds and invoices go to manual review."""
    router = REFUNDS.router(np.random.default_rng(0), rules=refund_rules())
    fraud, big, small = router.route_many(
        [
            Case(1, "standard", {"amount": 900, "fraud_signal": 0.7}),
            Case(2, "standard", {"amount": 900, "fraud_signal": 0.1}),
            Case(3, "standard", {"amount": 90, "fraud_signal": 0.1}),
        ]
    )
    assert fraud.queue == "loss_prevention"
    assert big.queue == "manual_review"
    assert not small.rule.startswith("hard_rule:")
    inv = INVOICES.router(np.random.default_rng(0), rules=invoice_rules())
    assert inv.route(Case("inv-1", "clean_match", {"amount": 60_000})).rule == (
        "hard_rule:invoice_over_limit"
    )


def test_a_malformed_preset_is_rejected() -> None:
    """A class mix that does not sum to 1 is refused when the preset is defined."""
    with pytest.raises(ValueError, match="class_mix"):
        TriagePreset(
            family="x",
            classes=("a", "b"),
            class_mix=(0.5, 0.6),
            confusion=((1, 0), (0, 1)),
            confidence=TICKETS.confidence,
            routes={"a": "qa", "b": "qb"},
            threshold=0.5,
        )
