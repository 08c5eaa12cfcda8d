"""Reading results back: run directories and sweep directories, as pandas frames over Parquet.

What ``retail-twin results list|show|compare`` prints and what the dashboard's history page
shows. Nothing here runs a simulation or writes a file.

- :func:`list_runs` — every run directory under a folder (a ``run --out`` directory, or a cell
  ``runs/p000_manual`` of a sweep), one row each, with its scenario, model, seed, replication
  counts and the mean of every KPI.
- :func:`list_sweeps` — every sweep directory under a folder, one row each.
- :func:`load_run` / :func:`load_sweep` — one directory, with its tables.
- :func:`compare_runs` — KPI means, intervals and differences against the first run (paired by
  replication when all runs share their seed: common random numbers; Welch otherwise).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pandas as pd

from experiments.analysis import compare_samples, summary_rows
from scenarios.loader import ScenarioError, read_document


class NotARunError(FileNotFoundError):
    """A directory that holds neither a run (``summary.json``) nor a sweep (``plan.json``)."""


class CorruptRunError(NotARunError):
    """A run or sweep directory with a file that cannot be read back (named in the message)."""


def _read_json(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else f"not JSON ({type(exc).__name__})"
        raise CorruptRunError(f"{path}: unreadable: {reason}") from None


def _read_parquet(path: Path) -> pd.DataFrame:
    try:
        return pd.read_parquet(path)
    except (OSError, ValueError) as exc:  # pyarrow: ArrowInvalid is a ValueError
        kind = type(exc).__name__
        raise CorruptRunError(f"{path}: not a readable Parquet table ({kind})") from None


def _read_scenario(path: Path) -> dict[str, Any]:
    try:
        return read_document(path)
    except ScenarioError as exc:
        raise CorruptRunError(str(exc).splitlines()[-1].strip(" -")) from None


#: keys every summary.json holds (KPIS.md); a summary without them is corrupt
SUMMARY_KEYS = {"scenario": str, "model": str, "seed": int, "replications": int, "kpis": dict}


def _read_summary(path: Path) -> dict[str, Any]:
    summary = _read_json(path)
    if not isinstance(summary, dict):
        raise CorruptRunError(f"{path}: expected a JSON object")
    for key, kind in SUMMARY_KEYS.items():
        if not isinstance(summary.get(key), kind):
            raise CorruptRunError(f"{path}: {key}: expected a {kind.__name__}")
    return summary


def is_run_dir(path: Path) -> bool:
    return (path / "summary.json").is_file()


def is_sweep_dir(path: Path) -> bool:
    return (path / "plan.json").is_file()


@dataclass
class RunRecord:
    """One run directory: the summary object, the resolved scenario, one row per replication."""

    path: Path
    summary: dict[str, Any]
    scenario: dict[str, Any]
    replications: pd.DataFrame

    @property
    def kpis(self) -> list[str]:
        return list(self.summary.get("kpis", {}))

    def _outputs(self, name: str) -> pd.DataFrame:
        frames = []
        for rep in sorted(self.path.glob("rep_*")):
            f = rep / name
            if f.is_file():
                df = pd.read_parquet(f)
                df.insert(0, "replication", int(rep.name.split("_")[1]))
                frames.append(df)
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()

    def daily(self) -> pd.DataFrame:
        """The daily time series of every replication (a ``replication`` column first)."""
        return self._outputs("daily.parquet")

    def approvals(self) -> pd.DataFrame:
        """Every decided approval of every replication (type and cycle time)."""
        return self._outputs("approvals.parquet")

    def backlog(self) -> pd.DataFrame:
        """Events in flight at every whole hour of every replication (the event backlog)."""
        return self._outputs("backlog.parquet")

    def events(self, replication: int = 0) -> pd.DataFrame:
        """The event log of one replication."""
        return pd.read_parquet(self.path / f"rep_{replication:03d}" / "events.parquet")


@dataclass
class SweepRecord:
    """One sweep directory: its spec, counts and failures, and its two tables."""

    path: Path
    record: dict[str, Any]
    results: pd.DataFrame
    summary: pd.DataFrame

    @property
    def failed(self) -> pd.DataFrame:
        return self.results[self.results["status"] != "ok"]

    def run(self, name: str) -> RunRecord:
        return load_run(self.path / "runs" / name)


def _replications_frame(run_dir: Path, summary: dict[str, Any]) -> pd.DataFrame:
    f = run_dir / "replications.parquet"
    if f.is_file():
        return _read_parquet(f)
    # a run directory without the table (written before it existed): the means only
    row = {"replication": None, "seed": summary.get("seed"), "status": "ok", "error": None}
    return pd.DataFrame([{**row, **summary.get("kpis", {})}])


def load_run(run_dir: str | Path) -> RunRecord:
    run_dir = Path(run_dir)
    if not is_run_dir(run_dir):
        raise NotARunError(f"{run_dir}: no summary.json (not a run directory)")
    summary = _read_summary(run_dir / "summary.json")
    scen = run_dir / "scenario.yaml"
    scenario = _read_scenario(scen) if scen.is_file() else {}
    return RunRecord(run_dir, summary, scenario, _replications_frame(run_dir, summary))


def load_sweep(sweep_dir: str | Path) -> SweepRecord:
    sweep_dir = Path(sweep_dir)
    if not is_sweep_dir(sweep_dir):
        raise NotARunError(f"{sweep_dir}: no plan.json (not a sweep directory)")
    if not (sweep_dir / "sweep.json").is_file():
        raise NotARunError(f"{sweep_dir}: the sweep has not finished (resume it with --resume)")
    return SweepRecord(
        sweep_dir,
        _read_json(sweep_dir / "sweep.json"),
        _read_parquet(sweep_dir / "results.parquet"),
        _read_parquet(sweep_dir / "summary.parquet"),
    )


def list_runs(root: str | Path, skipped: list[tuple[str, str]] | None = None) -> pd.DataFrame:
    """One row per run directory under ``root`` (sorted by path), with every KPI mean.

    A directory that cannot be read back is left out and, when ``skipped`` is given, appended
    to it as ``(path, reason)``: one corrupt run never hides the others.
    """
    root = Path(root)
    rows = []
    for f in sorted(root.rglob("summary.json")):
        run_dir = f.parent
        try:
            rec = load_run(run_dir)
            failed = rec.replications["status"] != "ok" if "status" in rec.replications else []
            failed = int(sum(bool(x) for x in failed))
        except (OSError, ValueError, TypeError) as exc:
            if skipped is not None:
                skipped.append((str(run_dir), str(exc)))
            continue
        s = rec.summary
        sweep = run_dir.parent.parent if run_dir.parent.name == "runs" else None
        rows.append(
            {
                "run_dir": str(run_dir),
                "sweep_dir": str(sweep) if sweep is not None and is_sweep_dir(sweep) else None,
                "scenario": s.get("scenario"),
                "model": s.get("model"),
                "seed": s.get("seed"),
                "horizon_days": s.get("horizon_days"),
                "replications": s.get("replications"),
                "failed": failed,
                "wall_s": s.get("engine", {}).get("wall_s"),
                **s.get("kpis", {}),
            }
        )
    return pd.DataFrame(rows)


def list_sweeps(root: str | Path, skipped: list[tuple[str, str]] | None = None) -> pd.DataFrame:
    """One row per sweep directory under ``root``: scenario, grid, models, counts, status.
    Unreadable sweep directories are skipped like runs in :func:`list_runs`."""
    rows = []
    for f in sorted(Path(root).rglob("plan.json")):
        d = f.parent
        done = (d / "sweep.json").is_file()
        try:
            rec = _read_json(d / "sweep.json") if done else {}
            plan = _read_json(f)
            if not isinstance(rec, dict) or not isinstance(plan, dict):
                raise CorruptRunError(f"{d}: plan.json or sweep.json is not a JSON object")
        except CorruptRunError as exc:
            if skipped is not None:
                skipped.append((str(d), str(exc)))
            continue
        spec = rec.get("spec", {})
        rows.append(
            {
                "sweep_dir": str(d),
                "scenario": plan.get("scenario"),
                "grid": ", ".join(spec.get("grid", {})) if done else None,
                "models": ", ".join(rec.get("models", [])) if done else None,
                "points": rec.get("points"),
                "replications": rec.get("replications"),
                "tasks": len(plan.get("tasks", [])),
                "completed": len(list((d / "tasks").glob("*.json"))),
                "failed": rec.get("failed_total"),
                "finished": done,
            }
        )
    return pd.DataFrame(rows)


def _labels(paths: list[Path]) -> list[str]:
    names = [p.name for p in paths]
    if len(set(names)) == len(names):
        return names
    return [str(p) for p in paths]


def compare_runs(run_dirs: list[str | Path], reference: str | None = None) -> dict[str, Any]:
    """Compare run directories KPI by KPI against ``reference`` (default: the first run).

    Paired by replication when every run has the same seed (common random numbers), Welch
    otherwise. The object is that of ``retail-twin compare``, keyed by run label.
    """
    runs = [load_run(p) for p in run_dirs]
    labels = _labels([r.path for r in runs])
    kpis: list[str] = list(dict.fromkeys(k for r in runs for k in r.kpis))
    seeds = {r.summary.get("seed") for r in runs}
    paired = len(seeds) == 1 and all(r.replications["replication"].notna().all() for r in runs)
    frames = {label: r.replications for label, r in zip(labels, runs, strict=True)}
    comp = compare_samples(frames, kpis, reference or labels[0], paired=paired)
    comp["labels"] = {label: str(r.path) for label, r in zip(labels, runs, strict=True)}
    comp["models"] = {label: r.summary.get("model") for label, r in zip(labels, runs, strict=True)}
    return comp


def comparison_frame(comparison: dict[str, Any]) -> pd.DataFrame:
    """A comparison object as a long table: one row per run x KPI."""
    runs = comparison["runs"]
    kpis = list(next(iter(runs.values()))["kpis"]) if runs else []
    extra = {label: {"run": label} for label in runs}
    return pd.DataFrame(summary_rows(comparison, kpis, extra))
