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


def test_dashboard_launches_a_subprocess_and_exits_with_its_code(monkeypatch, tmp_path):
    """It binds 127.0.0.1 only, and hands the app its results root, resolved once."""
    seen = []
    monkeypatch.setattr(subprocess, "call", lambda cmd, env: seen.append((cmd, env)) or 3)
    monkeypatch.chdir(tmp_path)
    with pytest.raises(SystemExit) as exit_:
        cli.dashboard(port=8600)
    assert exit_.value.code == 3
    cmd, env = seen[0]
    assert cmd == cli.command(8600)
    assert cmd[cmd.index("--server.address") + 1] == "127.0.0.1"
    assert env["RETAILTWIN_RESULTS_ROOT"] == str(tmp_path / "runs")
    with pytest.raises(SystemExit):
        cli.dashboard(port=8600, results=tmp_path / "elsewhere")
    assert seen[1][1]["RETAILTWIN_RESULTS_ROOT"] == str(tmp_path / "elsewhere")


def test_streamlit_run_from_the_repository_binds_loopback_too():
    """``streamlit run dashboards/app.py`` reads ``.streamlit/config.toml`` of the repository."""
    import tomllib
    from pathlib import Path

    config = Path(cli.__file__).parents[1] / ".streamlit" / "config.toml"
    assert tomllib.loads(config.read_text(encoding="utf-8"))["server"]["address"] == "127.0.0.1"
