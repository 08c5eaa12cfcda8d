"""Sweeps as data: grids validated up front, failures recorded, interrupted sweeps resumed."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from typer.testing import CliRunner

from cli.main import app
from experiments.backends import BackendSpec
from experiments.plan import SweepSpec, parse_grid, plan_sweep, split_values
from experiments.sweep import SweepDirError, run_sweep
from scenarios.loader import ScenarioError

from .conftest import PLUGIN

SHORT = ("horizon_days=3",)


class Interrupt(KeyboardInterrupt):
    """What Ctrl-C raises in the driver, raised on purpose after k completed tasks."""


def _stop_after(k: int):
    def on_result(result, done, total):
        if done == k:
            raise Interrupt

    return on_result


def _spec(**kw) -> SweepSpec:
    base = {
        "base": "tiny",
        "overrides": SHORT,
        "grid": (("demand.promo_uplift", (1.5, 2.5)), ("catalogue.skus", (30, 40))),
        "replications": 2,
    }
    return SweepSpec(**{**base, **kw})


def _kpis(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns=["wall_s"]).reset_index(drop=True)


def test_grid_values_split_on_top_level_commas_only():
    assert split_values("1, 2.5,[0, 2],'a,b'") == ["1", "2.5", "[0, 2]", "'a,b'"]
    assert parse_grid(["a.b=1,2.5", "c=[0,2],x"]) == (("a.b", (1, 2.5)), ("c", ([0, 2], "x")))


def test_the_plan_is_a_full_factorial_with_resolved_parameters():
    """2 x 2 points, first key slowest; each point's parameters are the validated values."""
    plan = plan_sweep(_spec())
    assert [p.params for p in plan.points] == [
        {"demand.promo_uplift": 1.5, "catalogue.skus": 30},
        {"demand.promo_uplift": 1.5, "catalogue.skus": 40},
        {"demand.promo_uplift": 2.5, "catalogue.skus": 30},
        {"demand.promo_uplift": 2.5, "catalogue.skus": 40},
    ]
    assert [c.name for c in plan.cells] == [
        "p000_manual",
        "p001_manual",
        "p002_manual",
        "p003_manual",
    ]
    assert len(plan.tasks()) == 8


def test_every_bad_grid_key_and_value_is_reported_before_anything_runs():
    """A misspelt key and an out-of-range value: one ScenarioError listing both."""
    spec = _spec(grid=(("demand.promo_uplfit", (1.5,)), ("catalogue.skus", (40, -1))))
    with pytest.raises(ScenarioError) as info:
        plan_sweep(spec)
    text = str(info.value)
    assert "demand.promo_uplfit" in text
    assert "no such key" in text
    assert "catalogue.skus" in text
    assert "point 1" in text


def test_the_sweep_command_exits_2_on_a_bad_grid_and_writes_nothing(tmp_path):
    out = tmp_path / "sweep"
    res = CliRunner().invoke(
        app, ["sweep", "tiny", "--grid", "demand.nope=1,2", "--out", str(out), "--workers", "1"]
    )
    assert res.exit_code == 2
    assert "demand.nope" in res.stderr
    assert not out.exists()


def test_a_sweep_writes_a_tidy_table_and_a_summary(tmp_path):
    """One row per point x model x replication with parameters and KPIs as columns."""
    res = run_sweep(plan_sweep(_spec()), tmp_path)
    runs = pd.read_parquet(tmp_path / "results.parquet")
    assert len(runs) == 8
    for col in ("run", "point", "model", "demand.promo_uplift", "catalogue.skus", "replication"):
        assert col in runs.columns
    for col in ("seed", "status", "error", "fill_rate", "orders_total", "sim_events"):
        assert col in runs.columns
    assert runs["error"].isna().all()
    summary = pd.read_parquet(tmp_path / "summary.parquet")
    row = summary[(summary["run"] == "p000_manual") & (summary["kpi"] == "orders_total")].iloc[0]
    values = runs[runs["run"] == "p000_manual"]["orders_total"]
    assert row["mean"] == pytest.approx(values.mean())
    assert row["ci95_low"] < row["mean"] < row["ci95_high"]
    assert row["n"] == 2
    pd.testing.assert_frame_equal(_kpis(res.runs), _kpis(runs))
    for cell in ("p000_manual", "p003_manual"):
        d = tmp_path / "runs" / cell
        assert {"scenario.yaml", "summary.json", "replications.parquet"} <= {
            p.name for p in d.iterdir()
        }
        assert (d / "rep_001" / "events.parquet").is_file()


def test_a_failing_point_is_recorded_and_the_sweep_goes_on(tmp_path, flaky):
    """The flaky model raises at uplift 3.0: those runs are rows with their error and seed, the
    other point completes, and the summary names the failed point."""
    spec = _spec(
        grid=(("demand.promo_uplift", (1.5, 3.0)),),
        models=(flaky,),
        replications=3,
        plugins=(PLUGIN,),
    )
    res = run_sweep(plan_sweep(spec), tmp_path)
    runs = res.runs
    bad = runs[runs["point"] == 1]
    assert (bad["status"] == "failed").all()
    assert bad["error"].str.contains("simulated model failure").all()
    assert bad["seed"].tolist() == [7, 7, 7]
    assert bad["fill_rate"].isna().all()
    assert (runs[runs["point"] == 0]["status"] == "ok").all()
    record = json.loads((tmp_path / "sweep.json").read_text())
    assert record["failed_points"] == [1]
    assert record["failed_total"] == 3
    assert record["ok"] == 3
    assert record["failed"][0]["params"] == {"demand.promo_uplift": 3.0}
    cell = json.loads((tmp_path / "runs" / f"p001_{flaky}" / "summary.json").read_text())
    assert [f["replication"] for f in cell["failures"]] == [0, 1, 2]


