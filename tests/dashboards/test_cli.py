"""``retail-twin dashboard`` starts ``streamlit run dashboards/app.py``."""

from __future__ import annotations

import subprocess
import sys

import pytest

from dashboards import launch as cli


def test_command_runs_the_app_with_streamlit_of_this_interpreter():
    cmd = cli.command(9000)
    assert cmd[:4] == [sys.executable, "-m", "streamlit", "run"]
    assert cmd[4] == str(cli.APP)
    assert cli.APP.name == "app.py"
    assert cli.APP.is_file()
    assert cmd[cmd.index("--server.port") + 1] == "9000"
    assert cmd[cmd.index("--browser.gatherUsageStats") + 1] == "false"


def test_dashboard_launches_a_subprocess_and_exits_with_its_code(monkeypatch):
    seen = []
    monkeypatch.setattr(subprocess, "call", lambda cmd: seen.append(cmd) or 3)
    with pytest.raises(SystemExit) as exit_:
        cli.dashboard(port=8600)
    assert exit_.value.code == 3
    assert seen == [cli.command(8600)]
