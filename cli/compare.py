"""``retail-twin compare``: models on one scenario, paired (common random numbers).

Exit codes: 0 success; 1 some runs failed (they are recorded and listed, the rest completed);
2 a bad scenario, model, option, output directory or backend (nothing ran); 130 interrupted
(completed runs are on disk: ``--resume``).
"""

from __future__ import annotations

import contextlib
from typing import Annotated

import typer

from cli.app import (
    Dask,
    Force,
    JsonOut,
    Kpis,
    NoOutputs,
    OutDir,
    Plugins,
    Resume,
    Sets,
    Workers,
    app,
    backend_spec,
    dump,
    err,
    fail,
    out,
    pick_kpis,
    plugin_specs,
    refuse_if_too_big,
    run_guarded,
    scenario_error,
)
from experiments.compare import compare_models
from experiments.plan import parse_models
from experiments.report import comparison_table, cost_table, failures_table, task_progress
from scenarios.loader import ScenarioError, load_scenario


@app.command()
def compare(
    scenario: Annotated[str, typer.Argument(help="library name or YAML path")],
    models: Annotated[str, typer.Option(help="models to compare, comma-separated: m1,m2,...")],
    replications: Annotated[int, typer.Option(min=2, help="replications per model")] = 5,
    seed: Annotated[int | None, typer.Option(help="override the scenario seed")] = None,
    set_: Sets = None,
    out_dir: OutDir = None,
    resume: Resume = False,
    no_outputs: NoOutputs = False,
    json_: JsonOut = False,
    kpi: Kpis = None,
    workers: Workers = None,
    dask: Dask = None,
    plugin: Plugins = None,
    force: Force = False,
) -> None:
    """Compare models on SCENARIO: each KPI per model with its 95% interval, and the paired
    difference against the reference (manual if listed, else the first model)."""
    plugins = plugin_specs(plugin)
    try:
        names = parse_models(models)
    except ScenarioError as exc:
        scenario_error(exc)
    if len(names) < 2:
        fail("compare needs at least two models (--models m1,m2)")
    overrides = [*(set_ or []), *([f"seed={seed}"] if seed is not None else [])]
    backend = backend_spec(workers, dask)
    with contextlib.suppress(ScenarioError):  # a bad scenario is reported by compare_models
        base = load_scenario(scenario, overrides)
        refuse_if_too_big([(base, replications * len(names))], backend, force)
    with task_progress(err, f"compare {scenario}") as prog:
        comp = run_guarded(
            lambda: compare_models(
                scenario,
                names,
                replications,
                overrides,
                plugins=plugins,
                out_dir=out_dir,
                backend=backend,
                resume=resume,
                outputs=not no_outputs,
                on_start=prog.on_start,
                on_result=prog.on_result,
            ),
            out_dir,
        )
    if json_:
        dump(comp)
    else:
        title = (
            f"{comp['scenario']} · seed {comp['seed']} · {comp['replications']} replications · "
            f"{comp['horizon_days']} days · reference {comp['reference']} (common random numbers)"
        )
        names = list(next(iter(comp["runs"].values()))["kpis"]) if comp["runs"] else []
        out.print(comparison_table(comp, title, pick_kpis(names, kpi)))
        cost = cost_table(comp, f"labour cost against service · reference {comp['reference']}")
        if cost is not None:
            out.print(cost)
        if comp["failed"]:
            out.print(failures_table(comp["failed"]))
        if out_dir is not None:
            out.print(f"results written to {out_dir}")
    if comp["failed"]:
        raise typer.Exit(code=1)