def test_an_interrupted_sweep_resumes_without_recomputing_anything_done(tmp_path):
    """Ctrl-C after 3 of 8 runs: 3 records on disk, nothing half-written; --resume computes the
    other 5 only, leaves the 3 records untouched, and ends with the uninterrupted result."""
    plan = plan_sweep(_spec())
    with pytest.raises(Interrupt):
        run_sweep(plan, tmp_path, on_result=_stop_after(3))
    records = sorted((tmp_path / "tasks").glob("*.json"))
    assert len(records) == 3
    assert not list(tmp_path.rglob("*.partial"))
    assert not (tmp_path / "results.parquet").exists()
    stamps = {p: p.stat().st_mtime_ns for p in records}

    computed: list[str] = []
    res = run_sweep(plan, tmp_path, resume=True, on_result=lambda r, d, t: computed.append(r.key))
    assert (res.reused, res.computed) == (3, 5)
    assert len(computed) == 5
    assert not {p.stem for p in records} & set(computed)
    assert {p: p.stat().st_mtime_ns for p in records} == stamps

    again = run_sweep(plan, tmp_path, resume=True)
    assert (again.reused, again.computed) == (8, 0)
    fresh = run_sweep(plan)
    pd.testing.assert_frame_equal(_kpis(res.runs), _kpis(fresh.runs), check_exact=True)


def test_an_interrupted_pool_leaves_no_half_written_file(tmp_path):
    """Ctrl-C while two worker processes are mid-run: they are terminated; every file under a
    final name is complete, and the resumed sweep finishes the job."""
    plan = plan_sweep(_spec(overrides=("horizon_days=5",), replications=3))
    with pytest.raises(Interrupt):
        run_sweep(plan, tmp_path, BackendSpec(workers=2), on_result=_stop_after(1))
    for f in tmp_path.rglob("*.parquet"):
        pd.read_parquet(f)  # readable: never a torn file under a final name
    res = run_sweep(plan, tmp_path, resume=True)
    assert res.reused >= 1
    assert res.reused + res.computed == 12
    assert not list(tmp_path.rglob("*.partial"))


def test_a_sweep_directory_is_not_overwritten_nor_resumed_with_another_sweep(tmp_path):
    run_sweep(plan_sweep(_spec(replications=1)), tmp_path)
    with pytest.raises(SweepDirError, match="--resume"):
        run_sweep(plan_sweep(_spec(replications=1)), tmp_path)
    with pytest.raises(SweepDirError, match="different sweep"):
        run_sweep(plan_sweep(_spec(replications=2)), tmp_path, resume=True)


def test_a_sweep_file_runs_from_the_command_line_and_resumes(tmp_path):
    """`retail-twin sweep FILE --out DIR`, then again with --resume: nothing recomputed."""
    sweep_file = tmp_path / "promo.yaml"
    sweep_file.write_text(
        "base: tiny\n"
        "set: [horizon_days=3]\n"
        "grid:\n"
        "  demand.promo_uplift: [1.5, 2.0, 2.5]\n"
        "models: [manual]\n"
        "replications: 2\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    args = ["sweep", str(sweep_file), "--out", str(out), "--workers", "1", "--json"]
    runner = CliRunner()
    first = runner.invoke(app, args)
    assert first.exit_code == 0, first.output
    rec = json.loads(first.stdout)
    assert (rec["tasks"], rec["computed"], rec["reused"]) == (6, 6, 0)
    assert [r["params"]["demand.promo_uplift"] for r in rec["runs"]] == [1.5, 2.0, 2.5]
    second = runner.invoke(app, [*args, "--resume"])
    assert second.exit_code == 0, second.output
    assert (json.loads(second.stdout)["computed"], json.loads(second.stdout)["reused"]) == (0, 6)
    again = runner.invoke(app, args)
    assert again.exit_code == 2
    assert "--resume" in again.stderr


def test_the_sweep_command_exits_1_and_lists_failed_points(tmp_path, flaky):
    args = ["sweep", "tiny", "--set", "horizon_days=2", "--grid", "demand.promo_uplift=1.5,3.0"]
    args += ["--models", flaky, "--plugin", PLUGIN, "--workers", "1"]
    res = CliRunner().invoke(app, args)
    assert res.exit_code == 1, res.output
    assert "failed at point(s) 1" in res.stdout
    assert "simulated model failure" in res.stdout


def test_a_sweep_resumed_after_a_code_change_says_so(tmp_path, monkeypatch):
    """Each record keeps the fingerprint of the code that computed it; sweep.json lists them."""
    from experiments import sweep as sweep_module

    plan = plan_sweep(_spec(replications=1))
    monkeypatch.setattr(sweep_module, "code_fingerprint", lambda: "v1")
    with pytest.raises(Interrupt):
        run_sweep(plan, tmp_path, on_result=_stop_after(2))
    monkeypatch.setattr(sweep_module, "code_fingerprint", lambda: "v2")
    run_sweep(plan, tmp_path, resume=True)
    assert json.loads((tmp_path / "sweep.json").read_text())["code"] == ["v1", "v2"]
