"""RetailTwin dashboard: ``streamlit run dashboards/app.py`` (or ``retail-twin dashboard``).

The entry point only sets the page up, offers the results directory in the sidebar and hands
over to ``st.navigation``; each page is a file under ``dashboards/views/`` that reads its
widgets, calls :mod:`dashboards.service` and plots with :mod:`dashboards.figures`.
"""

from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboards import ui

HERE = Path(__file__).parent

st.set_page_config(page_title="RetailTwin", page_icon=":material/storefront:", layout="wide")

PAGES = [
    st.Page(
        HERE / "views" / "explorer.py",
        title="Scenario explorer",
        icon=":material/tune:",
        url_path="explorer",
        default=True,
    ),
    st.Page(
        HERE / "views" / "comparison.py",
        title="Model comparison",
        icon=":material/compare_arrows:",
        url_path="comparison",
    ),
    st.Page(
        HERE / "views" / "workload.py",
        title="Team workload",
        icon=":material/groups:",
        url_path="workload",
    ),
    st.Page(
        HERE / "views" / "resilience.py",
        title="Resilience lab",
        icon=":material/bolt:",
        url_path="resilience",
    ),
    st.Page(
        HERE / "views" / "fidelity.py",
        title="Fidelity",
        icon=":material/fact_check:",
        url_path="fidelity",
    ),
    st.Page(
        HERE / "views" / "history.py",
        title="Run history",
        icon=":material/history:",
        url_path="history",
    ),
]

page = st.navigation(PAGES)
ui.results_dir_input()
page.run()
