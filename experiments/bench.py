"""The benchmark suite of issue 7: what ``retail-twin bench`` and ``tests/benchmarks`` measure.

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
- ``size_scaling``: the same scenario at 1x, 2x and 4x ``network.stores.count`` — time per
  simulated customer order (POS baskets + online orders) at each size and the 4x/1x ratio
  (target <= 1.3: cost grows with the work, not faster).

The in-process rates are per CPU-second of this process (``time.process_time``; the runs are
single-threaded), because on a shared machine another job's load stretches wall time but hardly
CPU time; wall-time rates are reported beside them.
- ``horizon_rss``: the same scenario over a short and a 4x longer horizon (90 and 360 days), each
  in a fresh child process with the event log ON (streamed to Parquet in a temporary directory)
  — the child's peak RSS (``VmHWM``) and the long/short ratio (target <= 1.3).
- ``order_cost`` (issue 17, :mod:`experiments.order_cost`): ``baseline`` and ``peak_season``
  under every model — CPU of the simulation loop per online order, in bare SimPy events
  (target <= 15); the result's ``order_cost_bare_events`` holds ``{scenario: {model: cost}}``.
- ``parallel``: 8 replications in this process (``--workers 1``) and on a 2-worker process pool
  (``--workers 2``), wall time including the pool's start-up — the speed-up (target >= 1.8),
  and whether both gave identical KPIs (they must).

``quick`` shrinks every case (under a minute on an idle 2-core machine); ``full`` uses the
issue's sizes (several minutes). Wall-clock time is measured here, never inside the simulation.

Why one long module: the cases, the ratios they yield, the table and the baseline check read one
result object; keeping them together keeps its shape in one place (the order-cost case of issue
17 lives in :mod:`experiments.order_cost`).
"""

from __future__ import annotations

import json
import math
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

from experiments import order_cost as oc

SCHEMA = "retail-twin-bench/1"
MODES = ("quick", "full")
DEFAULT_TOLERANCE = 0.30
#: environment variable selecting the sizes of tests/benchmarks/test_bench_scaling.py
ENV_MODE = "RETAIL_TWIN_BENCH"

Progress = Callable[[str], None] | None


class BenchError(RuntimeError):
    """A benchmark that could not run (a failed child process, a bad mode)."""


class BaselineError(ValueError):
    """A baseline file that cannot be used; the message names the file and the problem."""


# ---------------------------------------------------------------------------------- config
@dataclass(frozen=True)
class Workload:
    """A library scenario with dotted overrides (``--set`` syntax)."""

    scenario: str
    overrides: tuple[str, ...] = ()

    def load(self, extra: tuple[str, ...] = ()) -> Any:
        from scenarios.loader import load_scenario

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
    parallel=Workload("tiny", ("horizon_days=120",)),
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


# ---------------------------------------------------------------------------------- ratios
@dataclass(frozen=True)
class RatioSpec:
    """A machine-independent ratio: which way is better, and the issue's target."""

    name: str
    higher_is_better: bool
    target: float
    label: str

    @property
    def target_text(self) -> str:
        return f"{'>=' if self.higher_is_better else '<='} {self.target:g}"

    def met(self, value: float | None) -> bool | None:
        if value is None or not math.isfinite(value):
            return None
        return value >= self.target if self.higher_is_better else value <= self.target


RATIOS: dict[str, RatioSpec] = {
    s.name: s
    for s in (
        RatioSpec(
            "twin_to_bare_baseline", True, 0.40, "baseline: twin events/s / bare SimPy events/s"
        ),
        RatioSpec(
            "twin_to_bare_peak_season",
            True,
            0.40,
            "peak_season: twin events/s / bare SimPy events/s",
        ),
        RatioSpec("per_order_time_4x_1x", False, 1.3, "time per order, 4x stores / 1x stores"),
        RatioSpec("peak_rss_360_90", False, 1.3, "peak RSS, 360-day run / 90-day run"),
        RatioSpec("speedup_2_workers", True, 1.8, "8 replications: 1-worker wall / 2-worker wall"),
        *(
            RatioSpec(
                oc.ratio_name(scn, model),
                False,
                oc.TARGET,
                f"{scn} under {model}: loop CPU per online order / CPU per bare SimPy event",
            )
            for scn in oc.SCENARIOS
            for model in oc.MODELS
        ),
    )
}


# ---------------------------------------------------------------------------------- cases
def _say(progress: Progress, text: str) -> None:
    if progress is not None:
        progress(text)


