"""Every chart of the dashboard: pure functions from DataFrames to plotly figures.

No builder reads a file, a widget or a cache, or runs anything: each takes the frames the
service returns and gives back a :class:`plotly.graph_objects.Figure`, so a builder is tested by
handing it a small frame and looking at its traces. Inputs:

- a **daily** frame: the ``daily.parquet`` rows of one or more runs (``day``, ``date`` as a
  proleptic ordinal, the series of :mod:`sim.world`), with an optional ``model`` column (one run
  per model) and an optional ``replication`` column; series are averaged over replications;
- an **approvals** frame: ``approval_type``, ``cycle_time_h`` (simulated hours), optional ``model``;
- a **summary** frame: the long comparison table (model x KPI: ``mean``, ``ci95_low/high``,
  ``diff_mean``, ``diff_ci95_low/high``, ``reference``);
- **scores**: :func:`dashboards.kpis.tradeoff_scores`; a **timeline**:
  :func:`dashboards.recovery.timeline`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboards.kpis import kpi

MODEL_COLORS = {
    "manual": "#7f7f7f",
    "event_driven": "#1f77b4",
    "approval_centric": "#9467bd",
    "exception_driven": "#ff7f0e",
    "hybrid": "#2ca02c",
}
VARIANT_COLORS = {"with fault": "#d62728", "without fault": "#7f7f7f"}
FALLBACK = ("#17becf", "#bcbd22", "#e377c2", "#8c564b")
LAYOUT = {"margin": {"l": 10, "r": 10, "t": 50, "b": 10}, "legend": {"orientation": "h"}}


def color(name: str, i: int = 0) -> str:
    return MODEL_COLORS.get(name) or VARIANT_COLORS.get(name) or FALLBACK[i % len(FALLBACK)]


def _models(df: pd.DataFrame, column: str = "model") -> list[str]:
    return list(dict.fromkeys(df[column])) if column in df and not df.empty else [""]


def by_day(daily: pd.DataFrame, columns: Sequence[str], group: str = "model") -> pd.DataFrame:
    """Mean over replications of ``columns`` per (group, day), with a calendar ``x`` column."""
    cols = [c for c in columns if c in daily]
    if daily.empty:
        return pd.DataFrame(columns=[group, "day", "x", *cols])
    df = daily if group in daily else daily.assign(**{group: ""})
    keys = [group, "day"]
    if "date" in df:
        keys.append("date")
    out = df.groupby(keys, as_index=False, sort=False)[cols].mean(numeric_only=True)
    order = {g: i for i, g in enumerate(dict.fromkeys(df[group]))}  # first appearance
    out = out.assign(_order=out[group].map(order)).sort_values(["_order", "day"], kind="stable")
    out = out.drop(columns="_order")
    if "date" in out:
        out["x"] = [dt.date.fromordinal(int(d)) for d in out["date"]]
    else:
        out["x"] = out["day"]
    return out.reset_index(drop=True)


def shade_faults(fig: go.Figure, windows: Sequence[dict], daily: pd.DataFrame) -> go.Figure:
    """Shade a run's declared fault windows (``summary["fault_windows"]``) on a daily chart
    whose x axis is the date (or the day of the run), labelled with the fault and its target."""
    if not windows or daily.empty:
        return fig
    dated = "date" in daily
    origin = float(daily["date"].iloc[0] - daily["day"].iloc[0]) if dated else 0.0
    for w in windows:
        x0, x1 = origin + w["start_h"] / 24.0, origin + w["end_h"] / 24.0
        if dated:  # day ordinals to datetimes (dates at midnight, plus the hours)
            x0, x1 = (
                dt.datetime.fromordinal(int(x)) + dt.timedelta(days=x - int(x)) for x in (x0, x1)
            )
        fig.add_vrect(
            x0=x0,
            x1=x1,
            fillcolor="#d62728",
            opacity=0.10,
            line_width=0,
            annotation_text=f"{w['type']} · {w['target']}",
            annotation_position="top left",
            annotation_font_size=10,
        )
    return fig


def _name(model: str, what: str) -> str:
    return f"{what} · {model}" if model else what


def orders_vs_fill(daily: pd.DataFrame) -> go.Figure:
    """Online orders per day (bars, left axis) against the day's fill rate (lines, right)."""
    df = by_day(daily, ["online_orders", "fill_rate"])
    fig = make_subplots(specs=[[{"secondary_y": True}]])
    for i, (model, g) in enumerate(df.groupby("model", sort=False)):
        c = color(str(model), i)
        fig.add_trace(
            go.Bar(
                x=g["x"],
                y=g["online_orders"],
                name=_name(str(model), "online orders"),
                marker_color=c,
                opacity=0.35,
            ),
            secondary_y=False,
        )
        fig.add_trace(
            go.Scatter(
                x=g["x"],
                y=g["fill_rate"],
                name=_name(str(model), "fill rate"),
                mode="lines+markers",
                line={"color": c},
            ),
            secondary_y=True,
        )
    fig.update_layout(title="Daily orders vs fill rate", barmode="group", **LAYOUT)
    fig.update_yaxes(title_text="online orders / day", secondary_y=False)
    fig.update_yaxes(title_text="fill rate", tickformat=".1%", secondary_y=True)
    return fig


