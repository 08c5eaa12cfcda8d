"""Service levels (``slo:``): the schema of the block, the evaluation of bounds, the fault-free
twin, the derived ``backlog_drain_h``, and the acceptance test of issue 8 — weakening one control
breaks the named service level, which holds with the control on.

Evaluation is tested on synthetic values (no simulation); the twin, the drain and the acceptance
tests run ``tiny``-sized scenarios of the library (a second or two each).
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
import yaml

from experiments.backends import IN_PROCESS
from experiments.runner import run_replication
from experiments.slo import (
    BACKLOG_DRAIN,
    drain_hours,
    evaluate,
    fault_free_twin,
    fault_windows,
    kpi_names,
    planned_runs,
    run_checks,
    slo_problems,
)
from scenarios.loader import (
    LIBRARY_DIR,
    ScenarioError,
    library_names,
    load_scenario,
    scenario_from_resolved,
    scenario_to_document,
)
from scenarios.schema import Faults, Scenario, Strict
from scenarios.slo import Bound
from scenarios.slo import Strict as SloStrict

SLO_SCENARIOS = sorted(n for n in library_names() if n.startswith("slo_"))


def with_slo(tmp_path: Path, slo, name: str = "s.yaml") -> Path:
    path = tmp_path / name
    doc = {"extends": str(LIBRARY_DIR / "tiny.yaml"), "slo": slo}
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


def problems_of(path: Path) -> list[tuple[str, str, str]]:
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    return [(p.source, p.path, p.expected) for p in info.value.problems]


# ------------------------------------------------------------------------------- schema
def test_slo_block_round_trips_and_is_in_the_json_schema(tmp_path):
    slo = {
        "replications": 2,
        "bounds": [
            {"kpi": "duplicate_effects_total", "max": 0},
            {"kpi": "fill_rate", "min": 0.5, "relative": {"ratio_min": 0.999}},
            {"kpi": "oversell_rate", "relative": {"delta_max": 0.001}, "description": "+0.1 pt"},
        ],
    }
    s = load_scenario(with_slo(tmp_path, slo))
    assert s.slo is not None
    assert s.slo.replications == 2
    assert [b.kpi for b in s.slo.bounds] == [
        "duplicate_effects_total",
        "fill_rate",
        "oversell_rate",
    ]
    assert s.slo.bounds[1].relative.ratio_min == 0.999
    assert s.slo.bounds[1].min == 0.5
    again = scenario_from_resolved(scenario_to_document(s))
    assert again == s
    schema = json.dumps(Scenario.model_json_schema())
    assert '"slo"' in schema
    assert "ratio_min" in schema
    assert "delta_max" in schema
    assert load_scenario("tiny").slo is None  # optional: scenarios without it are unchanged


def test_slo_base_has_the_schema_strictness():
    assert SloStrict.model_config == Strict.model_config


@pytest.mark.parametrize(
    ("slo", "path", "expected"),
    [
        ({"bounds": []}, "slo.bounds", "at least 1 item"),
        ({"bounds": [{"kpi": "fill_rate"}]}, "slo.bounds[0]", "min, max, relative"),
        ({"bounds": [{"kpi": "fill_rate", "min": 0.9, "max": 0.1}]}, "slo.bounds[0]", "<= max"),
        ({"bounds": [{"kpi": "fill_rate", "relative": {}}]}, "slo.bounds[0].relative", "ratio_min"),
        ({"bounds": [{"kpi": "fill_rate", "max": "1"}]}, "slo.bounds[0].max", "valid number"),
        ({"bounds": [{"kpi": "fill_rate", "maximum": 1}]}, "slo.bounds[0].maximum", "unknown"),
        (
            {"bounds": [{"kpi": "fill_rate", "relative": {"ratio_min": -1}}]},
            "slo.bounds[0].relative.ratio_min",
            "greater than or equal to 0",
        ),
        ({"bounds": [{"kpi": "x", "max": 1}], "replications": 0}, "slo.replications", ">= 1"),
        ({"bounds": [{"kpi": "x", "max": 1}], "replicas": 2}, "slo.replicas", "unknown"),
    ],
)
def test_bad_slo_blocks_name_file_path_and_expectation(tmp_path, slo, path, expected):
    src = with_slo(tmp_path, slo)
    found = problems_of(src)
    assert any(
        s == str(src) and p == path and expected.replace(">= 1", "greater than or equal to 1") in e
        for s, p, e in found
    ), found


def test_unknown_kpi_and_missing_slo_are_reported_with_file_and_path(tmp_path):
    src = with_slo(tmp_path, {"bounds": [{"kpi": "fill_rate", "max": 1}, {"kpi": "fil", "max": 1}]})
    s = load_scenario(src)  # a KPI name is a string to the schema: checked against the sim
    probs = slo_problems(s, str(src))
    assert [(p.source, p.path, p.found) for p in probs] == [(str(src), "slo.bounds[1].kpi", "fil")]
    none = slo_problems(load_scenario("tiny"), "tiny.yaml")
    assert [(p.source, p.path) for p in none] == [("tiny.yaml", "slo")]


def test_kpi_names_cover_the_contract_and_the_derived_drain():
    names = kpi_names()
    for k in ("fill_rate", "oversell_rate", "duplicate_effects_total", "security_losses"):
        assert k in names
    assert BACKLOG_DRAIN in names
    assert len(names) == len(set(names))


# ------------------------------------------------------------------------------- evaluation
def b(**kw) -> Bound:
    return Bound.model_validate({"kpi": "k", **kw})


def test_absolute_bounds():
    (r,) = evaluate(b(max=0), 0)
    assert r.passed
    assert r.limit == 0
    assert r.margin == 0
    (r,) = evaluate(b(max=0), 3)
    assert not r.passed
    assert r.margin == -3
    assert "above the maximum 0" in r.message
    assert "by 3" in r.message
    (r,) = evaluate(b(min=0.9), 0.85)
    assert not r.passed
    assert r.margin == pytest.approx(-0.05)
    assert "below the minimum" in r.message
    (r,) = evaluate(b(min=0.9), 0.95)
    assert r.passed
    assert r.margin == pytest.approx(0.05)
    lo, hi = evaluate(b(min=1, max=2), 3)
    assert lo.passed
    assert not hi.passed
    assert (lo.bound, hi.bound) == (">= 1", "<= 2")


def test_relative_bounds_against_the_twin():
    (r,) = evaluate(b(relative={"ratio_min": 0.999}), 0.9985, 1.0)
    assert not r.passed
    assert r.limit == pytest.approx(0.999)
    assert r.margin == pytest.approx(-0.0005)
    assert r.reference == 1.0
    assert "twin 1" in r.message
    (r,) = evaluate(b(relative={"ratio_min": 0.999}), 0.9995, 1.0)
    assert r.passed
    (r,) = evaluate(b(relative={"delta_max": 0.001}), 0.0125, 0.01)
    assert not r.passed
    assert r.limit == pytest.approx(0.011)
    assert r.margin == pytest.approx(-0.0015)
    (r,) = evaluate(b(relative={"delta_max": 0.001}), 0.0105, 0.01)
    assert r.passed
    assert r.margin == pytest.approx(0.0005)
    (r,) = evaluate(b(relative={"ratio_max": 1.5}), 16, 10)
    assert not r.passed
    assert r.limit == 15
    (r,) = evaluate(b(relative={"delta_min": -2}), 8, 10)
    assert r.passed
    assert r.margin == 0
    # equality at the limit holds despite floating-point rounding of the limit
    (r,) = evaluate(b(relative={"ratio_min": 0.1}), 0.3, 3.0)
    assert r.passed


def test_a_kpi_without_value_breaks_its_bound():
    (r,) = evaluate(b(max=6), None)
    assert not r.passed
    assert "no value in this run" in r.message
    (r,) = evaluate(b(relative={"ratio_min": 1}), 1.0, None)
    assert not r.passed
    assert "no value in the fault-free twin" in r.message
    (r,) = evaluate(b(max=6), 1.0, None)  # an absolute bound does not need the twin
    assert r.passed
    assert r.reference is None


# ------------------------------------------------------------------------------- twin, drain
def test_drain_hours():
    twin = [5] * 10
    # back within max(1, 10% of 5) = 1 of the twin at hour 6; recovery at 4.5 h
    run = [5, 9, 9, 9, 9, 8, 6, 5, 5, 5]
    assert drain_hours(run, twin, 4.5) == pytest.approx(1.5)
    assert drain_hours(run, twin, 6.0) == 0.0
    assert drain_hours([5, 9, 9, 9, 9, 9, 9, 9, 9, 9], twin, 4.5) is None  # never drained
    assert drain_hours([100] * 10, [95] * 10, 0.0) == 0.0  # 10% tolerance of the twin
    assert drain_hours([100] * 10, [85] * 10, 0.0) is None


def test_twin_drops_faults_and_attacks_and_keeps_everything_else():
    s = load_scenario("slo_security")
    assert s.security.attacks_per_day
    t = fault_free_twin(s)
    assert t.faults == Faults()
    assert t.security.attacks_per_day == {}
    assert t.security.controls == s.security.controls
    assert t.seed == s.seed
    assert t.orchestration == s.orchestration
    assert t.slo == s.slo
    w = load_scenario("slo_webhook_loss")
    assert fault_windows(w)
    assert not fault_windows(fault_free_twin(w))


def test_the_world_samples_its_backlog_every_hour_and_the_outage_piles_it_up():
    s = load_scenario("slo_webhook_loss")
    o = run_replication(s, 0)
    assert len(o.backlog) == s.horizon_days * 24
    start, end = fault_windows(s)[0]
    assert max(o.backlog[math.floor(start) : math.ceil(end)]) > 0  # the outage piles events up


# ------------------------------------------------------------------------------- the suite
@pytest.mark.parametrize("name", SLO_SCENARIOS)
def test_library_slo_scenarios_are_valid(name):
    s = load_scenario(name)
    assert s.slo is not None
    assert slo_problems(s, name) == []


def test_the_suite_exists():
    for name in ("slo_webhook_loss", "slo_duplicates", "slo_carrier_outage", "slo_payment_storm"):
        assert name in SLO_SCENARIOS
    assert "slo_security" in SLO_SCENARIOS


def results_by_kpi(check) -> dict[str, list]:
    out: dict[str, list] = {}
    for r in check.results:
        out.setdefault(r.kpi, []).append(r)
    return out


@pytest.mark.parametrize(
    ("scenario", "weakened", "kpi"),
    [
        (
            "slo_duplicates",
            "orchestration.integration.idempotency=false",
            "duplicate_effects_total",
        ),
        ("slo_security", "security.controls.signature_check=false", "security_losses"),
        (  # an n8n worker crashing after the effect re-runs it: only idempotency keeps it single
            "slo_peak_ops",
            "orchestration.integration.idempotency=false",
            "duplicate_effects_total",
        ),
        (
            "slo_webhook_loss",
            "orchestration.integration.connector_retry.maximum_attempts=1",
            "events_dead_lettered_total",
        ),
    ],
)
def test_weakening_one_control_breaks_the_named_slo(scenario, weakened, kpi):
    strong = load_scenario(scenario)
    weak = load_scenario(scenario, [weakened])
    ok, broken = run_checks([(strong, scenario), (weak, scenario)], IN_PROCESS)
    assert ok.errors == []
    assert broken.errors == []
    assert ok.passed, [r.message for r in ok.breaches]
    named = results_by_kpi(broken)[kpi]
    assert any(not r.passed for r in named)
    (r,) = [r for r in named if not r.passed]
    assert r.value > 0
    assert r.margin < 0
    assert f"by {r.value:.6g}" in r.message


def test_the_twin_runs_only_when_a_bound_needs_it(tmp_path):
    absolute = load_scenario(with_slo(tmp_path, {"bounds": [{"kpi": "fill_rate", "min": 0}]}))
    assert planned_runs(absolute) == 1
    drain = load_scenario(with_slo(tmp_path, {"bounds": [{"kpi": BACKLOG_DRAIN, "max": 6}]}))
    assert planned_runs(drain) == 2
    assert planned_runs(load_scenario("slo_webhook_loss")) == 4  # 2 replications x (run + twin)
    assert planned_runs(load_scenario("tiny")) == 0
