"""The simulated classifier: it predicts by its confusion matrix and reports Beta confidence."""

from __future__ import annotations

import numpy as np
import pytest

from orchestration.triage import PRESETS, Beta, Prediction, SimulatedClassifier, TriagePreset

N_DRAWS = 50_000
CLASSES = ("standard", "policy_exception", "suspected_fraud")
GOOD = ((0.9, 0.08, 0.02), (0.2, 0.7, 0.1), (0.3, 0.1, 0.6))
CONF = {True: Beta(9, 2), False: Beta(3, 3)}


def make(seed: int = 0, confusion=GOOD) -> SimulatedClassifier:
    return SimulatedClassifier(CLASSES, confusion, CONF, np.random.default_rng(seed))


@pytest.mark.parametrize("preset", PRESETS.values(), ids=list(PRESETS))
def test_empirical_confusion_matches_the_configured_matrix(preset: TriagePreset) -> None:
    """Over 50,000 cases of each true class, every predicted-class share is within 1 point."""
    clf = preset.classifier(np.random.default_rng(2024))
    for i, true in enumerate(preset.classes):
        batch = clf.classify_many([true] * N_DRAWS)
        shares = np.bincount(batch.pred_index, minlength=len(preset.classes)) / N_DRAWS
        np.testing.assert_allclose(shares, preset.confusion[i], atol=0.01, err_msg=true)


def test_mapping_form_with_zero_cells_never_predicts_an_impossible_class() -> None:
    """A row given as {pred: p} leaves absent cells at 0, and those classes never come out."""
    clf = SimulatedClassifier(
        ("a", "b", "c"),
        {"a": {"a": 0.5, "c": 0.5}, "b": {"b": 1.0}, "c": {"a": 0.25, "c": 0.75}},
        CONF,
        np.random.default_rng(1),
    )
    a = clf.classify_many(["a"] * N_DRAWS)
    counts = np.bincount(a.pred_index, minlength=3)
    assert counts[1] == 0
    assert abs(counts[0] / N_DRAWS - 0.5) < 0.01
    assert set(clf.classify_many(["b"] * 1000).pred) == {"b"}
    c = clf.classify_many(["c"] * N_DRAWS)
    assert abs(np.mean(c.pred == "a") - 0.25) < 0.01


def test_confidence_is_higher_when_right_than_when_wrong() -> None:
    """Reported confidence follows Beta(9, 2) on correct and Beta(3, 3) on wrong predictions."""
    clf = make(seed=5)
    true = ["suspected_fraud"] * N_DRAWS
    batch = clf.classify_many(true)
    correct = batch.pred == "suspected_fraud"
    assert 0.55 < correct.mean() < 0.65
    assert abs(batch.confidence[correct].mean() - CONF[True].mean) < 0.01
    assert abs(batch.confidence[~correct].mean() - CONF[False].mean) < 0.01
    assert np.all((batch.confidence >= 0) & (batch.confidence <= 1))
    assert clf.confidence_is_informative


def test_informative_confidence_needs_a_monotone_likelihood_ratio() -> None:
    """Equal or reversed confidence distributions are reported as not informative."""
    same = SimulatedClassifier(
        CLASSES, GOOD, {True: (3, 3), False: (3, 3)}, np.random.default_rng()
    )
    reversed_ = SimulatedClassifier(
        CLASSES, GOOD, {True: (2, 5), False: (5, 2)}, np.random.default_rng()
    )
    assert not same.confidence_is_informative
    assert not reversed_.confidence_is_informative


def test_classify_one_case_returns_a_prediction() -> None:
    """classify gives one Prediction: a known class and a confidence in [0, 1]."""
    p = make().classify("standard")
    assert isinstance(p, Prediction)
    assert p.pred in CLASSES
    assert 0.0 <= p.confidence <= 1.0


def test_single_classify_is_a_batch_of_one() -> None:
    """Same generator state: classify(x) equals classify_many([x])[0]."""
    assert (
        make(seed=9).classify("policy_exception")
        == make(seed=9).classify_many(["policy_exception"])[0]
    )


@pytest.mark.parametrize("preset", PRESETS.values(), ids=list(PRESETS))
def test_one_case_at_a_time_draws_what_the_array_path_draws(preset) -> None:
    """A batch of one takes scalar draws (the ticket path): the same predictions and
    confidences, case after case, as the array computation of a batch of one."""
    cases = [preset.classes[i % len(preset.classes)] for i in range(3_000)]
    fast = preset.classifier(np.random.default_rng(11))
    got = [fast.classify_many([c])[0] for c in cases]
    slow = preset.classifier(np.random.default_rng(11))
    assert got == [slow._classify_arrays(slow.indices([c]))[0] for c in cases]
    assert fast.rng.random() == slow.rng.random()


def test_batch_iterates_and_indexes_as_predictions() -> None:
    """A batch lists predictions in case order, as arrays or as Prediction records."""
    batch = make(seed=3).classify_many(["standard", "suspected_fraud", "standard"])
    assert len(batch) == 3
    records = list(batch)
    assert records == [batch[0], batch[1], batch[2]]
    assert [r.pred for r in records] == list(batch.pred)
    assert make().classify_many([]).pred_index.shape == (0,)


