"""``retail-twin replay RUN_DIR (--order ID | --request ID)``: one trajectory from the event log.

Registered on the app of :mod:`cli.app`. Prints every event, command, decision, rule and
retry of one order (or any business key) or one approval request, in time order, as a table or
JSON (see :mod:`experiments.replay` for how rows are linked). ``--verify`` re-runs the run's
resolved scenario with its seed and that replication in a temporary directory and checks that
the trajectory is identical row for row. Exit codes: 0 shown (and reproduced); 1 ``--verify``
found a difference; 2 a missing run directory or replication, a run written without events, an
unknown id, or bad options.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from cli.app import Plugins, app, err, fail, out, plugin_specs
from experiments.replay import ReplayError, Trajectory, Verification, trajectory, verify


def _table(traj: Trajectory) -> Table:
    table = Table(
        title=f"{traj.root} · replication {traj.replication} · {len(traj.steps)} rows · "
        f"keys: {', '.join(traj.keys)}"
    )
    for col, justify in (
        ("seq", "right"),
        ("sim time", "left"),
        ("t_h", "right"),
        ("record", "left"),
        ("kind", "left"),
        ("key", "left"),
        ("loc", "right"),
        ("sku", "right"),
        ("qty", "right"),
        ("value", "right"),
        ("detail", "left"),
    ):
        table.add_column(col, justify=justify, overflow="fold")
    for s in traj.steps:
        table.add_row(
            str(s.seq),
            s.time,
            f"{s.t_h:.3f}",
            s.record,
            s.kind,
            s.key,
            "" if s.location < 0 else str(s.location),
            "" if s.sku < 0 else str(s.sku),
            str(s.qty) if s.qty else "",
            f"{s.value:,.2f}" if s.value else "",
            s.detail,
        )
    return table


@app.command()
def replay(
    run_dir: Annotated[Path, typer.Argument(help="a run directory written with --out")],
    order: Annotated[
        str | None,
        typer.Option("--order", help="an order id (17 or order:17) or any business key"),
    ] = None,
    request: Annotated[
        str | None, typer.Option("--request", help="an approval request id (e.g. refund-12)")
    ] = None,
    replication: Annotated[int, typer.Option("--replication", help="replication index")] = 0,
    check: Annotated[
        bool,
        typer.Option("--verify", help="re-run the scenario and check the trajectory is identical"),
    ] = False,
    as_json: Annotated[bool, typer.Option("--json", help="print the trajectory as JSON")] = False,
    plugins: Plugins = None,
) -> None:
    """Print the full trajectory of one order or approval request from a run's event log."""
    if (order is None) == (request is None):
        fail("give exactly one of --order ID or --request ID")
    if replication < 0:
        fail(f"--replication: expected an index >= 0; found {replication}")
    result: Verification | None = None
    try:
        if check:
            plugin_specs(plugins)
            traj, result = verify(run_dir, order=order, request=request, replication=replication)
        else:
            traj = trajectory(run_dir, order=order, request=request, replication=replication)
    except ReplayError as exc:
        fail(str(exc))
    if as_json:
        doc = traj.as_dict()
        if result is not None:
            doc["verify"] = result.as_dict()
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
    else:
        out.print(_table(traj))
        if result is not None:
            console = out if result.reproduced else err
            console.print(result.describe(), highlight=False, markup=False, soft_wrap=True)
    if result is not None and not result.reproduced:
        raise typer.Exit(code=1)
