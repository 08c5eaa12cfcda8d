"""A simulated case classifier: what an AI triage model predicts, and how sure it says it is.

We do not simulate a language model; we simulate its *behaviour* as seen by a workflow. Two
pieces of data describe it:

* a **confusion matrix** ``confusion[true][pred]``: the probability that a case whose true class
  is ``true`` is predicted as ``pred``. Each row is a probability distribution (non-negative,
  sums to 1), so the diagonal is the per-class recall and the prior-weighted diagonal the
  accuracy (``accuracy(prior)``);
* a **reported confidence**, a number in [0, 1] drawn from ``Beta(a, b)`` — one distribution when
  the prediction is correct (``confidence[True]``) and another when it is wrong
  (``confidence[False]``). Confidence is therefore informative (correct predictions tend to be
  surer) but imperfect (a wrong prediction can be confident). When the correct-case Beta has
  ``a`` at least and ``b`` at most those of the wrong-case Beta, their density ratio rises with
  confidence (monotone likelihood ratio), so the share of wrong predictions among those above a
  threshold falls as the threshold rises; ``confidence_is_informative`` checks that condition.

Every draw comes from the ``numpy.random.Generator`` passed in (never a global generator), so a
classifier built from a named stream of a run is reproducible and independent of other sources.
``classify(true_class)`` handles one case; ``classify_many(true_classes)`` a batch in two numpy
calls. A single ``classify`` is exactly ``classify_many`` of a one-case batch; a batch of ``n``
cases consumes the generator differently from ``n`` single calls (both are deterministic).

Units: confidence and probabilities are fractions in [0, 1]; classes are strings.
"""

from __future__ import annotations

import math
import numbers
from bisect import bisect_right
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Protocol

import numpy as np

__all__ = [
    "Beta",
    "Classifier",
    "Prediction",
    "PredictionBatch",
    "SimulatedClassifier",
]

ROW_SUM_TOLERANCE = 1e-9


@dataclass(frozen=True, slots=True)
class Beta:
    """A Beta(a, b) distribution of reported confidence; ``a`` and ``b`` are finite and > 0."""

    a: float
    b: float

    def __post_init__(self) -> None:
        for name, value in (("a", self.a), ("b", self.b)):
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise TypeError(f"Beta parameter {name} must be a number, got {value!r}")
            if not math.isfinite(value) or value <= 0:
                raise ValueError(f"Beta parameter {name} must be finite and > 0, got {value!r}")

    @property
    def mean(self) -> float:
        """Mean reported confidence, a / (a + b)."""
        return self.a / (self.a + self.b)


@dataclass(frozen=True, slots=True)
class Prediction:
    """What the model says about one case: its predicted class and its confidence in [0, 1]."""

    pred: str
    confidence: float


@dataclass(frozen=True, slots=True)
class PredictionBatch:
    """Predictions for a batch of cases, as arrays in case order.

    ``pred_index`` indexes ``classes``; ``pred`` holds the class names; ``confidence`` the
    reported confidences. Indexing or iterating yields ``Prediction`` records.
    """

    classes: tuple[str, ...]
    pred_index: np.ndarray
    confidence: np.ndarray

    @property
    def pred(self) -> np.ndarray:
        """Predicted class names (an object array of str)."""
        return np.asarray(self.classes, dtype=object)[self.pred_index]

    def __len__(self) -> int:
        return len(self.pred_index)

    def __getitem__(self, i: int) -> Prediction:
        return Prediction(self.classes[int(self.pred_index[i])], float(self.confidence[i]))

    def __iter__(self) -> Iterator[Prediction]:
        for k, c in zip(self.pred_index.tolist(), self.confidence.tolist(), strict=True):
            yield Prediction(self.classes[k], c)


class Classifier(Protocol):
    """The narrow port a router needs: the class names and batch classification."""

    @property
    def classes(self) -> tuple[str, ...]: ...

    def classify_many(self, true_classes: Sequence[str]) -> PredictionBatch: ...


ConfusionInput = Mapping[str, Mapping[str, float]] | Sequence[Sequence[float]] | np.ndarray


