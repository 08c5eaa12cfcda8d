"""``retail-twin compare``, ``retail-twin sweep`` and ``retail-twin results list|show|compare``.

Registered on the app of :mod:`experiments.cli`. Exit codes: 0 success; 1 some runs failed (they
are recorded and listed, the rest completed); 2 a bad scenario, grid, model, option, output
directory or backend (nothing ran); 130 interrupted (completed runs are on disk: ``--resume``).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from experiments.cli import Dask, Plugins, Sets, Workers, _backend, _fail, _plugins, app, err, out
from scenarios.loader import ScenarioError

Kpis = Annotated[
    list[str] | None, typer.Option("--kpi", help="KPI to show in the table (repeatable)")
]
OutDir = Annotated[
    Path | None,
    typer.Option("--out", help="write every run here (needed to --resume and for results)"),
]
Resume = Annotated[
    bool, typer.Option("--resume", help="continue the sweep in --out; recompute nothing done")
]
NoOutputs = Annotated[
    bool,
    typer.Option(
        "--no-outputs", help="keep KPIs only: no per-replication event log / daily Parquet"
    ),
]
JsonOut = Annotated[bool, typer.Option("--json", help="print the result as JSON")]


def _scenario_error(exc: ScenarioError) -> None:
    err.print(str(exc), highlight=False, markup=False)
    raise typer.Exit(code=2)


def _run_guarded(fn, out_dir: Path | None):
    """Run ``fn``; turn usage errors into exit 2 and Ctrl-C into exit 130 with a resume hint."""
    from experiments.backends import BackendError
    from experiments.sweep import SweepDirError

    try:
        return fn()
    except ScenarioError as exc:
        _scenario_error(exc)
    except (SweepDirError, BackendError) as exc:
        _fail(str(exc))
    except KeyboardInterrupt:
        hint = f"; rerun with --resume --out {out_dir}" if out_dir is not None else ""
        err.print(f"[bold yellow]interrupted[/]: completed runs are kept{hint}")
        raise typer.Exit(code=130) from None


def _dump(obj: Any) -> None:
    sys.stdout.write(json.dumps(obj, indent=2) + "\n")


# ---------------------------------------------------------------------------------- compare
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
) -> None:
    """Compare models on SCENARIO: each KPI per model with its 95% interval, and the paired
    difference against the reference (manual if listed, else the first model)."""
    from experiments.compare import compare_models
    from experiments.plan import parse_models
    from experiments.report import comparison_table, failures_table, task_progress

    plugins = _plugins(plugin)
    try:
        names = parse_models(models)
    except ScenarioError as exc:
        _scenario_error(exc)
    if len(names) < 2:
        _fail("compare needs at least two models (--models m1,m2)")
    overrides = [*(set_ or []), *([f"seed={seed}"] if seed is not None else [])]
    backend = _backend(workers, dask)
    with task_progress(err, f"compare {scenario}") as prog:
        comp = _run_guarded(
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
        _dump(comp)
    else:
        title = (
            f"{comp['scenario']} · seed {comp['seed']} · {comp['replications']} replications · "
            f"{comp['horizon_days']} days · reference {comp['reference']} (common random numbers)"
        )
        out.print(comparison_table(comp, title, kpi))
        if comp["failed"]:
            out.print(failures_table(comp["failed"]))
        if out_dir is not None:
            out.print(f"results written to {out_dir}")
    if comp["failed"]:
        raise typer.Exit(code=1)


# ---------------------------------------------------------------------------------- sweep
def _is_sweep_file(target: str) -> bool:
    p = Path(target)
    if not (p.suffix in {".yaml", ".yml"} and p.is_file()):
        return False
    from scenarios.loader import read_document

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
) -> None:
    """Run every grid point x model x replication; write one tidy table (results.parquet) and
    a summary (summary.parquet) with means and intervals per point x model."""
    from dataclasses import replace

    from experiments.plan import SweepSpec, parse_grid, parse_models, plan_sweep
    from experiments.report import HEADLINE_KPIS, failures_table, sweep_table, task_progress
    from experiments.sweep import run_sweep, runs_record, sweep_record

    if resume and out_dir is None:
        _fail("--resume needs --out DIR (the sweep directory to continue)")
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
        _scenario_error(exc)
    spec = replace(spec, plugins=_plugins(list(spec.plugins)))
    plan = _run_guarded(lambda: plan_sweep(spec), out_dir)
    backend = _backend(workers, dask)
    n = len(plan.cells) * spec.replications
    err.print(
        f"sweep {plan.scenario}: {len(plan.points)} point(s) x {len(plan.models)} model(s) x "
        f"{spec.replications} replication(s) = {n} runs on {backend.describe()}",
        highlight=False,
    )
    with task_progress(err, f"sweep {plan.scenario}") as prog:
        res = _run_guarded(
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
        _dump({**record, "computed": res.computed, "reused": res.reused, "runs": runs_record(res)})
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


# ---------------------------------------------------------------------------------- results
results_app = typer.Typer(no_args_is_help=True, help="Read run and sweep directories back.")
app.add_typer(results_app, name="results")

LIST_COLUMNS = ("run_dir", "scenario", "model", "seed", "horizon_days", "replications", "failed")


@results_app.command("list")
def results_list(
    root: Annotated[Path, typer.Argument(help="folder holding run or sweep directories")],
    json_: JsonOut = False,
    kpi: Kpis = None,
) -> None:
    """List every sweep and run directory under ROOT."""
    from experiments.report import HEADLINE_KPIS, frame_table
    from experiments.results import list_runs, list_sweeps

    if not root.is_dir():
        _fail(f"{root}: no such directory")
    runs, sweeps = list_runs(root), list_sweeps(root)
    if json_:
        _dump(
            {
                "sweeps": json.loads(sweeps.to_json(orient="records")),
                "runs": json.loads(runs.to_json(orient="records")),
            }
        )
        return
    shown_runs, shown_sweeps = runs.copy(), sweeps.copy()  # paths relative to ROOT on screen
    for df, col in ((shown_runs, "run_dir"), (shown_sweeps, "sweep_dir")):
        if not df.empty:
            df[col] = [str(Path(p).relative_to(root)) or "." for p in df[col]]
    if not sweeps.empty:
        cols = ("sweep_dir", "scenario", "grid", "models", "points", "replications", "tasks")
        cols += ("completed", "failed", "finished")
        out.print(frame_table(shown_sweeps, f"sweeps under {root}", cols))
    kpis = kpi or list(HEADLINE_KPIS[:3])
    out.print(frame_table(shown_runs, f"runs under {root}", (*LIST_COLUMNS, *kpis)))


@results_app.command("show")
def results_show(
    run_dir: Annotated[Path, typer.Argument(help="a run directory or a sweep directory")],
    json_: JsonOut = False,
    kpi: Kpis = None,
) -> None:
    """Show one run (its KPIs and intervals) or one sweep (its summary and failures)."""
    from experiments.cli import kpi_table
    from experiments.report import HEADLINE_KPIS, failures_table, sweep_table
    from experiments.results import NotARunError, is_sweep_dir, load_run, load_sweep

    try:
        if is_sweep_dir(run_dir):
            sw = load_sweep(run_dir)
            if json_:
                _dump(sw.record)
                return
            params = list(sw.record["spec"]["grid"])
            kpis = kpi or [k for k in HEADLINE_KPIS if k in set(sw.summary["kpi"])]
            out.print(sweep_table(sw.summary, params, kpis, f"sweep {run_dir}"))
            if sw.record["failed"]:
                out.print(failures_table(sw.record["failed"]))
            return
        rec = load_run(run_dir)
    except NotARunError as exc:
        _fail(str(exc))
    if json_:
        _dump(rec.summary)
        return
    out.print(kpi_table(rec.summary))
    reps = sorted(p.name for p in run_dir.glob("rep_*") if p.is_dir())
    out.print(f"{len(rec.replications)} replication row(s); outputs: {', '.join(reps) or 'none'}")
    for f in rec.summary.get("failures", []):
        out.print(f"[red]failed[/] replication {f['replication']} (seed {f['seed']}): {f['error']}")


@results_app.command("compare")
def results_compare(
    run_dirs: Annotated[list[Path], typer.Argument(help="two or more run directories")],
    reference: Annotated[
        str | None, typer.Option(help="label of the reference run (default: the first)")
    ] = None,
    json_: JsonOut = False,
    kpi: Kpis = None,
) -> None:
    """Compare run directories KPI by KPI (paired when they share their seed)."""
    from experiments.report import comparison_table
    from experiments.results import NotARunError, compare_runs

    if len(run_dirs) < 2:
        _fail("results compare needs at least two run directories")
    try:
        comp = compare_runs(run_dirs, reference)
    except (NotARunError, ValueError) as exc:
        _fail(str(exc))
    if json_:
        _dump(comp)
        return
    out.print(comparison_table(comp, f"reference {comp['reference']}", kpi))
