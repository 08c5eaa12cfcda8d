"""``retail-twin bench``: the benchmark suite (see :mod:`experiments.bench`).

Registered on the app of :mod:`cli.app`. Exit codes: 0 measured (and, with
``--baseline``, no ratio regressed); 1 a ratio regressed by more than ``--tolerance`` or is
missing on one side; 2 a bad option or baseline file, or a benchmark that could not run
(nothing compared).
"""

from __future__ import annotations

import json
import math
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.table import Table

from cli.app import app, err, fail, out
from experiments import bench


def _met(value: bool | None) -> str:
    return "" if value is None else ("yes" if value else "NO")


def print_table(result: dict[str, Any]) -> None:
    table = Table(title=f"retail-twin bench ({result['mode']}, {result['wall_s']:.0f} s)")
    for col in ("case", "metric", "value", "target", "met?"):
        table.add_column(col, justify="right" if col == "value" else "left")
    for case, metric, value, target, met in bench.table_rows(result):
        table.add_row(case, metric, value, target, _met(met))
    out.print(table)
    m = result.get("machine", {})
    out.print(
        f"python {m.get('python')} · simpy {m.get('simpy')} · {m.get('usable_cpus')} usable "
        f"CPU(s) · load {m.get('load_avg_1m')}",
        highlight=False,
    )


def check_baseline(
    result: dict[str, Any], baseline: dict[str, Any], path: Path, tolerance: float, to_err: bool
) -> list[bench.RatioCheck]:
    """Compare the ratios of ``result`` to ``baseline``; print the verdict; return the checks."""
    checks = bench.compare_ratios(result["ratios"], baseline["ratios"], tolerance)
    console = err if to_err else out
    table = Table(title=f"ratios against {path} (tolerance {tolerance:.0%})")
    for col in ("ratio", "baseline", "now", "worse by", "ok?"):
        table.add_column(col)
    for c in checks:
        worse = "-" if c.worse_by is None else f"{c.worse_by:+.1%}"
        base = "-" if c.baseline is None else f"{c.baseline:g}"
        cur = "-" if c.current is None else f"{c.current:g}"
        table.add_row(c.name, base, cur, worse, "yes" if c.ok else "NO")
    console.print(table)
    for c in checks:
        if not c.ok:
            sys.stderr.write(f"regression: {c.message}\n")
    return checks


@app.command("bench")
def bench_command(
    quick: Annotated[
        bool, typer.Option("--quick", help="small sizes (about a minute); default: full sizes")
    ] = False,
    json_: Annotated[bool, typer.Option("--json", help="print the result as JSON")] = False,
    out_file: Annotated[
        Path | None, typer.Option("--out", help="write the result JSON to this file")
    ] = None,
    baseline: Annotated[
        Path | None,
        typer.Option(
            "--baseline", help="compare the ratios to this baseline JSON; exit 1 on a regression"
        ),
    ] = None,
    tolerance: Annotated[
        float, typer.Option(help="allowed relative regression of a ratio (0.30 = 30%)")
    ] = bench.DEFAULT_TOLERANCE,
) -> None:
    """Measure the twin's throughput, size and horizon scaling, and parallel speed-up."""
    if not (math.isfinite(tolerance) and tolerance >= 0):
        fail(f"--tolerance: expected a number >= 0, found {tolerance}")
    base_doc = None
    if baseline is not None:  # a bad baseline fails before minutes of measuring
        try:
            base_doc = bench.load_baseline(baseline)
        except bench.BaselineError as exc:
            fail(str(exc))
    mode = "quick" if quick else "full"
    if base_doc is not None and base_doc["mode"] != mode:
        fail(
            f"{baseline}: mode: the baseline is a {base_doc['mode']!r} bench and this run is "
            f"{mode!r}; their ratios are not comparable"
        )

    def progress(text: str) -> None:
        err.print(f"[dim]bench ·[/dim] {text}", highlight=False)

    try:
        result = bench.run_bench(mode, progress)
    except bench.BenchError as exc:
        fail(str(exc))
    checks = None
    if base_doc is not None:
        checks = check_baseline(result, base_doc, baseline, tolerance, to_err=json_)
        result["baseline_check"] = {
            "baseline": str(baseline),
            "tolerance": tolerance,
            "ok": all(c.ok for c in checks),
            "checks": [c.__dict__ for c in checks],
        }
    text = json.dumps(result, indent=2, allow_nan=False)
    if out_file is not None:
        out_file.parent.mkdir(parents=True, exist_ok=True)
        out_file.write_text(text + "\n", encoding="utf-8")
    if json_:
        sys.stdout.write(text + "\n")
    else:
        print_table(result)
    if checks is not None and not all(c.ok for c in checks):
        raise typer.Exit(code=1)