class SimulatedClassifier:
    """A classifier that predicts by the confusion matrix and reports Beta-drawn confidence.

    ``confusion`` is either a mapping ``{true: {pred: p}}`` (a missing ``pred`` means 0; an unknown
    class name is an error) or an ``n x n`` array-like in the order of ``classes``. It must be
    square, non-negative and each row must sum to 1 within 1e-9, else ``ValueError`` naming the
    row. ``confidence`` maps ``True`` (prediction correct) and ``False`` (wrong) to a ``Beta`` or
    an ``(a, b)`` pair.
    """

    def __init__(
        self,
        classes: Sequence[str],
        confusion: ConfusionInput,
        confidence: Mapping[bool, Beta | tuple[float, float]],
        rng: np.random.Generator,
    ) -> None:
        self._classes = _validate_classes(classes)
        self._index = {c: i for i, c in enumerate(self._classes)}
        matrix = _confusion_matrix(self._classes, confusion)
        matrix.setflags(write=False)
        self._matrix = matrix
        # thresholds for inverse-CDF sampling; the last column is never needed (it is "the rest")
        self._cum = np.cumsum(matrix / matrix.sum(axis=1, keepdims=True), axis=1)[:, :-1]
        self._cum_rows = self._cum.tolist()  # the same bounds as floats, for one case at a time
        self._confidence = _validate_confidence(confidence)
        if not isinstance(rng, np.random.Generator):
            raise TypeError(f"rng must be a numpy.random.Generator, got {type(rng).__name__}")
        self._rng = rng

    # ------------------------------------------------------------------ description
    @property
    def classes(self) -> tuple[str, ...]:
        """Class names, in matrix order."""
        return self._classes

    @property
    def confusion(self) -> np.ndarray:
        """The validated confusion matrix (read-only), rows = true class, columns = predicted."""
        return self._matrix

    @property
    def confidence(self) -> dict[bool, Beta]:
        """Confidence distribution when the prediction is correct (True) and wrong (False)."""
        return dict(self._confidence)

    @property
    def rng(self) -> np.random.Generator:
        """The generator every draw comes from."""
        return self._rng

    @property
    def confidence_is_informative(self) -> bool:
        """True when correct predictions report stochastically higher confidence than wrong ones.

        Precisely: Beta(a1, b1) for correct and Beta(a2, b2) for wrong with a1 >= a2 and b1 <= b2,
        not both equal (monotone likelihood ratio).
        """
        right, wrong = self._confidence[True], self._confidence[False]
        return right.a >= wrong.a and right.b <= wrong.b and right != wrong

    def accuracy(self, prior: Mapping[str, float] | None = None) -> float:
        """Expected share of correct predictions for a class mix (uniform if ``prior`` is None)."""
        diag = np.diag(self._matrix)
        if prior is None:
            return float(diag.mean())
        unknown = sorted(set(prior) - set(self._classes))
        if unknown:
            raise ValueError(f"prior names unknown classes {unknown}; classes are {self._classes}")
        weights = np.array([float(prior.get(c, 0.0)) for c in self._classes])
        if np.any(weights < 0) or not np.isclose(weights.sum(), 1.0, atol=1e-9):
            raise ValueError(f"prior must be non-negative and sum to 1, got {dict(prior)}")
        return float(weights @ diag)

    def indices(self, true_classes: Sequence[str]) -> np.ndarray:
        """Class indices of ``true_classes``; an unknown class is a ``ValueError``."""
        try:
            return np.fromiter((self._index[c] for c in true_classes), dtype=np.intp)
        except KeyError as exc:
            raise ValueError(
                f"unknown true class {exc.args[0]!r}; classes are {self._classes}"
            ) from None

    # ------------------------------------------------------------------ drawing
    def classify(self, true_class: str) -> Prediction:
        """Predict one case of class ``true_class``: its predicted class and reported confidence."""
        return self.classify_many([true_class])[0]

    def classify_many(self, true_classes: Sequence[str]) -> PredictionBatch:
        """Predict a batch of cases, in order, with one uniform and one Beta draw per case."""
        if len(true_classes) == 1:
            return self._classify_one(true_classes[0])
        return self._classify_arrays(self.indices(true_classes))

    def _classify_arrays(self, true_idx: np.ndarray) -> PredictionBatch:
        u = self._rng.random(len(true_idx))
        pred_idx = (u[:, None] >= self._cum[true_idx]).sum(axis=1).astype(np.intp)
        correct = pred_idx == true_idx
        right, wrong = self._confidence[True], self._confidence[False]
        a = np.where(correct, right.a, wrong.a)
        b = np.where(correct, right.b, wrong.b)
        conf = self._rng.beta(a, b) if len(true_idx) else np.empty(0)
        pred_idx.setflags(write=False)
        conf.setflags(write=False)
        return PredictionBatch(self._classes, pred_idx, conf)

    def _classify_one(self, true_class: str) -> PredictionBatch:
        """:meth:`classify_many` of one case, through :meth:`classify_one`."""
        k, confidence = self.classify_one(true_class)
        pred_idx = np.array([k], dtype=np.intp)
        conf = np.array([confidence])
        pred_idx.setflags(write=False)
        conf.setflags(write=False)
        return PredictionBatch(self._classes, pred_idx, conf)

    def classify_one(self, true_class: str) -> tuple[int, float]:
        """One case (a ticket as it opens, a return as it is initiated): the index of its
        predicted class and its reported confidence, with scalar draws. numpy's scalar
        ``random()`` and ``beta(a, b)`` take the same numbers from the stream as their
        one-element array forms, and the bounds are compared as the same floats (the count of
        bounds at or below the uniform, by bisection over the row's nondecreasing cumulative
        bounds), so this is :meth:`classify_many` of one case, without its arrays."""
        t = self._index.get(true_class)
        if t is None:
            self.indices([true_class])  # raises the unknown-class error
        u = self._rng.random()
        k = bisect_right(self._cum_rows[t], u)
        beta = self._confidence[k == t]
        return k, float(self._rng.beta(beta.a, beta.b))

    def __repr__(self) -> str:
        return (
            f"SimulatedClassifier(classes={self._classes}, "
            f"accuracy_uniform={self.accuracy():.3f}, confidence={self._confidence})"
        )


