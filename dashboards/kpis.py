"""The KPIs an executive reads, and how the dashboard words them.

A catalogue of the KPIs of ``KPIS.md`` that the pages show (label, unit, which direction is
better), their formatting (rates as percentages, differences of rates in percentage points,
durations in simulated hours, money in the scenario's currency), the three trade-off dimensions
of the model comparison (speed, control, resilience) and the plain-language verdict of a
comparison. Everything here is a pure function of numbers or of the long comparison table
written by :mod:`experiments.sweep` (``summary.parquet``: one row per model x KPI with ``mean``,
``ci95_low/high``, ``diff_mean``, ``diff_ci95_low/high`` and ``significant``). Nothing is
computed from a simulation here.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Literal

import pandas as pd

from experiments.intervals import kpi_unit

Unit = Literal["rate", "hours", "money", "count"]


@dataclass(frozen=True)
class Kpi:
    name: str
    label: str
    unit: Unit
    better: Literal["higher", "lower"]
    help: str = ""


CATALOGUE: dict[str, Kpi] = {
    k.name: k
    for k in (
        Kpi("fill_rate", "Fill rate", "rate", "higher", "units served from stock at first try"),
        Kpi("oversell_rate", "Oversell rate", "rate", "lower", "online orders sold on stale stock"),
        Kpi("stockout_rate", "Stockout rate", "rate", "lower", "location x SKU x days empty"),
        Kpi("otif_rate", "On time in full", "rate", "higher", "online orders delivered complete"),
        Kpi(
            "approval_cycle_time_p95_h",
            "Approval p95",
            "hours",
            "lower",
            "95th percentile from request to decision",
        ),
        Kpi("approval_cycle_time_mean_h", "Approval mean", "hours", "lower"),
        Kpi(
            "approval_sla_breach_rate",
            "Approval SLA breaches",
            "rate",
            "lower",
            "decided after the deadline of their risk tier",
        ),
        Kpi("touchless_rate", "Touchless approvals", "rate", "higher", "decided with no person"),
        Kpi("margin_leakage", "Margin leakage", "money", "lower", "discount below margin floor"),
        Kpi("refund_losses", "Refund losses", "money", "lower", "refunds paid on fraud"),
        Kpi("sod_violations_total", "SoD violations", "count", "lower", "must be 0"),
        Kpi("events_in_flight_at_end", "Events in flight", "count", "lower", "still unsettled"),
        Kpi("dead_letters_total", "Dead letters", "count", "lower", "integration calls given up"),
        Kpi("lost_revenue", "Lost revenue", "money", "lower"),
        Kpi("revenue", "Revenue", "money", "higher"),
        Kpi("queue_depth_max", "Peak queue depth", "count", "lower"),
        Kpi("integration_retries_total", "Integration retries", "count", "lower"),
        Kpi("exceptions_total", "Exceptions", "count", "lower"),
        Kpi("labour_worked_h", "Hours worked", "hours", "lower", "all teams' task hours"),
        Kpi("labour_fte", "FTE", "count", "lower", "worked hours / 40 h per week of horizon"),
        Kpi("labour_cost", "Labour cost", "money", "lower", "worked hours x pool hourly cost"),
        Kpi("labour_cost_per_order", "Labour cost per order", "money", "lower"),
        Kpi("labour_cost_per_approval", "Labour cost per approval", "money", "lower"),
    )
}

#: what a model costs in people, shown beside the service KPIs (comparison, workload)
SERVICE = ("fill_rate", "otif_rate", "oversell_rate", "approval_cycle_time_p95_h")
LABOUR = (
    "labour_worked_h",
    "labour_fte",
    "labour_cost",
    "labour_cost_per_order",
    "labour_cost_per_approval",
)

#: the cards of the scenario explorer, in reading order
HEADLINE = (
    "fill_rate",
    "oversell_rate",
    "approval_cycle_time_p95_h",
    "approval_sla_breach_rate",
    "stockout_rate",
    "otif_rate",
    "touchless_rate",
    "margin_leakage",
)

#: what a fault changes, in the resilience lab
RESILIENCE = (
    "fill_rate",
    "oversell_rate",
    "otif_rate",
    "exceptions_total",
    "dead_letters_total",
    "integration_retries_total",
    "events_in_flight_at_end",
    "queue_depth_max",
)

#: the trade-off of the model comparison: dimension -> KPIs
TRADEOFF: dict[str, tuple[str, ...]] = {
    "Speed": ("approval_cycle_time_p95_h", "fill_rate"),
    "Control": ("margin_leakage", "refund_losses", "sod_violations_total"),
    "Resilience": ("oversell_rate", "events_in_flight_at_end", "dead_letters_total"),
}

#: the KPIs the verdict talks about
VERDICT_KPIS = ("approval_cycle_time_p95_h", "oversell_rate", "fill_rate", "margin_leakage")


_UNIT_OF: dict[str, Unit] = {"rate": "rate", "money": "money", "net money": "money"}


def kpi(name: str) -> Kpi:
    """The catalogue entry of ``name``; another KPI gets an entry from its name (KPIS.md's
    units: a rate, hours, money or a count; lower is better)."""
    if name in CATALOGUE:
        return CATALOGUE[name]
    unit = _UNIT_OF.get(kpi_unit(name), "hours" if name.endswith("_h") else "count")
    words = name.removesuffix("_h") if unit == "hours" else name
    label = words.replace("_", " ").capitalize()
    return Kpi(name, label, unit, "lower")


def _missing(v: Any) -> bool:
    if v is None:
        return True
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def fmt_value(name: str, v: Any, currency: str = "USD") -> str:
    """A KPI value as an executive reads it (``—`` when the KPI does not apply)."""
    if _missing(v):
        return "—"
    unit = kpi(name).unit
    v = float(v)
    if unit == "rate":
        return f"{v * 100:.1f}%"
    if unit == "hours":
        return f"{v:,.1f} h"
    if unit == "money":
        return f"{v:,.{_cents(v)}f} {currency}"
    return f"{v:,.0f}" if v == int(v) else f"{v:,.1f}"


def _cents(v: float) -> int:
    """Money under 100 (a cost per order) keeps its cents; larger amounts are whole."""
    return 2 if 0 < abs(v) < 100 else 0


def is_nil(name: str, d: Any) -> bool:
    """True when a difference rounds to zero at the precision it is shown with."""
    if _missing(d):
        return False
    unit, a = kpi(name).unit, abs(float(d))
    return a * 100 < 0.05 if unit == "rate" else a < (0.5 if unit == "money" else 0.05)


def fmt_delta(name: str, d: Any, currency: str = "USD") -> str:
    """A difference of a KPI, signed (rates in percentage points; no sign when it is nil)."""
    if _missing(d):
        return "—"
    unit = kpi(name).unit
    if is_nil(name, d):
        return {"rate": "0.0 pp", "hours": "0.0 h", "money": f"0 {currency}"}.get(unit, "0")
    d = float(d)
    sign = "+" if d >= 0 else "-"
    a = abs(d)
    if unit == "rate":
        return f"{sign}{a * 100:.1f} pp"
    if unit == "hours":
        return f"{sign}{a:,.1f} h"
    if unit == "money":
        return f"{sign}{a:,.{_cents(a)}f} {currency}"
    return f"{sign}{a:,.0f}" if a == int(a) else f"{sign}{a:,.1f}"


def fmt_interval(name: str, lo: Any, hi: Any, delta: bool = False, currency: str = "USD") -> str:
    """``[lo, hi]`` in the KPI's unit; empty when there is no interval."""
    if _missing(lo) or _missing(hi):
        return ""
    f = fmt_delta if delta else fmt_value
    return f"[{f(name, lo, currency)}, {f(name, hi, currency)}]"


