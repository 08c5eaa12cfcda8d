"""Replications of one scenario on any backend: what ``retail-twin run`` and ``run_scenario`` do.

A run directory holds the resolved scenario (``scenario.yaml``), ``summary.json`` (the object of
KPIS.md), ``replications.parquet`` (one row of KPIs per replication), and per replication the
outputs of :func:`experiments.runner.run_replication` under ``rep_NNN/``.

R tasks (replications ``0 .. R-1`` of the resolved scenario) go through
:func:`experiments.backends.run_tasks`, like every other experiment; the run directory (see
:mod:`experiments.store`) gets ``scenario.yaml`` first, each replication's Parquet outputs as it
completes, and ``replications.parquet`` and ``summary.json`` at the end. A replication that
raises stops the run with its own exception (nothing is summarised from a partial run).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from experiments.backends import IN_PROCESS, BackendSpec, run_tasks
from experiments.plugins import normalise
from experiments.result import TaskResult
from experiments.staging import staged_dir
from experiments.store import write_scenario
from experiments.summary import run_summary, write_run_dir
from experiments.tasks import Task, task_digest
from scenarios.loader import scenario_to_document
from scenarios.schema import Scenario
from sim.progress import RunProgress


def replication_tasks(
    scenario: Scenario,
    replications: int,
    out_dir: Path | None = None,
    plugins: Sequence[str] = (),
    capture_errors: bool = False,
) -> list[Task]:
    doc = scenario_to_document(scenario)
    return [
        Task(
            key=f"rep_{r:03d}",
            doc=doc,
            replication=r,
            out=str(out_dir / f"rep_{r:03d}") if out_dir is not None else None,
            plugins=normalise(plugins),
            capture_errors=capture_errors,
            digest=task_digest(doc, r),
            run=out_dir.name if out_dir is not None else "",
        )
        for r in range(replications)
    ]


def replicate(
    scenario: Scenario,
    replications: int = 1,
    out_dir: Path | None = None,
    backend: BackendSpec = IN_PROCESS,
    on_progress: Callable[[float], None] | None = None,
    plugins: Sequence[str] = (),
    *,
    on_status: Callable[[RunProgress], None] | None = None,
    force: bool = False,
    audit_key: bytes | None = None,
) -> dict[str, Any]:
    """Run the replications of ``scenario``; return (and write) the summary object of KPIS.md.

    The run directory is staged (:mod:`experiments.staging`): it appears whole at ``out_dir``
    once the summary is written, or not at all; an existing non-empty ``out_dir`` is refused
    unless ``force``, which replaces it.
    """
    if replications < 1:
        raise ValueError("replications must be >= 1")
    if out_dir is None:
        return _replicate(
            scenario, replications, None, backend, on_progress, plugins, None, on_status
        )
    with staged_dir(out_dir, force) as stage:
        return _replicate(
            scenario, replications, stage, backend, on_progress, plugins, audit_key, on_status
        )


def _replicate(
    scenario: Scenario,
    replications: int,
    out_dir: Path | None,
    backend: BackendSpec,
    on_progress: Callable[[float], None] | None,
    plugins: Sequence[str],
    audit_key: bytes | None,
    on_status: Callable[[RunProgress], None] | None = None,
) -> dict[str, Any]:
    tasks = replication_tasks(scenario, replications, out_dir, plugins)
    doc = tasks[0].doc
    if out_dir is not None:
        write_scenario(out_dir, doc)
    results: list[TaskResult] = []

    def partial(f: float) -> None:
        if on_progress is not None:
            on_progress((len(results) + f) / replications)

    started = time.perf_counter()  # wall clock: engine statistics only
    for res in run_tasks(tasks, backend, partial, on_status):
        results.append(res)
        if on_progress is not None:
            on_progress(len(results) / replications)
    wall = time.perf_counter() - started
    if out_dir is not None:
        return write_run_dir(out_dir, doc, results, wall, audit_key)
    return run_summary(doc, results, wall)


def run_scenario(
    scenario: Scenario,
    replications: int = 1,
    out_dir: Path | None = None,
    workers: int | None = 1,
    on_progress: Callable[[float], None] | None = None,
    *,
    dask: str | None = None,
    plugins: Sequence[str] = (),
    on_status: Callable[[RunProgress], None] | None = None,
    force: bool = False,
    audit_key: bytes | None = None,
) -> dict[str, Any]:
    """Run ``replications`` of a scenario; write its run directory when ``out_dir`` is given.

    ``workers`` processes (None: all cores; 1: in this process) or a Dask cluster (``dask``:
    a scheduler address or ``"local"``); the KPIs do not depend on which
    (see :mod:`experiments.backends`). ``on_progress`` gets the completed fraction of the
    run; ``on_status`` the running replication's :class:`~sim.progress.RunProgress`
    (in-process only).
    (see :mod:`experiments.backends`). ``force`` replaces a non-empty ``out_dir``;
    ``audit_key`` signs the audit heads in ``summary.json`` (:mod:`experiments.auditrun`).
    """
    return replicate(
        scenario,
        replications,
        out_dir,
        BackendSpec(workers, dask),
        on_progress,
        plugins,
        on_status=on_status,
        force=force,
        audit_key=audit_key,
    )
