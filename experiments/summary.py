"""Summaries: the summary object of KPIS.md over replications, and a run directory's tables.

:func:`aggregate` turns the results of R replications into KPI means, 95% intervals (when
R > 1; Student-t within the KPI's range: :func:`experiments.intervals.kpi_interval`),
per-approval-type means, the declared fault windows and engine totals; :func:`run_summary` adds
the failed replications; :func:`write_run_dir` writes a run directory's
``replications.parquet`` (one row per replication) and ``summary.json``. Integer KPIs of a
single replication stay integers; every other mean is rounded to 6 decimals.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from experiments.auditrun import AUDIT_COLUMNS, audit_block
from experiments.intervals import kpi_interval
from experiments.result import OK, TaskResult
from experiments.stats import mean_ci
from experiments.store import (
    ENGINE_COLUMNS,
    kpi_names,
    result_row,
    rows_table,
    write_json,
    write_table,
)
from scenarios.loader import scenario_from_resolved
from scenarios.schema import Scenario
from sim.faults import fault_windows


def aggregate(scenario: Scenario, results: Sequence[TaskResult], wall_s: float) -> dict[str, Any]:
    """The summary object of KPIS.md over successful replications (means; intervals if R > 1)."""
    results = sorted(results, key=lambda r: r.replication)
    n = len(results)
    names = list(results[0].kpis)
    kpis: dict[str, Any] = {}
    ci: dict[str, Any] = {}
    for name in names:
        vals = [r.kpis[name] for r in results]
        stat = kpi_interval(name, vals)
        if stat is None:
            kpis[name] = None
            ci[name] = None
            continue
        m, lo, hi = stat
        is_int = all(isinstance(v, int) for v in vals)
        kpis[name] = int(vals[0]) if (n == 1 and is_int) else round(m, 6)
        ci[name] = [round(lo, 6), round(hi, 6)]
    by_type: dict[str, dict[str, Any]] = {}
    for kind in sorted({k for r in results for k in r.by_approval_type}):
        rows = [r.by_approval_type.get(kind) for r in results]
        keys = next(x for x in rows if x is not None).keys()
        by_type[kind] = {}
        for key in keys:
            vals = [x.get(key) if x else None for x in rows]
            stat = mean_ci(vals)
            by_type[kind][key] = None if stat is None else round(stat[0], 6)
    events = sum(r.engine["sim_events"] for r in results)
    summary = {
        "scenario": scenario.name,
        "model": scenario.orchestration.model,
        "seed": scenario.seed,
        "replications": n,
        "horizon_days": scenario.horizon_days,
        "kpis": kpis,
    }
    if n > 1:
        summary["kpis_ci95"] = ci
    summary["by_approval_type"] = by_type
    # the declared fault windows, for timelines and shading (docs/faults.md)
    summary["fault_windows"] = [w._asdict() for w in fault_windows(scenario)]
    summary["engine"] = {
        "sim_events": events,
        "wall_s": round(wall_s, 3),
        "events_per_s": round(events / wall_s) if wall_s > 0 else None,
    }
    return summary


def run_summary(
    doc: dict[str, Any],
    results: Sequence[TaskResult],
    wall_s: float,
    audit_key: bytes | None = None,
) -> dict:
    """The KPIS.md summary over the successful replications, plus the failed ones if any, and
    the audit heads of the successful ones (:mod:`experiments.auditrun`) when they kept one."""
    scenario = scenario_from_resolved(doc)
    good = [r for r in results if r.status == OK]
    if good:
        summary = aggregate(scenario, good, wall_s)
    else:
        summary = {
            "scenario": scenario.name,
            "model": scenario.orchestration.model,
            "seed": scenario.seed,
            "replications": 0,
            "horizon_days": scenario.horizon_days,
            "kpis": {},
            "by_approval_type": {},
            "engine": {"sim_events": 0, "wall_s": round(wall_s, 3), "events_per_s": None},
        }
    failed = [r for r in results if r.status != OK]
    if failed:
        summary["failures"] = [
            {"replication": r.replication, "seed": r.seed, "error": r.error}
            for r in sorted(failed, key=lambda r: r.replication)
        ]
    if any("audit_head" in r.engine for r in good):
        summary["audit"] = audit_block([(r.replication, r.engine) for r in good], audit_key)
    return summary


def write_run_dir(
    run_dir: Path,
    doc: dict[str, Any],
    results: Sequence[TaskResult],
    wall_s: float,
    audit_key: bytes | None = None,
) -> dict[str, Any]:
    """Write ``replications.parquet`` and ``summary.json`` of a run directory; return the latter."""
    results = sorted(results, key=lambda r: r.replication)
    columns = ["replication", "seed", "status", "error", *kpi_names(results), *ENGINE_COLUMNS]
    if any("audit_head" in r.engine for r in results):
        columns += AUDIT_COLUMNS
    table = rows_table([result_row(r) for r in results], columns)
    write_table(table, run_dir / "replications.parquet")
    summary = run_summary(doc, results, wall_s, audit_key)
    write_json(run_dir / "summary.json", summary)
    return summary