def bare_simpy(processes: int = 1_000, events: int = 300_000) -> dict[str, Any]:
    """A bare SimPy timeout loop: ``processes`` generators, ``events`` timeouts in total.

    ``events_per_cpu_s`` divides by this process's CPU time (``time.process_time``), which other
    processes' load hardly moves; ``events_per_s`` divides by wall time."""
    import simpy

    if processes < 1 or events < processes:
        raise BenchError(f"bare_simpy: need 1 <= processes <= events, got {processes}, {events}")
    env = simpy.Environment()
    per = events // processes

    def proc(env: simpy.Environment) -> Any:
        for _ in range(per):
            yield env.timeout(1.0)

    for _ in range(processes):
        env.process(proc(env))
    done = per * processes
    start, cpu0 = time.perf_counter(), time.process_time()
    env.run()
    cpu = max(time.process_time() - cpu0, 1e-9)
    wall = max(time.perf_counter() - start, 1e-9)
    return {
        "events": done,
        "wall_s": wall,
        "cpu_s": cpu,
        "events_per_s": done / wall,
        "events_per_cpu_s": done / cpu,
    }


_warm: list[bool] = []


def warm_up() -> None:
    """Pay the one-time costs of a first run (lazy imports, caches) outside any measurement."""
    if not _warm:
        from experiments.runner import run_replication

        run_replication(Workload("tiny", ("horizon_days=2",)).load())
        _warm.append(True)


def twin_run(workload: Workload, extra: tuple[str, ...] = (), repeats: int = 1) -> dict[str, Any]:
    """One replication of ``workload`` in this process, best (least CPU) of ``repeats``.

    ``wall_s`` is the engine's (the simulation loop; world construction excluded); ``cpu_s`` is
    this process's CPU time over the whole replication (construction is a small share). Rates
    per CPU-second are what the ratios use: they hold on a machine shared with other jobs.
    """
    from experiments.runner import run_replication

    warm_up()
    scenario = workload.load(extra)
    best, best_cpu = None, math.inf
    for _ in range(max(1, repeats)):
        cpu0 = time.process_time()
        res = run_replication(scenario)
        cpu = time.process_time() - cpu0
        if cpu < best_cpu:
            best, best_cpu = res, cpu
    eng, k = best.engine, best.kpis
    wall = max(float(eng["wall_s"]), 1e-9)
    cpu = max(best_cpu, 1e-9)
    loop_cpu = max(float(eng["cpu_s"]), 1e-9)
    orders = int(k["orders_total"])
    online = int(k["online_orders_total"])
    events = int(eng["sim_events"])
    return {
        "workload": workload.describe(extra),
        "stores": scenario.network.stores.count,
        "horizon_days": scenario.horizon_days,
        "sim_events": events,
        "orders": orders,
        "online_orders": online,
        "wall_s": wall,
        "cpu_s": cpu,
        "loop_cpu_s": loop_cpu,
        "events_per_s": events / wall,
        "events_per_cpu_s": events / cpu,
        "orders_per_s": orders / wall,
        "orders_per_cpu_s": orders / cpu,
        "sim_days_per_s": scenario.horizon_days / wall,
        "sim_days_per_cpu_s": scenario.horizon_days / cpu,
        "us_per_order": 1e6 * cpu / orders if orders else math.nan,
        "us_per_order_wall": 1e6 * wall / orders if orders else math.nan,
        "loop_us_per_online_order": 1e6 * loop_cpu / online if online else math.nan,
    }


def throughput(cfg: BenchConfig, progress: Progress = None) -> dict[str, Any]:
    """The twin's rates on each throughput workload, beside the bare SimPy loop (same session).

    The bare loop runs before, between and after the twin runs; its best rate is the reference.
    ``ratio_to_bare`` compares rates per CPU-second, ``ratio_to_bare_wall`` per wall second.
    """
    bares = []
    runs: dict[str, Any] = {}

    def bare() -> None:
        _say(progress, "bare SimPy timeout loop")
        bares.append(bare_simpy(cfg.bare_processes, cfg.bare_events))

    warm_up()
    bare()
    for label, workload in cfg.throughput:
        _say(progress, f"throughput: {workload.describe()}")
        runs[label] = twin_run(workload, repeats=cfg.repeats)
        bare()
    ref_cpu = max(b["events_per_cpu_s"] for b in bares)
    ref_wall = max(b["events_per_s"] for b in bares)
    for run in runs.values():
        run["ratio_to_bare"] = run["events_per_cpu_s"] / ref_cpu
        run["ratio_to_bare_wall"] = run["events_per_s"] / ref_wall
    return {
        "bare_simpy": {
            "events": bares[0]["events"],
            "events_per_s": ref_wall,
            "events_per_cpu_s": ref_cpu,
            "samples_events_per_cpu_s": [b["events_per_cpu_s"] for b in bares],
        },
        "runs": runs,
    }