def test_same_seed_same_predictions_and_only_the_given_generator_is_used() -> None:
    """Two classifiers seeded alike agree draw for draw, whatever numpy's global state does."""
    true = ["standard", "policy_exception", "suspected_fraud"] * 100
    np.random.seed(1)  # noqa: NPY002 - the global state must not matter
    a = make(seed=11).classify_many(true)
    np.random.seed(2)  # noqa: NPY002
    _ = np.random.random(10)  # noqa: NPY002
    b = make(seed=11).classify_many(true)
    np.testing.assert_array_equal(a.pred_index, b.pred_index)
    np.testing.assert_array_equal(a.confidence, b.confidence)
    c = make(seed=12).classify_many(true)
    assert not np.array_equal(a.confidence, c.confidence)


def test_classify_advances_its_generator() -> None:
    """Successive cases get fresh draws from the injected generator."""
    rng = np.random.default_rng(0)
    clf = SimulatedClassifier(CLASSES, GOOD, CONF, rng)
    before = rng.bit_generator.state["state"]["state"]
    first, second = clf.classify("standard"), clf.classify("standard")
    assert rng.bit_generator.state["state"]["state"] != before
    assert first.confidence != second.confidence


def test_accuracy_is_the_prior_weighted_diagonal() -> None:
    """Accuracy over a class mix weights each class's recall by its share."""
    clf = make()
    assert clf.accuracy() == pytest.approx((0.9 + 0.7 + 0.6) / 3)
    prior = {"standard": 0.75, "policy_exception": 0.13, "suspected_fraud": 0.12}
    assert clf.accuracy(prior) == pytest.approx(0.75 * 0.9 + 0.13 * 0.7 + 0.12 * 0.6)
    with pytest.raises(ValueError, match="unknown classes"):
        clf.accuracy({"refund": 1.0})


# ---------------------------------------------------------------------- invalid matrices
@pytest.mark.parametrize(
    ("confusion", "message"),
    [
        (
            ((0.9, 0.1, 0.0), (0.2, 0.7, 0.05), (0.3, 0.1, 0.6)),
            r"row 1 \('policy_exception'\) sums to",
        ),
        (
            ((0.9, 0.1, 0.0), (0.2, 0.8, 0.0), (1.2, -0.2, 0.0)),
            r"row 2 \('suspected_fraud'\).*negative",
        ),
        (
            ((0.9, 0.1), (0.2, 0.8, 0.0), (0.3, 0.1, 0.6)),
            r"row 0 \('standard'\) must have 3 entries",
        ),
        (((0.9, 0.1, 0.0), (float("nan"), 0.8, 0.2), (0.3, 0.1, 0.6)), r"row 1 .*non-finite"),
        (((0.9, 0.1, 0.0), (0.2, 0.8, 0.0)), r"must be 3x3"),
    ],
    ids=["row-sum", "negative", "not-square", "nan", "missing-row"],
)
def test_invalid_matrices_are_rejected_naming_the_row(confusion, message: str) -> None:
    """A bad confusion matrix is refused at construction, and the message points at the row."""
    with pytest.raises(ValueError, match=message):
        make(confusion=confusion)


def test_a_row_off_by_more_than_1e_9_is_rejected_but_rounding_noise_is_not() -> None:
    """Rows must sum to 1 within 1e-9: 1 + 1e-12 passes, 1 + 1e-8 fails."""
    ok = ((0.9 + 1e-12, 0.1, 0.0), (0.2, 0.8, 0.0), (0.3, 0.1, 0.6))
    make(confusion=ok)
    bad = ((0.9 + 1e-8, 0.1, 0.0), (0.2, 0.8, 0.0), (0.3, 0.1, 0.6))
    with pytest.raises(ValueError, match=r"row 0 \('standard'\) sums to"):
        make(confusion=bad)


def test_mapping_rows_must_match_the_classes() -> None:
    """A mapping with a missing row, an unknown row or an unknown predicted class is refused."""
    rows = {"standard": {"standard": 1.0}, "policy_exception": {"policy_exception": 1.0}}
    with pytest.raises(ValueError, match=r"missing rows \['suspected_fraud'\]"):
        make(confusion=rows)
    rows_typo = {**rows, "suspected_fraud": {"fraud": 1.0}}
    with pytest.raises(ValueError, match=r"row 'suspected_fraud' names unknown predicted"):
        make(confusion=rows_typo)


def test_bad_classes_confidence_and_generator_are_rejected() -> None:
    """Duplicate classes, a confidence map without both outcomes, bad Beta or no Generator."""
    with pytest.raises(ValueError, match="unique"):
        SimulatedClassifier(("a", "a"), ((1, 0), (0, 1)), CONF, np.random.default_rng())
    with pytest.raises(ValueError, match="exactly the keys True"):
        SimulatedClassifier(CLASSES, GOOD, {True: Beta(2, 1)}, np.random.default_rng())
    with pytest.raises(ValueError, match="finite and > 0"):
        Beta(0, 1)
    with pytest.raises(TypeError, match="Generator"):
        SimulatedClassifier(CLASSES, GOOD, CONF, np.random.RandomState(0))  # type: ignore[arg-type]


def test_an_unknown_true_class_is_an_error() -> None:
    """Classifying a case of a class the model does not know is a wiring bug, not a guess."""
    with pytest.raises(ValueError, match="unknown true class 'refund'"):
        make().classify("refund")
