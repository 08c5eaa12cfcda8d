"""Comparing runs: per-KPI means with 95% intervals, and differences against a reference.

The input is the tidy per-replication table (one row per replication: ``replication``,
``status``, one column per KPI). Only successful replications count. Against the reference
(``manual`` when present, else the first listed), a difference is

- **paired** when the runs share their streams (same scenario seed, replication ``r`` of each
  run uses the streams of ``(seed, r)``: common random numbers): the mean and Student-t interval
  of the per-replication differences, over the replications that succeeded in both runs;
- **unpaired** otherwise: a Welch interval on the difference of the means.

Every interval comes from :func:`experiments.intervals.kpi_interval`, so none leaves the range
of its KPI (a rate's difference stays in [-1, 1], a rate in [0, 1], a duration >= 0).

A difference whose interval holds 0 is "no significant difference". Intervals need at least two
replications; a KPI that is null in any replication of a run has no mean (KPIS.md: null, never 0).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from experiments.intervals import kpi_interval

DIGITS = 6


def reference_of(labels: Sequence[str]) -> str:
    """``manual`` if it is listed, else the first label."""
    return "manual" if "manual" in labels else labels[0]


def _values(frame: pd.DataFrame, kpi: str) -> list[float | None]:
    if kpi not in frame:
        return [None] * len(frame)
    return [None if v is None or pd.isna(v) else float(v) for v in frame[kpi].tolist()]


def _ok(frame: pd.DataFrame) -> pd.DataFrame:
    return frame[frame["status"] == "ok"].sort_values("replication")


def _round(x: float | None) -> float | None:
    return None if x is None or math.isnan(x) else round(x, DIGITS)


def _interval(stat: tuple[float, float, float] | None, n: int) -> tuple[Any, Any]:
    if stat is None:
        return None, None
    if n < 2:
        return _round(stat[0]), None
    return _round(stat[0]), [_round(stat[1]), _round(stat[2])]


def is_significant(ci: list[float] | None) -> bool | None:
    """True when the interval excludes 0, None when there is no interval."""
    if ci is None:
        return None
    return not (ci[0] <= 0.0 <= ci[1])


def compare_samples(
    frames: Mapping[str, pd.DataFrame],
    kpis: Sequence[str],
    reference: str | None = None,
    paired: bool = True,
) -> dict[str, Any]:
    """Means, intervals and differences against ``reference`` of every KPI of every run."""
    labels = list(frames)
    ref = reference or reference_of(labels)
    if ref not in frames:
        raise ValueError(f"reference: expected one of {', '.join(labels)}; found {ref!r}")
    ok = {label: _ok(f) for label, f in frames.items()}
    out: dict[str, Any] = {"reference": ref, "paired": paired, "runs": {}, "differences": {}}
    for label, frame in frames.items():
        good = ok[label]
        entry: dict[str, Any] = {
            "n": len(good),
            "failed": int((frame["status"] != "ok").sum()),
            "kpis": {},
            "kpis_ci95": {},
        }
        for k in kpis:
            stat = kpi_interval(k, _values(good, k))
            entry["kpis"][k], entry["kpis_ci95"][k] = _interval(stat, len(good))
        out["runs"][label] = entry
    for label in labels:
        if label == ref:
            continue
        diffs: dict[str, Any] = {}
        a, b = ok[label], ok[ref]
        if paired:
            both = sorted(set(a["replication"]) & set(b["replication"]))
            a = a[a["replication"].isin(both)]
            b = b[b["replication"].isin(both)]
            n = len(both)
        else:
            n = min(len(a), len(b))
        for k in kpis:
            if paired and not n:
                stat = None
            else:
                stat = kpi_interval(k, _values(a, k), _values(b, k), paired=paired)
            mean, ci = _interval(stat, n)
            diffs[k] = {"mean": mean, "ci95": ci, "significant": is_significant(ci), "n": n}
        out["differences"][label] = diffs
    return out


def summary_rows(
    comparison: dict[str, Any], kpis: Sequence[str], extra: Mapping[str, dict[str, Any]]
) -> list[dict[str, Any]]:
    """:func:`compare_samples` as long rows (run x KPI); ``extra`` adds columns per run."""
    rows = []
    ref = comparison["reference"]
    for label, entry in comparison["runs"].items():
        diff = comparison["differences"].get(label, {})
        for k in kpis:
            ci = entry["kpis_ci95"][k]
            d = diff.get(k, {})
            dci = d.get("ci95")
            rows.append(
                {
                    **extra.get(label, {}),
                    "kpi": k,
                    "n": entry["n"],
                    "failed": entry["failed"],
                    "mean": entry["kpis"][k],
                    "ci95_low": ci[0] if ci else None,
                    "ci95_high": ci[1] if ci else None,
                    "reference": ref,
                    "diff_mean": d.get("mean"),
                    "diff_ci95_low": dci[0] if dci else None,
                    "diff_ci95_high": dci[1] if dci else None,
                    "significant": d.get("significant"),
                }
            )
    return rows