def size_scaling(cfg: BenchConfig, progress: Progress = None) -> dict[str, Any]:
    """The same scenario at every factor of its store count: time per simulated order."""
    base = cfg.size.load().network.stores.count
    key = "network.stores.count="
    workload = replace(cfg.size, overrides=tuple(o for o in cfg.size.overrides if key not in o))
    points = []
    for f in cfg.size_factors:
        extra = (f"{key}{base * f}",)
        _say(progress, f"size scaling {f}x: {workload.describe(extra)}")
        points.append({"factor": f, **twin_run(workload, extra, repeats=cfg.repeats)})
    first, last = points[0], points[-1]
    return {
        "points": points,
        "per_order_time_ratio": last["us_per_order"] / first["us_per_order"],
        "ratio_of": f"{last['factor']}x/{first['factor']}x",
    }


def peak_rss_kib() -> int:
    """This process's peak resident set size in KiB: ``VmHWM`` of ``/proc/self/status``.

    Not ``ru_maxrss`` on Linux: the kernel carries a process's ``ru_maxrss`` across ``exec``, so
    a fresh child started by a big parent reports the parent's peak; ``VmHWM`` belongs to the
    child's own address space. ``ru_maxrss`` where there is no ``/proc`` (bytes on macOS).
    """
    try:
        with open("/proc/self/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    import resource  # POSIX only: imported where used, so the CLI imports everywhere

    unit = 1024 if sys.platform == "darwin" else 1
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // unit


def _rss_child() -> None:
    """Child-process entry of :func:`rss_run`: reads its job as JSON from stdin, writes JSON."""
    job = json.loads(sys.stdin.read())
    from experiments.runner import run_replication

    scenario = Workload(job["scenario"], tuple(job["overrides"])).load()
    before = peak_rss_kib()
    res = run_replication(scenario, 0, Path(job["out"]))
    peak = peak_rss_kib()
    log = Path(job["out"]) / "events.parquet"
    sys.stdout.write(
        json.dumps(
            {
                "rss_before_run_kib": before,
                "peak_rss_kib": peak,
                "sim_events": res.engine["sim_events"],
                "event_log_rows": res.engine["event_log_rows"],
                "event_log_bytes": log.stat().st_size if log.exists() else None,
                "wall_s": res.engine["wall_s"],
                "orders": res.kpis["orders_total"],
            }
        )
        + "\n"
    )


def rss_run(workload: Workload, extra: tuple[str, ...] = (), timeout_s: float = 3600) -> dict:
    """Run one replication in a fresh Python process with the event log streamed to a temporary
    directory; return that process's peak RSS (:func:`peak_rss_kib`) and the run's figures."""
    with tempfile.TemporaryDirectory(prefix="retail-twin-bench-") as tmp:
        job = {
            "scenario": workload.scenario,
            "overrides": [*workload.overrides, *extra],
            "out": str(Path(tmp) / "rep_000"),
        }
        code = "from experiments.bench import _rss_child; _rss_child()"
        proc = subprocess.run(
            [sys.executable, "-c", code],
            input=json.dumps(job),
            capture_output=True,
            text=True,
            timeout=timeout_s,
            check=False,
        )
    if proc.returncode != 0:
        tail = proc.stderr.strip().splitlines()[-5:]
        raise BenchError(
            f"horizon run {workload.describe(extra)} failed in its child process "
            f"(exit {proc.returncode}): " + " | ".join(tail)
        )
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    return {
        "workload": workload.describe(extra),
        **out,
        "peak_rss_mib": out["peak_rss_kib"] / 1024,
        "rss_before_run_mib": out["rss_before_run_kib"] / 1024,
    }


def horizon_rss(cfg: BenchConfig, progress: Progress = None) -> dict[str, Any]:
    """Peak RSS of a short and a long run of the same scenario, each in its own process."""
    points = []
    for days in cfg.horizons:
        extra = (f"horizon_days={days}",)
        _say(progress, f"horizon {days} days (child process, event log on)")
        points.append({"horizon_days": days, **rss_run(cfg.horizon, extra)})
    short, long = points[0], points[-1]
    grow_s = short["peak_rss_mib"] - short["rss_before_run_mib"]
    grow_l = long["peak_rss_mib"] - long["rss_before_run_mib"]
    return {
        "points": points,
        "peak_rss_ratio": long["peak_rss_mib"] / short["peak_rss_mib"],
        "run_growth_mib": [grow_s, grow_l],
        "ratio_of": f"{long['horizon_days']}/{short['horizon_days']} days",
    }


def parallel(cfg: BenchConfig, progress: Progress = None) -> dict[str, Any]:
    """``parallel_replications`` replications on each worker count (process pool when > 1)."""
    from experiments.runner import run_scenario

    scenario = cfg.parallel.load()
    walls: dict[int, float] = {}
    kpis = []
    for w in cfg.parallel_workers:
        _say(progress, f"{cfg.parallel_replications} replications on {w} worker(s)")
        start = time.perf_counter()
        summary = run_scenario(scenario, cfg.parallel_replications, workers=w)
        walls[w] = time.perf_counter() - start
        kpis.append(summary["kpis"])
    one, two = cfg.parallel_workers
    return {
        "workload": cfg.parallel.describe(),
        "replications": cfg.parallel_replications,
        "workers": list(cfg.parallel_workers),
        "wall_s": {str(w): s for w, s in walls.items()},
        "speedup": walls[one] / walls[two],
        "identical_kpis": all(k == kpis[0] for k in kpis),
    }


# ---------------------------------------------------------------------------------- the run
def machine() -> dict[str, Any]:
    import numpy
    import simpy

    from experiments.backends import default_workers

    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "simpy": simpy.__version__,
        "numpy": numpy.__version__,
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "usable_cpus": default_workers(),
        "load_avg_1m": round(os.getloadavg()[0], 2) if hasattr(os, "getloadavg") else None,
    }


