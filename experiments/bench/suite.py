"""The benchmark run: every case of a mode, its ratios and targets, as one JSON-ready result.

:func:`run_bench` is what ``retail-twin bench`` runs; :func:`table_rows` is the table it prints.
"""

from __future__ import annotations

import math
import os
import platform
import time
from collections.abc import Mapping
from dataclasses import asdict
from typing import Any

import numpy
import simpy

from experiments.backends import default_workers
from experiments.bench import order_cost as oc
from experiments.bench.cases import horizon_rss, parallel, size_scaling, throughput
from experiments.bench.config import SCHEMA, BenchConfig, BenchError, Progress, config
from experiments.bench.ratios import ratios_of, targets


def machine() -> dict[str, Any]:
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
            alone = cost.get("world_alone", {}).get(label)
            if alone:
                info(
                    case, "the world alone: bare events per order", alone["order_cost_bare_events"]
                )
        if cost.get("floor"):
            info(
                "order cost floor",
                "3 events per order, no work: bare events",
                cost["floor"]["floor_bare_events"],
            )
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