def stock_and_stockouts(daily: pd.DataFrame) -> go.Figure:
    """Stock on hand (stores, warehouses) and stockouts (location x SKU) at each day's close."""
    cols = [
        "stock_on_hand_stores",
        "stock_on_hand_warehouses",
        "stockouts_stores",
        "stockouts_warehouses",
    ]
    df = by_day(daily, cols)
    fig = make_subplots(
        rows=2,
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.08,
        subplot_titles=("Stock on hand (units)", "Stockouts (location x SKU empty)"),
    )
    for i, (model, g) in enumerate(df.groupby("model", sort=False)):
        c = color(str(model), i)
        m = str(model)
        fig.add_trace(
            go.Scatter(x=g["x"], y=g["stock_on_hand_stores"], name=_name(m, "stores"),
                       line={"color": c}),
            row=1, col=1,
        )  # fmt: skip
        fig.add_trace(
            go.Scatter(x=g["x"], y=g["stock_on_hand_warehouses"], name=_name(m, "warehouses"),
                       line={"color": c, "dash": "dot"}),
            row=1, col=1,
        )  # fmt: skip
        fig.add_trace(
            go.Bar(
                x=g["x"],
                y=g["stockouts_stores"] + g["stockouts_warehouses"],
                name=_name(m, "stockouts"),
                marker_color=c,
            ),
            row=2,
            col=1,
        )
    fig.update_layout(title="Stock on hand and stockouts", barmode="group", **LAYOUT)
    return fig


def oversold_per_day(daily: pd.DataFrame) -> go.Figure:
    """Online orders accepted on stock that was already short, per day."""
    df = by_day(daily, ["oversold_orders"])
    fig = go.Figure()
    for i, (model, g) in enumerate(df.groupby("model", sort=False)):
        fig.add_trace(
            go.Bar(
                x=g["x"],
                y=g["oversold_orders"],
                name=_name(str(model), "oversold"),
                marker_color=color(str(model), i),
            )
        )
    fig.update_layout(title="Oversold orders per day", barmode="group", **LAYOUT)
    fig.update_yaxes(title_text="orders", rangemode="nonnegative")
    return fig


def approval_cycle_times(approvals: pd.DataFrame, kind: str = "box") -> go.Figure:
    """Distribution of approval cycle times (request to decision, hours) by approval type."""
    fig = go.Figure()
    if approvals.empty:
        fig.update_layout(title="Approval cycle time by type (no approvals decided)", **LAYOUT)
        return fig
    df = approvals if "model" in approvals else approvals.assign(model="")
    for i, (model, g) in enumerate(df.groupby("model", sort=False)):
        common = {
            "x": g["approval_type"],
            "y": g["cycle_time_h"],
            "name": str(model) or "approvals",
            "marker_color": color(str(model), i),
        }
        if kind == "violin":
            fig.add_trace(go.Violin(**common, box_visible=True, points=False))
        else:
            fig.add_trace(go.Box(**common, boxpoints=False))
    fig.update_layout(
        title="Approval cycle time by type",
        boxmode="group",
        violinmode="group",
        **LAYOUT,
    )
    fig.update_yaxes(title_text="hours from request to decision")
    fig.update_xaxes(title_text="approval type")
    return fig


