"""Scenario explorer: a shipped scenario, the executive's levers, one model against manual."""

from __future__ import annotations

import streamlit as st

from dashboards import figures, kpis, service, ui
from dashboards import levers as lv

PAGE = "explorer"

ui.intro("explorer", "Scenario explorer")

name = ui.scenario_picker(PAGE, service.startup_scenario(ui.results_dir()))
base = service.base_document(name)
model = ui.model_picker(PAGE)
replications = ui.replications_picker(PAGE)
horizon = ui.horizon_picker(PAGE, name, base)
levers = ui.explorer_levers(PAGE, name, base, horizon)
run_clicked = st.sidebar.button(
    "Run", type="primary", key=f"{PAGE}_run", icon=":material/play_arrow:"
)

request = {
    "scenario": name,
    "overrides": tuple(lv.to_overrides(levers, base)),
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
    run = result.run
    ref = result.reference
    label = ui.scenario_label(result.scenario)
    st.subheader(f"{result.model} on {label}" + (" vs manual" if ref else ""))
    keys = [o.partition("=")[0] for o in result.overrides]
    st.caption(
        f"{run.n} replication(s) · seed {run.summary.get('seed')} · "
        f"{run.summary.get('horizon_days')} days · "
        + (
            f"changed: {', '.join(keys)}"
            if keys
            else "the library scenario as shipped"
            if label == result.scenario
            else "your file as opened"
        )
    )
    ui.kpi_cards(result.summary, result.model, currency=run.currency)

    daily, approvals = result.daily, result.approvals
    faults = run.summary.get("fault_windows", [])
    left, right = st.columns(2)
    with left:
        ui.plot(figures.shade_faults(figures.orders_vs_fill(daily), faults, daily))
        ui.plot(figures.shade_faults(figures.stock_and_stockouts(daily), faults, daily))
        ui.plot(figures.shade_faults(figures.queue_depth(daily), faults, daily))
    with right:
        ui.plot(figures.shade_faults(figures.oversold_per_day(daily), faults, daily))
        ui.plot(figures.approval_cycle_times(approvals))
        with st.expander("Every KPI", expanded=False):
            st.dataframe(kpis.comparison_table(result.summary), hide_index=True)
    with st.expander("Reproduce from the command line"):
        st.markdown("The resolved scenario of this run is saved beside its results:")
        st.code(service.reproduce_command(run), language="bash")
        if result.overrides:
            st.markdown("or, from the library scenario with the levers as overrides:")
            sets = " ".join(f"--set '{o}'" for o in result.overrides)
            st.code(
                f"retail-twin run {result.scenario} --model {result.model} "
                f"--replications {run.n} {sets}",
                language="bash",
            )
        st.caption(f"Run directory: `{run.run_dir}` (open it in Run history to download it).")