# ---------------------------------------------------------------------- validation helpers
def _validate_classes(classes: Sequence[str]) -> tuple[str, ...]:
    if isinstance(classes, str):
        raise TypeError("classes must be a sequence of class names, not one string")
    out = tuple(classes)
    if not out:
        raise ValueError("classes must not be empty")
    for c in out:
        if not isinstance(c, str) or not c:
            raise ValueError(f"every class must be a non-empty string, got {c!r}")
    dupes = sorted({c for c in out if out.count(c) > 1})
    if dupes:
        raise ValueError(f"classes must be unique; repeated: {dupes}")
    return out


def _confusion_matrix(classes: tuple[str, ...], confusion: ConfusionInput) -> np.ndarray:
    n = len(classes)
    if isinstance(confusion, Mapping):
        return _matrix_from_mapping(classes, confusion)
    rows = list(confusion)
    if len(rows) != n:
        raise ValueError(
            f"confusion matrix must be {n}x{n} (one row per class), got {len(rows)} rows"
        )
    matrix = np.zeros((n, n))
    for i, row in enumerate(rows):
        values = np.asarray(row, dtype=float)
        if values.shape != (n,):
            raise ValueError(
                f"confusion row {i} ({classes[i]!r}) must have {n} entries (square matrix), "
                f"got shape {values.shape}"
            )
        matrix[i] = values
    _check_rows(classes, matrix)
    return matrix


def _matrix_from_mapping(
    classes: tuple[str, ...], confusion: Mapping[str, Mapping[str, float]]
) -> np.ndarray:
    n = len(classes)
    index = {c: i for i, c in enumerate(classes)}
    unknown_rows = sorted(set(confusion) - set(classes), key=str)
    missing_rows = [c for c in classes if c not in confusion]
    if unknown_rows or missing_rows:
        raise ValueError(
            f"confusion matrix must have one row per class (square): "
            f"unknown rows {unknown_rows}, missing rows {missing_rows}"
        )
    matrix = np.zeros((n, n))
    for true, row in confusion.items():
        if not isinstance(row, Mapping):
            raise ValueError(f"confusion row {true!r} must map predicted class -> probability")
        unknown = sorted(set(row) - set(classes), key=str)
        if unknown:
            raise ValueError(
                f"confusion row {true!r} names unknown predicted classes {unknown} "
                f"(not square over {classes})"
            )
        for pred, p in row.items():
            matrix[index[true], index[pred]] = float(p)
    _check_rows(classes, matrix)
    return matrix


def _check_rows(classes: tuple[str, ...], matrix: np.ndarray) -> None:
    for i, row in enumerate(matrix):
        name = f"confusion row {i} ({classes[i]!r})"
        if not np.all(np.isfinite(row)):
            raise ValueError(f"{name} has a non-finite entry: {row.tolist()}")
        if np.any(row < 0):
            raise ValueError(f"{name} has a negative probability: {row.tolist()}")
        total = float(row.sum())
        if abs(total - 1.0) > ROW_SUM_TOLERANCE:
            raise ValueError(f"{name} sums to {total!r}, not 1 (tolerance 1e-9): {row.tolist()}")


def _as_beta(value: Beta | tuple[float, float]) -> Beta:
    if isinstance(value, Beta):
        return value
    try:
        a, b = value
    except (TypeError, ValueError):
        raise ValueError(
            f"a confidence distribution is a Beta or an (a, b) pair, got {value!r}"
        ) from None
    return Beta(a, b)


def _validate_confidence(confidence: Mapping[bool, Beta | tuple[float, float]]) -> dict[bool, Beta]:
    if not isinstance(confidence, Mapping):
        raise TypeError("confidence must map True (correct) and False (wrong) to a Beta")
    keys = set(confidence)
    if keys != {True, False} or not all(isinstance(k, bool) for k in keys):
        raise ValueError(
            "confidence must have exactly the keys True (prediction correct) and False "
            f"(prediction wrong), got {sorted(map(repr, keys))}"
        )
    return {True: _as_beta(confidence[True]), False: _as_beta(confidence[False])}
