"""The measured cases: bare SimPy, the twin's throughput, size scaling, horizon RSS, parallel.

Each case is a public function (``tests/benchmarks/test_bench_scaling.py`` calls them one by
one; :func:`experiments.bench.suite.run_bench` runs them all); see :mod:`experiments.bench` for
what each measures. Rates per CPU-second of this process (``time.process_time``) are what the
ratios use; wall-clock rates are reported beside them. Wall-clock time is measured here, never
inside the simulation.
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path
from typing import Any

import simpy

from experiments.bench.config import BenchConfig, BenchError, Progress, Workload
from experiments.replicate import run_scenario
from experiments.runner import run_replication


def _say(progress: Progress, text: str) -> None:
    if progress is not None:
        progress(text)


def bare_simpy(processes: int = 1_000, events: int = 300_000) -> dict[str, Any]:
    """A bare SimPy timeout loop: ``processes`` generators, ``events`` timeouts in total.

    ``events_per_cpu_s`` divides by this process's CPU time (``time.process_time``), which other
    processes' load hardly moves; ``events_per_s`` divides by wall time."""
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
        run_replication(Workload("tiny", ("horizon_days=2",)).load())
        _warm.append(True)


def twin_run(workload: Workload, extra: tuple[str, ...] = (), repeats: int = 1) -> dict[str, Any]:
    """One replication of ``workload`` in this process, best (least CPU) of ``repeats``.

    ``wall_s`` is the engine's (the simulation loop; world construction excluded); ``cpu_s`` is
    this process's CPU time over the whole replication (construction is a small share). Rates
    per CPU-second are what the ratios use: they hold on a machine shared with other jobs.
    """
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
        code = "from experiments.bench.cases import _rss_child; _rss_child()"
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
