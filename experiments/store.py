"""Writing results: atomic files, per-task records and tidy tables.

Nothing is ever written in place. Every file goes to ``NAME.partial`` first and is renamed with
:func:`os.replace`, so Ctrl-C or a killed process leaves at worst a ``*.partial`` file, never a
half-written file under a final name.

A **run directory** (one scenario under one model, R replications) holds::

    scenario.yaml            the resolved scenario (what produced the results)
    summary.json             the summary object of KPIS.md (+ "failures" when runs failed)
    replications.parquet     one row per replication: seed, status, error, every KPI, engine
    rep_NNN/                 that replication's Parquet outputs (events, daily, approvals)

The summary and replications table of a run directory are written by
:mod:`experiments.summary`; the per-replication files by :mod:`experiments.runner`.

A **task store** (``DIR/tasks/``) holds one small JSON file per completed task, written as the
task completes (append-only): what a resumed sweep reads back instead of recomputing.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from experiments.result import TaskResult
from scenarios.loader import resolved_to_yaml

PARTIAL = ".partial"
ENGINE_COLUMNS = ("sim_events", "wall_s")


# ---------------------------------------------------------------------------------- atomic files
def _partial(path: Path) -> Path:
    return path.with_name(path.name + PARTIAL)


def write_text(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _partial(path)
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, path)


def write_json(path: Path, obj: Any) -> None:
    write_text(path, json.dumps(obj, indent=2) + "\n")


def read_json(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


def write_table(table: pa.Table, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = _partial(path)
    pq.write_table(table, tmp)
    os.replace(tmp, path)


def write_frame(df: pd.DataFrame, path: Path) -> None:
    """A pandas frame as Parquet (pandas' schema metadata kept), written atomically."""
    tmp = _partial(path)
    df.to_parquet(tmp, index=False)
    os.replace(tmp, path)


def remove_partials(root: Path) -> int:
    """Delete ``*.partial`` leftovers of an interrupted run under ``root``; return how many."""
    n = 0
    for p in root.rglob(f"*{PARTIAL}"):
        if p.is_file():
            p.unlink()
            n += 1
    return n


# ---------------------------------------------------------------------------------- tables
#: types of the columns that are not numbers (any other all-null column is float64: a KPI)
TEXT_COLUMNS = {
    "run": pa.string(),
    "model": pa.string(),
    "scenario": pa.string(),
    "status": pa.string(),
    "error": pa.string(),
    "kpi": pa.string(),
    "reference": pa.string(),
    "significant": pa.bool_(),
    "audit_head": pa.string(),
}


def _column(values: list[Any], null_type: pa.DataType) -> pa.Array:
    """An Arrow column of plain Python values; nulls kept; mixed or nested values as JSON text."""
    values = [None if isinstance(v, float) and math.isnan(v) else v for v in values]
    kinds = {type(v) for v in values if v is not None}
    if not kinds:
        return pa.array(values, type=null_type)
    if kinds <= {int, float} or (len(kinds) == 1 and kinds <= {bool, str}):
        try:
            return pa.array(values)
        except (pa.ArrowInvalid, pa.ArrowTypeError, OverflowError):
            pass
    return pa.array([None if v is None else json.dumps(v, default=str) for v in values])


def rows_table(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> pa.Table:
    """A table with exactly ``columns``, in order, from dict rows (a missing key is null)."""
    return pa.table(
        {c: _column([r.get(c) for r in rows], TEXT_COLUMNS.get(c, pa.float64())) for c in columns}
    )


def kpi_names(results: Iterable[TaskResult]) -> list[str]:
    """KPI names in order of first appearance over the successful results."""
    names: dict[str, None] = {}
    for r in results:
        if r.ok:
            names.update(dict.fromkeys(r.kpis))
    return list(names)


def result_row(r: TaskResult) -> dict[str, Any]:
    row: dict[str, Any] = {
        "replication": r.replication,
        "seed": r.seed,
        "status": r.status,
        "error": r.error,
    }
    row.update(r.kpis)
    for name in ENGINE_COLUMNS:
        row[name] = r.engine.get(name)
    if "audit_head" in r.engine:  # what experiments.auditrun cross-checks
        row["audit_records"] = r.engine["audit_records"]
        row["audit_head"] = r.engine["audit_head"]
    return row


# ---------------------------------------------------------------------------------- task store
class TaskStore:
    """One JSON record per completed task under ``root``; written once, read on resume."""

    def __init__(self, root: Path):
        self.root = root
        self.unreadable: list[str] = []

    def path(self, key: str) -> Path:
        return self.root / f"{key}.json"

    def save(self, result: TaskResult) -> None:
        write_json(self.path(result.key), result.to_record())

    def load(self, key: str) -> TaskResult | None:
        """The saved result of ``key``; None when there is none or it cannot be read back (a
        corrupt record is recomputed and overwritten, and listed in :attr:`unreadable`)."""
        p = self.path(key)
        if not p.exists():
            return None
        try:
            return TaskResult.from_record(read_json(p))
        except (OSError, ValueError, TypeError) as exc:
            self.unreadable.append(f"{p.name} ({type(exc).__name__})")
            return None


# ---------------------------------------------------------------------------------- run directory
def write_scenario(run_dir: Path, doc: dict[str, Any]) -> None:
    write_text(run_dir / "scenario.yaml", resolved_to_yaml(doc))