def approval_cycle_boxes(approvals: pd.DataFrame) -> go.Figure:
    """:func:`approval_cycle_times` drawn from each box's statistics, not from every sample
    (quartiles, and whiskers at the furthest point within 1.5 IQR, as plotly draws them): the
    same boxes in a few hundred bytes, for a document with hundreds of thousands of approvals."""
    fig = go.Figure()
    if approvals.empty:
        fig.update_layout(title="Approval cycle time by type (no approvals decided)", **LAYOUT)
        return fig
    df = approvals if "model" in approvals else approvals.assign(model="")
    for i, (model, g) in enumerate(df.groupby("model", sort=False)):
        stats = {k: [] for k in ("x", "q1", "median", "q3", "lowerfence", "upperfence")}
        for kind, h in g.groupby("approval_type", sort=True):
            y = h["cycle_time_h"].astype(float)
            q1, med, q3 = (float(y.quantile(q)) for q in (0.25, 0.5, 0.75))
            iqr = q3 - q1
            stats["x"].append(kind)
            stats["q1"].append(q1)
            stats["median"].append(med)
            stats["q3"].append(q3)
            stats["lowerfence"].append(float(y[y >= q1 - 1.5 * iqr].min()))
            stats["upperfence"].append(float(y[y <= q3 + 1.5 * iqr].max()))
        fig.add_trace(
            go.Box(**stats, name=str(model) or "approvals", marker_color=color(str(model), i))
        )
    fig.update_layout(title="Approval cycle time by type", boxmode="group", **LAYOUT)
    fig.update_yaxes(title_text="hours from request to decision")
    fig.update_xaxes(title_text="approval type")
    return fig


def queue_depth(daily: pd.DataFrame, series: Sequence[str] = ("queue_depth",)) -> go.Figure:
    """Work waiting at each day's close (the model's queue depth; optionally more series)."""
    df = by_day(daily, series)
    fig = go.Figure()
    dashes = ("solid", "dot", "dash", "dashdot")
    for i, (model, g) in enumerate(df.groupby("model", sort=False)):
        for j, s in enumerate(c for c in series if c in g):
            fig.add_trace(
                go.Scatter(
                    x=g["x"],
                    y=g[s],
                    name=_name(str(model), s.replace("_", " ")),
                    mode="lines",
                    line={"color": color(str(model), i), "dash": dashes[j % len(dashes)]},
                )
            )
    fig.update_layout(title="Queue depth over time", **LAYOUT)
    fig.update_yaxes(title_text="items waiting")
    return fig


def team_series(long: pd.DataFrame, what: str = "queue") -> go.Figure:
    """Per team, one daily series of :func:`dashboards.teams.daily_long` over time: ``queue``
    (tasks waiting for a person at the day's close) or ``worked_h`` (hours worked that day);
    one line per team (and per model, dashed after the first)."""
    fig = go.Figure()
    dashes = ("solid", "dot", "dash", "dashdot")
    for j, (model, m) in enumerate(long.groupby("model", sort=False)):
        for i, (team, g) in enumerate(m.groupby("team", sort=False)):
            dated = g["date"].notna().all()
            x = [dt.date.fromordinal(int(d)) for d in g["date"]] if dated else g["day"]
            fig.add_trace(
                go.Scatter(
                    x=x,
                    y=g[what],
                    name=_name(str(model), str(team)),
                    mode="lines",
                    line={"color": FALLBACK[i % len(FALLBACK)], "dash": dashes[j % len(dashes)]},
                )
            )
    title = "Queue length by team" if what == "queue" else "Hours worked per day by team"
    fig.update_layout(title=title, **LAYOUT)
    fig.update_yaxes(title_text="tasks waiting at close" if what == "queue" else "hours")
    return fig


def team_utilisation(teams: pd.DataFrame) -> go.Figure:
    """Utilisation of each team's scheduled hours, one bar group per model."""
    fig = go.Figure()
    for i, (model, g) in enumerate(teams.groupby("model", sort=False)):
        fig.add_trace(
            go.Bar(x=g["team"], y=g["utilisation"], name=str(model), marker_color=color(model, i))
        )
    fig.update_layout(title="Utilisation by team", barmode="group", **LAYOUT)
    fig.update_yaxes(title_text="share of scheduled hours worked", tickformat=".0%")
    return fig


