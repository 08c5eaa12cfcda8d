"""Comparing orchestration models on one scenario: a sweep of one point, read as a comparison.

Every model runs replications ``0 .. R-1`` of the same resolved scenario (only
``orchestration.model`` differs), so replication ``r`` draws the same demand and fault streams
under every model (common random numbers) and the difference of two models is *paired*: its
interval is that of the per-replication differences, narrower than comparing two intervals. The
reference is ``manual`` when listed, else the first model listed.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from experiments.analysis import compare_samples, reference_of
from experiments.backends import IN_PROCESS, BackendSpec
from experiments.plan import SweepSpec, plan_sweep
from experiments.result import TaskResult
from experiments.store import kpi_names
from experiments.sweep import SweepResult, run_sweep, sweep_record


def comparison_of(res: SweepResult) -> dict[str, Any]:
    """The comparison object of a one-point sweep (JSON-ready)."""
    plan = res.plan
    models = plan.models
    kpis = kpi_names(res.results)
    runs = res.runs
    frames = {m: runs[runs["model"] == m] for m in models}
    comp = compare_samples(frames, kpis, reference_of(models), paired=True)
    doc = plan.cells[0].doc
    record = sweep_record(res)
    return {
        "scenario": plan.scenario,
        "seed": doc["seed"],
        "horizon_days": doc["horizon_days"],
        "replications": plan.spec.replications,
        "models": models,
        **comp,
        "failed": record["failed"],
    }


def compare_models(
    scenario: str,
    models: Sequence[str],
    replications: int,
    overrides: Sequence[str] = (),
    *,
    plugins: Sequence[str] = (),
    out_dir: Path | None = None,
    backend: BackendSpec = IN_PROCESS,
    resume: bool = False,
    outputs: bool = True,
    on_start: Callable[[int, int], None] | None = None,
    on_result: Callable[[TaskResult, int, int], None] | None = None,
) -> dict[str, Any]:
    """Run ``models`` on ``scenario`` with common random numbers; return the comparison object.

    Raises :class:`scenarios.loader.ScenarioError` (before running anything) for a bad scenario,
    override or model name.
    """
    spec = SweepSpec(
        base=str(scenario),
        overrides=tuple(overrides),
        models=tuple(models),
        replications=replications,
        plugins=tuple(plugins),
    )
    res = run_sweep(
        plan_sweep(spec),
        out_dir,
        backend,
        resume=resume,
        outputs=outputs,
        on_start=on_start,
        on_result=on_result,
    )
    return comparison_of(res)
