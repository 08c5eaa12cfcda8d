"""Bring your own retailer: ``retail-twin export``, ``import``, ``calibrate`` and ``fidelity``.

``export`` writes a run directory as an OCEL 2.0 (JSON, SQLite) or XES event log; ``import``
turns a retailer's tables into a scenario directory; ``calibrate`` fits a scenario to a history
(tables or OCEL); ``fidelity`` scores the twin against a history (exit 1 when a row fails).
Registered on :data:`cli.app.app` by one import in :mod:`cli.main`. Bad input exits 2 naming
what is wrong (file, row and column for a table); nothing is written unless a step completes.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from cli.app import app, err, fail, out
from experiments.interop import ocel_io, xes
from experiments.interop.calibrate import CalibrationError, Fit, report_table
from experiments.interop.calibrate import calibrate as run_calibration
from experiments.interop.fidelity import THRESHOLDS, as_dicts, score, twin_histories
from experiments.interop.history import load_history
from experiments.interop.importer import import_tables
from experiments.interop.ocel import OcelError, build_ocel
from experiments.interop.ocel_io import OcelReadError
from experiments.interop.tables import TableError
from scenarios.loader import ScenarioError, load_scenario

FORMATS = ("ocel2-json", "ocel2-sqlite", "xes")


@app.command()
def export(
    run_dir: Annotated[Path, typer.Argument(help="a run directory written with --out")],
    fmt: Annotated[str, typer.Option("--format", help="ocel2-json, ocel2-sqlite or xes")],
    out_file: Annotated[Path, typer.Option("--out", help="the file to write")],
    replication: Annotated[int, typer.Option("--replication", help="replication index")] = 0,
    object_type: Annotated[
        str, typer.Option("--object-type", help="xes: the object type each trace follows")
    ] = "order",
) -> None:
    """Export one replication of a run as an object-centric (OCEL 2.0) or flat (XES) log."""

    if fmt not in FORMATS:
        fail(f"--format: expected one of {', '.join(FORMATS)}; found {fmt!r}")
    if replication < 0:
        fail(f"--replication: expected an index >= 0; found {replication}")
    started = time.perf_counter()
    try:
        o = build_ocel(run_dir, replication)
    except OcelError as exc:
        fail(str(exc))
    if fmt == "xes":
        if object_type not in o.object_types():
            known = ", ".join(o.object_types())
            fail(f"--object-type: expected one of {known}; found {object_type!r}")
        traces = xes.write_xes(o, out_file, object_type)
        what = f"{traces:,} {object_type} traces"
    else:
        (ocel_io.write_json if fmt == "ocel2-json" else ocel_io.write_sqlite)(o, out_file)
        what = f"{len(o.events):,} events, {len(o.objects):,} objects, {len(o.e2o):,} relations"
    err.print(
        f"{out_file}: {fmt}, {what} ({time.perf_counter() - started:.1f} s)",
        highlight=False,
        markup=False,
    )


@app.command("import")
def import_(
    directory: Annotated[Path, typer.Argument(help="a directory of the retailer's tables")],
    out_dir: Annotated[Path, typer.Option("--out", help="the scenario directory to write")],
    name: Annotated[str | None, typer.Option("--name", help="the scenario's name")] = None,
    seed: Annotated[int, typer.Option("--seed", help="the scenario's seed")] = 42,
) -> None:
    """Import a retailer's tables (docs/import.md) as a scenario directory."""

    try:
        report = import_tables(directory, out_dir, name=name, seed=seed)
    except TableError as exc:
        sys.stderr.write(f"{exc}\n")
        raise typer.Exit(code=2) from None
    err.print(
        f"{out_dir / 'scenario.yaml'}: {report['stores']} stores, {report['skus']} SKUs, "
        f"{report['suppliers']} suppliers, {report['sales_rows']:,} sales rows over "
        f"{report['sales_days']} days ({report['wall_s']:.1f} s)",
        highlight=False,
        markup=False,
    )
    for note in report["notes"]:
        err.print(f"  note: {note}", highlight=False, markup=False)


