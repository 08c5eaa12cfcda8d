"""KPI intervals over replications that never leave the KPI's range.

Every 95% interval RetailTwin prints — ``kpis_ci95`` of a summary, the paired differences of
``compare``, ``sweep`` and ``results``, the dashboard's cards and the report — comes from
:func:`kpi_interval`. The range of a KPI is known from its name (``KPIS.md``: ``_rate`` a
fraction in [0, 1]; ``_total``, ``_at_end``, ``_units``, ``_max`` counts >= 0; ``_h``, ``_s``,
``_days`` durations >= 0; money that only accumulates — ``_cost``, ``_losses``, ``lost_revenue``
... — >= 0; net ``revenue`` and names outside the contract unbounded): :func:`kpi_range`.

The method is the Student-t interval of :mod:`experiments.stats` **intersected with the range**
(for a difference ``a - b`` of two KPIs with range [lo, hi]: with [lo - hi, hi - lo]). Since the
true mean of a KPI lies in its range with certainty, the intersection contains the true mean
exactly when the t interval does: the coverage is the t interval's, and only impossible values
are removed. Why not a bootstrap percentile interval or a logit transform: ``docs/kpis.md``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal, NamedTuple

from experiments.stats import mean_ci, paired_difference, welch_difference

Unit = Literal["rate", "count", "duration", "signed duration", "money", "net money", "unknown"]

INF = math.inf

_SUFFIXES: tuple[tuple[str, Unit], ...] = (
    ("_rate", "rate"),
    ("_total", "count"),
    ("_at_end", "count"),
    ("_units", "count"),
    ("_max", "count"),
    ("_fte", "count"),  # full-time equivalents (worked hours / 40 h weeks)
    ("_queue_mean", "count"),  # a time-weighted queue length
    ("_per_order", "money"),
    ("_per_approval", "money"),
    ("_h", "duration"),
    ("_s", "duration"),
    ("_days", "duration"),
    ("_cost", "money"),
    ("_losses", "money"),
)
#: money KPIs named without a unit suffix (KPIS.md "Money" and the supplementary ones)
_MONEY = frozenset(
    {
        "lost_revenue",
        "margin_leakage",
        "expedite_cost",
        "refunds_paid",
        "refund_losses",
        "security_losses",
        "bank_fraud_losses",
        "invoice_overpaid",
    }
)
#: net amounts: sales minus refunds can in principle be negative
_NET_MONEY = frozenset({"revenue"})
#: durations measured from a reference that can fall after the fact (negative = before it):
#: a supplier delay flagged before the promise it missed (docs/kpis.md)
_SIGNED_DURATIONS = frozenset({"supplier_delay_detection_h_p50"})

_RANGES: dict[Unit, tuple[float, float]] = {
    "rate": (0.0, 1.0),
    "count": (0.0, INF),
    "duration": (0.0, INF),
    "signed duration": (-INF, INF),
    "money": (0.0, INF),
    "net money": (-INF, INF),
    "unknown": (-INF, INF),
}


class Interval(NamedTuple):
    """A mean and its 95% interval ``[low, high]`` (low <= mean <= high)."""

    mean: float
    low: float
    high: float


def kpi_unit(name: str) -> Unit:
    """The unit of a KPI, read from its name as KPIS.md names them."""
    if name in _NET_MONEY:
        return "net money"
    if name in _SIGNED_DURATIONS:
        return "signed duration"
    if name in _MONEY:
        return "money"
    for suffix, unit in _SUFFIXES:
        if name.endswith(suffix):
            return unit
    return "unknown"


def kpi_range(name: str) -> tuple[float, float]:
    """The values a KPI can take: (low, high), infinite where unbounded."""
    return _RANGES[kpi_unit(name)]


def difference_range(name: str) -> tuple[float, float]:
    """The values a difference of two values of the KPI can take."""
    lo, hi = kpi_range(name)
    return lo - hi, hi - lo


def _clip(stat: tuple[float, float, float], lo: float, hi: float) -> Interval:
    mean, low, high = stat
    mean = min(max(mean, lo), hi)
    return Interval(mean, min(max(low, lo), mean), max(min(high, hi), mean))


def kpi_interval(
    name: str,
    values: Sequence[float | None],
    reference: Sequence[float | None] | None = None,
    paired: bool = True,
) -> Interval | None:
    """The mean and 95% interval of KPI ``name`` over replications, inside its range.

    With ``reference``: the difference ``values - reference`` — paired by replication index
    (common random numbers; same lengths) or, with ``paired=False``, Welch's unpaired
    interval. None when a value is missing (a KPI null in a replication has no mean).
    A single replication gives a zero-width interval at its value.
    """
    if reference is None:
        stat = mean_ci(list(values))
        bounds = kpi_range(name)
    else:
        a, b = list(values), list(reference)
        stat = paired_difference(a, b) if paired else welch_difference(a, b)
        bounds = difference_range(name)
    if stat is None:
        return None
    return _clip(stat, *bounds)
