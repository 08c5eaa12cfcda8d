"""Benchmark configuration: the workloads and sizes of the ``quick`` and ``full`` modes.

A :class:`Workload` is a library scenario plus dotted overrides; a :class:`BenchConfig` holds
every case's workloads, sizes, repeats and CPU-time targets. ``quick`` shrinks every case
(under a minute on an idle 2-core machine); ``full`` uses the sizes of issue 7.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from scenarios.loader import load_scenario

SCHEMA = "retail-twin-bench/1"
MODES = ("quick", "full")
#: environment variable selecting the sizes of tests/benchmarks/test_bench_scaling.py
ENV_MODE = "RETAIL_TWIN_BENCH"

#: a callback receiving one line of progress text, or None
Progress = Callable[[str], None] | None


class BenchError(RuntimeError):
    """A benchmark that could not run (a failed child process, a bad mode)."""


@dataclass(frozen=True)
class Workload:
    """A library scenario with dotted overrides (``--set`` syntax)."""

    scenario: str
    overrides: tuple[str, ...] = ()

    def load(self, extra: tuple[str, ...] = ()) -> Any:
        return load_scenario(self.scenario, [*self.overrides, *extra])

    def describe(self, extra: tuple[str, ...] = ()) -> str:
        sets = " ".join(f"--set {o}" for o in (*self.overrides, *extra))
        return f"{self.scenario} {sets}".strip()


@dataclass(frozen=True)
class BenchConfig:
    """The sizes of every case. ``repeats``: best-of-N for the in-process timings."""

    mode: str
    bare_processes: int
    bare_events: int
    throughput: tuple[tuple[str, Workload], ...]
    size: Workload
    size_factors: tuple[int, ...]
    horizon: Workload
    horizons: tuple[int, int]
    parallel: Workload
    parallel_replications: int
    parallel_workers: tuple[int, int]
    repeats: int = 1
    #: absolute targets on the throughput runs' CPU seconds (issue 7: peak_season < 60 s)
    cpu_targets_s: tuple[tuple[str, float], ...] = ()
    #: (label, workload) of the order-cost case, each run under every model (issue 17)
    order_cost: tuple[tuple[str, Workload], ...] = ()


QUICK = BenchConfig(
    mode="quick",
    bare_processes=1_000,
    bare_events=300_000,
    throughput=(
        ("baseline", Workload("baseline", ("horizon_days=7",))),
        ("peak_season", Workload("peak_season", ("horizon_days=7",))),
    ),
    size=Workload("baseline", ("horizon_days=7", "network.stores.count=10")),
    size_factors=(1, 2, 4),
    horizon=Workload("tiny"),
    horizons=(90, 360),
    # runs of about 1 s: with shorter ones the pool's start-up dominates and the ratio is noise
    parallel=Workload("tiny", ("horizon_days=400",)),
    parallel_replications=8,
    parallel_workers=(1, 2),
    repeats=2,
    order_cost=(
        ("baseline", Workload("baseline", ("horizon_days=5",))),
        ("peak_season", Workload("peak_season", ("horizon_days=5",))),
    ),
)

FULL = BenchConfig(
    mode="full",
    bare_processes=1_000,
    bare_events=1_000_000,
    throughput=(("baseline", Workload("baseline")), ("peak_season", Workload("peak_season"))),
    size=Workload("baseline", ("horizon_days=30",)),
    size_factors=(1, 2, 4),
    horizon=Workload("baseline"),
    horizons=(90, 360),
    parallel=Workload("baseline", ("horizon_days=30",)),
    parallel_replications=8,
    parallel_workers=(1, 2),
    repeats=1,
    cpu_targets_s=(("peak_season", 60.0),),
    order_cost=(("baseline", Workload("baseline")), ("peak_season", Workload("peak_season"))),
)


def config(mode: str) -> BenchConfig:
    """The configuration of ``mode`` (``quick`` or ``full``)."""
    if mode == "quick":
        return QUICK
    if mode == "full":
        return FULL
    raise BenchError(f"unknown benchmark mode {mode!r}: expected one of {', '.join(MODES)}")


def config_from_env(default: str = "quick") -> BenchConfig:
    """The configuration named by ``$RETAIL_TWIN_BENCH`` (``quick`` or ``full``)."""
    mode = os.environ.get(ENV_MODE, default).strip().lower() or default
    try:
        return config(mode)
    except BenchError as exc:
        raise BenchError(f"{ENV_MODE}: {exc}") from None


def with_config(cfg: BenchConfig, **changes: Any) -> BenchConfig:
    """``cfg`` with some fields changed (e.g. ``repeats=1`` for a smoke run)."""
    return replace(cfg, **changes)
