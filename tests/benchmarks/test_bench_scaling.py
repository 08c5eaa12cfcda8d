"""Scaling benchmarks of issue 7: size, horizon (peak RSS) and parallel replications.

They call the measuring functions of :mod:`experiments.bench` (the ones ``retail-twin bench``
runs) and record the machine-independent ratios in ``benchmark.extra_info``. In the default test
run (``--benchmark-disable``) each body runs once at the *quick* sizes, best-of-1, as a smoke
test; ``RETAIL_TWIN_BENCH=full pytest tests/benchmarks --benchmark-enable`` measures the issue's
sizes (several minutes). Assertions check structure and sanity, never speed.
"""

from __future__ import annotations

import math

import pytest

from experiments import bench

CFG = bench.with_config(bench.config_from_env(), repeats=1)


def _finite_positive(x: float) -> bool:
    return isinstance(x, float) and math.isfinite(x) and x > 0


def test_size_scaling(benchmark):
    """Time per simulated order at 1x, 2x and 4x stores; the 4x/1x ratio."""
    res = benchmark.pedantic(bench.size_scaling, args=(CFG,), rounds=1, iterations=1)
    pts = res["points"]
    info = benchmark.extra_info
    info["mode"] = CFG.mode
    info["us_per_order"] = {p["stores"]: round(p["us_per_order"], 3) for p in pts}
    info["per_order_time_4x_1x"] = round(res["per_order_time_ratio"], 4)
    assert [p["factor"] for p in pts] == list(CFG.size_factors)
    stores = [p["stores"] for p in pts]
    assert stores == [stores[0] * f for f in CFG.size_factors]
    assert all(p["orders"] > 0 and p["sim_events"] > 0 for p in pts)
    # more stores simulate more customers (POS and online), so more orders
    assert pts[0]["orders"] < pts[1]["orders"] < pts[2]["orders"]
    assert all(_finite_positive(p["us_per_order"]) for p in pts)
    assert _finite_positive(res["per_order_time_ratio"])


def test_horizon_peak_rss(benchmark):
    """Peak RSS of a 90- and a 360-day run, each in its own process with the event log on."""
    res = benchmark.pedantic(bench.horizon_rss, args=(CFG,), rounds=1, iterations=1)
    short, long = res["points"]
    info = benchmark.extra_info
    info["mode"] = CFG.mode
    info["peak_rss_mib"] = {p["horizon_days"]: round(p["peak_rss_mib"], 1) for p in res["points"]}
    info["peak_rss_360_90"] = round(res["peak_rss_ratio"], 4)
    assert (short["horizon_days"], long["horizon_days"]) == (90, 360)
    # the log was really written, and the longer run wrote more of it
    assert 0 < short["event_log_rows"] < long["event_log_rows"]
    assert 0 < short["event_log_bytes"] < long["event_log_bytes"]
    for p in res["points"]:
        assert p["peak_rss_mib"] >= p["rss_before_run_mib"] > 10  # a Python with numpy loaded
    assert _finite_positive(res["peak_rss_ratio"])


def test_parallel_replications(benchmark):
    """8 replications on 1 and 2 workers: the speed-up, and identical KPIs on both."""
    res = benchmark.pedantic(bench.parallel, args=(CFG,), rounds=1, iterations=1)
    info = benchmark.extra_info
    info["mode"] = CFG.mode
    info["wall_s"] = {w: round(s, 3) for w, s in res["wall_s"].items()}
    info["speedup_2_workers"] = round(res["speedup"], 4)
    assert res["replications"] == 8
    assert sorted(res["wall_s"]) == ["1", "2"]
    assert res["identical_kpis"] is True
    assert _finite_positive(res["speedup"])


def test_env_var_selects_the_sizes(monkeypatch):
    """RETAIL_TWIN_BENCH picks quick or full; anything else is an error naming the variable."""
    monkeypatch.setenv(bench.ENV_MODE, "full")
    assert bench.config_from_env().mode == "full"
    monkeypatch.setenv(bench.ENV_MODE, "quick")
    assert bench.config_from_env().mode == "quick"
    monkeypatch.setenv(bench.ENV_MODE, "huge")
    with pytest.raises(bench.BenchError, match=bench.ENV_MODE):
        bench.config_from_env()
