"""Terminal output of experiments: rich tables of comparisons, sweeps and result listings, and
the progress bar (on stderr, with an ETA) of a long run.

Pure presentation: every function takes the objects or frames of :mod:`experiments.compare`,
:mod:`experiments.sweep` and :mod:`experiments.results` and returns a :class:`rich.table.Table`.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

import pandas as pd
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table

from experiments.result import TaskResult

#: what a sweep table shows when no --kpi is given
HEADLINE_KPIS = (
    "fill_rate",
    "oversell_rate",
    "otif_rate",
    "approval_cycle_time_mean_h",
    "touchless_rate",
)


#: the cost-against-service view of ``compare``: service first, then what it costs in people
SERVICE_KPIS = ("fill_rate", "otif_rate", "oversell_rate", "approval_cycle_time_p95_h")
LABOUR_KPIS = (
    "labour_worked_h",
    "labour_fte",
    "labour_cost",
    "labour_cost_per_order",
    "labour_cost_per_approval",
)


def fmt(v: Any) -> str:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return "—"
    if isinstance(v, bool):
        return str(v).lower()
    if isinstance(v, float):
        return f"{v:,.4f}" if abs(v) < 10 else f"{v:,.1f}"
    if isinstance(v, int):
        return f"{v:,}"
    return str(v)


def fmt_ci(ci: Sequence[float] | None) -> str:
    return "—" if ci is None else f"[{fmt(ci[0])}, {fmt(ci[1])}]"


def _short_diff(d: dict[str, Any], is_ref: bool) -> str:
    """A difference in one short cell: ``+0.0057 [-0.0111, 0.0224] n.s.``."""
    if is_ref:
        return "reference"
    if d.get("mean") is None:
        return "—"
    mean = d["mean"]
    text = f"{'+' if mean >= 0 else ''}{fmt(mean)} {fmt_ci(d.get('ci95'))}"
    return text + (" n.s." if d.get("significant") is False else "")


def comparison_table(
    comp: dict[str, Any],
    title: str,
    kpis: Sequence[str] | None = None,
    by_model: bool | None = None,
) -> Table:
    """Each KPI's mean and 95% interval per run, and each other run's difference to the ref.

    With two runs, one row per KPI (a column per run and one for the difference). With more
    (or ``by_model``), one row per KPI x run — the runs as rows, so the table stays about 100
    columns wide however many models are compared.
    """
    runs = comp["runs"]
    ref = comp["reference"]
    names = list(kpis) if kpis else list(next(iter(runs.values()))["kpis"])
    kind = "paired" if comp.get("paired") else "unpaired"
    caption = "n.s.: no significant difference (the 95% interval of the difference holds 0)"
    others = [label for label in runs if label != ref]
    if by_model is None:
        by_model = len(runs) > 2
    table = Table(title=title, caption=caption)
    if by_model:
        table = Table(title=title, caption=caption)
        table.add_column("KPI · model (replications)")
        table.add_column("mean [95% interval]", justify="right", no_wrap=True)
        table.add_column(f"difference to {ref} ({kind})", justify="right", no_wrap=True)
        for k in names:
            table.add_row(f"[bold]{k}[/]", "", "")
            for label, entry in runs.items():
                mean = f"{fmt(entry['kpis'].get(k))} {fmt_ci(entry['kpis_ci95'].get(k))}"
                d = {} if label == ref else comp["differences"][label].get(k, {})
                table.add_row(f"  {label} ({entry['n']})", mean, _short_diff(d, label == ref))
            table.add_section()
        return table
    table.add_column("KPI", no_wrap=True, min_width=max(map(len, names), default=3))
    for label, entry in runs.items():
        table.add_column(f"{label} (n={entry['n']})", justify="right")
    for label in others:
        table.add_column(f"{label} − {ref} ({kind})", justify="right")
    for k in names:
        row = [k]
        for entry in runs.values():
            row.append(f"{fmt(entry['kpis'].get(k))} {fmt_ci(entry['kpis_ci95'].get(k))}")
        for label in others:
            row.append(_short_diff(comp["differences"][label].get(k, {}), False))
        table.add_row(*row)
    return table


def cost_table(comp: dict[str, Any], title: str) -> Table | None:
    """Each model's labour cost beside its service, as differences to the reference (paired).

    One row per KPI — the service KPIs first, then hours, FTE, labour cost, cost per order and
    per approval — with the reference's mean and each other model's difference to it. None
    when the runs carry no labour KPIs.
    """
    runs, ref = comp["runs"], comp["reference"]
    first = next(iter(runs.values()), {"kpis": {}})["kpis"]
    if not any(k in first for k in LABOUR_KPIS):
        return None
    kind = "paired" if comp.get("paired") else "unpaired"
    table = Table(title=title, caption="n.s.: no significant difference (the interval holds 0)")
    table.add_column("KPI", no_wrap=True)
    table.add_column(f"{ref} (mean)", justify="right", no_wrap=True)
    others = [label for label in runs if label != ref]
    for label in others:
        table.add_column(f"{label} − {ref} ({kind})", justify="right", no_wrap=True)
    for group in (SERVICE_KPIS, LABOUR_KPIS):
        for k in group:
            if k not in first:
                continue
            diffs = [_short_diff(comp["differences"][o].get(k, {}), False) for o in others]
            table.add_row(k, fmt(runs[ref]["kpis"].get(k)), *diffs)
        table.add_section()
    return table


def sweep_table(
    summary: pd.DataFrame, params: Sequence[str], kpis: Sequence[str], title: str
) -> Table:
    """One row per point x model: parameters, replications ok / failed, chosen KPI means ± CI."""
    table = Table(title=title)
    longest = {
        c: max((len(str(v)) for v in summary[c]), default=0) if c in summary else 0
        for c in ("run", "model")
    }
    for c in ("run", *params, "model", "ok", "failed"):
        # names are never cut: the KPI columns wrap instead
        table.add_column(
            c,
            justify="right" if c in ("ok", "failed") else "left",
            min_width=longest.get(c),
            no_wrap=c in longest,
        )
    for k in kpis:
        table.add_column(k, justify="right")
    if summary.empty:
        return table
    for run, g in summary.groupby("run", sort=True):
        first = g.iloc[0]
        row = [str(run), *(fmt(_py(first[p])) for p in params), str(first["model"])]
        row += [fmt(int(first["n"])), fmt(int(first["failed"]))]
        by_kpi = g.set_index("kpi")
        for k in kpis:
            if k not in by_kpi.index:
                row.append("—")
                continue
            r = by_kpi.loc[k]
            mean, lo, hi = _py(r["mean"]), _py(r["ci95_low"]), _py(r["ci95_high"])
            half = None if lo is None or hi is None else (hi - lo) / 2
            row.append(fmt(mean) + ("" if half is None else f" ± {fmt(half)}"))
        table.add_row(*row)
    return table


def failures_table(failed: Sequence[dict[str, Any]]) -> Table:
    table = Table(title=f"failed runs ({len(failed)})")
    for c in ("run", "point", "params", "replication", "seed", "error"):
        table.add_column(c)
    for f in failed:
        params = ", ".join(f"{k}={v}" for k, v in f.get("params", {}).items())
        table.add_row(
            f["run"], str(f["point"]), params, str(f["replication"]), str(f["seed"]), f["error"]
        )
    return table


def frame_table(df: pd.DataFrame, title: str, columns: Sequence[str]) -> Table:
    table = Table(title=title)
    cols = [c for c in columns if c in df.columns]
    for c in cols:
        table.add_column(c)
    for _, r in df.iterrows():
        table.add_row(*(fmt(_py(r[c])) for c in cols))
    return table


def _py(v: Any) -> Any:
    """A pandas/numpy scalar as a plain Python value (NaN/NA as None)."""
    if v is None:
        return None
    try:
        if pd.isna(v):
            return None
    except (TypeError, ValueError):
        return v
    return v.item() if hasattr(v, "item") else v


# ---------------------------------------------------------------------------------- progress
#: redraws per second of every progress bar (rich's default is 10). A redraw lays out a table on
#: a thread that takes the GIL from the simulation running beside it: at 10 a second it was 8%
#: of a py-spy sample of ``peak_season_xl`` on a terminal. The bars' columns move by the second.
BAR_REFRESH_PER_S = 1.0


def progress_enabled(console: Console) -> bool:
    return console.is_terminal and not os.environ.get("CI")


class TaskProgress:
    """Callbacks for :func:`experiments.sweep.run_sweep` that drive a rich progress bar."""

    def __init__(self, progress: Progress, description: str):
        self.progress = progress
        self.description = description
        self.task = progress.add_task(description, total=None, failed=0, start=False)
        self.failed = 0
        self.done = 0

    def on_start(self, todo: int, reused: int) -> None:
        desc = self.description + (f" ({reused} reused)" if reused else "")
        self.progress.update(self.task, total=todo, description=desc)
        self.progress.start_task(self.task)

    def on_result(self, result: TaskResult, done: int, total: int) -> None:
        self.done = done
        if not result.ok:
            self.failed += 1
        self.progress.update(self.task, completed=done, failed=self.failed)

    def on_partial(self, fraction: float) -> None:
        self.progress.update(self.task, completed=self.done + fraction)


@contextmanager
def task_progress(console: Console, description: str) -> Iterator[TaskProgress]:
    with Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("runs · [red]{task.fields[failed]} failed"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
        console=console,
        disable=not progress_enabled(console),
        transient=True,
        refresh_per_second=BAR_REFRESH_PER_S,
    ) as progress:
        yield TaskProgress(progress, description)
