"""Launching the dashboard: ``streamlit run dashboards/app.py`` on a local port of 127.0.0.1.

The results root (``--results DIR``, default ``./runs``) is resolved here, once, and handed to
the app in :data:`dashboards.resultsroot.ENV`; the app only chooses folders inside it. The
server binds the loopback interface only: it runs simulations and writes files for whoever
reaches it, so it is not offered to the network.

:func:`dashboard` is a plain function; the ``retail-twin dashboard`` command (:mod:`cli.dashboard`,
a layer above) registers it, so this module never imports the CLI.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from dashboards.resultsroot import DEFAULT_ROOT, ENV

APP = Path(__file__).with_name("app.py")


def command(port: int = 8501, address: str = "127.0.0.1", headless: bool = False) -> list[str]:
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


def dashboard(port: int = 8501, results: Path = Path(DEFAULT_ROOT)) -> None:
    """Open the RetailTwin dashboard (Streamlit) on http://127.0.0.1:PORT; runs are read and
    written under RESULTS only (created if missing)."""
    root = results.expanduser().resolve()
    if root.exists() and not root.is_dir():
        sys.stderr.write(f"error: --results {results}: not a directory\n")
        raise SystemExit(2)
    env = {**os.environ, ENV: str(root)}
    raise SystemExit(subprocess.call(command(port), env=env))
