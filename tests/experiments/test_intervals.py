"""Intervals respect the range of their KPI: rates in [0, 1], counts and durations >= 0.

Every interval the CLI, the dashboard and the report print comes from
:func:`experiments.intervals.kpi_interval`; these tests pin its bounds (property tests over
every KPI the twin reports) and that nothing but impossible values is removed.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from experiments.analysis import compare_samples
from experiments.intervals import difference_range, kpi_interval, kpi_range, kpi_unit
from experiments.stats import mean_ci, paired_difference

GOLDEN = Path(__file__).parents[1] / "golden"
#: every KPI name the twin reports (the golden runs hold the full summary)
NAMES = sorted({k for f in GOLDEN.glob("*.json") for k in json.loads(f.read_text())["kpis"]})


def test_every_reported_kpi_has_a_known_range():
    """A KPI named outside KPIS.md's units would get an unbounded interval: none does."""
    assert len(NAMES) > 100
    unknown = [n for n in NAMES if kpi_unit(n) == "unknown"]
    assert unknown == []


def test_units_read_from_names():
    assert kpi_range("fill_rate") == (0.0, 1.0)
    assert kpi_range("approval_cycle_time_p95_h") == (0.0, math.inf)
    assert kpi_range("webhook_latency_p95_s") == (0.0, math.inf)
    assert kpi_range("refund_turnaround_mean_days") == (0.0, math.inf)
    assert kpi_range("orders_total") == (0.0, math.inf)
    assert kpi_range("lost_revenue") == (0.0, math.inf)
    assert kpi_range("revenue") == (-math.inf, math.inf)
    assert difference_range("touchless_rate") == (-1.0, 1.0)


def _sample(draw, name: str, n: int) -> list[float]:
    lo, hi = kpi_range(name)
    lo = max(lo, -1e6)
    hi = min(hi, 1e6)
    return draw(st.lists(st.floats(lo, hi), min_size=n, max_size=n))


@st.composite
def kpi_samples(draw):
    name = draw(st.sampled_from(NAMES))
    n = draw(st.integers(1, 12))
    return name, _sample(draw, name, n), _sample(draw, name, n)


@settings(max_examples=300, deadline=None)
@given(kpi_samples())
def test_no_interval_leaves_its_kpis_range(sample):
    name, a, b = sample
    lo, hi = kpi_range(name)
    iv = kpi_interval(name, a)
    assert lo <= iv.low <= iv.mean <= iv.high <= hi
    dlo, dhi = difference_range(name)
    for paired in (True, False):
        d = kpi_interval(name, a, b, paired=paired)
        assert dlo <= d.low <= d.mean <= d.high <= dhi


@settings(max_examples=200, deadline=None)
@given(kpi_samples())
def test_only_impossible_values_are_cut(sample):
    """Inside the range the interval is the Student-t interval, unchanged."""
    name, a, b = sample
    t = mean_ci(a)
    iv = kpi_interval(name, a)
    lo, hi = kpi_range(name)
    assert iv.low == pytest.approx(max(t[1], lo), rel=1e-9, abs=1e-9)
    assert iv.high == pytest.approx(min(t[2], hi), rel=1e-9, abs=1e-9)
    td = paired_difference(a, b)
    d = kpi_interval(name, a, b)
    dlo, dhi = difference_range(name)
    assert d.low == pytest.approx(max(td[1], dlo), rel=1e-9, abs=1e-9)
    assert d.high == pytest.approx(min(td[2], dhi), rel=1e-9, abs=1e-9)


def test_the_issues_example_no_longer_goes_negative():
    """tiny's manual approval p95 once printed "8.9 h [-9.8, 27.6]": now [0, 27.6]."""
    p95 = [0.0, 0.0, 30.0, 2.0, 12.5]
    t = mean_ci(p95)
    assert t[1] < 0
    iv = kpi_interval("approval_cycle_time_p95_h", p95)
    assert iv.low == 0.0
    assert iv.high == pytest.approx(t[2])
    touchless = [0.0, 0.0, 0.0, 0.0, 0.5]
    assert kpi_interval("touchless_rate", touchless).low == 0.0


def test_missing_values_give_no_interval():
    assert kpi_interval("fill_rate", [0.9, None]) is None
    assert kpi_interval("fill_rate", [0.9, 0.8], [None, 0.1]) is None


def test_comparisons_use_the_bounded_interval():
    """compare_samples (behind compare, sweep, results and the dashboard) stays in range."""
    frames = {
        m: pd.DataFrame(
            {
                "replication": range(4),
                "status": ["ok"] * 4,
                "touchless_rate": vals,
                "approval_cycle_time_p95_h": [v * 40 for v in vals],
            }
        )
        for m, vals in {"manual": [0.0, 0.0, 0.0, 0.9], "hybrid": [0.95, 1.0, 1.0, 0.1]}.items()
    }
    comp = compare_samples(frames, ["touchless_rate", "approval_cycle_time_p95_h"])
    lo, hi = comp["runs"]["manual"]["kpis_ci95"]["touchless_rate"]
    assert lo == 0.0
    assert 0.0 < hi <= 1.0
    lo, hi = comp["runs"]["hybrid"]["kpis_ci95"]["touchless_rate"]
    assert lo >= 0.0
    assert hi == 1.0
    assert comp["runs"]["manual"]["kpis_ci95"]["approval_cycle_time_p95_h"][0] == 0.0
    dlo, dhi = comp["differences"]["hybrid"]["touchless_rate"]["ci95"]
    assert dlo >= -1.0
    assert dhi <= 1.0
