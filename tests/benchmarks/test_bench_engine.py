"""Throughput benchmarks: the twin on peak_season beside a bare SimPy loop, in one session.

Run them measured with ``pytest tests/benchmarks --benchmark-enable``; in the default test run
(``--benchmark-disable``) each body runs once, so the benchmarks are also smoke tests. Absolute
speeds drift between machines: the figure to compare is the ratio of the twin's simulated events
per second to the bare SimPy loop's, recorded in ``extra_info``.
"""

from __future__ import annotations

from experiments.bench import bare_simpy
from experiments.runner import run_replication
from scenarios.loader import load_scenario

_rates: dict[str, float] = {}


def test_bare_simpy_timeout_loop(benchmark):
    """The reference: SimPy timeouts and nothing else (events per second)."""
    rate = benchmark.pedantic(bare_simpy, rounds=1, iterations=1)["events_per_s"]
    _rates["bare"] = rate
    benchmark.extra_info["events_per_s"] = round(rate)
    assert rate > 0


def test_peak_season_throughput(benchmark):
    """The twin's simulated events, customer orders and sim-days per second on peak_season."""
    scenario = load_scenario("peak_season")
    result = benchmark.pedantic(lambda: run_replication(scenario), rounds=1, iterations=1)
    eng, k = result.engine, result.kpis
    wall = eng["wall_s"]
    info = benchmark.extra_info
    info["sim_events"] = eng["sim_events"]
    info["events_per_s"] = eng["events_per_s"]
    info["orders_per_s"] = round(k["orders_total"] / wall)
    info["online_orders_per_s"] = round(k["online_orders_total"] / wall)
    info["sim_days_per_s"] = round(scenario.horizon_days / wall, 3)
    if "bare" in _rates:
        info["ratio_to_bare_simpy"] = round(eng["events_per_s"] / _rates["bare"], 3)
    assert eng["sim_events"] > 100_000
    assert k["events_emitted_total"] == (
        k["events_processed_total"] + k["events_dead_lettered_total"] + k["events_in_flight_at_end"]
    )
