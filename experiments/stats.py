"""Statistics over replications: means, Student-t 95% intervals, paired differences.

With n replications of a KPI, the interval is ``mean +/- t(0.975, n-1) * sd / sqrt(n)``. A paired
comparison of two models uses the per-replication differences (same replication index = same
demand and fault streams), which is what makes it narrower than comparing two intervals.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np

# two-sided 97.5% Student-t quantiles for small df; larger df fall back to a Cornish-Fisher
# expansion of the normal quantile (error < 1e-4 for df >= 30).
_T975 = {
    1: 12.706205,
    2: 4.302653,
    3: 3.182446,
    4: 2.776445,
    5: 2.570582,
    6: 2.446912,
    7: 2.364624,
    8: 2.306004,
    9: 2.262157,
    10: 2.228139,
    11: 2.200985,
    12: 2.178813,
    13: 2.160369,
    14: 2.144787,
    15: 2.131450,
    16: 2.119905,
    17: 2.109816,
    18: 2.100922,
    19: 2.093024,
    20: 2.085963,
    21: 2.079614,
    22: 2.073873,
    23: 2.068658,
    24: 2.063899,
    25: 2.059539,
    26: 2.055529,
    27: 2.051831,
    28: 2.048407,
    29: 2.045230,
}


def t975(df: int) -> float:
    if df < 1:
        raise ValueError("need at least two replications for an interval")
    if df in _T975:
        return _T975[df]
    z = NormalDist().inv_cdf(0.975)
    g1 = (z**3 + z) / 4
    g2 = (5 * z**5 + 16 * z**3 + 3 * z) / 96
    return z + g1 / df + g2 / df**2


def mean_ci(values: list[float]) -> tuple[float, float, float] | None:
    """(mean, low, high) of a 95% Student-t interval; None if any value is missing."""
    if not values or any(v is None for v in values):
        return None
    x = np.asarray(values, dtype=float)
    m = float(x.mean())
    if len(x) < 2:
        return m, m, m
    half = t975(len(x) - 1) * float(x.std(ddof=1)) / math.sqrt(len(x))
    return m, m - half, m + half


def paired_difference(a: list[float], b: list[float]) -> tuple[float, float, float] | None:
    """Mean and 95% interval of a - b, paired by replication index."""
    if len(a) != len(b):
        raise ValueError("paired samples must have the same length")
    if any(v is None for v in a) or any(v is None for v in b):
        return None
    return mean_ci([x - y for x, y in zip(a, b, strict=True)])


def welch_difference(a: list[float], b: list[float]) -> tuple[float, float, float] | None:
    """Mean and 95% Welch interval of mean(a) - mean(b) for independent (unpaired) samples.

    The Welch-Satterthwaite degrees of freedom are rounded down (a slightly wider interval).
    """
    if any(v is None for v in a) or any(v is None for v in b) or not a or not b:
        return None
    x, y = np.asarray(a, dtype=float), np.asarray(b, dtype=float)
    d = float(x.mean() - y.mean())
    if len(x) < 2 or len(y) < 2:
        return d, d, d
    vx, vy = float(x.var(ddof=1)) / len(x), float(y.var(ddof=1)) / len(y)
    se2 = vx + vy
    if se2 == 0.0:
        return d, d, d
    denom = vx**2 / (len(x) - 1) + vy**2 / (len(y) - 1)
    # variances so small that their squares underflow: the pooled degrees of freedom
    df = se2**2 / denom if denom > 0.0 else float(len(x) + len(y) - 2)
    half = t975(max(1, math.floor(df))) * math.sqrt(se2)
    return d, d - half, d + half
