"""Benchmark: a 16-run sweep on a process pool of 2 workers against the same sweep in-process.

Run it measured with ``pytest tests/experiments/test_bench_sweep.py --benchmark-enable``; in the
default test run (``--benchmark-disable``) the body runs once, so it is also a smoke test of the
pool on a real load. The figure is the speed-up (in-process wall time / 2-worker wall time,
pool start-up included), recorded in ``extra_info`` and never asserted: on a 2-core machine shared
with other simulations it is noisy, and the ceiling is 2.
"""

from __future__ import annotations

import os
import time

import pandas as pd

from experiments.backends import BackendSpec
from experiments.plan import SweepSpec, plan_sweep
from experiments.sweep import SweepResult, run_sweep

#: 2 points x 8 replications of the tiny retailer over four weeks (about 0.25 s per run)
SPEC = SweepSpec(
    base="tiny",
    overrides=("horizon_days=28",),
    grid=(("demand.promo_uplift", (1.5, 2.5)),),
    replications=8,
)


def _timed_sweep(workers: int) -> tuple[float, SweepResult]:
    plan = plan_sweep(SPEC)
    start = time.perf_counter()
    res = run_sweep(plan, backend=BackendSpec(workers=workers))
    return time.perf_counter() - start, res


def test_sweep_speedup_on_two_workers(benchmark):
    """16 runs: the KPIs are the same either way; the speed-up is recorded, not asserted."""
    serial_s, serial = _timed_sweep(1)
    pooled_s, pooled = benchmark.pedantic(_timed_sweep, args=(2,), rounds=1, iterations=1)
    assert len(pooled.runs) == 16
    pd.testing.assert_frame_equal(
        pooled.runs.drop(columns=["wall_s"]), serial.runs.drop(columns=["wall_s"])
    )
    benchmark.extra_info.update(
        {
            "runs": 16,
            "workers": 2,
            "cores": len(os.sched_getaffinity(0)),
            "in_process_s": round(serial_s, 3),
            "pool_2_workers_s": round(pooled_s, 3),
            "speedup": round(serial_s / pooled_s, 3),
        }
    )
