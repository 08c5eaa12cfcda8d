"""A task: one replication of one resolved scenario, the unit of work of every backend.

``run --replications``, ``compare`` and ``sweep`` all reduce to a list of :class:`Task` — one
(point, model, replication) each — executed by :func:`execute` wherever a backend puts it (this
process, a process-pool child, a Dask worker). A task ships the *resolved scenario document*
(:func:`scenarios.loader.scenario_to_document`), never a file name or a library name, so a worker
rebuilds exactly the scenario the driver validated; replication ``r`` draws the streams of
``(seed, r)`` whatever the model or the worker, which makes results identical bit for bit across
backends and worker counts, and makes model comparisons paired (common random numbers).

A task returns a small :class:`~experiments.result.TaskResult` (KPIs, per-approval-type KPIs,
engine timings), the one result type, and writes its Parquet outputs (event log, daily series,
approvals) into ``out`` when given. A task that raises is, by default, returned as a *failed*
result carrying the error and its seed, so a sweep goes on; ``capture_errors=False`` re-raises
instead (a plain ``run``).
"""

from __future__ import annotations

import hashlib
import json
import traceback
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sim.progress import RunProgress

from experiments.plugins import load_plugins
from experiments.result import FAILED, TaskResult
from experiments.runner import run_replication
from scenarios.loader import scenario_from_resolved


def task_digest(doc: dict[str, Any], replication: int) -> str:
    """Content hash of what a task computes: the resolved scenario and the replication index."""
    text = json.dumps({"scenario": doc, "replication": replication}, sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True)
class Task:
    """One run to do. ``key`` is unique in its plan and safe as a file name."""

    key: str
    doc: dict[str, Any]
    replication: int
    out: str | None = None
    plugins: tuple[str, ...] = ()
    capture_errors: bool = True
    point: int = 0
    digest: str = ""
    run: str = ""

    @property
    def model(self) -> str:
        return str(self.doc["orchestration"]["model"])

    @property
    def seed(self) -> int:
        return int(self.doc["seed"])


def failure(task: Task, exc: BaseException, tb: str | None = None) -> TaskResult:
    """The failed result of ``task``: its error (and traceback when known) instead of KPIs."""
    return TaskResult(
        key=task.key,
        point=task.point,
        model=task.model,
        replication=task.replication,
        seed=task.seed,
        status=FAILED,
        digest=task.digest,
        error=f"{type(exc).__name__}: {exc}",
        traceback=tb,
    )


def execute(task: Task, progress: Callable[[RunProgress], None] | None = None) -> TaskResult:
    """Run one task (the entry point every backend calls, in whatever process it runs)."""
    try:
        load_plugins(task.plugins)
        scenario = scenario_from_resolved(task.doc)
        out = Path(task.out) if task.out else None
        res = run_replication(scenario, task.replication, out, progress)
    except Exception as exc:
        if not task.capture_errors:
            raise
        return failure(task, exc, traceback.format_exc())
    return replace(res, key=task.key, point=task.point, digest=task.digest)