@app.command()
def calibrate(
    scenario: Annotated[str, typer.Argument(help="the base scenario (library name or YAML)")],
    history: Annotated[
        Path, typer.Option("--history", help="a tables directory or an OCEL 2.0 file")
    ],
    out_dir: Annotated[Path, typer.Option("--out", help="the scenario directory to write")],
) -> None:
    """Fit the scenario to a history; write a scenario that extends it and a report."""

    started = time.perf_counter()
    try:
        h = load_history(history)
        report = run_calibration(scenario, h, out_dir)
    except (TableError, ScenarioError) as exc:
        sys.stderr.write(f"{exc}\n")
        raise typer.Exit(code=2) from None
    except (CalibrationError, OcelReadError) as exc:
        fail(str(exc))
    sys.stdout.write(report_table([Fit(**f) for f in report["fits"]]))
    err.print(
        f"{out_dir / 'scenario.yaml'}: {len(report['fits'])} fitted rows from "
        f"{report['history_days']} days of history ({time.perf_counter() - started:.1f} s)",
        highlight=False,
        markup=False,
    )


@app.command()
def fidelity(
    scenario: Annotated[str, typer.Argument(help="the scenario (library name or YAML)")],
    history: Annotated[
        Path, typer.Option("--history", help="a tables directory or an OCEL 2.0 file")
    ],
    replications: Annotated[int, typer.Option("--replications", help="twin replications")] = 3,
    threshold: Annotated[
        list[str] | None,
        typer.Option("--threshold", help="a distribution row's threshold, e.g. lead_time=0.3"),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="print the scorecard as JSON")] = False,
) -> None:
    """Score the twin against a history; exit 1 when a row fails its threshold."""

    if replications < 1:
        fail(f"--replications: expected >= 1; found {replications}")
    limits = {}
    for item in threshold or []:
        key, _, value = item.partition("=")
        try:
            limits[key] = float(value)
        except ValueError:
            fail(f"--threshold: expected NAME=NUMBER; found {item!r}")
        if key not in THRESHOLDS:
            fail(f"--threshold: expected one of {', '.join(THRESHOLDS)}; found {key!r}")
    started = time.perf_counter()
    try:
        s = load_scenario(scenario)
        h = load_history(history)
    except (TableError, ScenarioError) as exc:
        sys.stderr.write(f"{exc}\n")
        raise typer.Exit(code=2) from None
    except OcelReadError as exc:
        fail(str(exc))
    rows = score(h, twin_histories(s, replications), limits)
    failed = [r for r in rows if r.verdict == "fail"]
    if as_json:
        doc = {
            "scenario": s.name,
            "history": str(history),
            "replications": replications,
            "passed": not failed,
            "rows": as_dicts(rows),
        }
        sys.stdout.write(json.dumps(doc, indent=2) + "\n")
    else:
        table = Table(title=f"fidelity: {s.name} ({replications} replication(s)) vs {history}")
        for col in ("row", "history", "twin (95% CI)", "distance", "threshold", "n", "verdict"):
            table.add_column(col, justify="left" if col in ("row", "verdict") else "right")
        for r in rows:
            twin = "" if r.twin is None else f"{r.twin:.4g}"
            if r.twin_ci is not None:
                twin += f" [{r.twin_ci[0]:.4g}, {r.twin_ci[1]:.4g}]"
            table.add_row(
                escape(r.name),
                "" if r.history is None else f"{r.history:.4g}",
                twin,
                "" if r.distance is None else f"{r.distance:.3f}",
                "" if r.threshold is None else f"{r.threshold:g}",
                f"{r.n_history:,} / {r.n_twin:,}",
                r.verdict,
            )
        out.print(table)
    err.print(
        f"{len(rows)} rows, {len(failed)} failed ({time.perf_counter() - started:.1f} s)",
        highlight=False,
        markup=False,
    )
    if failed:
        raise typer.Exit(code=1)
