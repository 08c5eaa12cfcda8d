"""Fidelity: the twin scored against a retailer's history, KPI by KPI and distribution by
distribution (the scorecard of ``retail-twin fidelity``)."""

from __future__ import annotations

import streamlit as st

from dashboards import service, ui

PAGE = "fidelity"
RESULT = "fidelity.result"

ui.intro("fidelity", "Fidelity scorecard")
left, mid, right = st.columns([3, 3, 1])
scenario = left.text_input("Scenario (library name or YAML path)", value="tiny")
history = mid.text_input("History (tables directory or OCEL 2.0 file)", value="")
replications = right.number_input("Replications", min_value=1, max_value=20, value=3)

if st.button("Score the twin", type="primary", disabled=not history.strip()):
    try:
        with st.spinner("Running the twin and reading its log back..."):
            rows = service.fidelity(scenario.strip(), history.strip(), int(replications))
    except service.FidelityInputError as exc:
        st.session_state.pop(RESULT, None)
        st.error(str(exc))
    else:
        st.session_state[RESULT] = (scenario.strip(), history.strip(), int(replications), rows)

result = st.session_state.get(RESULT)
if result is None:
    st.info("Give a scenario and a history, then score the twin.")
else:
    name, path, reps, rows = result
    failed = int((rows["verdict"] == "fail").sum())
    passed = int((rows["verdict"] == "pass").sum())
    a, b, c = st.columns(3)
    a.metric("Verdict", "fails" if failed else "passes")
    b.metric("Rows passed", passed)
    c.metric("Rows failed", failed)
    for kind, title in (("kpi", "KPIs"), ("distribution", "Distributions")):
        st.subheader(title)
        part = rows[rows["kind"] == kind].drop(columns=["kind"])
        if kind == "distribution":
            part = part.drop(columns=["history", "twin", "twin_ci"])
        st.dataframe(
            part,
            hide_index=True,
            column_config={
                "distance": st.column_config.NumberColumn(format="%.3f"),
                "threshold": st.column_config.NumberColumn(format="%.3f"),
            },
        )
    st.caption(f"Reproduce: `retail-twin fidelity {name} --history {path} --replications {reps}`")
