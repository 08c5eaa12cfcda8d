"""The one door from the dashboard to the experiments layer: resolve, run, read back, cache.

Pages call only this module. It builds scenarios with :func:`scenarios.loader.load_scenario`
(so a bad lever combination raises :class:`~scenarios.loader.ScenarioError` with every problem,
before anything runs), runs them with :func:`experiments.replicate.run_scenario` and
:func:`experiments.compare.compare_models`, and reads results back with
:mod:`experiments.results`. It simulates nothing itself.

**Two caches.** Every run goes to a run directory under ``RESULTS/dashboard/`` whose name ends
with a digest of the resolved scenario (its JSON), the replication count and the code
fingerprint (:func:`experiments.backends.code_fingerprint`): a run is simulated once per
scenario and code version, survives restarts, and shows up in Run history like any CLI run.
Reading a run (or a comparison) back into frames is cached in memory with ``st.cache_data``,
keyed by the resolved scenario JSON. Progress is reported through a plain callback
``(fraction, text)``; no ``st`` element is ever created inside a cached function.

Runs are in-process (one worker) so the progress callback runs in the page's thread; replication
``r`` of every model draws the same streams (common random numbers), so deltas against
``manual`` are paired differences.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pandas as pd
import streamlit as st

from dashboards import downloads as dl
from dashboards import levers as lv
from dashboards.downloads import Download, reproduce_command
from dashboards.own_scenarios import open_own_scenario, own_scenarios
from dashboards.recovery import WITH_FAULT, WITHOUT_FAULT, event_drain_h, recovery, timeline
from dashboards.report import ReportSourceError, report_html
from dashboards.runs import Comparison, Exploration, ResilienceRun, RunData
from experiments.analysis import compare_samples, summary_rows
from experiments.backends import code_fingerprint
from experiments.compare import compare_models
from experiments.interop.fidelity import as_dicts, score, twin_histories
from experiments.interop.history import load_history
from experiments.interop.ocel_io import OcelReadError
from experiments.interop.tables import TableError
from experiments.replicate import run_scenario
from experiments.results import (
    is_run_dir,
    list_runs,
    list_sweeps,
    load_run,
    load_sweep,
)
from orchestration.models import describe_models, shipped_model_names
from scenarios.loader import (
    ScenarioError,
    describe_library,
    load_scenario,
    scenario_from_resolved,
    scenario_to_document,
)

Progress = Callable[[float, str], None]

REFERENCE = "manual"
DEFAULT_MODEL = "hybrid"
ROLLOUT = "rollout"
DEFAULT_SCENARIO = "baseline"
FAST_SCENARIO = "tiny"
SUBDIR = "dashboard"
TIMELINE_SERIES = ("backorders_open", "queue_depth", "open_exceptions", "fill_rate")

# re-exported: pages reach everything through this module
__all__ = [
    "Comparison",
    "Download",
    "Exploration",
    "ResilienceRun",
    "RunData",
    "ScenarioError",
    "open_own_scenario",
    "own_scenarios",
    "reproduce_command",
    "run_downloads",
    "sweep_downloads",
]


# ------------------------------------------------------------------------------ catalogue
@st.cache_data(show_spinner=False)
def library() -> list[tuple[str, str]]:
    """(name, one-line description) of every shipped scenario."""
    return describe_library()


@st.cache_data(show_spinner=False)
def models() -> list[tuple[str, str]]:
    """(name, description) of every registered orchestration model."""
    return describe_models()


def shipped_models() -> list[str]:
    """The five preset models RetailTwin ships (a comparison's default selection)."""
    return [m for m in shipped_model_names() if m != ROLLOUT]


def names_rollout(base: dict[str, Any]) -> bool:
    """Does the scenario give a phased-rollout table (``orchestration.model`` as a table)?"""
    return base["orchestration"]["model"] == ROLLOUT


def default_models(base: dict[str, Any]) -> list[str]:
    """A comparison's default selection: the presets, and the scenario's rollout if it has one."""
    return shipped_models() + ([ROLLOUT] if names_rollout(base) else [])


def default_model(base: dict[str, Any]) -> str:
    """One model's page default: the scenario's rollout if it has one, else ``hybrid``."""
    return ROLLOUT if names_rollout(base) else DEFAULT_MODEL


@st.cache_data(show_spinner=False)
def base_document(name: str) -> dict[str, Any]:
    """The library scenario ``name`` as a python-mode document (dates as dates)."""
    return load_scenario(name).model_dump(mode="python")


@st.cache_data(show_spinner=False, max_entries=256)
def resolve(name: str, overrides: tuple[str, ...]) -> str:
    """The resolved scenario as canonical JSON; raises ScenarioError listing every problem."""
    doc = scenario_to_document(load_scenario(name, list(overrides)))
    return json.dumps(doc, sort_keys=True)


@functools.cache
def _code() -> str:
    return code_fingerprint()


def _digest(*parts: Any) -> str:
    text = json.dumps([*parts, _code()], sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def results_root(results_dir: str | Path) -> Path:
    return Path(results_dir).expanduser()


def run_dir_for(scenario_json: str, replications: int, results_dir: str | Path) -> Path:
    """Where the run of this resolved scenario lives (whether or not it has run yet)."""
    doc = json.loads(scenario_json)
    name = f"{doc['name']}_{doc['orchestration']['model']}_r{replications}"
    return results_root(results_dir) / SUBDIR / f"{name}_{_digest(doc, replications)}"


def is_cached(scenario_json: str, replications: int, results_dir: str | Path) -> bool:
    return is_run_dir(run_dir_for(scenario_json, replications, results_dir))


# ------------------------------------------------------------------------------ running
def _stage(on_progress: Progress | None, i: int, n: int, text: str) -> Callable[[float], None]:
    def report(f: float) -> None:
        if on_progress is not None:
            on_progress(min(1.0, (i + f) / n), text)

    return report


def run_model(
    scenario_json: str,
    replications: int,
    results_dir: str | Path,
    on_progress: Callable[[float], None] | None = None,
) -> RunData:
    """Run (once) and read back the resolved scenario, ``replications`` times."""
    run_dir = run_dir_for(scenario_json, replications, results_dir)
    if not is_run_dir(run_dir):
        scenario = scenario_from_resolved(json.loads(scenario_json))
        # the dashboard's own cache directory (keyed by content): a leftover is replaced whole
        run_scenario(
            scenario, replications, run_dir, workers=1, on_progress=on_progress, force=True
        )
    elif on_progress is not None:
        on_progress(1.0)
    return _read_run(str(run_dir), scenario_json)


@st.cache_data(show_spinner=False, max_entries=64)
def _read_run(run_dir: str, scenario_json: str) -> RunData:
    """``run_dir`` as frames; ``scenario_json`` keys the cache (the resolved scenario)."""
    del scenario_json
    return read_run(run_dir)


def read_run(run_dir: str | Path) -> RunData:
    rec = load_run(run_dir)
    model = str(rec.summary.get("model", ""))
    daily = rec.daily()
    approvals = rec.approvals()
    if "approval_type" not in approvals:  # a run without approval outputs
        approvals = pd.DataFrame(columns=["replication", "approval_type", "cycle_time_h"])
    return RunData(
        run_dir=str(rec.path),
        model=model,
        summary=rec.summary,
        scenario=rec.scenario,
        replications=rec.replications,
        daily=daily.assign(model=model),
        approvals=approvals.assign(model=model),
        backlog=rec.backlog(),
    )


def paired_summary(
    runs: Sequence[RunData],
    reference: str = REFERENCE,
    labels: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Means, intervals and paired differences vs ``reference`` (same seed: CRN), long form.

    Runs are labelled by their model unless ``labels`` are given; the label is the ``model``
    column of the result.
    """
    names = list(labels) if labels is not None else [r.model for r in runs]
    frames = {label: r.replications for label, r in zip(names, runs, strict=True)}
    kpis = list(dict.fromkeys(k for r in runs for k in r.summary.get("kpis", {})))
    ref = reference if reference in frames else next(iter(frames))
    comp = compare_samples(frames, kpis, ref, paired=True)
    extra = {label: {"model": label} for label in frames}
    return pd.DataFrame(summary_rows(comp, kpis, extra))


def explore(
    scenario: str,
    overrides: Sequence[str],
    model: str,
    replications: int,
    results_dir: str | Path,
    on_progress: Progress | None = None,
) -> Exploration:
    """Run ``model`` and ``manual`` on the scenario the levers describe; deltas are paired."""
    overrides = tuple(overrides)
    target = resolve(scenario, (*overrides, f"orchestration.model={model}"))
    ref_json = resolve(scenario, (*overrides, f"orchestration.model={REFERENCE}"))
    steps = 1 if model == REFERENCE else 2
    run = run_model(target, replications, results_dir, _stage(on_progress, 0, steps, model))
    ref = None
    if model != REFERENCE:
        ref = run_model(
            ref_json, replications, results_dir, _stage(on_progress, 1, steps, REFERENCE)
        )
    runs = [ref, run] if ref is not None else [run]
    return Exploration(scenario, model, overrides, run, ref, paired_summary(runs))


def compare(
    scenario: str,
    overrides: Sequence[str],
    model_list: Sequence[str],
    replications: int,
    results_dir: str | Path,
    on_progress: Progress | None = None,
) -> Comparison:
    """Every model of ``model_list`` on one scenario (paired vs manual), run once, then cached."""
    overrides = tuple(overrides)
    ordered = tuple(dict.fromkeys([m for m in model_list if m == REFERENCE] + list(model_list)))
    key = resolve(scenario, (*overrides, f"orchestration.model={REFERENCE}"))
    doc = json.loads(key)
    sweep_dir = (
        results_root(results_dir)
        / SUBDIR
        / f"compare_{doc['name']}_r{replications}_{_digest(doc, ordered, replications)}"
    )
    if not (sweep_dir / "sweep.json").is_file():
        total = [1]

        def started(todo: int, reused: int) -> None:
            total[0] = max(1, todo)
            if on_progress is not None:
                on_progress(0.0, f"{todo} run(s) to simulate, {reused} reused")

        def done(result: Any, n: int, todo: int) -> None:
            if on_progress is not None:
                on_progress(n / max(1, todo), f"{result.model} · replication {result.replication}")

        compare_models(
            scenario,
            ordered,
            replications,
            overrides,
            out_dir=sweep_dir,
            resume=(sweep_dir / "plan.json").is_file(),
            on_start=started,
            on_result=done,
        )
    return _read_sweep(str(sweep_dir), key)


@st.cache_data(show_spinner=False, max_entries=32)
def _read_sweep(sweep_dir: str, scenario_json: str) -> Comparison:
    del scenario_json
    return read_sweep(sweep_dir)


def read_sweep(sweep_dir: str | Path) -> Comparison:
    rec = load_sweep(sweep_dir)
    summary = rec.summary
    models_run = tuple(rec.record.get("models", list(dict.fromkeys(summary["model"]))))
    return Comparison(
        scenario=str(rec.record.get("scenario", "")),
        models=models_run,
        replications=int(rec.record.get("replications", 0)),
        sweep_dir=str(rec.path),
        reference=str(rec.record.get("reference", REFERENCE)),
        summary=summary,
        results=rec.results,
    )


def resilience(
    scenario: str,
    overrides: Sequence[str],
    model: str,
    fault: lv.Fault,
    replications: int,
    results_dir: str | Path,
    on_progress: Progress | None = None,
) -> ResilienceRun:
    """``model`` with ``fault`` injected, and its twin without it (same seed: CRN)."""
    overrides = (*tuple(overrides), f"orchestration.model={model}")
    twin_json = resolve(scenario, overrides)
    fault_override = lv.to_overrides(lv.Levers(fault=fault), json.loads(twin_json))
    fault_json = resolve(scenario, (*overrides, *fault_override))
    hit = run_model(fault_json, replications, results_dir, _stage(on_progress, 0, 2, "with fault"))
    twin = run_model(twin_json, replications, results_dir, _stage(on_progress, 1, 2, "twin"))
    rec = recovery(hit.daily, twin.daily, fault.start_day, fault.duration_h)
    tl = timeline(hit.daily, twin.daily, TIMELINE_SERIES)
    summary = paired_summary([twin, hit], WITHOUT_FAULT, labels=[WITHOUT_FAULT, WITH_FAULT])
    end_h = (fault.start_day * 24.0) + fault.duration_h
    events = event_drain_h(hit.backlog, twin.backlog, end_h)
    return ResilienceRun(scenario, model, fault, hit, twin, rec, tl, summary, events)


def startup_scenario(results_dir: str | Path, model: str = DEFAULT_MODEL) -> str:
    """The scenario the explorer opens on: ``baseline`` if its default run is on disk, else
    ``tiny`` (a second or two)."""
    try:
        for m in (model, REFERENCE):
            if not is_cached(
                resolve(DEFAULT_SCENARIO, (f"orchestration.model={m}",)), 1, results_dir
            ):
                return FAST_SCENARIO
    except (ScenarioError, OSError):
        return FAST_SCENARIO
    return DEFAULT_SCENARIO


# ------------------------------------------------------------------------------ history
def history(
    results_dir: str | Path, skipped: list[tuple[str, str]] | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(runs, sweeps) under the results directory, newest first; empty when there is none.
    Directories that cannot be read back are left out and listed in ``skipped``."""
    root = results_root(results_dir)
    if not root.is_dir():
        return pd.DataFrame(), pd.DataFrame()
    runs, sweeps = list_runs(root, skipped), list_sweeps(root, skipped)
    return _newest_first(runs, "run_dir"), _newest_first(sweeps, "sweep_dir")


def _newest_first(df: pd.DataFrame, column: str) -> pd.DataFrame:
    if df.empty:
        return df
    df = df.assign(modified=[pd.Timestamp.fromtimestamp(_mtime(Path(p))) for p in df[column]])
    return df.sort_values("modified", ascending=False, ignore_index=True)


def _mtime(path: Path) -> float:
    for name in ("summary.json", "sweep.json", "plan.json"):
        f = path / name
        if f.is_file():
            return f.stat().st_mtime
    return path.stat().st_mtime if path.exists() else 0.0


def open_run(run_dir: str | Path) -> RunData:
    """A past run, read back (cached while its summary is unchanged)."""
    return _open_run(str(run_dir), _mtime(Path(run_dir)))


@st.cache_data(show_spinner=False, max_entries=32)
def _open_run(run_dir: str, mtime: float) -> RunData:
    del mtime
    return read_run(run_dir)


def open_sweep(sweep_dir: str | Path) -> Comparison:
    return _open_sweep(str(sweep_dir), _mtime(Path(sweep_dir)))


@st.cache_data(show_spinner=False, max_entries=16)
def _open_sweep(sweep_dir: str, mtime: float) -> Comparison:
    del mtime
    return read_sweep(sweep_dir)


# ------------------------------------------------------------------------------ downloads
def report_download(path: str | Path) -> Download | None:
    """The executive report (one HTML file) of a run or comparison directory; None when the
    directory cannot be read as one (:mod:`dashboards.report`)."""
    try:
        data = _report(str(path), _mtime(Path(path)))
    except (ReportSourceError, OSError, ValueError, KeyError):
        return None
    return Download("report.html", "report.html", data, "text/html")


@st.cache_data(show_spinner=False, max_entries=8)
def _report(path: str, mtime: float) -> bytes:
    del mtime
    return report_html(path).encode("utf-8")


def run_downloads(run: RunData) -> list[Download]:
    """The files of a run (:func:`dashboards.downloads.run_downloads`) and its report."""
    report = report_download(run.run_dir)
    return dl.run_downloads(run) + ([report] if report is not None else [])


def sweep_downloads(comp: Comparison) -> list[Download]:
    """The executive report of a comparison first, then its tables."""
    report = report_download(comp.sweep_dir)
    return ([report] if report is not None else []) + dl.sweep_downloads(comp)


# ------------------------------------------------------------------------------ fidelity
class FidelityInputError(ValueError):
    """A scenario or history the scorecard cannot read (the page shows the message)."""


def fidelity(scenario: str, history: str, replications: int) -> pd.DataFrame:
    """The fidelity scorecard (:mod:`experiments.interop.fidelity`) as one row per check."""
    try:
        s = load_scenario(scenario)
        h = load_history(Path(history))
    except (ScenarioError, TableError, OcelReadError) as exc:
        raise FidelityInputError(str(exc)) from None
    return pd.DataFrame(as_dicts(score(h, twin_histories(s, replications))))
