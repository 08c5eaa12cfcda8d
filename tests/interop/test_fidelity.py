"""retail-twin fidelity: the twin scored against a history, row by row; exit 1 on a failed row."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cli.main import app
from experiments.replicate import run_scenario
from scenarios.loader import load_scenario


def _history(root, name, overrides):
    run_scenario(load_scenario(root / "tiny28.yaml", ["seed=99", *overrides]), 1, root / name)
    path = root / f"{name}.sqlite"
    res = CliRunner().invoke(
        app, ["export", str(root / name), "--format", "ocel2-sqlite", "--out", str(path)]
    )
    assert res.exit_code == 0, res.output
    return path


@pytest.fixture(scope="module")
def histories(tmp_path_factory):
    root = tmp_path_factory.mktemp("fidelity")
    (root / "tiny28.yaml").write_text("extends: tiny\nhorizon_days: 28\n")
    same = _history(root, "same", [])
    slow = _history(
        root,
        "slow",
        [
            "network.suppliers.0.lead_time_days={median: 8, p90: 12}",
            "network.suppliers.0.on_time_prob=1.0",
        ],
    )
    return root / "tiny28.yaml", same, slow


def _score(histories, history, *args):
    res = CliRunner().invoke(
        app,
        [
            "fidelity",
            str(histories[0]),
            "--history",
            str(history),
            "--replications",
            "2",
            "--json",
            *args,
        ],
    )
    doc = json.loads(res.stdout) if res.exit_code in (0, 1) else None
    return res, doc


def test_the_twin_passes_against_a_history_it_generated_itself(histories):
    res, doc = _score(histories, histories[1])
    assert res.exit_code == 0, res.output
    assert doc["passed"] is True
    rows = {r["name"]: r for r in doc["rows"]}
    assert rows["store_units_per_store_day"]["verdict"] == "pass"
    assert rows["lead_time[alpha]"]["verdict"] == "pass"
    assert rows["approval_cycle[discount]"]["distance"] is not None
    assert rows["orders_per_hour_of_week"]["n_history"] > 100
    assert rows["daily_stockouts"]["verdict"] in ("pass", "n/a")


def test_a_slower_supplier_in_the_history_fails_its_row_and_exits_1(histories):
    res, doc = _score(histories, histories[2])
    assert res.exit_code == 1
    assert doc["passed"] is False
    rows = {r["name"]: r for r in doc["rows"]}
    assert rows["lead_time[alpha]"]["verdict"] == "fail"
    assert rows["lead_time[alpha]"]["distance"] > rows["lead_time[alpha]"]["threshold"]
    # a declared threshold loosened past the distance lets the row pass
    _, doc2 = _score(histories, histories[2], "--threshold", "lead_time=0.99")
    assert {r["name"]: r for r in doc2["rows"]}["lead_time[alpha]"]["verdict"] == "pass"


def test_fidelity_rejects_bad_options_with_exit_2(histories, tmp_path):
    for args, needle in (
        (["--threshold", "nonsense=1"], "--threshold"),
        (["--threshold", "lead_time=abc"], "NAME=NUMBER"),
        (["--replications", "0"], "--replications"),
    ):
        res = CliRunner().invoke(app, ["fidelity", "tiny", "--history", str(histories[0]), *args])
        assert res.exit_code == 2
        assert needle in res.output
    res = CliRunner().invoke(app, ["fidelity", "tiny", "--history", str(tmp_path / "no.json")])
    assert res.exit_code == 2
