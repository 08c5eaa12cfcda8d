"""The results store read back: list, show and compare run and sweep directories."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from cli.main import app
from experiments.compare import compare_models
from experiments.replicate import run_scenario
from experiments.results import (
    NotARunError,
    compare_runs,
    comparison_frame,
    list_runs,
    list_sweeps,
    load_run,
    load_sweep,
)
from scenarios.loader import load_scenario

from .conftest import PLUGIN


@pytest.fixture(scope="module")
def store(tmp_path_factory, fast):
    """A folder with a comparison (a sweep directory) and two plain runs of other seeds."""
    root = tmp_path_factory.mktemp("results")
    comp = compare_models(
        "tiny", ["manual", fast], 3, ["horizon_days=4"], plugins=[PLUGIN], out_dir=root / "cmp"
    )
    for seed in (7, 8):
        s = load_scenario("tiny", ["horizon_days=4", f"seed={seed}"])
        run_scenario(s, 3, root / f"seed{seed}")
    return root, comp


def test_list_runs_finds_plain_runs_and_sweep_cells_with_their_kpis(store, fast):
    root, _ = store
    runs = list_runs(root)
    assert sorted(runs["model"]) == sorted(["manual", fast, "manual", "manual"])
    cells = runs[runs["sweep_dir"].notna()]
    assert len(cells) == 2
    assert set(runs["replications"]) == {3}
    assert runs["failed"].tolist() == [0, 0, 0, 0]
    assert runs["fill_rate"].between(0, 1).all()


def test_list_sweeps_reports_counts(store):
    root, _ = store
    sweeps = list_sweeps(root)
    assert len(sweeps) == 1
    row = sweeps.iloc[0]
    assert (row["tasks"], row["completed"], row["finished"]) == (6, 6, True)


def test_load_run_gives_the_replications_and_the_daily_series(store):
    root, _ = store
    run = load_run(root / "seed7")
    assert run.summary["replications"] == 3
    assert run.scenario["seed"] == 7
    assert run.replications["replication"].tolist() == [0, 1, 2]
    daily = run.daily()
    assert daily.groupby("replication").size().tolist() == [4, 4, 4]
    assert len(run.events(1)) > 0
    assert set(run.approvals().columns) >= {"replication", "approval_type", "cycle_time_h"}


def test_load_sweep_gives_its_tables(store, fast):
    root, _ = store
    sw = load_sweep(root / "cmp")
    assert len(sw.results) == 6
    assert sw.failed.empty
    assert sw.run(f"p000_{fast}").summary["model"] == fast
    with pytest.raises(NotARunError):
        load_sweep(root / "seed7")


def test_comparing_two_sweep_cells_reproduces_the_paired_comparison(store, fast):
    """Same seed, so the runs are paired: the same differences as `compare` reported."""
    root, comp = store
    cells = [root / "cmp" / "runs" / f"p000_{m}" for m in ("manual", fast)]
    again = compare_runs(cells)
    assert again["paired"] is True
    assert again["reference"] == "p000_manual"
    assert again["differences"][f"p000_{fast}"] == comp["differences"][fast]
    frame = comparison_frame(again)
    assert set(frame["run"]) == {"p000_manual", f"p000_{fast}"}


def test_runs_of_different_seeds_are_compared_unpaired(store):
    root, _ = store
    comp = compare_runs([root / "seed7", root / "seed8"])
    assert comp["paired"] is False
    d = comp["differences"]["seed8"]["orders_total"]
    assert d["ci95"][0] < d["mean"] < d["ci95"][1]


def test_results_commands(store, fast):
    root, _ = store
    runner = CliRunner()
    listed = runner.invoke(app, ["results", "list", str(root)])
    assert listed.exit_code == 0, listed.output
    assert "seed8" in listed.stdout
    assert "sweeps under" in listed.stdout
    shown = runner.invoke(app, ["results", "show", str(root / "seed7"), "--json"])
    assert json.loads(shown.stdout)["seed"] == 7
    sweep = runner.invoke(app, ["results", "show", str(root / "cmp")])
    assert sweep.exit_code == 0, sweep.output
    assert f"p000_{fast}" in sweep.stdout
    cmp = runner.invoke(
        app, ["results", "compare", str(root / "seed7"), str(root / "seed8"), "--json"]
    )
    assert cmp.exit_code == 0, cmp.output
    assert json.loads(cmp.stdout)["reference"] == "seed7"
    missing = runner.invoke(app, ["results", "show", str(root / "nope")])
    assert missing.exit_code == 2
