"""One replication: build the model, run the world, collect its KPIs and write its outputs.

:func:`run_replication` simulates replication ``r`` of a scenario under its configured model and
returns a :class:`~experiments.result.TaskResult`. Given an output directory it writes that
replication's files: ``events.parquet`` (the event log), ``daily.parquet`` (the daily time
series), ``approvals.parquet`` (one row per decided approval: type and cycle time) and
``audit.jsonl`` (the hash-chained audit trail). Files are written under temporary names and
renamed, so an interrupted run leaves no half-written file under a final name.

Replication ``r`` of any model uses the streams of replication ``r`` (common random numbers).
Many replications, on any backend, and their run directory: :mod:`experiments.replicate`;
their summary: :mod:`experiments.summary`.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

from experiments.result import OK, TaskResult
from experiments.store import write_frame
from orchestration.approvals.audit import AuditLog
from orchestration.models import build
from scenarios.schema import Scenario
from sim.eventlog import EventLog
from sim.progress import RunProgress
from sim.world import World


def run_replication(
    scenario: Scenario,
    replication: int = 0,
    out_dir: Path | None = None,
    progress: Callable[[RunProgress], None] | None = None,
) -> TaskResult:
    """Simulate one replication of ``scenario`` with its configured orchestration model."""
    log = audit = None
    if out_dir is not None:
        out_dir.mkdir(parents=True, exist_ok=True)
        log = EventLog(out_dir / "events.parquet")
        audit = AuditLog(out_dir / "audit.jsonl")
    model = build(scenario.orchestration.model, scenario, audit)
    world = World(scenario, replication, event_log=log, progress=progress)
    world.attach(model)
    world.prepare()  # processes and the collector's set-up: not part of the timed loop
    started = time.perf_counter()  # wall clock: engine statistics only, never simulation
    cpu_started = time.process_time()  # this process's CPU time over the simulation loop
    try:
        world.run()
    except BaseException:
        if log is not None:
            log.abort()
        if audit is not None:
            audit.abort()
        raise
    wall = time.perf_counter() - started
    cpu = time.process_time() - cpu_started
    if log is not None:
        log.close()
    if audit is not None:
        audit.close()
    kpis = world.kpi.kpis(world.ledger.totals())
    engine = {
        "sim_events": world.sim_events,
        "wall_s": round(wall, 3),
        "cpu_s": round(cpu, 4),
        "events_per_s": round(world.sim_events / wall) if wall > 0 else None,
        "event_log_rows": world.log.rows if world.log.enabled else None,
    }
    if audit is not None:
        engine["audit_records"] = audit.records
        engine["audit_head"] = audit.head
    result = TaskResult(
        key=f"rep_{replication:03d}",
        point=0,
        model=scenario.orchestration.model,
        replication=replication,
        seed=scenario.seed,
        status=OK,
        kpis=kpis,
        by_approval_type=world.kpi.by_approval_type(),
        engine=engine,
        backlog=world.backlog_hourly.tolist(),
    )
    if out_dir is not None:
        write_frame(pd.DataFrame(world.daily), out_dir / "daily.parquet")
        # the event backlog (events emitted, not yet settled) at every whole hour: what
        # ``check``'s backlog_drain_h and the resilience lab's event drain are read from
        hourly = np.asarray(world.backlog_hourly, dtype=np.int64)
        write_frame(
            pd.DataFrame({"hour": np.arange(len(hourly)), "events_in_flight": hourly}),
            out_dir / "backlog.parquet",
        )
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
        write_frame(cycles, out_dir / "approvals.parquet")
    return result
