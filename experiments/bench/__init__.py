"""The benchmark suite of issue 7: what ``retail-twin bench`` and ``tests/benchmarks`` measure.

The room: :mod:`~experiments.bench.config` (workloads and sizes of ``quick``/``full``),
:mod:`~experiments.bench.cases` (the measured cases), :mod:`~experiments.bench.ratios` (the
machine-independent ratios, their targets and the baseline check) and
:mod:`~experiments.bench.suite` (the whole run and its table). This package re-exports their
public names, so ``from experiments import bench; bench.run_bench(...)`` reads as before.

Everything runs in ONE process session (the horizon case adds one short-lived child process per
run, so that each peak RSS is that run's own), so the *ratios* cancel most of the machine's
noise; absolute numbers are reported beside them but only the ratios are compared against a
committed baseline (:func:`compare_ratios`).

Cases (:func:`run_bench` runs them all; each is also a public function that
``tests/benchmarks/test_bench_scaling.py`` calls, so nothing is measured twice in two ways):

- ``bare_simpy``: a bare SimPy timeout loop (``processes`` processes x ``events / processes``
  timeouts), events per second — the reference every twin rate is divided by. It is measured
  before, between and after the twin's throughput runs and the best rate is kept.
- ``throughput``: the twin on ``baseline`` and ``peak_season`` — SimPy events/s, customer
  orders/s, sim-days/s and the ratio twin events/s / bare events/s (target >= 0.40).
- ``order_cost`` (issue 17, :mod:`~experiments.bench.order_cost`): ``baseline`` and
  ``peak_season`` under every model — CPU of the simulation loop per online order, in bare SimPy
  events (target <= 15); the result's ``order_cost_bare_events`` holds ``{scenario: {model:
  cost}}``.
- ``size_scaling``: the same scenario at 1x, 2x and 4x ``network.stores.count`` — time per
  simulated customer order (POS baskets + online orders) at each size and the 4x/1x ratio
  (target <= 1.3: cost grows with the work, not faster).

The in-process rates are per CPU-second of this process (``time.process_time``; the runs are
single-threaded), because on a shared machine another job's load stretches wall time but hardly
CPU time; wall-time rates are reported beside them.
- ``horizon_rss``: the same scenario over a short and a 4x longer horizon (90 and 360 days), each
  in a fresh child process with the event log ON (streamed to Parquet in a temporary directory)
  — the child's peak RSS (``VmHWM``) and the long/short ratio (target <= 1.3).
- ``parallel``: 8 replications in this process (``--workers 1``) and on a 2-worker process pool
  (``--workers 2``), wall time including the pool's start-up — the speed-up (target >= 1.8),
  and whether both gave identical KPIs (they must).

``quick`` shrinks every case (under a minute on an idle 2-core machine); ``full`` uses the
issue's sizes (several minutes). Wall-clock time is measured here, never inside the simulation.
"""

from __future__ import annotations

from experiments.bench import order_cost
from experiments.bench.cases import (
    bare_simpy,
    horizon_rss,
    parallel,
    peak_rss_kib,
    rss_run,
    size_scaling,
    throughput,
    twin_run,
    warm_up,
)
from experiments.bench.config import (
    ENV_MODE,
    FULL,
    MODES,
    QUICK,
    SCHEMA,
    BenchConfig,
    BenchError,
    Workload,
    config,
    config_from_env,
    with_config,
)
from experiments.bench.ratios import (
    DEFAULT_TOLERANCE,
    RATIOS,
    BaselineError,
    RatioCheck,
    RatioSpec,
    baseline_document,
    compare_ratios,
    load_baseline,
    ratios_of,
    targets,
)
from experiments.bench.suite import CASES, machine, run_bench, table_rows

__all__ = [
    "CASES",
    "DEFAULT_TOLERANCE",
    "ENV_MODE",
    "FULL",
    "MODES",
    "QUICK",
    "RATIOS",
    "SCHEMA",
    "BaselineError",
    "BenchConfig",
    "BenchError",
    "RatioCheck",
    "RatioSpec",
    "Workload",
    "bare_simpy",
    "baseline_document",
    "compare_ratios",
    "config",
    "config_from_env",
    "horizon_rss",
    "load_baseline",
    "machine",
    "order_cost",
    "parallel",
    "peak_rss_kib",
    "ratios_of",
    "rss_run",
    "run_bench",
    "size_scaling",
    "table_rows",
    "targets",
    "throughput",
    "twin_run",
    "warm_up",
    "with_config",
]
