"""``retail-twin dashboard``: open the Streamlit dashboard on a local port.

The command is :func:`dashboards.launch.dashboard` (it exits with Streamlit's exit code); the
CLI sits above the dashboards it starts.
"""

from __future__ import annotations

from cli.app import app
from dashboards.launch import dashboard

app.command()(dashboard)