def ratios_of(cases: Mapping[str, Any]) -> dict[str, float]:
    """The machine-independent ratios of a bench's cases (only those that were measured)."""
    r: dict[str, float] = {}
    thr = cases.get("throughput")
    if thr:
        for label, run in thr["runs"].items():
            r[f"twin_to_bare_{label}"] = run["ratio_to_bare"]
    if cases.get("size_scaling"):
        r["per_order_time_4x_1x"] = cases["size_scaling"]["per_order_time_ratio"]
    if cases.get("horizon_rss"):
        r["peak_rss_360_90"] = cases["horizon_rss"]["peak_rss_ratio"]
    if cases.get("parallel"):
        r["speedup_2_workers"] = cases["parallel"]["speedup"]
    if cases.get("order_cost"):
        r.update(oc.ratios(cases["order_cost"]))
    # a ratio that could not be computed (no orders, a zero time) is left out, never NaN
    return {k: round(float(v), 4) for k, v in r.items() if math.isfinite(float(v))}


CASES = ("throughput", "order_cost", "size_scaling", "horizon_rss", "parallel")


def run_bench(
    mode: str | BenchConfig = "quick", progress: Progress = None, cases: tuple[str, ...] = CASES
) -> dict[str, Any]:
    """Run the benchmark cases of ``mode``; return the JSON-ready result (see module doc)."""
    cfg = mode if isinstance(mode, BenchConfig) else config(mode)
    unknown = [c for c in cases if c not in CASES]
    if unknown:
        raise BenchError(f"unknown benchmark case(s) {unknown}: expected some of {list(CASES)}")
    funcs = {
        "throughput": throughput,
        "size_scaling": size_scaling,
        "horizon_rss": horizon_rss,
        "parallel": parallel,
        "order_cost": oc.measure,
    }
    started = time.perf_counter()
    results = {c: funcs[c](cfg, progress) for c in cases}
    ratios = ratios_of(results)
    doc = {
        "schema": SCHEMA,
        "mode": cfg.mode,
        "machine": machine(),
        "config": asdict(cfg),
        "wall_s": round(time.perf_counter() - started, 2),
        "ratios": ratios,
        "targets": targets(ratios, results, cfg),
        "cases": _rounded(results),
    }
    if "order_cost" in results:
        doc[oc.JSON_KEY] = _rounded(oc.costs(results["order_cost"]))
    return doc


