"""Resilience lab: one fault and its window, the run around it, and how long recovery takes."""

from __future__ import annotations

import streamlit as st

from dashboards import figures, kpis, recovery, service, ui
from dashboards import levers as lv

PAGE = "resilience"


def _count(x: float, signed: bool = False) -> str:
    """A count, or a mean of counts over replications (one decimal only when needed)."""
    spec = ("+" if signed else "") + (",.0f" if float(x).is_integer() else ",.1f")
    return format(x, spec)


ui.intro("resilience", "Resilience lab")

name = ui.scenario_picker(PAGE, service.FAST_SCENARIO)
base = service.base_document(name)
model = ui.model_picker(PAGE, default=service.REFERENCE)
replications = ui.replications_picker(PAGE)
horizon = ui.horizon_picker(PAGE, name, base)
with st.sidebar.container(border=True):
    st.markdown("**The fault**")
    fault = ui.fault_inputs(PAGE, name, horizon, st)
run_clicked = st.sidebar.button(
    "Run", type="primary", key=f"{PAGE}_run", icon=":material/play_arrow:"
)

request = {
    "scenario": name,
    "overrides": tuple(lv.to_overrides(lv.Levers(horizon_days=horizon), base)),
    "model": model,
    "fault": fault,
    "replications": replications,
}
req = ui.submitted(PAGE, request, run_clicked)

res = ui.run_with_progress(
    f"Simulating {req['scenario']} with and without the fault ·",
    service.resilience,
    req["scenario"],
    req["overrides"],
    req["model"],
    req["fault"],
    req["replications"],
    ui.results_dir(),
)

if res is not None:
    f, rec = res.fault, res.recovery
    st.subheader(
        f"{res.model} on {res.scenario}: {f.target} at {f.intensity:.0%} from day "
        f"{f.start_day:g} for {f.duration_h:g} h"
    )
    c1, c2, c3, c4, c5 = st.columns(5)
    drain = f"{rec.drain_days:.1f} days" if rec.drain_days is not None else "not drained"
    c1.metric(
        "Business drain",
        drain,
        help="From the end of the fault until open backorders + queued work + open exceptions "
        "are back to the no-fault level (daily closes).",
        border=True,
    )
    events = f"{res.event_drain_h:.0f} h" if res.event_drain_h is not None else "not drained"
    c2.metric(
        "Event drain",
        events,
        help="retail-twin check's backlog_drain_h: from the end of the fault until the events "
        "not yet settled by the orchestration layer are back to the no-fault level (hourly).",
        border=True,
    )
    c3.metric(
        "Orders at risk",
        f"{rec.orders_at_risk:,}",
        help="Online orders placed from the fault's start until the backlog drained.",
        border=True,
    )
    c4.metric(
        "Extra oversold orders",
        _count(rec.extra_oversold_orders, signed=True),
        help="Oversold orders with the fault minus without it (same seed).",
        border=True,
    )
    c5.metric(
        "Peak excess backlog",
        _count(rec.peak_excess_backlog),
        help="Largest daily excess of backorders + queue + open exceptions over the twin.",
        border=True,
    )
    if rec.drain_days is None:
        st.warning(
            "The backlog has not drained back to the no-fault level by the end of the horizon: "
            "lengthen the horizon or move the fault earlier."
        )
    if rec.owed_at_peak:
        owed = "\n".join(
            f"- {_count(v, signed=True)} {recovery.OWNERS[c]}" for c, v in rec.owed_at_peak
        )
        st.markdown(
            f"**Work still owed at the peak (day {rec.peak_day}), against the no-fault run:**"
            f"\n\n{owed}"
        )
    st.caption(
        f"{rec.orders_in_window:,} online orders were placed during the fault window itself; "
        f"open backorders peaked {_count(rec.extra_backorders_peak)} above the no-fault run. "
        "The two drain times measure different work: the business backlog is what customers "
        "and teams are owed; the event backlog is what the integration layer has not yet "
        "processed (docs/kpis.md)."
    )
    ui.plot(figures.resilience_timeline(res.timeline, f.start_day, f.end_day))
    st.markdown("#### What the fault changed over the whole run")
    ui.kpi_cards(res.summary, service.WITH_FAULT, kpis.RESILIENCE, res.with_fault.currency)
