"""``retail-twin results list|show|compare``: read run and sweep directories back.

Nothing here runs a simulation (:mod:`experiments.results` reads the Parquet tables). Exit
codes: 0 shown; 2 a missing directory, not a run or sweep directory, or bad options.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from cli.app import HelpGroup, JsonOut, Kpis, app, dump, err, fail, kpi_table, out, pick_kpis
from experiments.report import (
    HEADLINE_KPIS,
    comparison_table,
    failures_table,
    frame_table,
    sweep_table,
)
from experiments.results import (
    NotARunError,
    compare_runs,
    is_sweep_dir,
    list_runs,
    list_sweeps,
    load_run,
    load_sweep,
)

results_app = typer.Typer(
    cls=HelpGroup, no_args_is_help=True, help="Read run and sweep directories back."
)
app.add_typer(results_app, name="results")

LIST_COLUMNS = ("run_dir", "scenario", "model", "seed", "horizon_days", "replications", "failed")


@results_app.command("list")
def results_list(
    root: Annotated[Path, typer.Argument(help="folder holding run or sweep directories")],
    json_: JsonOut = False,
    kpi: Kpis = None,
) -> None:
    """List every sweep and run directory under ROOT."""
    if not root.is_dir():
        fail(f"{root}: no such directory")
    skipped: list[tuple[str, str]] = []
    runs, sweeps = list_runs(root, skipped), list_sweeps(root, skipped)
    for path, reason in skipped:
        err.print(f"skipped {path}: {reason}", highlight=False, markup=False, soft_wrap=True)
    if json_:
        dump(
            {
                "sweeps": json.loads(sweeps.to_json(orient="records")),
                "runs": json.loads(runs.to_json(orient="records")),
                "skipped": [{"path": p, "reason": r} for p, r in skipped],
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
    try:
        if is_sweep_dir(run_dir):
            sw = load_sweep(run_dir)
            if json_:
                dump(sw.record)
                return
            params = list(sw.record["spec"]["grid"])
            kpis = kpi or [k for k in HEADLINE_KPIS if k in set(sw.summary["kpi"])]
            out.print(sweep_table(sw.summary, params, kpis, f"sweep {run_dir}"))
            if sw.record["failed"]:
                out.print(failures_table(sw.record["failed"]))
            return
        rec = load_run(run_dir)
    except NotARunError as exc:
        fail(str(exc))
    except (KeyError, TypeError, ValueError, AttributeError) as exc:  # a sweep.json edited by hand
        fail(f"{run_dir}: sweep.json is not one this version can show ({exc!r:.80})")
    if json_:
        dump(rec.summary)
        return
    try:
        table = kpi_table(rec.summary, pick_kpis(list(rec.summary.get("kpis", {})), kpi))
    except (KeyError, TypeError, ValueError, IndexError, AttributeError) as exc:
        fail(f"{run_dir / 'summary.json'}: not a summary this version can show ({exc!r:.80})")
    out.print(table)
    reps = sorted(p.name for p in run_dir.glob("rep_*") if p.is_dir())
    out.print(f"{len(rec.replications)} replication row(s); outputs: {', '.join(reps) or 'none'}")
    for f in rec.summary.get("failures", []):
        out.print(f"[red]failed[/] replication {f['replication']} (seed {f['seed']}): {f['error']}")


@results_app.command("diff")
def results_diff(
    run_dirs: Annotated[list[Path], typer.Argument(help="two or more run directories")],
    reference: Annotated[
        str | None, typer.Option(help="label of the reference run (default: the first)")
    ] = None,
    json_: JsonOut = False,
    kpi: Kpis = None,
) -> None:
    """Difference of saved run directories KPI by KPI (paired when they share their seed)."""
    if len(run_dirs) < 2:
        fail("results diff needs at least two run directories")
    try:
        comp = compare_runs(run_dirs, reference)
    except (NotARunError, ValueError) as exc:
        fail(str(exc))
    except (KeyError, TypeError) as exc:  # a replications table without its columns
        fail(f"a run directory's replications.parquet lacks what a comparison needs ({exc!r:.80})")
    if json_:
        dump(comp)
        return
    names = list(next(iter(comp["runs"].values()))["kpis"])
    out.print(comparison_table(comp, f"reference {comp['reference']}", pick_kpis(names, kpi)))


# the name before ``diff`` (it read like the top-level ``compare``, which simulates): kept for
# one release, hidden from the help
results_app.command("compare", hidden=True, help="Old name of `results diff`.")(results_diff)
