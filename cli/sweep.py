"""``retail-twin sweep``: a grid of parameters x models x replications, resumable.

Writes one tidy table (``results.parquet``) and a summary (``summary.parquet``) with means and
intervals per point x model (:mod:`experiments.sweep`). Exit codes: 0 success; 1 some runs
failed (recorded and listed, the rest completed); 2 a bad scenario, grid, model, option, output
directory or backend (nothing ran); 130 interrupted (completed runs are on disk: ``--resume``).
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
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
    plugin_specs,
    refuse_if_too_big,
    run_guarded,
    scenario_error,
)
from experiments.plan import SweepSpec, parse_grid, parse_models, plan_sweep
from experiments.report import HEADLINE_KPIS, failures_table, sweep_table, task_progress
from experiments.sweep import run_sweep, runs_record, sweep_record
from scenarios.loader import ScenarioError, read_document, scenario_from_resolved


def _is_sweep_file(target: str) -> bool:
    p = Path(target)
    if not (p.suffix in {".yaml", ".yml"} and p.is_file()):
        return False
    try:
        doc = read_document(p)
    except ScenarioError:
        return False
    return "base" in doc and "name" not in doc


@app.command()
def sweep(
    target: Annotated[
        str, typer.Argument(help="scenario (library name or YAML path) or a sweep YAML file")
    ],
    grid: Annotated[
        list[str] | None,
        typer.Option("--grid", help="dotted.key=v1,v2,... (repeatable; full factorial)"),
    ] = None,
    models: Annotated[
        str | None, typer.Option(help="models, comma-separated (default: the scenario's)")
    ] = None,
    replications: Annotated[
        int | None, typer.Option(min=1, help="replications per point and model")
    ] = None,
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
    """Run every grid point x model x replication; write one tidy table (results.parquet) and
    a summary (summary.parquet) with means and intervals per point x model."""
    if resume and out_dir is None:
        fail("--resume needs --out DIR (the sweep directory to continue)")
    try:
        if _is_sweep_file(target):
            spec = SweepSpec.from_file(Path(target))
        else:
            spec = SweepSpec(base=target)
        cli_grid = dict(parse_grid(grid or []))
        merged = {**dict(spec.grid), **cli_grid}
        spec = replace(
            spec,
            overrides=(*spec.overrides, *(set_ or [])),
            grid=tuple(merged.items()),
            models=parse_models(models) or spec.models,
            replications=replications or spec.replications,
            plugins=(*spec.plugins, *(plugin or [])),
        )
    except ScenarioError as exc:
        scenario_error(exc)
    spec = replace(spec, plugins=plugin_specs(list(spec.plugins)))
    plan = run_guarded(lambda: plan_sweep(spec), out_dir)
    backend = backend_spec(workers, dask)
    refuse_if_too_big(
        [(scenario_from_resolved(c.doc), spec.replications) for c in plan.cells], backend, force
    )
    n = len(plan.cells) * spec.replications
    err.print(
        f"sweep {plan.scenario}: {len(plan.points)} point(s) x {len(plan.models)} model(s) x "
        f"{spec.replications} replication(s) = {n} runs on {backend.describe()}",
        highlight=False,
    )
    with task_progress(err, f"sweep {plan.scenario}") as prog:
        res = run_guarded(
            lambda: run_sweep(
                plan,
                out_dir,
                backend,
                resume=resume,
                outputs=not no_outputs,
                on_start=prog.on_start,
                on_result=prog.on_result,
                on_partial=prog.on_partial,
            ),
            out_dir,
        )
    record = sweep_record(res)
    if len(record["code"]) > 1:
        err.print(
            f"[bold yellow]warning[/]: the code changed between the sessions of this sweep: "
            f"its results come from {len(record['code'])} versions (sweep.json: code)"
        )
    if json_:
        dump({**record, "computed": res.computed, "reused": res.reused, "runs": runs_record(res)})
    else:
        kpis = kpi or [k for k in HEADLINE_KPIS if k in set(res.summary["kpi"])]
        title = (
            f"sweep {plan.scenario} · {record['ok']}/{record['tasks']} runs ok · "
            f"{res.computed} computed, {res.reused} reused · reference {record['reference']}"
        )
        out.print(sweep_table(res.summary, plan.param_names, kpis, title))
        if record["failed"]:
            out.print(
                f"[bold red]{record['failed_total']} run(s) failed[/] at point(s) "
                f"{', '.join(map(str, record['failed_points']))}"
            )
            out.print(failures_table(record["failed"]))
        if out_dir is not None:
            out.print(
                f"tidy table: {out_dir / 'results.parquet'} · summary: "
                f"{out_dir / 'summary.parquet'} · runs: {out_dir / 'runs'}"
            )
        else:
            out.print("nothing written: pass --out DIR to keep the results (and --resume)")
    if record["failed"]:
        raise typer.Exit(code=1)
