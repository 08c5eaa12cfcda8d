"""What a report is made from: one run directory (``run --out``) or one comparison
(``compare --out``, a one-point sweep), read back into frames.

A :class:`ReportSource` holds the resolved scenario (the document of ``scenario.yaml``), the
models and their reference, one row per model x replication (``results``: every KPI), the
long comparison table (``summary``: model x KPI, means, intervals, paired differences), the
daily series and approval cycle times of every model, the declared fault windows, the service
levels checked by ``retail-twin check --save`` when ``check.json`` lies in the directory, and
the command and code version that reproduce the numbers. Nothing here runs a simulation.
"""

from __future__ import annotations

import json
import shlex
import subprocess
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.analysis import compare_samples, summary_rows
from experiments.backends import code_fingerprint
from experiments.results import is_run_dir, is_sweep_dir, load_run, load_sweep

CHECK_FILE = "check.json"


class ReportSourceError(ValueError):
    """A directory the report cannot be built from (the message names it and why)."""


@dataclass(frozen=True)
class ReportSource:
    path: Path
    kind: str  # "run" or "comparison"
    scenario: dict[str, Any]
    models: tuple[str, ...]
    reference: str
    replications: int
    results: pd.DataFrame
    summary: pd.DataFrame
    daily: pd.DataFrame
    approvals: pd.DataFrame
    fault_windows: list[dict[str, Any]]
    command: str
    code: tuple[str, ...]
    git: str | None
    checks: list[dict[str, Any]] = field(default_factory=list)

    @property
    def currency(self) -> str:
        return str(self.scenario.get("currency", "USD"))

    @property
    def name(self) -> str:
        return str(self.scenario.get("name", self.path.name))


def git_version() -> str | None:
    """The commit (``git describe --always --dirty``) of the code making the report, if known."""
    try:
        res = subprocess.run(
            ["git", "describe", "--always", "--dirty"],
            cwd=Path(__file__).parent,
            capture_output=True,
            text=True,
            timeout=10,
            check=False,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return res.stdout.strip() or None if res.returncode == 0 else None


def _checks(path: Path) -> list[dict[str, Any]]:
    f = path / CHECK_FILE
    if not f.is_file():
        return []
    try:
        doc = json.loads(f.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ReportSourceError(f"{f}: not a check result ({exc})") from None
    return list(doc.get("checks", []))


def _frames(runs: list[tuple[str, Any]]) -> tuple[pd.DataFrame, pd.DataFrame]:
    daily, approvals = [], []
    for model, rec in runs:
        d = rec.daily()
        if not d.empty:
            daily.append(d.assign(model=model))
        a = rec.approvals()
        if not a.empty:
            approvals.append(a.assign(model=model))
    return _concat(daily), _concat(approvals)


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()


def _code_now() -> tuple[str, ...]:
    return (code_fingerprint(),)


def load_source(path: str | Path) -> ReportSource:
    """Read a run or comparison directory; :class:`ReportSourceError` for anything else."""
    path = Path(path)
    if is_sweep_dir(path):
        return _comparison(path)
    if is_run_dir(path):
        return _run(path)
    raise ReportSourceError(
        f"{path}: neither a run directory (summary.json) nor a comparison directory (plan.json); "
        "write one with `retail-twin run --out DIR` or `retail-twin compare --out DIR`"
    )


def _run(path: Path) -> ReportSource:
    rec = load_run(path)
    model = str(rec.summary.get("model", ""))
    results = rec.replications.assign(model=model)
    kpis = rec.kpis
    comp = compare_samples({model: rec.replications}, kpis, model)
    summary = pd.DataFrame(summary_rows(comp, kpis, {model: {"model": model}}))
    daily, approvals = _frames([(model, rec)])
    n = int(rec.summary.get("replications", 1))
    cmd = ["retail-twin", "run", str(path / "scenario.yaml"), "--replications", str(n)]
    return ReportSource(
        path=path,
        kind="run",
        scenario=rec.scenario,
        models=(model,),
        reference=model,
        replications=n,
        results=results,
        summary=summary,
        daily=daily,
        approvals=approvals,
        fault_windows=list(rec.summary.get("fault_windows", [])),
        command=shlex.join(cmd),
        code=_code_now(),
        git=git_version(),
        checks=_checks(path),
    )


def _comparison(path: Path) -> ReportSource:
    try:
        rec = load_sweep(path)
    except FileNotFoundError as exc:
        raise ReportSourceError(str(exc)) from None
    spec = rec.record.get("spec", {})
    if int(rec.record.get("points", 1)) != 1:
        raise ReportSourceError(
            f"{path}: a sweep of {rec.record.get('points')} grid points; the report reads a "
            "comparison (`retail-twin compare --out DIR`) or one run (pass DIR/runs/NAME)"
        )
    models = tuple(rec.record.get("models", []))
    runs = [(m, rec.run(f"p000_{m}")) for m in models if (path / "runs" / f"p000_{m}").is_dir()]
    if not runs:
        raise ReportSourceError(f"{path}: no run directories under runs/ (written with --out?)")
    daily, approvals = _frames(runs)
    first = runs[0][1]
    cmd = ["retail-twin", "compare", str(spec.get("base", rec.record.get("scenario")))]
    cmd += ["--models", ",".join(models), "--replications", str(rec.record.get("replications"))]
    for s in spec.get("set", []):
        cmd += ["--set", str(s)]
    return ReportSource(
        path=path,
        kind="comparison",
        scenario=first.scenario,
        models=models,
        reference=str(rec.record.get("reference", models[0])),
        replications=int(rec.record.get("replications", 0)),
        results=rec.results,
        summary=rec.summary,
        daily=daily,
        approvals=approvals,
        fault_windows=list(first.summary.get("fault_windows", [])),
        command=shlex.join(cmd),
        code=tuple(rec.record.get("code", [])) or _code_now(),
        git=git_version(),
        checks=_checks(path),
    )
