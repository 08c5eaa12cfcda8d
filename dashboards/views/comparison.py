"""Model comparison: every orchestration model on one scenario, paired against manual."""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboards import figures, kpis, service, ui
from dashboards import levers as lv

PAGE = "comparison"

ui.intro("comparison", "Model comparison")

name = ui.scenario_picker(PAGE, service.FAST_SCENARIO)
base = service.base_document(name)
all_models = [m for m, _ in service.models()]
chosen = st.sidebar.multiselect(
    "Models",
    all_models,
    default=service.default_models(base),
    key=f"{PAGE}_models",
    help="manual is the reference",
)
replications = ui.replications_picker(PAGE, default=3)
horizon = ui.horizon_picker(PAGE, name, base)
explorer = st.session_state.get("explorer_request")
use_explorer = False
if explorer and explorer["scenario"] == name and explorer["overrides"]:
    use_explorer = st.sidebar.toggle(
        "Apply the explorer's levers",
        key=f"{PAGE}_use_explorer",
        help="; ".join(explorer["overrides"]),
    )
run_clicked = st.sidebar.button(
    "Run", type="primary", key=f"{PAGE}_run", icon=":material/play_arrow:"
)

overrides = list(explorer["overrides"]) if use_explorer else []
overrides = [o for o in overrides if not o.startswith("horizon_days=")]
overrides += lv.to_overrides(lv.Levers(horizon_days=horizon), base)
request = {
    "scenario": name,
    "overrides": tuple(overrides),
    "models": tuple(chosen) if chosen else (service.REFERENCE,),
    "replications": replications,
}
req = ui.submitted(PAGE, request, run_clicked)

comp = ui.run_with_progress(
    f"Comparing models on {req['scenario']} ·",
    service.compare,
    req["scenario"],
    req["overrides"],
    req["models"],
    req["replications"],
    ui.results_dir(),
)

if comp is not None:
    st.subheader(f"{len(comp.models)} models on {ui.scenario_label(comp.scenario)}")
    st.caption(
        f"{comp.replications} replication(s) each, common random numbers; differences are paired "
        f"against {comp.reference} · sweep directory `{comp.sweep_dir}`"
    )
    report = service.report_download(comp.sweep_dir)
    if report is not None:
        st.download_button(
            "Executive report (HTML)",
            report.data,
            file_name=f"report_{Path(comp.scenario).stem}.html",
            mime=report.mime,
            key=f"{PAGE}_report",
            on_click="ignore",
            icon=":material/description:",
            help="one self-contained page to forward: recommendation, evidence, charts, sources",
        )
    st.markdown("#### Verdict")
    st.markdown("\n".join(f"- {line}" for line in kpis.verdict(comp.summary)))

    left, right = st.columns(2)
    with left:
        ui.plot(figures.tradeoff_radar(kpis.tradeoff_scores(comp.summary)))
    with right:
        names = [k for k in kpis.CATALOGUE if k in set(comp.summary["kpi"])]
        focus = st.selectbox(
            "KPI",
            names,
            index=names.index("approval_cycle_time_p95_h")
            if "approval_cycle_time_p95_h" in names
            else 0,
            format_func=lambda k: kpis.kpi(k).label,
            key=f"{PAGE}_focus",
        )
        ui.plot(figures.kpi_bars(comp.summary, focus))
        if len(comp.models) > 1:
            ui.plot(figures.paired_differences(comp.summary, focus))
    labour = [k for k in kpis.LABOUR if k in set(comp.summary["kpi"])]
    if labour:
        st.markdown("#### What it costs in people, beside the service (paired vs manual)")
        st.dataframe(kpis.comparison_table(comp.summary, (*kpis.SERVICE, *labour)), hide_index=True)
    st.markdown("#### Every KPI: mean [95% CI] and paired difference vs manual")
    st.dataframe(
        kpis.comparison_table(comp.summary, tuple(k for k in kpis.CATALOGUE)),
        hide_index=True,
    )
