"""Running scenarios: one replication, or many on any backend, with their outputs.

A run directory holds the resolved scenario (``scenario.yaml``), ``summary.json`` (the object of
KPIS.md), ``replications.parquet`` (one row of KPIs per replication), and per replication
``rep_NNN/events.parquet`` (the event log), ``rep_NNN/daily.parquet`` (the daily time series)
and ``rep_NNN/approvals.parquet`` (one row per decided approval: type and cycle time). Files are
written under temporary names and renamed, so an interrupted run leaves no half-written file
under a final name.

Replication ``r`` of any model uses the streams of replication ``r`` (common random numbers).
Each task ships the resolved scenario document, so a worker process rebuilds exactly the same
scenario; results do not depend on the number of workers.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from experiments.stats import mean_ci
from orchestration.approvals.audit import AuditLog
from orchestration.models import build
from scenarios.schema import Scenario
from sim.eventlog import EventLog
from sim.faults import fault_windows
from sim.world import World


@dataclass
class ReplicationResult:
    replication: int
    kpis: dict[str, Any]
    by_approval_type: dict[str, dict[str, Any]]
    engine: dict[str, float]
    daily: list[dict[str, Any]] = field(default_factory=list)
    #: events in flight at every whole simulated hour (the integration backlog)
    backlog: list[int] = field(default_factory=list)


def _atomic_write_text(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".partial")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def _atomic_parquet(df: pd.DataFrame, path: Path) -> None:
    tmp = path.with_name(path.name + ".partial")
    df.to_parquet(tmp, index=False)
    os.replace(tmp, path)


def run_replication(
    scenario: Scenario,
    replication: int = 0,
    out_dir: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> ReplicationResult:
    """Simulate one replication of ``scenario`` with its configured orchestration model."""
    log = audit = None
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        log = EventLog(out_dir / "events.parquet")
        audit = AuditLog(out_dir / "audit.jsonl")
    model = build(scenario.orchestration.model, scenario, audit)
    world = World(scenario, replication, event_log=log, progress=progress)
    world.attach(model)
    started = time.perf_counter()  # wall clock: engine statistics only, never simulation
    try:
        world.run()
    except BaseException:
        if log is not None:
            log.abort()
        if audit is not None:
            audit.abort()
        raise
    wall = time.perf_counter() - started
    if log is not None:
        log.close()
    if audit is not None:
        audit.close()
    kpis = world.kpi.kpis(world.ledger.totals())
    engine = {
        "sim_events": world.sim_events,
        "wall_s": round(wall, 3),
        "events_per_s": round(world.sim_events / wall) if wall > 0 else None,
        "event_log_rows": world.log.rows if world.log.enabled else None,
    }
    if audit is not None:
        engine["audit_records"] = audit.records
        engine["audit_head"] = audit.head
    result = ReplicationResult(
        replication,
        kpis,
        world.kpi.by_approval_type(),
        engine,
        world.daily,
        world.backlog_hourly.tolist(),
    )
    if out_dir is not None:
        _atomic_parquet(pd.DataFrame(world.daily), out_dir / "daily.parquet")
        samples = world.kpi.approval_cycle_samples()
        # columnar: one row per approval cycle, without a Python object per row (memory stays
        # flat in the horizon, see issue 7)
        cycles = pd.DataFrame(
            {
                "approval_type": np.repeat(
                    np.array(list(samples), dtype=object), [len(v) for v in samples.values()]
                ),
                "cycle_time_h": np.concatenate([np.empty(0), *samples.values()]),
            }
        )
        _atomic_parquet(cycles, out_dir / "approvals.parquet")
    return result


def aggregate(
    scenario: Scenario, results: list[ReplicationResult], wall_s: float
) -> dict[str, Any]:
    """The summary object of KPIS.md over replications (means, and intervals when R > 1)."""
    results = sorted(results, key=lambda r: r.replication)
    n = len(results)
    names = list(results[0].kpis)
    kpis: dict[str, Any] = {}
    ci: dict[str, Any] = {}
    for name in names:
        vals = [r.kpis[name] for r in results]
        stat = mean_ci(vals)
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


def run_scenario(
    scenario: Scenario,
    replications: int = 1,
    out_dir: Path | None = None,
    workers: int | None = 1,
    on_progress: Callable[[float], None] | None = None,
    *,
    dask: str | None = None,
    plugins: Sequence[str] = (),
    force: bool = False,
    audit_key: bytes | None = None,
) -> dict[str, Any]:
    """Run ``replications`` of a scenario; write its run directory when ``out_dir`` is given.

    ``workers`` processes (None: all cores; 1: in this process) or a Dask cluster (``dask``:
    a scheduler address or ``"local"``); the KPIs do not depend on which
    (see :mod:`experiments.backends`). ``force`` replaces a non-empty ``out_dir``;
    ``audit_key`` signs the audit heads in ``summary.json`` (:mod:`experiments.auditrun`).
    """
    from experiments.backends import BackendSpec
    from experiments.replicate import replicate

    return replicate(
        scenario,
        replications,
        out_dir,
        BackendSpec(workers, dask),
        on_progress,
        plugins,
        force=force,
        audit_key=audit_key,
    )