def targets(
    ratios: Mapping[str, float], cases: Mapping[str, Any], cfg: BenchConfig
) -> dict[str, dict[str, Any]]:
    """Each target of issue 7 that this run measured: value, target, met."""
    t = {
        name: {"value": v, "target": RATIOS[name].target_text, "met": RATIOS[name].met(v)}
        for name, v in ratios.items()
        if name in RATIOS
    }
    runs = (cases.get("throughput") or {}).get("runs", {})
    for label, limit in cfg.cpu_targets_s:
        if label in runs:
            cpu = runs[label]["cpu_s"]
            t[f"cpu_s_{label}"] = {
                "value": round(cpu, 2),
                "target": f"< {limit:g}",
                "met": cpu < limit,
            }
    return t


def _rounded(obj: Any) -> Any:
    if isinstance(obj, float):
        return round(obj, 4) if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {k: _rounded(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_rounded(v) for v in obj]
    return obj


# ---------------------------------------------------------------------------------- table
def _fmt(value: Any, digits: int = 3) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        if abs(value) >= 1000:
            return f"{value:,.0f}"
        return f"{value:.{digits}g}" if abs(value) < 1 else f"{value:,.{digits - 1}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def table_rows(result: Mapping[str, Any]) -> list[tuple[str, str, str, str, bool | None]]:
    """(case, metric, value, target, met) rows of a bench result, in reading order."""
    rows: list[tuple[str, str, str, str, bool | None]] = []
    cases, tg = result.get("cases", {}), result.get("targets", {})

    def info(case: str, metric: str, value: Any) -> None:
        rows.append((case, metric, _fmt(value), "", None))

    def target_row(case: str, metric: str, name: str) -> None:
        t = tg.get(name)
        if t is not None:
            rows.append((case, metric, _fmt(t["value"]), t["target"], t["met"]))

    thr = cases.get("throughput")
    if thr:
        b = thr["bare_simpy"]
        info("bare SimPy loop", "events/s (CPU)", b["events_per_cpu_s"])
        info("bare SimPy loop", "events/s (wall)", b["events_per_s"])
        for label, run in thr["runs"].items():
            case = f"throughput {label}"
            info(case, "workload", run["workload"])
            info(case, "SimPy events/s (CPU)", run["events_per_cpu_s"])
            info(case, "customer orders/s (CPU)", run["orders_per_cpu_s"])
            info(case, "sim-days/s (CPU)", run["sim_days_per_cpu_s"])
            info(case, "wall s (loop only)", run["wall_s"])
            if f"cpu_s_{label}" in tg:
                target_row(case, "CPU s (one core)", f"cpu_s_{label}")
            else:
                info(case, "CPU s", run["cpu_s"])
            target_row(case, "twin / bare events/s", f"twin_to_bare_{label}")
    cost = cases.get("order_cost")
    if cost:
        info("order cost", "bare SimPy loop: CPU us per event", cost["bare_us_per_event"])
        for label, per_model in cost["runs"].items():
            for model, run in per_model.items():
                case = f"order cost {label}"
                info(case, f"{model}: CPU us per online order", run["loop_us_per_online_order"])
                target_row(case, f"{model}: bare events per order", oc.ratio_name(label, model))
    size = cases.get("size_scaling")
    if size:
        for p in size["points"]:
            case = f"size {p['factor']}x ({p['stores']} stores)"
            info(case, "CPU us per order", p["us_per_order"])
        target_row("size scaling", f"time per order {size['ratio_of']}", "per_order_time_4x_1x")
    hor = cases.get("horizon_rss")
    if hor:
        for p in hor["points"]:
            case = f"horizon {p['horizon_days']} days"
            info(case, "peak RSS MiB (event log on)", p["peak_rss_mib"])
        target_row("horizon scaling", f"peak RSS {hor['ratio_of']}", "peak_rss_360_90")
    par = cases.get("parallel")
    if par:
        for w, s in par["wall_s"].items():
            info(f"{par['replications']} replications", f"wall s, {w} worker(s)", s)
        target_row("parallel replications", "speed-up 2 workers", "speedup_2_workers")
        same = bool(par["identical_kpis"])
        rows.append(("parallel replications", "identical KPIs", str(same), "True", same))
    return rows


# ---------------------------------------------------------------------------------- baseline
@dataclass(frozen=True)
class RatioCheck:
    """One ratio against the baseline. ``worse_by``: the relative change in the bad direction
    (0.31 = 31% worse; negative = better); ``ok`` False on a regression or a missing ratio."""

    name: str
    baseline: float | None
    current: float | None
    worse_by: float | None
    ok: bool
    message: str


def load_baseline(path: Path) -> dict[str, Any]:
    """Read a baseline file (the JSON of ``retail-twin bench --json``, or any object with
    ``mode`` and ``ratios``); raise :class:`BaselineError` naming the file and the problem."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"{path}: baseline file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{path}: cannot read the baseline file: {exc}") from None
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{path}: not valid JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise BaselineError(f"{path}: expected a JSON object, found {type(doc).__name__}")
    ratios = doc.get("ratios")
    if not isinstance(ratios, dict) or not ratios:
        raise BaselineError(f"{path}: ratios: expected a non-empty object of ratio -> number")
    for name, value in ratios.items():
        if name not in RATIOS:
            raise BaselineError(
                f"{path}: ratios.{name}: unknown ratio (known: {', '.join(RATIOS)})"
            )
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or value <= 0
        ):
            raise BaselineError(
                f"{path}: ratios.{name}: expected a positive number, found {value!r}"
            )
    mode = doc.get("mode")
    if mode not in MODES:
        raise BaselineError(f"{path}: mode: expected one of {', '.join(MODES)}, found {mode!r}")
    return doc


def compare_ratios(
    current: Mapping[str, Any], baseline: Mapping[str, Any], tolerance: float = DEFAULT_TOLERANCE
) -> list[RatioCheck]:
    """Check every known ratio of ``current`` against ``baseline`` (two ``name -> value`` maps).

    A ratio regresses when it is worse than the baseline by more than ``tolerance`` (relative,
    direction-aware: lower is worse for throughput ratios and speed-up, higher is worse for the
    per-order-time and RSS ratios). A ratio in one map but not the other is an error too.
    """
    if not (tolerance >= 0 and math.isfinite(tolerance)):
        raise ValueError(f"tolerance: expected a number >= 0, found {tolerance!r}")
    checks = []
    for name in [n for n in RATIOS if n in baseline or n in current]:
        spec = RATIOS[name]
        base, cur = baseline.get(name), current.get(name)
        if base is None:
            checks.append(
                RatioCheck(
                    name,
                    None,
                    cur,
                    None,
                    False,
                    f"{name}: measured but not in the baseline (refresh the baseline)",
                )
            )
            continue
        if cur is None or not math.isfinite(cur):
            checks.append(
                RatioCheck(
                    name,
                    base,
                    None,
                    None,
                    False,
                    f"{name}: in the baseline ({base:g}) but missing from this run",
                )
            )
            continue
        worse = (base - cur) / base if spec.higher_is_better else (cur - base) / base
        ok = worse <= tolerance + 1e-9
        direction = "higher" if spec.higher_is_better else "lower"
        if ok:
            msg = f"{name}: {cur:g} vs baseline {base:g} ({-worse:+.1%}, {direction} is better)"
        else:
            msg = (
                f"{name} regressed by {worse:.1%} (more than {tolerance:.0%}): {cur:g} vs "
                f"baseline {base:g}, {direction} is better — {spec.label}"
            )
        checks.append(RatioCheck(name, base, cur, worse, ok, msg))
    return checks


def baseline_document(results: list[Mapping[str, Any]], note: str = "") -> dict[str, Any]:
    """A conservative baseline from several bench results of one mode: for each ratio the worst
    value measured (lowest when higher is better, highest otherwise), with the spread."""
    modes = {r["mode"] for r in results}
    if len(modes) != 1:
        raise BenchError(f"baseline from mixed modes {sorted(modes)}")
    ratios, spread = {}, {}
    for name, spec in RATIOS.items():
        vals = [r["ratios"][name] for r in results if name in r.get("ratios", {})]
        if not vals:
            continue
        ratios[name] = min(vals) if spec.higher_is_better else max(vals)
        spread[name] = {"min": min(vals), "max": max(vals), "runs": vals}
    return {
        "schema": SCHEMA,
        "mode": modes.pop(),
        "note": note,
        "ratios": ratios,
        "spread": spread,
        "machine": results[-1].get("machine", {}),
    }


def with_config(cfg: BenchConfig, **changes: Any) -> BenchConfig:
    """``cfg`` with some fields changed (e.g. ``repeats=1`` for a smoke run)."""
    return replace(cfg, **changes)
