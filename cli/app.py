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
from typer.core import TyperGroup

from experiments.backends import BackendError, BackendSpec
from experiments.estimate import estimate, refusal
from experiments.kpi_groups import select
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

# ---------------------------------------------------------------------------------- help
# How ``retail-twin --help`` reads: Typer prints every option's Python type (``--json <bool>``,
# ``--set <list[str]>``); HelpGroup -- the class of the app and of its sub-command groups --
# sets the placeholders of every command it hands out: a flag shows none (``--json``), a value
# what to type (N, X, PATH, TEXT; "..." when repeatable), an argument its name (SCENARIO); an
# explicit metavar is kept. Parsing is untouched.
_BY_TYPE = {"int": "N", "float": "X", "Path": "PATH", "str": "TEXT"}


def _placeholder(param: Any) -> str | None:
    if getattr(param, "is_flag", False) or getattr(param, "count", False):
        return ""
    bare = param.bare_type() if hasattr(param, "bare_type") else ""
    inner = bare[5:-1] if bare.startswith("list[") else bare
    name = _BY_TYPE.get(inner)
    if name is None:
        return None
    return f"{name} ..." if param.multiple else name


def _no_type(ctx: Any = None) -> str:
    return ""


def polish(cmd: Any) -> Any:
    """Set the help placeholders of ``cmd``'s options (and of a group's commands)."""
    if getattr(cmd, "_help_polished", False):
        return cmd
    for param in cmd.params:
        if param.metavar is not None:
            continue
        if param.param_type_name == "option":
            param.metavar = _placeholder(param)
        elif param.param_type_name == "argument" and param.name:
            # the name column says what to type; the type column would repeat it as a type
            param.metavar = param.name.upper() + (" ..." if param.multiple else "")
            param.display_type_rich = _no_type
    original = cmd.get_help_option

    def get_help_option(ctx: Any) -> Any:
        opt = original(ctx)
        if opt is not None:
            opt.metavar = ""
        return opt

    cmd.get_help_option = get_help_option
    cmd._help_polished = True
    for sub in getattr(cmd, "commands", {}).values():
        polish(sub)
    return cmd


class HelpGroup(TyperGroup):
    """A Typer group whose commands' help shows placeholders, not Python types."""

    def get_command(self, ctx: Any, cmd_name: str) -> Any:
        cmd = super().get_command(ctx, cmd_name)
        return polish(cmd) if cmd is not None else None

    def format_help(self, ctx: Any, formatter: Any) -> None:
        polish(self)
        super().format_help(ctx, formatter)


app = typer.Typer(
    cls=HelpGroup,
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
    list[str] | None,
    typer.Option(
        "--kpi",
        help="KPI, group (headline, fulfilment, approvals, exceptions, integration, events, "
        "triage, tickets, money, security) or pattern ('approval_*') to show; repeatable",
    ),
]
JsonOut = Annotated[bool, typer.Option("--json", help="print the result as JSON")]
OutDir = Annotated[
    Path | None,
    typer.Option("--out", help="write every run here (needed to --resume and for results)"),
]
Resume = Annotated[
    bool,
    typer.Option("--resume", help="continue an interrupted run in --out; redo nothing finished"),
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


def pick_kpis(available: list[str], wanted: list[str] | None) -> list[str]:
    """The KPIs ``--kpi`` selects (names, groups, patterns); exit 2 naming what matched nothing."""
    try:
        return select(available, wanted or [])
    except ValueError as exc:
        fail(str(exc))


def kpi_table(summary: dict, kpis: list[str] | None = None) -> Table:
    """The KPIs of a summary object (KPIS.md), with their 95% intervals when R > 1."""
    ci = summary.get("kpis_ci95", {})
    names = list(summary["kpis"]) if kpis is None else kpis
    table = Table(
        title=f"{summary['scenario']} · {summary['model']} · seed {summary['seed']} · "
        f"{summary['replications']} replication(s) · {summary['horizon_days']} days"
    )
    table.add_column("KPI")
    table.add_column("value", justify="right")
    if ci:
        table.add_column("95% interval", justify="right")
    for name in names:
        row = [name, _fmt(summary["kpis"].get(name))]
        if ci:
            iv = ci.get(name)
            row.append("—" if iv is None else f"[{_fmt(iv[0])}, {_fmt(iv[1])}]")
        table.add_row(*row)
    return table