def significant(v: Any) -> bool | None:
    """The ``significant`` cell of a comparison: True, False, or None (no interval)."""
    return None if _missing(v) else bool(v)


def delta_color(name: str) -> Literal["normal", "inverse"]:
    """``st.metric``'s colouring: green when the KPI moved the good way."""
    return "normal" if kpi(name).better == "higher" else "inverse"


def is_better(name: str, d: float) -> bool:
    return d > 0 if kpi(name).better == "higher" else d < 0


# ------------------------------------------------------------------------------ comparison
def comparison_table(summary: pd.DataFrame, kpis: tuple[str, ...] | None = None) -> pd.DataFrame:
    """The long comparison table as one row per KPI and two columns per model.

    ``MODEL`` holds the mean and its interval; ``MODEL Δ`` the paired difference against the
    reference with its interval, marked ``(n.s.)`` when the interval holds 0.
    """
    if summary.empty:
        return pd.DataFrame()
    names = list(kpis) if kpis else list(dict.fromkeys(summary["kpi"]))
    models = list(dict.fromkeys(summary["model"]))
    rows = []
    for name in names:
        row: dict[str, Any] = {"KPI": kpi(name).label}
        for model in models:
            hit = summary[(summary["model"] == model) & (summary["kpi"] == name)]
            if hit.empty:
                continue
            r = hit.iloc[0]
            ci = fmt_interval(name, r["ci95_low"], r["ci95_high"])
            row[model] = f"{fmt_value(name, r['mean'])} {ci}".strip()
            if model != r["reference"]:
                dci = fmt_interval(name, r["diff_ci95_low"], r["diff_ci95_high"], delta=True)
                mark = " (n.s.)" if significant(r["significant"]) is False else ""
                row[f"{model} Δ"] = f"{fmt_delta(name, r['diff_mean'])} {dci}{mark}".strip()
        rows.append(row)
    return pd.DataFrame(rows)


