"""Run history: past runs and sweeps from the results directory; reopen, download, reproduce."""

from __future__ import annotations

import streamlit as st

from dashboards import figures, kpis, service, ui

PAGE = "history"
RUN_COLUMNS = [
    "modified",
    "scenario",
    "model",
    "replications",
    "horizon_days",
    "seed",
    "fill_rate",
    "oversell_rate",
    "approval_cycle_time_p95_h",
    "wall_s",
    "run_dir",
]

ui.intro("history", "Run history")
root = ui.results_dir()
skipped: list[tuple[str, str]] = []
runs, sweeps = service.history(root, skipped)
for path, reason in skipped:
    st.warning(f"Skipped `{path}`: {reason}", icon=":material/warning:")

if runs.empty and sweeps.empty:
    st.info(
        f"No runs yet under `{root}`. Run a scenario in the Scenario explorer, or from the "
        "command line: `retail-twin run tiny --out runs/tiny`."
    )
else:
    runs_tab, sweeps_tab = st.tabs(
        [f"Runs ({len(runs)})", f"Comparisons and sweeps ({len(sweeps)})"]
    )
    with runs_tab:
        if runs.empty:
            st.info("No single runs yet.")
        else:
            st.dataframe(
                runs[[c for c in RUN_COLUMNS if c in runs]],
                hide_index=True,
                height=240,
                column_config={
                    "modified": st.column_config.DatetimeColumn(format="YYYY-MM-DD HH:mm"),
                    "fill_rate": st.column_config.NumberColumn("fill rate", format="percent"),
                    "oversell_rate": st.column_config.NumberColumn(
                        "oversell rate", format="percent"
                    ),
                    "approval_cycle_time_p95_h": st.column_config.NumberColumn(
                        "approval p95 (h)", format="%.1f"
                    ),
                    "wall_s": st.column_config.NumberColumn("wall (s)", format="%.1f"),
                },
            )
            options = list(runs["run_dir"])
            label = {
                r["run_dir"]: f"{r['scenario']} · {r['model']} · {r['replications']} rep · "
                f"{r['run_dir']}"
                for r in runs.to_dict("records")
            }
            chosen = st.selectbox("Reopen a run", options, format_func=label.get, key=f"{PAGE}_run")
            run = service.open_run(chosen)
            summary = service.paired_summary([run])
            ui.kpi_cards(summary, run.model, currency=run.currency)
            left, right = st.columns(2)
            with left:
                ui.plot(figures.orders_vs_fill(run.daily))
            with right:
                ui.plot(figures.approval_cycle_times(run.approvals))
            st.markdown("**Download**")
            ui.downloads(service.run_downloads(run), key=f"{PAGE}_dl_run")
            st.markdown("Reproduce it from the command line:")
            st.code(service.reproduce_command(run), language="bash")
    with sweeps_tab:
        if sweeps.empty:
            st.info("No comparisons or sweeps yet.")
        else:
            st.dataframe(sweeps, hide_index=True, height=200)
            done = sweeps[sweeps["finished"]] if "finished" in sweeps else sweeps
            if not done.empty:
                chosen_sweep = st.selectbox(
                    "Reopen a comparison or sweep", list(done["sweep_dir"]), key=f"{PAGE}_sweep"
                )
                comp = service.open_sweep(chosen_sweep)
                summary = comp.summary
                points = sorted(set(summary["point"])) if "point" in summary else []
                if len(points) > 1:
                    point = st.selectbox("Grid point", points, key=f"{PAGE}_point")
                    summary = summary[summary["point"] == point]
                st.markdown("\n".join(f"- {line}" for line in kpis.verdict(summary)))
                ui.plot(figures.tradeoff_radar(kpis.tradeoff_scores(summary)))
                st.dataframe(kpis.comparison_table(summary), hide_index=True)
                st.markdown("**Download**")
                ui.downloads(service.sweep_downloads(comp), key=f"{PAGE}_dl_sweep")
