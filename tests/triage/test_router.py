"""The triage router: hard rules, then the confidence threshold, then the predicted queue."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest

from orchestration.triage import (
    AUTO,
    BELOW_THRESHOLD,
    KPI_KEYS,
    REFUNDS,
    TICKETS,
    Case,
    Decision,
    HardRule,
    PredictionBatch,
    TriageRouter,
    amount_above,
    refund_rules,
    signal_above,
)

REFUND_CLASSES = ("standard", "policy_exception", "suspected_fraud")
REFUND_ROUTES = {
    "standard": "refund_standard",
    "policy_exception": "refund_finance_review",
    "suspected_fraud": "loss_prevention",
}


class ScriptedClassifier:
    """A stand-in model that says, for each case in turn, a scripted (class, confidence)."""

    def __init__(self, script: Sequence[tuple[str, float]], classes=REFUND_CLASSES) -> None:
        self.classes = tuple(classes)
        self._script = list(script)

    def classify_many(self, true_classes: Sequence[str]) -> PredictionBatch:
        answers, self._script = self._script[: len(true_classes)], self._script[len(true_classes) :]
        assert len(answers) == len(true_classes), "script exhausted"
        idx = np.array([self.classes.index(p) for p, _ in answers], dtype=np.intp)
        conf = np.array([c for _, c in answers], dtype=float)
        return PredictionBatch(self.classes, idx, conf)


def scripted_router(script, threshold=0.8, rules=(), routes=REFUND_ROUTES, **kw) -> TriageRouter:
    return TriageRouter(ScriptedClassifier(script), threshold, routes, rules=rules, **kw)


# ---------------------------------------------------------------------- the three paths
def test_a_confident_prediction_goes_to_its_predicted_class_queue() -> None:
    """At 0.93 >= 0.8 the case is auto-routed to the queue of the *predicted* class."""
    router = scripted_router([("policy_exception", 0.93)])
    d = router.route(Case("r-1", "standard"))
    assert (d.rule, d.queue, d.predicted_class, d.true_class) == (
        AUTO,
        "refund_finance_review",
        "policy_exception",
        "standard",
    )
    assert (d.confidence, d.threshold) == (0.93, 0.8)
    assert router.counts()["misrouted"] == 1


def test_confidence_exactly_at_the_threshold_is_auto_routed() -> None:
    """'At or above' the threshold is confident enough: 0.8 at threshold 0.8 routes itself."""
    router = scripted_router([("standard", 0.8), ("standard", 0.7999999)])
    at, below = router.route_many([Case(1, "standard"), Case(2, "standard")])
    assert (at.rule, at.queue) == (AUTO, "refund_standard")
    assert (below.rule, below.queue) == (BELOW_THRESHOLD, "manual_review")


def test_an_unsure_prediction_goes_to_manual_review() -> None:
    """Below the threshold the prediction is recorded but not used: the case waits for a person."""
    router = scripted_router([("suspected_fraud", 0.55)], manual_queue="cs_triage_desk")
    d = router.route(Case("r-2", "suspected_fraud"))
    assert (d.rule, d.queue, d.predicted_class) == (
        BELOW_THRESHOLD,
        "cs_triage_desk",
        "suspected_fraud",
    )
    assert "0.550 < threshold 0.8" in d.detail


def test_the_true_class_is_never_used_to_route() -> None:
    """Two cases with different true classes and the same prediction land in the same queue."""
    router = scripted_router([("standard", 0.95), ("standard", 0.95)])
    a, b = router.route_many([Case(1, "standard"), Case(2, "suspected_fraud")])
    assert a.queue == b.queue == "refund_standard"
    assert router.counts()["misrouted"] == 1


def test_every_decision_names_its_rule_confidence_and_threshold() -> None:
    """Whatever the path, a decision says which rule applied, the confidence and the threshold."""
    rules = refund_rules(amount_limit=500, fraud_signal_limit=0.6)
    router = REFUNDS.router(np.random.default_rng(3), threshold=0.75, rules=rules)
    rng = np.random.default_rng(4)
    cases = [
        Case(i, c, {"amount": float(rng.uniform(5, 900)), "fraud_signal": float(rng.uniform())})
        for i, c in enumerate(REFUNDS.sample_true_classes(400, rng))
    ]
    decisions = router.route_many(cases)
    rules_seen = {d.rule for d in decisions}
    assert rules_seen == {
        "auto",
        "below_threshold",
        "hard_rule:fraud_signal",
        "hard_rule:refund_over_limit",
    }
    for d in decisions:
        assert isinstance(d, Decision)
        assert d.threshold == 0.75
        assert 0.0 <= d.confidence <= 1.0
        assert d.predicted_class in REFUNDS.classes
        assert d.detail
        assert repr(d.case_id) in d.explain()
        assert d.rule in d.explain()
        with pytest.raises(AttributeError):
            d.queue = "elsewhere"  # type: ignore[misc]


# ---------------------------------------------------------------------- hard rules
def test_hard_rules_win_over_a_confident_classifier() -> None:
    """A 0.99-confident 'standard' with a fraud signal of 0.9 goes to loss prevention anyway."""
    router = scripted_router([("standard", 0.99), ("standard", 0.99)], rules=refund_rules())
    fraud, big = router.route_many(
        [
            Case("r-9", "suspected_fraud", {"amount": 80.0, "fraud_signal": 0.9}),
            Case("r-10", "standard", {"amount": 1200.0, "fraud_signal": 0.1}),
        ]
    )
    assert (fraud.rule, fraud.queue) == ("hard_rule:fraud_signal", "loss_prevention")
    assert (big.rule, big.queue) == ("hard_rule:refund_over_limit", "manual_review")
    assert fraud.predicted_class == "standard"  # the model's opinion stays on record
    assert fraud.confidence == 0.99
    assert "fraud_signal > 0.6" in fraud.detail
    assert router.counts() == {
        "total": 2,
        "auto_routed": 0,
        "misrouted": 0,
        "below_threshold": 0,
        "hard_rule_routed": 2,
        "manual_review": 1,
        "overridden": 0,
    }


def test_the_first_matching_rule_wins() -> None:
    """A big refund with a fraud signal goes where the first listed rule says."""
    case = Case("r-1", "suspected_fraud", {"amount": 900.0, "fraud_signal": 0.95})
    fraud_first = scripted_router([("standard", 0.5)], rules=refund_rules())
    amount_first = scripted_router([("standard", 0.5)], rules=tuple(reversed(refund_rules())))
    assert fraud_first.route(case).queue == "loss_prevention"
    assert amount_first.route(case).queue == "manual_review"


def test_rules_apply_strictly_above_their_limit() -> None:
    """Exactly at the amount limit the rule does not fire; a cent above it does."""
    router = scripted_router([("standard", 0.9)] * 2, rules=[amount_above(500)])
    at, above = router.route_many(
        [Case(1, "standard", {"amount": 500}), Case(2, "standard", {"amount": 500.01})]
    )
    assert at.rule == AUTO
    assert above.rule == "hard_rule:amount_over_500"


def test_a_rule_needing_a_missing_feature_fails_loudly_and_routes_nothing() -> None:
    """A refund without an amount is a wiring bug: KeyError naming rule and feature; no counts."""
    router = scripted_router([("standard", 0.9), ("standard", 0.9)], rules=[amount_above(500)])
    with pytest.raises(KeyError, match="'amount_over_500' needs case feature 'amount'"):
        router.route_many([Case(1, "standard", {"amount": 10}), Case(2, "standard")])
    assert router.total == 0
    assert router.decisions == []


def test_custom_rules_and_validation() -> None:
    """Any predicate can be a rule; rule names are unique; queues are named or manual."""
    vip = HardRule(
        "vip", lambda c: c.features.get("vip", 0) > 0, queue="vip_desk", description="VIP"
    )
    router = scripted_router([("standard", 0.99)], rules=[vip])
    assert router.route(Case(1, "standard", {"vip": 1})).queue == "vip_desk"
    with pytest.raises(ValueError, match="unique"):
        scripted_router(
            [], rules=[signal_above("x", 0.5), signal_above("x", 0.7, name="x_over_0.5")]
        )
    with pytest.raises(ValueError, match="non-empty name"):
        HardRule("", lambda c: True)


# ---------------------------------------------------------------------- overrides
def test_an_override_is_recorded_with_who_and_why_and_keeps_the_original() -> None:
    """A person re-routes an auto-routed case; the new decision points back at the original."""
    clock = iter([1.0, 5.5]).__next__
    router = scripted_router([("standard", 0.95)], clock=clock)
    original = router.route(Case("r-3", "suspected_fraud"))
    new = router.override(
        "r-3", by="lp_analyst:2", queue="loss_prevention", reason="address on watch list"
    )
    assert new.overridden
    assert (new.queue, new.overridden_by, new.override_reason) == (
        "loss_prevention",
        "lp_analyst:2",
        "address on watch list",
    )
    assert new.original is original
    assert (original.queue, original.rule, original.overridden) == ("refund_standard", AUTO, False)
    assert (new.rule, new.predicted_class, new.confidence) == (AUTO, "standard", 0.95)
    assert (original.t_h, new.t_h) == (1.0, 5.5)
    assert router.decision("r-3") is new
    assert "overridden by 'lp_analyst:2'" in new.explain()
    assert "address on watch list" in new.explain()
    assert new.record()["triage_queue"] == "refund_standard"
    assert new.record()["queue"] == "loss_prevention"


def test_overrides_count_cases_and_do_not_rewrite_the_triage_counters() -> None:
    """Two overrides of one case count one overridden case; auto and misroute counts stay."""
    router = scripted_router([("standard", 0.95)])
    router.route(Case(7, "suspected_fraud"))
    first = router.override(7, "a", "manual_review", "looks odd")
    second = router.override(7, "b", "loss_prevention", "confirmed fraud")
    assert second.original is first
    assert second.triage.queue == "refund_standard"
    assert router.counts()["overridden"] == 1
    assert (router.auto_routed, router.misrouted, router.manual_review) == (1, 1, 0)
    assert second.explain().count("overridden by") == 2


def test_an_override_needs_who_where_and_why() -> None:
    """No anonymous or unexplained re-routing, and no 're-route' to where it already is."""
    router = scripted_router([("standard", 0.95)])
    router.route(Case(1, "standard"))
    with pytest.raises(ValueError, match="non-empty by"):
        router.override(1, "", "manual_review", "x")
    with pytest.raises(ValueError, match="non-empty reason"):
        router.override(1, "ana", "manual_review", "  ")
    with pytest.raises(ValueError, match="already in queue"):
        router.override(1, "ana", "refund_standard", "x")
    with pytest.raises(KeyError, match="not been triaged"):
        router.override(2, "ana", "manual_review", "x")
    assert router.overridden == 0


# ---------------------------------------------------------------------- counters and KPIs
def test_kpis_have_exactly_the_contract_keys_and_are_none_before_any_case() -> None:
    """Before any case nothing applies: all three KPIs are None (never 0 or NaN)."""
    router = scripted_router([])
    assert tuple(router.kpis()) == KPI_KEYS
    assert set(router.kpis()) == {
        "triage_auto_routed_rate",
        "triage_misroute_rate",
        "manual_review_rate",
    }
    assert router.kpis() == dict.fromkeys(KPI_KEYS)


def test_kpis_are_the_counter_ratios() -> None:
    """auto / total, misrouted / auto, manual / total on a hand-counted script."""
    script = [
        ("standard", 0.9),  # standard -> auto, right
        ("standard", 0.9),  # fraud -> auto, misrouted
        ("policy_exception", 0.85),  # exception -> auto, right
        ("standard", 0.3),  # below threshold
        ("standard", 0.99),  # hard rule to manual
    ]
    router = scripted_router(script, rules=[amount_above(500)])
    router.route_many(
        [
            Case(1, "standard", {"amount": 10}),
            Case(2, "suspected_fraud", {"amount": 10}),
            Case(3, "policy_exception", {"amount": 10}),
            Case(4, "standard", {"amount": 10}),
            Case(5, "standard", {"amount": 900}),
        ]
    )
    assert router.kpis() == {
        "triage_auto_routed_rate": 3 / 5,
        "triage_misroute_rate": 1 / 3,
        "manual_review_rate": 2 / 5,
    }
    c = router.counts()
    assert c["total"] == c["auto_routed"] + c["below_threshold"] + c["hard_rule_routed"]


def test_classes_sharing_a_queue_are_not_misrouted() -> None:
    """If two classes go to one queue, confusing them still lands the case in the right place."""
    routes = {**REFUND_ROUTES, "policy_exception": "refund_standard"}
    router = scripted_router([("policy_exception", 0.9)], routes=routes)
    router.route(Case(1, "standard"))
    assert (router.auto_routed, router.misrouted) == (1, 0)


def test_routing_a_case_twice_returns_its_decision_and_counts_once() -> None:
    """A duplicated delivery of one case is harmless; a changed true class is a bug."""
    router = scripted_router([("standard", 0.9)])
    first = router.route(Case("r-1", "standard"))
    again = router.route(Case("r-1", "standard"))
    assert again is first
    assert router.total == 1
    with pytest.raises(ValueError, match="already triaged"):
        router.route(Case("r-1", "suspected_fraud"))


def test_routes_and_threshold_are_validated() -> None:
    """Every class needs a queue, none the manual queue; the threshold is a confidence >= 0."""
    with pytest.raises(ValueError, match=r"missing \['suspected_fraud'\]"):
        scripted_router([], routes={"standard": "a", "policy_exception": "b"})
    with pytest.raises(ValueError, match="manual-review queue"):
        scripted_router([], routes={**REFUND_ROUTES, "policy_exception": "manual_review"})
    with pytest.raises(ValueError, match="threshold"):
        scripted_router([], threshold=float("nan"))
    with pytest.raises(ValueError, match="threshold"):
        scripted_router([], threshold=-0.1)


# ---------------------------------------------------------------------- extremes and determinism
def _ticket_cases(n: int, seed: int) -> list[Case]:
    return [
        Case(i, c)
        for i, c in enumerate(TICKETS.sample_true_classes(n, np.random.default_rng(seed)))
    ]


def test_threshold_zero_routes_everything_automatically() -> None:
    """At threshold 0 no case waits for a person; the misroute rate is 1 - accuracy (1 pt)."""
    router = TICKETS.router(np.random.default_rng(8), threshold=0.0)
    router.route_many(_ticket_cases(50_000, seed=9))
    k = router.kpis()
    assert k["triage_auto_routed_rate"] == 1.0
    assert k["manual_review_rate"] == 0.0
    assert k["triage_misroute_rate"] == pytest.approx(1 - TICKETS.accuracy, abs=0.01)


def test_a_threshold_above_one_sends_everything_to_manual_review() -> None:
    """No confidence exceeds 1, so at 1.01 every case goes to people and misroute is None."""
    router = TICKETS.router(np.random.default_rng(8), threshold=1.01)
    decisions = router.route_many(_ticket_cases(2_000, seed=9))
    assert {d.queue for d in decisions} == {"manual_review"}
    assert router.kpis() == {
        "triage_auto_routed_rate": 0.0,
        "triage_misroute_rate": None,
        "manual_review_rate": 1.0,
    }


def test_same_seed_same_decisions() -> None:
    """Rebuilding the router from the same seed reproduces every decision; another seed does not."""
    cases = [
        Case(c.case_id, c.true_class, {"amount": 50.0 + 10 * i, "fraud_signal": (i % 10) / 10})
        for i, c in enumerate(_ticket_cases(300, seed=1))
    ]
    refund_cases = [
        Case(c.case_id, REFUNDS.classes[i % 3], c.features) for i, c in enumerate(cases)
    ]

    def run(seed: int) -> list[Decision]:
        router = REFUNDS.router(np.random.default_rng(seed), rules=refund_rules())
        return router.route_many(refund_cases)

    assert run(42) == run(42)
    assert run(42) != run(43)


def test_one_by_one_and_batch_routing_follow_the_same_policy() -> None:
    """Routing cases singly or in a batch gives the same rule and queue for the same prediction."""
    script = [("standard", 0.9), ("suspected_fraud", 0.5), ("policy_exception", 0.81)]
    cases = [Case(i, "standard", {"amount": 10}) for i in range(3)]
    single = scripted_router(script, rules=[amount_above(500)])
    batch = scripted_router(script, rules=[amount_above(500)])
    assert [single.route(c) for c in cases] == batch.route_many(cases)
    assert single.counts() == batch.counts()
