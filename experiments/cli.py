"""``retail-twin``: the command line of RetailTwin.

Commands: ``run`` (simulate a scenario and print its KPIs), ``compare`` (models on one scenario,
paired), ``sweep`` (a grid of parameters x models x replications), ``results list|show|compare``
(read run and sweep directories back), ``scenarios`` (the shipped library), ``models`` (the
registered orchestration models), ``schema`` (the scenario JSON Schema). ``run``, ``compare``
and ``sweep`` run in-process, on a local process pool (``--workers``) or on Dask (``--dask``).
A bad scenario or option exits with code 2 and lists every problem, never a traceback.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn
from rich.table import Table

from orchestration.models import UnknownModelError, describe_models, model_names
from scenarios.loader import ScenarioError, describe_library, load_scenario, resolve_path
from scenarios.schema import Scenario

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="RetailTwin: a digital twin for comparing retail orchestration designs.",
)
err = Console(stderr=True)
# piped output keeps wide tables readable (rich would wrap them at 80 columns)
out = Console() if sys.stdout.isatty() or "COLUMNS" in os.environ else Console(width=160)


def _fail(message: str) -> None:
    sys.stderr.write(f"error: {message}\n")
    raise typer.Exit(code=2)


def _load(scenario: str, overrides: list[str], model: str | None, seed: int | None) -> Scenario:
    extra = list(overrides)
    if model is not None:
        extra.append(f"orchestration.model={model}")
    if seed is not None:
        extra.append(f"seed={seed}")
    try:
        s = load_scenario(scenario, extra)
    except ScenarioError as exc:
        sys.stderr.write(f"{exc}\n")
        raise typer.Exit(code=2) from None
    if s.orchestration.model not in model_names():
        source = resolve_path(scenario)
        _fail(f"{source}: {UnknownModelError(s.orchestration.model)}")
    from orchestration.integration.erp import automation_problems

    problems = automation_problems(s)
    if problems:
        source = resolve_path(scenario)
        err_lines = [f"  - {source}: {p}: expected {e}; found {f}" for p, e, f in problems]
        sys.stderr.write(f"{len(problems)} problem(s) in scenario:\n" + "\n".join(err_lines) + "\n")
        raise typer.Exit(code=2)
    return s


def _fmt(v) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:,.4f}" if abs(v) < 10 else f"{v:,.1f}"
    return f"{v:,}"


def kpi_table(summary: dict) -> Table:
    ci = summary.get("kpis_ci95", {})
    table = Table(
        title=f"{summary['scenario']} · {summary['model']} · seed {summary['seed']} · "
        f"{summary['replications']} replication(s) · {summary['horizon_days']} days"
    )
    table.add_column("KPI")
    table.add_column("value", justify="right")
    if ci:
        table.add_column("95% interval", justify="right")
    for name, v in summary["kpis"].items():
        row = [name, _fmt(v)]
        if ci:
            iv = ci.get(name)
            row.append("—" if iv is None else f"[{_fmt(iv[0])}, {_fmt(iv[1])}]")
        table.add_row(*row)
    return table


class OrderRate:
    """The progress bar's status: the simulated date and online orders per wall second (over
    the last few seconds, so the figure follows the simulated season)."""

    WINDOW_S = 5.0

    def __init__(self) -> None:
        self._marks: list[tuple[float, int]] = []

    def status(self, p) -> str:
        import time

        now = time.perf_counter()  # wall clock: the bar's rate only, never simulation
        marks = self._marks
        if marks and p.online_orders < marks[-1][1]:  # a new replication started
            marks.clear()
        marks.append((now, p.online_orders))
        while len(marks) > 2 and now - marks[0][0] > self.WINDOW_S:
            marks.pop(0)
        t0, n0 = marks[0]
        per_s = (p.online_orders - n0) / (now - t0) if now > t0 else 0.0
        return f"{p.date.isoformat()} · {per_s:,.0f} orders/s"


Workers = Annotated[
    int | None,
    typer.Option(min=1, help="local worker processes (default: all cores; 1: in-process)"),
]
Dask = Annotated[
    str | None,
    typer.Option("--dask", help="run on Dask: a scheduler address (tcp://host:8786) or 'local'"),
]
Plugins = Annotated[
    list[str] | None,
    typer.Option("--plugin", help="module or .py file that registers extra models (repeatable)"),
]
Sets = Annotated[list[str] | None, typer.Option("--set", help="dotted override KEY=VALUE")]


def _backend(workers: int | None, dask: str | None):
    from experiments.backends import BackendSpec

    return BackendSpec(workers, dask)


def _plugins(plugins: list[str] | None) -> tuple[str, ...]:
    from experiments.plugins import PluginError, load_plugins, normalise

    specs = normalise(plugins or [])
    try:
        load_plugins(specs)
    except ImportError as exc:
        _fail(str(exc) if isinstance(exc, PluginError) else f"plugin: {exc}")
    return specs


@app.command()
def run(
    scenario: Annotated[str, typer.Argument(help="library name or YAML path")] = "baseline",
    model: Annotated[str | None, typer.Option(help="orchestration model")] = None,
    seed: Annotated[int | None, typer.Option(help="override the scenario seed")] = None,
    replications: Annotated[int, typer.Option(min=1, help="independent replications")] = 1,
    set_: Sets = None,
    out_dir: Annotated[
        Path | None, typer.Option("--out", help="write the run directory here")
    ] = None,
    json_: Annotated[bool, typer.Option("--json", help="print the summary as JSON")] = False,
    workers: Workers = None,
    dask: Dask = None,
    plugin: Plugins = None,
) -> None:
    """Simulate SCENARIO and print its KPIs (the contract of KPIS.md)."""
    from experiments.backends import BackendError
    from experiments.runner import run_scenario

    plugins = _plugins(plugin)
    s = _load(scenario, set_ or [], model, seed)
    # a bar on a terminal only: never with --json, when stderr is piped, or in CI
    show = err.is_terminal and not json_ and not os.environ.get("CI")
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TextColumn("{task.fields[status]}"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
        disable=not show,
        transient=True,
    ) as progress:
        task = progress.add_task(f"{s.name} · {s.orchestration.model}", total=1.0, status="")
        rate = OrderRate()
        try:
            summary = run_scenario(
                s,
                replications,
                out_dir,
                workers,
                on_progress=lambda f: progress.update(task, completed=f),
                dask=dask,
                plugins=plugins,
                on_status=(lambda p: progress.update(task, status=rate.status(p)))
                if show
                else None,
            )
        except BackendError as exc:
            _fail(str(exc))
    if json_:
        sys.stdout.write(json.dumps(summary, indent=2) + "\n")
    else:
        out.print(kpi_table(summary))
        eng = summary["engine"]
        out.print(
            f"{eng['sim_events']:,} simulated events in {eng['wall_s']:.1f} s "
            f"({eng['events_per_s'] or 0:,} events/s)"
        )
        if out_dir is not None:
            out.print(f"outputs written to {out_dir}")


audit_app = typer.Typer(help="The hash-chained audit trail of approval decisions.")
app.add_typer(audit_app, name="audit")


@audit_app.command("verify")
def audit_verify(
    run_dir: Annotated[Path, typer.Argument(help="a run directory written with --out")],
) -> None:
    """Verify every audit log under RUN_DIR; exit 1 if any was edited, cut or reordered."""
    from orchestration.approvals.audit import verify

    logs = sorted(run_dir.rglob("audit.jsonl"))
    if not logs:
        _fail(f"{run_dir}: no audit.jsonl found (was the run written with --out?)")
    bad = 0
    for path in logs:
        report = verify(path)
        status = "ok" if report.ok else f"TAMPERED ({report.problem} at seq {report.first_bad_seq})"
        out.print(f"{path}: {report.records:,} records, {status}", highlight=False)
        if not report.ok:
            bad += 1
            if report.detail:
                out.print(f"  {report.detail}", highlight=False)
    if bad:
        raise typer.Exit(code=1)


@app.command()
def scenarios() -> None:
    """List the shipped scenario library with a one-line description."""
    table = Table(title="scenario library")
    table.add_column("name")
    table.add_column("description")
    for name, desc in describe_library():
        table.add_row(name, desc)
    out.print(table)


@app.command()
def models() -> None:
    """List the registered orchestration models."""
    table = Table(title="orchestration models")
    table.add_column("name")
    table.add_column("description")
    for name, desc in describe_models():
        table.add_row(name, desc)
    out.print(table)


@app.command()
def schema() -> None:
    """Print the JSON Schema of a scenario file."""
    sys.stdout.write(json.dumps(Scenario.model_json_schema(), indent=2) + "\n")


import experiments.cli_bench  # noqa: E402  (registers bench)
import experiments.cli_check  # noqa: E402,F401  (registers check: service levels)
import experiments.cli_replay as cli_replay  # noqa: E402,F401  (registers replay)
from dashboards.cli import dashboard  # noqa: E402  (the Streamlit app: retail-twin dashboard)
from experiments import cli_experiments  # noqa: E402,F401  (registers compare, sweep, results)

app.command()(dashboard)


def main() -> None:  # pragma: no cover - console entry
    app()