def tradeoff_scores(summary: pd.DataFrame) -> pd.DataFrame:
    """Per model and trade-off KPI, a score in [0, 1]: 1 is the best of the models compared.

    Min-max over the models (direction-aware); a KPI on which every model is equal scores 1
    for all; a KPI that does not apply (null) has no score. Columns: model, dimension, kpi,
    axis (the label on the chart: KPI, then dimension), value, score.
    """
    rows = []
    for dim, names in TRADEOFF.items():
        for name in names:
            part = summary[summary["kpi"] == name]
            values = {
                m: (None if _missing(v) else float(v))
                for m, v in zip(part["model"], part["mean"], strict=True)
            }
            known = [v for v in values.values() if v is not None]
            lo, hi = (min(known), max(known)) if known else (0.0, 0.0)
            for model, v in values.items():
                if v is None:
                    score = None
                elif math.isclose(hi, lo):
                    score = 1.0
                elif kpi(name).better == "higher":
                    score = (v - lo) / (hi - lo)
                else:
                    score = (hi - v) / (hi - lo)
                rows.append(
                    {
                        "model": model,
                        "dimension": dim,
                        "kpi": name,
                        "axis": f"{kpi(name).label}<br>({dim.lower()})",
                        "value": v,
                        "score": score,
                    }
                )
    return pd.DataFrame(rows, columns=["model", "dimension", "kpi", "axis", "value", "score"])


def verdict(summary: pd.DataFrame, kpis: tuple[str, ...] = VERDICT_KPIS) -> list[str]:
    """Plain-language sentences (markdown) comparing every model with the reference.

    A difference is stated as real only when its paired 95% interval excludes 0; otherwise the
    sentence says there is no significant difference. With one replication there is no interval,
    and the verdict says so instead of guessing.
    """
    if summary.empty:
        return ["No results to compare."]
    ref = str(summary["reference"].iloc[0])
    n = int(summary["n"].min()) if "n" in summary else 0
    out = []
    if n < 2:
        out.append(
            f"Only {n} replication(s): the differences below are single draws with no interval, "
            "so they may be noise. Run 2 or more replications to tell effects from chance."
        )
    for model in dict.fromkeys(summary["model"]):
        if model == ref:
            continue
        better, worse, same = [], [], []
        for name in kpis:
            hit = summary[(summary["model"] == model) & (summary["kpi"] == name)]
            if hit.empty or _missing(hit.iloc[0]["diff_mean"]):
                continue
            r = hit.iloc[0]
            label = kpi(name).label.lower()
            ci = fmt_interval(name, r["diff_ci95_low"], r["diff_ci95_high"], delta=True)
            text = f"{label} {fmt_delta(name, r['diff_mean'])}" + (f" (95% CI {ci})" if ci else "")
            if n >= 2 and not significant(r["significant"]):
                same.append(f"{label} (interval {ci} holds 0)" if ci else label)
            elif is_better(name, float(r["diff_mean"])):
                better.append(text)
            elif float(r["diff_mean"]) != 0:
                worse.append(text)
            else:
                same.append(label)
        parts = []
        if better:
            parts.append("better on " + "; ".join(better))
        if worse:
            parts.append("worse on " + "; ".join(worse))
        if same:
            parts.append("no significant difference in " + "; ".join(same))
        text = "; ".join(parts) if parts else "no comparable KPI"
        out.append(f"**{model}** vs {ref}: {text}.")
    return out
