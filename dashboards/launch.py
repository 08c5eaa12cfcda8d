"""Launching the dashboard: ``streamlit run dashboards/app.py`` on a local port.

:func:`dashboard` is a plain function; the ``retail-twin dashboard`` command (:mod:`cli.dashboard`,
a layer above) registers it, so this module never imports the CLI.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

APP = Path(__file__).with_name("app.py")


def command(port: int = 8501, address: str = "localhost", headless: bool = False) -> list[str]:
    """The ``streamlit run`` command line of the dashboard."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.port",
        str(port),
        "--server.address",
        address,
        "--server.headless",
        "true" if headless else "false",
        "--browser.gatherUsageStats",
        "false",
    ]


def dashboard(port: int = 8501) -> None:
    """Open the RetailTwin dashboard (Streamlit) on http://localhost:PORT."""
    raise SystemExit(subprocess.call(command(port)))
