"""Comparing models: common random numbers, paired intervals, and the `compare` command."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest
from typer.testing import CliRunner

from cli.main import app
from experiments.analysis import reference_of
from experiments.compare import compare_models
from experiments.stats import welch_difference

from .conftest import PLUGIN


@pytest.fixture(scope="module")
def comparison(tmp_path_factory, fast):
    """manual vs a faster-syncing variant on the tiny retailer, 5 replications, written out."""
    out = tmp_path_factory.mktemp("compare")
    comp = compare_models(
        "tiny", ["manual", fast], 5, ["horizon_days=10"], plugins=[PLUGIN], out_dir=out
    )
    return comp, out


def _daily(out: Path, model: str, r: int) -> pd.DataFrame:
    return pd.read_parquet(out / "runs" / f"p000_{model}" / f"rep_{r:03d}" / "daily.parquet")


def test_the_same_replication_sees_the_same_demand_under_every_model(comparison, fast):
    """Common random numbers: walk-in demand of replication r, day by day, is model-independent
    (it comes from the world's demand streams only), and differs between replications."""
    _, out = comparison
    for r in range(5):
        a = _daily(out, "manual", r)["pos_units_demanded"]
        b = _daily(out, fast, r)["pos_units_demanded"]
        assert a.tolist() == b.tolist()
    assert (
        _daily(out, "manual", 0)["pos_units_demanded"].tolist()
        != _daily(out, "manual", 1)["pos_units_demanded"].tolist()
    )


def test_the_models_really_differ(comparison, fast):
    """The variant syncs more often and auto-approves more: some KPIs move significantly."""
    comp, _ = comparison
    moved = [k for k, d in comp["differences"][fast].items() if d["significant"]]
    assert "integration_calls_total" in moved
    assert "touchless_rate" in moved


def test_the_paired_interval_is_narrower_than_the_unpaired_one(comparison, fast):
    """Revenue varies a lot between replications but little between models on one replication:
    pairing by replication removes the shared variation."""
    comp, out = comparison
    rev = {
        m: pd.read_parquet(out / "runs" / f"p000_{m}" / "replications.parquet")["revenue"]
        for m in ("manual", fast)
    }
    paired = comp["differences"][fast]["revenue"]["ci95"]
    _, lo, hi = welch_difference(rev[fast].tolist(), rev["manual"].tolist())
    assert paired[1] - paired[0] < (hi - lo) / 3
    assert comp["paired"] is True


def test_a_kpi_identical_under_both_models_is_no_significant_difference(comparison, fast):
    """sod_violations_total is 0 everywhere: the interval [0, 0] holds 0."""
    comp, _ = comparison
    d = comp["differences"][fast]["sod_violations_total"]
    assert d == {"mean": 0.0, "ci95": [0.0, 0.0], "significant": False, "n": 5}


def test_the_reference_is_manual_when_listed_else_the_first_model():
    assert reference_of(["event_driven", "manual", "hybrid"]) == "manual"
    assert reference_of(["event_driven", "hybrid"]) == "event_driven"


def test_compare_command_prints_intervals_and_paired_differences(fast):
    """`compare --json` gives the comparison object; the table says 'no significant difference'."""
    args = ["compare", "tiny", "--models", f"{fast},manual", "--replications", "3"]
    args += ["--set", "horizon_days=4", "--plugin", PLUGIN, "--workers", "1"]
    runner = CliRunner()
    res = runner.invoke(app, [*args, "--json"])
    assert res.exit_code == 0, res.output
    comp = json.loads(res.stdout)
    assert comp["reference"] == "manual"
    assert comp["models"] == [fast, "manual"]
    assert set(comp["differences"]) == {fast}
    assert len(comp["runs"]["manual"]["kpis_ci95"]["fill_rate"]) == 2
    table = runner.invoke(app, [*args, "--kpi", "sod_violations_total", "--kpi", "revenue"])
    assert table.exit_code == 0, table.output
    assert " n.s." in table.stdout
    assert "n.s.: no significant difference" in table.stdout
    assert "manual (n=3)" in table.stdout


def test_compare_refuses_an_unknown_model_before_running_anything(tmp_path):
    res = CliRunner().invoke(
        app, ["compare", "tiny", "--models", "manual,nope", "--out", str(tmp_path / "x")]
    )
    assert res.exit_code == 2
    assert "'nope'" in res.stderr
    assert not (tmp_path / "x").exists()
