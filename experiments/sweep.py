"""Running a plan: every (point, model, replication) on a backend, resumable, into tidy tables.

A sweep directory::

    sweep.yaml          the spec (base, set, grid, models, replications, plugins)
    plan.json           every planned task: key, cell, point, model, replication, digest
    tasks/KEY.json      one record per completed task, written as it completes (append-only)
    results.parquet     the tidy table: one row per point x model x replication, the grid
                        parameters (resolved values) as columns, every KPI as a column, plus
                        run, point, model, scenario, replication, seed, status, error, engine
    summary.parquet     one row per point x model x KPI: n, failed, mean and 95% interval, and
                        the paired difference against the reference model of the same point
    sweep.json          counts, the reference model, every failed run (point, seed, error), and
                        the fingerprints of the code that computed the results (more than
                        one if the code changed between a sweep and its resumption)
    runs/p000_manual/   a run directory per cell (see :mod:`experiments.store`)

With ``resume=True`` a task whose record exists, succeeded and has the same digest (same
resolved scenario, same replication) is read back, never recomputed; failed tasks are run again.
A task that raises is recorded as failed with its error and seed, and the sweep goes on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.analysis import compare_samples, reference_of, summary_rows
from experiments.backends import IN_PROCESS, BackendSpec, code_fingerprint, run_tasks
from experiments.lock import LOCK_NAME, writer_lock
from experiments.plan import Plan
from experiments.result import TaskResult
from experiments.store import (
    ENGINE_COLUMNS,
    TaskStore,
    kpi_names,
    read_json,
    remove_partials,
    result_row,
    rows_table,
    write_json,
    write_scenario,
    write_table,
    write_text,
)
from experiments.summary import write_run_dir
from experiments.tasks import Task
from scenarios.loader import document_to_yaml

ID_COLUMNS = ("run", "point", "model", "scenario")
ROW_COLUMNS = ("replication", "seed", "status", "error")


class SweepDirError(Exception):
    """An output directory that holds another sweep, or none to resume."""


@dataclass
class SweepResult:
    plan: Plan
    results: list[TaskResult]
    runs: pd.DataFrame
    summary: pd.DataFrame
    computed: int
    reused: int
    out_dir: Path | None = None

    @property
    def failed(self) -> list[TaskResult]:
        return [r for r in self.results if not r.ok]

    @property
    def reference(self) -> str:
        return reference_of(self.plan.models)


def _plan_record(plan: Plan, tasks: list[Task]) -> dict[str, Any]:
    return {
        "scenario": plan.scenario,
        "tasks": [
            {
                "key": t.key,
                "run": t.run,
                "point": t.point,
                "model": t.model,
                "replication": t.replication,
                "digest": t.digest,
            }
            for t in tasks
        ],
    }


def _prepare(plan: Plan, tasks: list[Task], out_dir: Path, resume: bool) -> None:
    record = _plan_record(plan, tasks)
    existing = out_dir / "plan.json"
    if not existing.exists() and any(p.name != LOCK_NAME for p in out_dir.iterdir()):
        raise SweepDirError(
            f"{out_dir} is not empty and holds no sweep (an earlier run?): choose another "
            "output directory"
        )
    if existing.exists():
        if not resume:
            raise SweepDirError(
                f"{out_dir} already holds a sweep: pass --resume to continue it, "
                "or choose another output directory"
            )
        try:
            old = {(t["key"], t["digest"]) for t in read_json(existing)["tasks"]}
        except (OSError, ValueError, KeyError, TypeError) as exc:
            raise SweepDirError(
                f"{existing}: unreadable ({type(exc).__name__}): this directory cannot be "
                "resumed; start the sweep again in a new --out"
            ) from None
        new = {(t["key"], t["digest"]) for t in record["tasks"]}
        if old != new:
            raise SweepDirError(
                f"{out_dir} holds a different sweep ({len(old ^ new)} task(s) differ): "
                "resume it with the same scenario, grid, models and replications, "
                "or choose another output directory"
            )
        remove_partials(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    write_json(out_dir / "plan.json", record)
    spec = replace(plan.spec, models=tuple(plan.models))  # the models that actually run
    write_text(out_dir / "sweep.yaml", document_to_yaml(spec.to_document()))
    for cell in plan.cells:
        write_scenario(out_dir / "runs" / cell.name, cell.doc)


def run_sweep(
    plan: Plan,
    out_dir: Path | None = None,
    backend: BackendSpec = IN_PROCESS,
    *,
    resume: bool = False,
    outputs: bool = True,
    on_result: Callable[[TaskResult, int, int], None] | None = None,
    on_start: Callable[[int, int], None] | None = None,
    on_partial: Callable[[float], None] | None = None,
) -> SweepResult:
    """Run every task of ``plan`` not already done; write the sweep directory if ``out_dir``.

    ``on_start(to_compute, reused)`` is called once before running; ``on_result(result, done,
    to_compute)`` after each task completes (and after its record is on disk). While it runs,
    ``out_dir`` is locked (:mod:`experiments.lock`): a second writer is refused.
    """
    if out_dir is None:
        return _run_sweep(plan, None, backend, resume, outputs, on_result, on_start, on_partial)
    with writer_lock(out_dir):
        return _run_sweep(plan, out_dir, backend, resume, outputs, on_result, on_start, on_partial)


def _run_sweep(
    plan: Plan,
    out_dir: Path | None,
    backend: BackendSpec,
    resume: bool,
    outputs: bool,
    on_result: Callable[[TaskResult, int, int], None] | None,
    on_start: Callable[[int, int], None] | None,
    on_partial: Callable[[float], None] | None,
) -> SweepResult:
    tasks = plan.tasks(out_dir, outputs)
    store = TaskStore(out_dir / "tasks") if out_dir is not None else None
    done: dict[str, TaskResult] = {}
    if out_dir is not None:
        _prepare(plan, tasks, out_dir, resume)
        if resume:
            for t in tasks:
                prev = store.load(t.key)
                if prev is not None and prev.ok and prev.digest == t.digest:
                    done[t.key] = prev
    reused = len(done)
    todo = [t for t in tasks if t.key not in done]
    if on_start is not None:
        on_start(len(todo), reused)
    code = code_fingerprint()  # the code that computes this session's results
    for n, result in enumerate(run_tasks(todo, backend, on_partial), start=1):
        result.code = code
        if store is not None:
            store.save(result)
        done[result.key] = result
        if on_result is not None:
            on_result(result, n, len(todo))
    results = [done[t.key] for t in tasks]
    return _finish(plan, results, out_dir, computed=len(todo), reused=reused)


def _finish(
    plan: Plan, results: list[TaskResult], out_dir: Path | None, computed: int, reused: int
) -> SweepResult:
    kpis = kpi_names(results)
    params = plan.param_names
    cells = {c.name: c for c in plan.cells}
    run_of = {t.key: t.run for t in plan.tasks()}
    by_cell: dict[str, list[TaskResult]] = {name: [] for name in cells}
    for r in results:
        by_cell[run_of[r.key]].append(r)
    rows = []
    for name, cell in cells.items():
        for r in by_cell[name]:
            row = {"run": name, "point": cell.point.index, "model": cell.model}
            row["scenario"] = plan.scenario
            row.update(cell.point.params)
            row.update(result_row(r))
            rows.append(row)
    columns = [*ID_COLUMNS, *params, *ROW_COLUMNS, *kpis, *ENGINE_COLUMNS]
    table = rows_table(rows, columns)
    runs = table.to_pandas()
    summary_list: list[dict[str, Any]] = []
    ref = reference_of(plan.models)
    for point in plan.points:
        here = [c for c in plan.cells if c.point.index == point.index]
        frames = {c.model: runs[runs["run"] == c.name] for c in here}
        comp = compare_samples(frames, kpis, ref, paired=True)
        extra = {
            c.model: {"run": c.name, "point": point.index, "model": c.model, **point.params}
            for c in here
        }
        summary_list += summary_rows(comp, kpis, extra)
    s_columns = [
        "run",
        "point",
        "model",
        *params,
        "kpi",
        "n",
        "failed",
        "mean",
        "ci95_low",
        "ci95_high",
        "reference",
        "diff_mean",
        "diff_ci95_low",
        "diff_ci95_high",
        "significant",
    ]
    s_table = rows_table(summary_list, s_columns)
    result = SweepResult(plan, results, runs, s_table.to_pandas(), computed, reused, out_dir)
    if out_dir is not None:
        write_table(table, out_dir / "results.parquet")
        write_table(s_table, out_dir / "summary.parquet")
        for name, cell in cells.items():
            wall = sum(r.engine.get("wall_s") or 0.0 for r in by_cell[name])
            write_run_dir(out_dir / "runs" / name, cell.doc, by_cell[name], wall)
        write_json(out_dir / "sweep.json", sweep_record(result))
    return result


def sweep_record(res: SweepResult) -> dict[str, Any]:
    """The small JSON summary of a sweep: counts, reference, failed runs."""
    plan = res.plan
    cells = {c.name: c for c in plan.cells}
    run_of = {t.key: t.run for t in plan.tasks()}
    code = sorted({r.code for r in res.results if r.code})
    failed = []
    for r in res.failed:
        cell = cells[run_of[r.key]]
        failed.append(
            {
                "run": cell.name,
                "point": cell.point.index,
                "model": r.model,
                "params": cell.point.params,
                "replication": r.replication,
                "seed": r.seed,
                "error": r.error,
            }
        )
    return {
        "scenario": plan.scenario,
        "spec": plan.spec.to_document(),
        "points": len(plan.points),
        "models": plan.models,
        "replications": plan.spec.replications,
        "reference": res.reference,
        "tasks": len(res.results),
        "ok": len(res.results) - len(failed),
        "failed_total": len(failed),
        "failed_points": sorted({f["point"] for f in failed}),
        "code": code,
        "failed": failed,
    }


def runs_record(res: SweepResult) -> list[dict[str, Any]]:
    """Per point x model: parameters, counts, KPI means and intervals, differences (JSON-ready)."""
    out = []
    cells = {c.name: c for c in res.plan.cells}
    for name, g in res.summary.groupby("run", sort=True):
        cell = cells[str(name)]
        first = g.iloc[0]
        entry: dict[str, Any] = {
            "run": cell.name,
            "point": cell.point.index,
            "model": cell.model,
            "params": cell.point.params,
            "n": int(first["n"]),
            "failed": int(first["failed"]),
            "kpis": {},
            "kpis_ci95": {},
        }
        diffs: dict[str, Any] = {}
        for row in g.to_dict("records"):
            k = row["kpi"]
            entry["kpis"][k] = _none(row["mean"])
            lo, hi = _none(row["ci95_low"]), _none(row["ci95_high"])
            entry["kpis_ci95"][k] = None if lo is None else [lo, hi]
            if cell.model != res.reference:
                dlo, dhi = _none(row["diff_ci95_low"]), _none(row["diff_ci95_high"])
                diffs[k] = {
                    "mean": _none(row["diff_mean"]),
                    "ci95": None if dlo is None else [dlo, dhi],
                    "significant": _none(row["significant"]),
                }
        if diffs:
            entry["reference"] = res.reference
            entry["differences"] = diffs
        out.append(entry)
    return out


def _none(v: Any) -> Any:
    if v is None:
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        return v
    return v.item() if hasattr(v, "item") else v
