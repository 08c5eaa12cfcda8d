"""The shared room of the ``retail-twin`` command line: the app, the consoles, common options.

Every command module (:mod:`cli.run`, :mod:`cli.compare`, :mod:`cli.sweep`, :mod:`cli.results`,
...) imports what it shares from here and registers itself on :data:`app`; no command module
imports from another. :mod:`cli.main` imports them all, in the order ``--help`` lists them.

Exit codes shared by every command: 2 a bad scenario, option or input file (an ``error:`` line
or the list of problems, never a traceback); 130 interrupted.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from rich.console import Console
from rich.table import Table

from experiments.backends import BackendError, BackendSpec
from experiments.estimate import estimate, refusal
from experiments.lock import LockedError
from experiments.plugins import PluginError, load_plugins, normalise
from experiments.staging import OutDirError
from experiments.store import remove_partials
from experiments.sweep import SweepDirError
from orchestration.integration.erp import automation_problems
from orchestration.integration.n8n_flows import n8n_problems
from orchestration.models import UnknownModelError, model_names, plugin_params_problems
from scenarios.loader import ScenarioError, load_scenario, resolve_path
from scenarios.schema import Scenario

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="RetailTwin: a digital twin for comparing retail orchestration designs.",
)
err = Console(stderr=True)
# piped output keeps wide tables readable (rich would wrap them at 80 columns)
out = Console() if sys.stdout.isatty() or "COLUMNS" in os.environ else Console(width=160)

T = TypeVar("T")


# ---------------------------------------------------------------------------------- options
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
Kpis = Annotated[
    list[str] | None, typer.Option("--kpi", help="KPI to show in the table (repeatable)")
]
JsonOut = Annotated[bool, typer.Option("--json", help="print the result as JSON")]
OutDir = Annotated[
    Path | None,
    typer.Option("--out", help="write every run here (needed to --resume and for results)"),
]
Resume = Annotated[
    bool, typer.Option("--resume", help="continue the sweep in --out; recompute nothing done")
]
Force = Annotated[
    bool,
    typer.Option(
        "--force",
        help="replace a non-empty --out run directory, and run past the size estimate",
    ),
]
AuditKey = Annotated[
    str | None,
    typer.Option(
        "--audit-key",
        envvar="RETAILTWIN_AUDIT_KEY",
        show_envvar=True,
        help="HMAC key that signs (run) or checks (audit verify) the audit heads of summary.json",
    ),
]
NoOutputs = Annotated[
    bool,
    typer.Option(
        "--no-outputs", help="keep KPIs only: no per-replication event log / daily Parquet"
    ),
]


# ---------------------------------------------------------------------------------- errors
def fail(message: str) -> NoReturn:
    """Exit 2 with one ``error:`` line (bad input: nothing ran)."""
    sys.stderr.write(f"error: {message}\n")
    raise typer.Exit(code=2)


def scenario_error(exc: ScenarioError) -> NoReturn:
    """Exit 2 with every problem of a scenario, each with its file and dotted path."""
    err.print(str(exc), highlight=False, markup=False)
    raise typer.Exit(code=2)


def run_guarded(fn: Callable[[], T], out_dir: Path | None) -> T:
    """Run ``fn``; turn usage errors into exit 2 and Ctrl-C into exit 130 with a resume hint."""
    try:
        return fn()
    except ScenarioError as exc:
        scenario_error(exc)
    except (SweepDirError, BackendError, OutDirError, LockedError) as exc:
        fail(str(exc))
    except KeyboardInterrupt:
        hint = f"; rerun with --resume --out {out_dir}" if out_dir is not None else ""
        if out_dir is not None and out_dir.is_dir():
            remove_partials(out_dir)  # the workers are stopped: no half-written file is left
        err.print(f"[bold yellow]interrupted[/]: completed runs are kept{hint}")
        raise typer.Exit(code=130) from None


# ---------------------------------------------------------------------------------- inputs
def load_scenario_arg(
    scenario: str, overrides: list[str], model: str | None, seed: int | None
) -> Scenario:
    """The scenario of a command line, validated (exit 2 with its problems otherwise)."""
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
        fail(f"{source}: {UnknownModelError(s.orchestration.model)}")
    # declared automation rules against the mocked Odoo; plugin models' parameters against
    # their own parameters classes; an n8n export against the importer (every problem with
    # its path)
    problems = automation_problems(s) + plugin_params_problems(s) + n8n_problems(s)
    if problems:
        source = resolve_path(scenario)
        err_lines = [f"  - {source}: {p}: expected {e}; found {f}" for p, e, f in problems]
        sys.stderr.write(f"{len(problems)} problem(s) in scenario:\n" + "\n".join(err_lines) + "\n")
        raise typer.Exit(code=2)
    return s


def backend_spec(workers: int | None, dask: str | None) -> BackendSpec:
    return BackendSpec(workers, dask)


def refuse_if_too_big(
    runs: list[tuple[Scenario, int]], backend: BackendSpec, force: bool = False
) -> None:
    """Exit 2 before anything runs when ``runs`` (scenario, replications) cannot fit this
    machine (:mod:`experiments.estimate`), naming the fields that drive the size; ``--force``
    runs anyway."""
    if force:
        return
    estimates = [e for s, reps in runs for e in [estimate(s)] * reps]
    parallel = 1 if backend.dask else backend.n_workers  # Dask: the workers' own memory
    message = refusal(estimates, parallel)
    if message:
        fail(message)


def plugin_specs(specs: list[str] | None) -> tuple[str, ...]:
    """Load the ``--plugin`` modules (exit 2 if one cannot be imported); their normal form."""
    normal = normalise(specs or [])
    try:
        load_plugins(normal)
    except ImportError as exc:
        fail(str(exc) if isinstance(exc, PluginError) else f"plugin: {exc}")
    return normal


# ---------------------------------------------------------------------------------- output
def dump(obj: Any) -> None:
    """Print ``obj`` as indented JSON on stdout."""
    sys.stdout.write(json.dumps(obj, indent=2) + "\n")


def _fmt(v) -> str:
    if v is None:
        return "—"
    if isinstance(v, float):
        return f"{v:,.4f}" if abs(v) < 10 else f"{v:,.1f}"
    return f"{v:,}"


def kpi_table(summary: dict) -> Table:
    """The KPIs of a summary object (KPIS.md), with their 95% intervals when R > 1."""
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