# ------------------------------------------------------------------------------ comparison
def tradeoff_radar(scores: pd.DataFrame) -> go.Figure:
    """Each model's score (1 = best of those compared) on the speed/control/resilience KPIs."""
    fig = go.Figure()
    for i, (model, g) in enumerate(scores.groupby("model", sort=False)):
        g = g.dropna(subset=["score"])
        theta = [*g["axis"], g["axis"].iloc[0]] if len(g) else []
        r = [*g["score"], g["score"].iloc[0]] if len(g) else []
        fig.add_trace(
            go.Scatterpolar(
                r=r,
                theta=theta,
                name=str(model),
                fill="toself",
                opacity=0.55,
                line={"color": color(str(model), i)},
            )
        )
    fig.update_layout(
        title="Trade-off: 1 = best of the models compared",
        polar={"radialaxis": {"range": [0, 1], "tickvals": [0, 0.5, 1]}},
        **LAYOUT,
    )
    fig.update_layout(margin={"l": 90, "r": 90, "t": 100, "b": 30})  # room for axis labels
    return fig


def kpi_bars(summary: pd.DataFrame, name: str) -> go.Figure:
    """The mean of one KPI per model, with its 95% interval as error bars."""
    df = summary[summary["kpi"] == name]
    fig = go.Figure()
    for i, row in enumerate(df.itertuples(index=False)):
        err = None
        if pd.notna(row.ci95_low) and pd.notna(row.ci95_high):
            err = {
                "type": "data",
                "symmetric": False,
                "array": [row.ci95_high - row.mean],
                "arrayminus": [row.mean - row.ci95_low],
            }
        fig.add_trace(
            go.Bar(
                x=[row.model],
                y=[row.mean],
                name=str(row.model),
                marker_color=color(str(row.model), i),
                error_y=err,
            )
        )
    k = kpi(name)
    fig.update_layout(title=f"{k.label} by model (95% interval)", showlegend=False, **LAYOUT)
    fig.update_yaxes(title_text=k.label, tickformat=".1%" if k.unit == "rate" else None)
    return fig


def paired_differences(summary: pd.DataFrame, name: str) -> go.Figure:
    """Each model minus the reference on one KPI (paired by replication), with its interval."""
    df = summary[(summary["kpi"] == name) & (summary["model"] != summary["reference"])]
    fig = go.Figure()
    for i, row in enumerate(df.itertuples(index=False)):
        err = None
        if pd.notna(row.diff_ci95_low) and pd.notna(row.diff_ci95_high):
            err = {
                "type": "data",
                "symmetric": False,
                "array": [row.diff_ci95_high - row.diff_mean],
                "arrayminus": [row.diff_mean - row.diff_ci95_low],
            }
        fig.add_trace(
            go.Scatter(
                x=[row.diff_mean],
                y=[row.model],
                mode="markers",
                name=str(row.model),
                marker={"color": color(str(row.model), i), "size": 12},
                error_x=err,
            )
        )
    ref = str(df["reference"].iloc[0]) if len(df) else "reference"
    fig.add_vline(x=0, line_dash="dash", line_color="#444")
    fig.update_layout(title=f"{kpi(name).label}: difference vs {ref}", showlegend=False, **LAYOUT)
    return fig


# ------------------------------------------------------------------------------ resilience
def resilience_timeline(
    timeline: pd.DataFrame,
    start_day: float,
    end_day: float,
    series: Sequence[str] = ("backorders_open", "queue_depth", "open_exceptions", "fill_rate"),
) -> go.Figure:
    """The daily series around a fault, with and without it; the fault window shaded."""
    present = [s for s in series if s in timeline]
    fig = make_subplots(
        rows=max(1, len(present)),
        cols=1,
        shared_xaxes=True,
        vertical_spacing=0.05,
        subplot_titles=[s.replace("_", " ") for s in present],
    )
    for r, s in enumerate(present, start=1):
        for variant, g in timeline.groupby("variant", sort=False):
            fig.add_trace(
                go.Scatter(
                    x=g["day"],
                    y=g[s],
                    name=str(variant),
                    legendgroup=str(variant),
                    showlegend=r == 1,
                    mode="lines+markers",
                    line={
                        "color": color(str(variant)),
                        "dash": "dot" if variant == "without fault" else "solid",
                    },
                ),
                row=r,
                col=1,
            )
        if s == "fill_rate":
            fig.update_yaxes(tickformat=".0%", row=r, col=1)
    fig.add_vrect(
        x0=start_day,
        x1=end_day,
        fillcolor="#d62728",
        opacity=0.12,
        line_width=0,
        row="all",
        col=1,
    )
    fig.update_xaxes(title_text="day of the run", row=max(1, len(present)), col=1)
    fig.update_layout(
        title="Around the fault (shaded: the fault window)",
        height=220 * max(1, len(present)),
        **LAYOUT,
    )
    return fig
