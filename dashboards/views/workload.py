"""Team workload: per team, hours, utilisation, queues over time and labour cost, vs manual."""

from __future__ import annotations

import streamlit as st

from dashboards import figures, kpis, service, teams, ui
from dashboards import levers as lv

PAGE = "workload"

ui.intro("workload", "Team workload")

name = ui.scenario_picker(PAGE, service.FAST_SCENARIO)
base = service.base_document(name)
model = ui.model_picker(PAGE, service.default_model(base))
replications = ui.replications_picker(PAGE, default=2)
horizon = ui.horizon_picker(PAGE, name, base)
run_clicked = st.sidebar.button(
    "Run", type="primary", key=f"{PAGE}_run", icon=":material/play_arrow:"
)
request = {
    "scenario": name,
    "overrides": tuple(lv.to_overrides(lv.Levers(horizon_days=horizon), base)),
    "model": model,
    "replications": replications,
}
req = ui.submitted(PAGE, request, run_clicked)

result = ui.run_with_progress(
    f"Simulating {req['scenario']} ·",
    service.explore,
    req["scenario"],
    req["overrides"],
    req["model"],
    req["replications"],
    ui.results_dir(),
)

if result is not None:
    run, ref = result.run, result.reference
    st.subheader(
        f"{result.model} on {ui.scenario_label(result.scenario)}" + (" vs manual" if ref else "")
    )
    st.caption(f"{run.n} replication(s) · {run.summary.get('horizon_days')} days")
    st.markdown("#### Labour cost")
    ui.kpi_cards(result.summary, result.model, kpis.LABOUR, currency=run.currency, per_row=5)
    st.markdown("#### Service")
    ui.kpi_cards(result.summary, result.model, kpis.SERVICE, currency=run.currency)
    runs = {r.model: r.summary.get("kpis", {}) for r in (ref, run) if r is not None}
    table = teams.team_table(runs)
    long = teams.daily_long([r.daily for r in (ref, run) if r is not None])
    left, right = st.columns(2)
    with left:
        ui.plot(figures.team_series(long, "queue"))
        ui.plot(figures.team_utilisation(table))
    with right:
        ui.plot(figures.team_series(long, "worked_h"))
    st.markdown("#### Per team")
    st.dataframe(table, hide_index=True)
