"""A run directory's ``scenario.yaml`` is a scenario file: rerunning it reproduces the run."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from cli.main import app
from scenarios.loader import load_scenario, scenario_to_document


def test_rerunning_a_run_directory_scenario_gives_the_same_kpis(tmp_path) -> None:
    runner = CliRunner()
    first = runner.invoke(
        app, ["run", "tiny", "--set", "horizon_days=5", "--out", str(tmp_path / "a"), "--json"]
    )
    assert first.exit_code == 0, first.output
    resolved = tmp_path / "a" / "scenario.yaml"
    again = runner.invoke(app, ["run", str(resolved), "--json"])
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["kpis"] == json.loads(first.stdout)["kpis"]
    # the file holds the whole resolved scenario, dates included, strictly valid as a file
    s = load_scenario(resolved)
    expected = load_scenario("tiny", ["horizon_days=5"])
    assert scenario_to_document(s) == scenario_to_document(expected)
