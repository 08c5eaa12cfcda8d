"""The service on real (two-day) runs of tiny: run once, read back from disk, cached by scenario."""

from __future__ import annotations

import json

import pytest

from dashboards import levers as lv
from dashboards import service
from scenarios.loader import ScenarioError

SHORT = ("horizon_days=2",)


@pytest.fixture
def results(tmp_path):
    return tmp_path / "runs"


def test_resolve_is_canonical_json_and_refuses_bad_levers():
    doc = json.loads(service.resolve("tiny", SHORT))
    assert doc["horizon_days"] == 2
    assert service.resolve("tiny", SHORT) == json.dumps(doc, sort_keys=True)
    with pytest.raises(ScenarioError):
        service.resolve("tiny", ("policy.refund={low_below: 500.0, high_from: 1.0}",))


def test_a_run_is_simulated_once_then_read_back_from_disk(results, monkeypatch):
    scenario_json = service.resolve("tiny", (*SHORT, "orchestration.model=manual"))
    seen = []
    run = service.run_model(scenario_json, 1, results, on_progress=seen.append)
    assert seen[-1] == 1.0
    assert service.is_cached(scenario_json, 1, results)
    assert run.model == "manual"
    assert sorted(run.daily["day"]) == [0, 1]
    assert set(run.daily["model"]) == {"manual"}
    assert {"approval_type", "cycle_time_h", "model"} <= set(run.approvals.columns)

    def boom(*a, **k):
        raise AssertionError("simulated again")

    monkeypatch.setattr(service, "run_scenario", boom)
    again = service.run_model(scenario_json, 1, results)
    assert again.run_dir == run.run_dir


def test_explore_pairs_the_model_with_manual(results):
    progress = []
    exp = service.explore("tiny", SHORT, "hybrid", 2, results, lambda f, t: progress.append(f))
    assert exp.reference is not None
    assert exp.reference.model == "manual"
    assert progress
    assert progress[-1] == 1.0
    s = exp.summary
    row = s[(s["model"] == "hybrid") & (s["kpi"] == "fill_rate")].iloc[0]
    assert row["reference"] == "manual"
    assert row["n"] == 2
    assert row["ci95_low"] is not None
    assert row["diff_ci95_low"] is not None
    assert set(exp.daily["model"]) == {"hybrid", "manual"}
    # both runs show up in the history, and the first one reopens
    runs, _ = service.history(results)
    assert set(runs["model"]) == {"hybrid", "manual"}
    assert service.open_run(runs["run_dir"].iloc[0]).n == 2


def test_compare_writes_a_sweep_once_and_reads_it_back(results, monkeypatch):
    comp = service.compare("tiny", SHORT, ["hybrid", "manual"], 2, results)
    assert comp.models == ("manual", "hybrid")  # the reference first
    assert comp.reference == "manual"
    assert set(comp.summary["model"]) == {"manual", "hybrid"}
    assert len(comp.results) == 4
    _, sweeps = service.history(results)
    assert len(sweeps) == 1
    assert bool(sweeps["finished"].iloc[0])

    def boom(*a, **k):
        raise AssertionError("compared again")

    monkeypatch.setattr(service, "compare_models", boom)
    again = service.compare("tiny", SHORT, ["hybrid", "manual"], 2, results)
    assert again.sweep_dir == comp.sweep_dir
    assert service.open_sweep(comp.sweep_dir).models == comp.models


def test_resilience_runs_the_fault_and_its_twin(results):
    fault = lv.Fault("carrier_api", 0.5, 12.0, 1.0)
    res = service.resilience("tiny", ("horizon_days=3",), "manual", fault, 1, results)
    assert res.with_fault.run_dir != res.twin.run_dir
    assert res.with_fault.scenario["faults"]["outages"][-1]["target"] == "carrier_api"
    assert res.twin.scenario["faults"]["outages"] == []
    assert set(res.timeline["variant"]) == {"with fault", "without fault"}
    assert res.recovery.recovery_day == 1.0
    assert set(res.summary["model"]) == {"with fault", "without fault"}


def test_the_app_opens_on_tiny_until_a_baseline_run_is_on_disk(results):
    assert service.startup_scenario(results) == "tiny"


def test_the_reproduce_command_names_the_resolved_scenario(results):
    scenario_json = service.resolve("tiny", (*SHORT, "orchestration.model=manual"))
    run = service.run_model(scenario_json, 1, results)
    cmd = service.reproduce_command(run)
    assert cmd.startswith("retail-twin run ")
    assert "scenario.yaml --replications 1" in cmd


def test_the_app_opens_on_baseline_when_its_default_run_is_on_disk(results):
    """A baseline run takes a minute or more: the app opens on it only if it is already there."""
    for model in ("hybrid", "manual"):
        scenario_json = service.resolve("baseline", (f"orchestration.model={model}",))
        d = service.run_dir_for(scenario_json, 1, results)
        d.mkdir(parents=True)
        (d / "summary.json").write_text("{}", encoding="utf-8")
        assert service.is_cached(scenario_json, 1, results)
    assert service.startup_scenario(results) == "baseline"
