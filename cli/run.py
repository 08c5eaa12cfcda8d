"""``retail-twin run``: simulate one scenario (R replications) and print its KPIs.

Runs in-process, on a local process pool (``--workers``) or on Dask (``--dask``); ``--out``
writes the run directory (:mod:`experiments.store`). Exit codes: 0 done; 2 a bad scenario,
model, plugin or backend (nothing ran). On a terminal a progress bar shows the simulated date
and online orders per second (not with ``--json``, when stderr is piped, or in CI).
writes the run directory (:mod:`experiments.store`), staged and published whole
(:mod:`experiments.staging`). Exit codes: 0 done; 2 a bad scenario, model, plugin, backend or
``--out``, or a run too large for this machine without ``--force`` (nothing ran); 130
interrupted (``--out`` left as it was).
"""

from __future__ import annotations

import json
import os
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn, TimeRemainingColumn

from cli.app import (
    AuditKey,
    Dask,
    Force,
    Kpis,
    Plugins,
    Sets,
    Workers,
    app,
    err,
    fail,
    kpi_table,
    load_scenario_arg,
    out,
    pick_kpis,
    plugin_specs,
    refuse_if_too_big,
)
from experiments.auditrun import resolve_key
from experiments.backends import BackendError, BackendSpec
from experiments.replicate import run_scenario
from experiments.report import BAR_REFRESH_PER_S
from experiments.staging import OutDirError, check_out_dir
from sim.progress import RunProgress


class OrderRate:
    """The progress bar's status: the simulated date and online orders per wall second (over
    the last few seconds, so the figure follows the simulated season)."""

    WINDOW_S = 5.0

    def __init__(self) -> None:
        self._marks: list[tuple[float, int]] = []

    def status(self, p: RunProgress) -> str:
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
    kpi: Kpis = None,
    workers: Workers = None,
    dask: Dask = None,
    plugin: Plugins = None,
    force: Force = False,
    audit_key: AuditKey = None,
) -> None:
    """Simulate SCENARIO and print its KPIs with 95% intervals when replicated (--kpi picks
    KPIs or groups; --json prints every KPI)."""
    specs = plugin_specs(plugin)
    s = load_scenario_arg(scenario, set_ or [], model, seed)
    if out_dir is not None:
        try:
            check_out_dir(out_dir, force)
        except OutDirError as exc:
            fail(str(exc))
    refuse_if_too_big([(s, replications)], BackendSpec(workers, dask), force)
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
        refresh_per_second=BAR_REFRESH_PER_S,
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
                plugins=specs,
                on_status=(lambda p: progress.update(task, status=rate.status(p)))
                if show
                else None,
                force=force,
                audit_key=resolve_key(audit_key),
            )
        except (BackendError, OutDirError) as exc:
            fail(str(exc))
        except KeyboardInterrupt:
            kept = f"{out_dir} is as it was" if out_dir is not None else "nothing was written"
            err.print(f"interrupted: no replication kept; {kept}", highlight=False)
            raise typer.Exit(code=130) from None
        except MemoryError:
            fail(
                "the run ran out of memory (nothing was written); make the scenario smaller "
                "(network.stores.count, catalogue.skus, demand.store_units_per_day)"
            )
    if json_:
        sys.stdout.write(json.dumps(summary, indent=2) + "\n")
    else:
        out.print(kpi_table(summary, pick_kpis(list(summary["kpis"]), kpi)))
        eng = summary["engine"]
        out.print(
            f"{eng['sim_events']:,} simulated events in {eng['wall_s']:.1f} s "
            f"({eng['events_per_s'] or 0:,} events/s)"
        )
        if out_dir is not None:
            out.print(f"outputs written to {out_dir}")
