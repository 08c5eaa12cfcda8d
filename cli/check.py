"""``retail-twin check SCENARIO... [--all] [--junit FILE] [--workers N | --dask ADDR]``: SLOs.

Runs each scenario (and its fault-free twin when a bound is relative or on ``backlog_drain_h``)
and checks the bounds of its ``slo:`` block (:mod:`experiments.slo`, ``docs/slo.md``). Prints a
table per scenario and one line per broken bound. Exit codes: 0 every bound holds; 1 a bound
broke or a run crashed; 2 bad input (a bad scenario, a scenario without ``slo:``, a bound on an
unknown KPI, an unknown model) — each problem with its file and dotted path; nothing ran;
130 interrupted.
Registered on the app of :mod:`cli.app`.
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from cli.app import Dask, Sets, Workers, app, backend_spec, err, out
from experiments.report import BAR_REFRESH_PER_S
from experiments.slo import checks_record, junit_xml, planned_runs, run_checks, slo_problems
from orchestration.models import UnknownModelError, model_names
from scenarios.loader import Problem, ScenarioError, library_names, load_scenario, resolve_path
from scenarios.schema import Scenario


def _fmt(v: float | None) -> str:
    if v is None:
        return "—"
    if float(v).is_integer() and abs(v) < 1e15:
        return f"{int(v):,}"
    return f"{v:,.6g}" if abs(v) < 1e4 else f"{v:,.1f}"


def _collect(names: list[str], all_: bool, overrides: list[str]) -> list[tuple[Scenario, str]]:
    """Load and vet every scenario; raise :class:`ScenarioError` with every problem found."""
    targets = list(names)
    if all_:
        for name in library_names():
            s = load_scenario(name)
            if s.slo is not None and name not in targets:
                targets.append(name)
    if not targets:
        raise ScenarioError(
            [Problem("retail-twin check", "", "SCENARIO... or --all", "no scenario")]
        )
    picked: list[tuple[Scenario, str]] = []
    problems: list[Problem] = []
    for name in targets:
        try:
            source = str(resolve_path(name))
            s = load_scenario(name, overrides)
        except ScenarioError as exc:
            problems += exc.problems
            continue
        if s.orchestration.model not in model_names():
            problems.append(
                Problem(
                    source,
                    "orchestration.model",
                    "a registered model",
                    str(UnknownModelError(s.orchestration.model)),
                )
            )
        problems += slo_problems(s, source)
        picked.append((s, source))
    if problems:
        raise ScenarioError(problems)
    return picked


def _table(check) -> Table:
    verdict = "[green]PASS[/]" if check.passed else "[bold red]FAIL[/]"
    table = Table(
        title=f"{check.name} · {check.model} · seed {check.seed} · "
        f"{check.replications} replication(s) · {verdict}"
    )
    for col, justify in (
        ("KPI", "left"),
        ("bound", "left"),
        ("value", "right"),
        ("twin", "right"),
        ("limit", "right"),
        ("margin", "right"),
        ("result", "left"),
    ):
        table.add_column(col, justify=justify)
    for r in check.results:
        table.add_row(
            r.kpi,
            r.bound,
            _fmt(r.value),
            _fmt(r.reference),
            _fmt(r.limit),
            _fmt(r.margin),
            "[green]ok[/]" if r.passed else "[bold red]BREACH[/]",
        )
    return table


@app.command()
def check(
    scenario: Annotated[
        list[str] | None, typer.Argument(help="library names or YAML paths with an slo: block")
    ] = None,
    all_: Annotated[
        bool, typer.Option("--all", help="every library scenario that declares slo:")
    ] = False,
    junit: Annotated[
        Path | None, typer.Option("--junit", help="write JUnit XML here (for CI)")
    ] = None,
    save: Annotated[
        Path | None,
        typer.Option("--save", help="write the results as JSON (DIR/check.json: in its report)"),
    ] = None,
    set_: Sets = None,
    workers: Workers = None,
    dask: Dask = None,
) -> None:
    """Check the service levels (slo:) of scenarios; exit 1 if a bound breaks."""
    try:
        picked = _collect(list(scenario or []), all_, list(set_ or []))
    except ScenarioError as exc:
        sys.stderr.write(f"{exc}\n")
        raise typer.Exit(code=2) from None
    total = sum(planned_runs(s) for s, _src in picked)
    show = err.is_terminal and not os.environ.get("CI")
    started = time.perf_counter()  # wall clock: reporting only
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        disable=not show,
        transient=True,
        refresh_per_second=BAR_REFRESH_PER_S,
    ) as progress:
        task = progress.add_task(f"check · {len(picked)} scenario(s)", total=total)
        try:
            checks = run_checks(
                picked, backend_spec(workers, dask), on_done=lambda _r: progress.advance(task)
            )
        except KeyboardInterrupt:
            sys.stderr.write("interrupted: nothing checked\n")
            raise typer.Exit(code=130) from None
    wall = time.perf_counter() - started
    for c in checks:
        out.print(_table(c))
    bad = 0
    for c in checks:
        for e in c.errors:
            out.print(f"ERROR {c.name} ({c.source}): {e}", highlight=False, markup=False)
        for r in c.breaches:
            out.print(f"BREACH {c.name}: {r.message}", highlight=False, markup=False)
        bad += len(c.breaches) + len(c.errors)
    bounds = sum(len(c.results) for c in checks)
    failed = sum(not c.passed for c in checks)
    out.print(
        f"{len(checks)} scenario(s), {bounds} bound(s) checked in {wall:.1f} s: "
        + (f"{failed} scenario(s) failed, {bad} breach(es)" if failed else "all hold"),
        highlight=False,
    )
    if junit is not None:
        junit.parent.mkdir(parents=True, exist_ok=True)
        junit_xml(checks).write(junit, encoding="utf-8", xml_declaration=True)
        out.print(f"JUnit XML written to {junit}", highlight=False)
    if save is not None:
        save.parent.mkdir(parents=True, exist_ok=True)
        save.write_text(json.dumps(checks_record(checks), indent=2) + "\n", encoding="utf-8")
        out.print(f"results written to {save}", highlight=False)
    if failed:
        sys.stdout.flush()
        raise typer.Exit(code=1)
