"""Throughput benchmarks: the twin on peak_season beside a bare SimPy loop, in one session.

Run them measured with ``pytest tests/benchmarks --benchmark-enable``; in the default test run
(``--benchmark-disable``) each body runs once, so the benchmarks are also smoke tests. Absolute
speeds drift between machines: the figure to compare is the ratio of the twin's simulated events
per second to the bare SimPy loop's, recorded in ``extra_info``; for the order cost (issue 17),
bare SimPy events per online order. ``RETAIL_TWIN_BENCH=full`` runs the issue's sizes; the default
(quick) keeps each body a few seconds, so the suite stays fast in CI.
"""

from __future__ import annotations

import math

from experiments import bench
from experiments.bench import bare_simpy, order_cost
from experiments.runner import run_replication

CFG = bench.with_config(bench.config_from_env(), repeats=1)
if CFG.mode == "quick":  # a smoke run: two days of each scenario under each model
    CFG = bench.with_config(
        CFG,
        order_cost=tuple(
            (label, bench.Workload(w.scenario, ("horizon_days=2",))) for label, w in CFG.order_cost
        ),
    )

_rates: dict[str, float] = {}


def test_bare_simpy_timeout_loop(benchmark):
    """The reference: SimPy timeouts and nothing else (events per second)."""
    rate = benchmark.pedantic(bare_simpy, rounds=1, iterations=1)["events_per_s"]
    _rates["bare"] = rate
    benchmark.extra_info["events_per_s"] = round(rate)
    assert rate > 0


def test_peak_season_throughput(benchmark):
    """The twin's simulated events, customer orders and sim-days per second on peak_season."""
    scenario = dict(CFG.throughput)["peak_season"].load()
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
    assert eng["sim_events"] > 10_000
    assert k["events_emitted_total"] == (
        k["events_processed_total"] + k["events_dead_lettered_total"] + k["events_in_flight_at_end"]
    )


def test_order_cost_every_model(benchmark):
    """Issue 17: loop CPU per online order in bare SimPy events, each scenario under each model."""
    case = benchmark.pedantic(order_cost.measure, args=(CFG,), rounds=1, iterations=1)
    costs = order_cost.costs(case)
    benchmark.extra_info["mode"] = CFG.mode
    benchmark.extra_info[order_cost.JSON_KEY] = {
        s: {m: round(v, 2) for m, v in c.items()} for s, c in costs.items()
    }
    assert set(costs) == set(order_cost.SCENARIOS)
    for per_model in case["runs"].values():
        assert set(per_model) == set(order_cost.MODELS)
        for run in per_model.values():
            assert run["online_orders"] > 0
            assert 0 < run["loop_cpu_s"] <= run["cpu_s"]  # the loop is part of the replication
            cost = run["order_cost_bare_events"]
            assert math.isfinite(cost)
            assert cost > 1  # an order is more than one bare event
