"""``retail-twin bench``: the ratio regression check, the JSON shape and the exit codes.

The measuring function is replaced by a fake result, so these tests are about the comparison
and the command line, not about speed (tests/benchmarks/test_bench_scaling.py measures).
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from experiments import bench
from experiments.bench import cases, order_cost

BASE = {
    "twin_to_bare_baseline": 0.10,
    "twin_to_bare_peak_season": 0.10,
    "per_order_time_4x_1x": 1.00,
    "peak_rss_360_90": 1.00,
    "speedup_2_workers": 1.50,
}


def _by_name(checks: list[bench.RatioCheck]) -> dict[str, bench.RatioCheck]:
    return {c.name: c for c in checks}


# ---------------------------------------------------------------------------------- comparison
@pytest.mark.parametrize(
    ("name", "worse_value", "ok_value"),
    [
        # higher is better: 31% lower fails, 29% lower passes
        ("twin_to_bare_baseline", 0.069, 0.071),
        ("speedup_2_workers", 1.035, 1.065),
        # lower is better: 31% higher fails, 29% higher passes
        ("per_order_time_4x_1x", 1.31, 1.29),
        ("peak_rss_360_90", 1.31, 1.29),
    ],
)
def test_a_31_percent_regression_fails_and_29_percent_passes(name, worse_value, ok_value):
    bad = _by_name(bench.compare_ratios({**BASE, name: worse_value}, BASE, 0.30))
    assert not bad[name].ok
    assert bad[name].worse_by == pytest.approx(0.31)
    assert "regressed by 31.0%" in bad[name].message
    assert all(c.ok for n, c in bad.items() if n != name)
    good = _by_name(bench.compare_ratios({**BASE, name: ok_value}, BASE, 0.30))
    assert good[name].ok
    assert good[name].worse_by == pytest.approx(0.29)


def test_improvements_pass_in_both_directions():
    better = {
        "twin_to_bare_baseline": 0.30,  # 3x the throughput ratio
        "twin_to_bare_peak_season": 0.20,
        "per_order_time_4x_1x": 0.50,  # per-order cost falls with size
        "peak_rss_360_90": 0.90,
        "speedup_2_workers": 1.95,
    }
    checks = bench.compare_ratios(better, BASE, 0.30)
    assert len(checks) == len(BASE)
    assert all(c.ok for c in checks)
    assert all(c.worse_by < 0 for c in checks)


def test_the_direction_matters():
    """A higher per-order ratio is a regression; a higher speed-up is not."""
    up = {k: v * 1.5 for k, v in BASE.items()}
    by = _by_name(bench.compare_ratios(up, BASE, 0.30))
    assert by["speedup_2_workers"].ok
    assert by["twin_to_bare_baseline"].ok
    assert not by["per_order_time_4x_1x"].ok
    assert not by["peak_rss_360_90"].ok


def test_a_missing_ratio_is_an_error_on_either_side():
    current = {k: v for k, v in BASE.items() if k != "peak_rss_360_90"}
    by = _by_name(bench.compare_ratios(current, BASE, 0.30))
    assert not by["peak_rss_360_90"].ok
    assert "missing from this run" in by["peak_rss_360_90"].message
    baseline = {k: v for k, v in BASE.items() if k != "speedup_2_workers"}
    by = _by_name(bench.compare_ratios(BASE, baseline, 0.30))
    assert not by["speedup_2_workers"].ok
    assert "not in the baseline" in by["speedup_2_workers"].message
    nan = _by_name(bench.compare_ratios({**BASE, "speedup_2_workers": math.nan}, BASE, 0.30))
    assert not nan["speedup_2_workers"].ok


def test_a_negative_tolerance_is_refused():
    with pytest.raises(ValueError, match="tolerance"):
        bench.compare_ratios(BASE, BASE, -0.1)


def test_baseline_document_keeps_the_worst_value_of_each_ratio():
    runs = [
        {"mode": "quick", "ratios": {**BASE, "speedup_2_workers": 1.4, "peak_rss_360_90": 1.1}},
        {"mode": "quick", "ratios": {**BASE, "speedup_2_workers": 1.6, "peak_rss_360_90": 1.2}},
    ]
    doc = bench.baseline_document(runs)
    assert doc["ratios"]["speedup_2_workers"] == 1.4  # higher is better: the lowest
    assert doc["ratios"]["peak_rss_360_90"] == 1.2  # lower is better: the highest
    assert doc["spread"]["speedup_2_workers"]["runs"] == [1.4, 1.6]
    with pytest.raises(bench.BenchError, match="mixed modes"):
        bench.baseline_document([*runs, {"mode": "full", "ratios": BASE}])


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{not json", "not valid JSON"),
        ("[1, 2]", "expected a JSON object"),
        ('{"mode": "quick"}', "ratios: expected a non-empty object"),
        ('{"mode": "quick", "ratios": {"warp_factor": 2}}', "ratios.warp_factor: unknown ratio"),
        ('{"mode": "quick", "ratios": {"peak_rss_360_90": "1.1"}}', "ratios.peak_rss_360_90"),
        ('{"mode": "quick", "ratios": {"peak_rss_360_90": 0}}', "expected a positive number"),
        ('{"mode": "slow", "ratios": {"peak_rss_360_90": 1.1}}', "mode: expected one of"),
    ],
)
def test_a_bad_baseline_file_is_named_with_its_problem(tmp_path, content, problem):
    path = tmp_path / "base.json"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(bench.BaselineError, match=problem) as info:
        bench.load_baseline(path)
    assert str(path) in str(info.value)


def test_the_committed_baseline_is_valid_and_complete():
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "quick_baseline.json"
    doc = bench.load_baseline(path)
    assert doc["mode"] == "quick"
    assert set(doc["ratios"]) == set(bench.RATIOS)


# ---------------------------------------------------------------------------------- JSON shape
def _fake_cases() -> dict:
    def run(wall: float, events: int, orders: int, days: int) -> dict:
        return {
            "workload": "fake",
            "stores": 10,
            "horizon_days": days,
            "sim_events": events,
            "orders": orders,
            "online_orders": orders // 5,
            "wall_s": wall,
            "cpu_s": wall,
            "events_per_s": events / wall,
            "events_per_cpu_s": events / wall,
            "orders_per_s": orders / wall,
            "orders_per_cpu_s": orders / wall,
            "sim_days_per_s": days / wall,
            "sim_days_per_cpu_s": days / wall,
            "us_per_order": 1e6 * wall / orders,
        }

    thr = {
        "bare_simpy": {"events": 300_000, "events_per_s": 3e5, "events_per_cpu_s": 3e5},
        "runs": {
            "baseline": run(2.0, 60_000, 80_000, 7),
            "peak_season": run(2.0, 60_000, 80_000, 7),
        },
    }
    for r in thr["runs"].values():
        r["ratio_to_bare"] = r["events_per_s"] / 300_000.0
    size = [
        {"factor": f, **run(1.0 * f * 1.1 ** (f // 2), 10_000 * f, 20_000 * f, 7)}
        for f in (1, 2, 4)
    ]
    cost_runs = {
        label: {
            model: {**run(1.0, 10_000, 5_000, 5), "loop_us_per_online_order": 120.0 + i}
            for i, model in enumerate(order_cost.MODELS)
        }
        for label in order_cost.SCENARIOS
    }
    for per_model in cost_runs.values():
        for r in per_model.values():
            r["order_cost_bare_events"] = r["loop_us_per_online_order"] / 1.2
    return {
        "throughput": thr,
        "order_cost": {"bare_us_per_event": 1.2, "runs": cost_runs},
        "size_scaling": {
            "points": size,
            "per_order_time_ratio": size[-1]["us_per_order"] / size[0]["us_per_order"],
            "ratio_of": "4x/1x",
        },
        "horizon_rss": {
            "points": [
                {"horizon_days": 90, "peak_rss_mib": 150.0, "rss_before_run_mib": 120.0},
                {"horizon_days": 360, "peak_rss_mib": 180.0, "rss_before_run_mib": 120.0},
            ],
            "peak_rss_ratio": 1.2,
            "ratio_of": "360/90 days",
        },
        "parallel": {
            "replications": 8,
            "workers": [1, 2],
            "wall_s": {"1": 16.0, "2": 10.0},
            "speedup": 1.6,
            "identical_kpis": True,
        },
    }


def fake_result(mode: str = "quick", **ratio_changes: float) -> dict:
    cases = _fake_cases()
    ratios = {**bench.ratios_of(cases), **ratio_changes}
    cfg = bench.config(mode)
    return {
        "schema": bench.SCHEMA,
        "mode": mode,
        "machine": {"python": "3.11", "simpy": "4.1.2", "cpu_count": 2, "usable_cpus": 2},
        "config": {},
        "wall_s": 1.0,
        "ratios": ratios,
        "targets": bench.targets(ratios, cases, cfg),
        "cases": cases,
    }


def test_ratios_and_targets_of_a_result():
    res = fake_result()
    assert set(res["ratios"]) == set(bench.RATIOS)
    assert res["ratios"]["twin_to_bare_baseline"] == pytest.approx(0.1)
    assert res["ratios"]["speedup_2_workers"] == pytest.approx(1.6)
    t = res["targets"]
    assert t["twin_to_bare_baseline"] == {"value": 0.1, "target": ">= 0.4", "met": False}
    assert t["peak_rss_360_90"]["met"] is True  # 1.2 <= 1.3
    assert t["speedup_2_workers"]["met"] is False  # 1.6 < 1.8
    assert "cpu_s_peak_season" not in t  # an absolute target of full mode only
    full = fake_result("full")
    assert full["targets"]["cpu_s_peak_season"] == {"value": 2.0, "target": "< 60", "met": True}


def test_order_cost_is_a_ratio_per_scenario_and_model_with_the_issue_target():
    """Issue 17: bare events per online order, every model on baseline and peak_season."""
    res = fake_result()
    for scn in order_cost.SCENARIOS:
        for i, model in enumerate(order_cost.MODELS):
            name = f"order_cost_{scn}_{model}"
            assert res["ratios"][name] == pytest.approx((120.0 + i) / 1.2, abs=1e-3)
            assert res["targets"][name]["target"] == "<= 15"
            assert res["targets"][name]["met"] is False
    assert bench.RATIOS["order_cost_peak_season_hybrid"].higher_is_better is False
    # a 31% rise regresses, a 29% rise does not
    by = _by_name(
        bench.compare_ratios(
            {"order_cost_baseline_hybrid": 131.0}, {"order_cost_baseline_hybrid": 100.0}, 0.30
        )
    )
    assert not by["order_cost_baseline_hybrid"].ok
    by = _by_name(
        bench.compare_ratios(
            {"order_cost_baseline_hybrid": 129.0}, {"order_cost_baseline_hybrid": 100.0}, 0.30
        )
    )
    assert by["order_cost_baseline_hybrid"].ok
    rows = {(r[0], r[1]): r for r in bench.table_rows(res)}
    assert rows[("order cost peak_season", "hybrid: bare events per order")][3] == "<= 15"


def test_the_built_in_models_are_the_ones_whose_order_cost_is_measured():
    from orchestration.models import model_names

    assert set(order_cost.MODELS) <= set(model_names())


def test_order_cost_divides_loop_cpu_per_online_order_by_the_bare_event(monkeypatch):
    """measure() with fake runs: the cost is us per online order / bare us per event (best)."""
    bares = iter([2e5, 5e5, 4e5])  # events per CPU second: the best gives 2 us per event

    def fake_bare(processes, events):
        return {"events_per_cpu_s": next(bares)}

    def fake_twin(workload, extra, repeats):
        return {"workload": workload.describe(extra), "loop_us_per_online_order": 30.0}

    def fake_alone(workload, repeats, *, bare_us):
        return {"workload": workload.describe(), "loop_us_per_online_order": 16.0}

    monkeypatch.setattr(cases, "bare_simpy", fake_bare)
    monkeypatch.setattr(cases, "twin_run", fake_twin)
    monkeypatch.setattr(cases, "warm_up", lambda: None)
    monkeypatch.setattr(order_cost, "world_alone", fake_alone)
    case = order_cost.measure(bench.config("quick"))
    assert case["bare_us_per_event"] == pytest.approx(2.0)
    assert order_cost.costs(case)["peak_season"]["hybrid"] == pytest.approx(15.0)
    # the world alone (null model) per scenario, against the same bare reference
    assert case["world_alone"]["baseline"]["order_cost_bare_events"] == pytest.approx(8.0)
    assert set(order_cost.costs(case)) == set(order_cost.SCENARIOS)
    run = case["runs"]["baseline"]["manual"]
    assert "orchestration.model=manual" in run["workload"]


def test_table_rows_cover_every_case_and_mark_targets():
    rows = bench.table_rows(fake_result())
    cases = {r[0] for r in rows}
    assert {"bare SimPy loop", "throughput baseline", "size scaling", "horizon scaling"} <= cases
    marked = {(r[0], r[1]): r[4] for r in rows if r[3]}
    assert marked[("throughput baseline", "twin / bare events/s")] is False
    assert marked[("horizon scaling", "peak RSS 360/90 days")] is True
    assert marked[("parallel replications", "speed-up 2 workers")] is False


# ---------------------------------------------------------------------------------- the CLI
@pytest.fixture
def fake_bench(monkeypatch):
    """Replace the measuring function; record the modes it was asked for."""
    calls: list[str] = []
    state = {"result": fake_result()}

    def fake(mode, progress=None, cases=bench.CASES):
        calls.append(mode)
        if progress is not None:
            progress("fake measurement")
        return json.loads(json.dumps(state["result"]))

    monkeypatch.setattr(bench, "run_bench", fake)
    return calls, state


def _baseline(tmp_path: Path, ratios: dict, mode: str = "quick") -> Path:
    path = tmp_path / "baseline.json"
    path.write_text(json.dumps({"mode": mode, "ratios": ratios}), encoding="utf-8")
    return path


def test_cli_json_shape_and_out_file(fake_bench, tmp_path):
    calls, _ = fake_bench
    out = tmp_path / "sub" / "bench.json"
    res = CliRunner().invoke(app, ["bench", "--quick", "--json", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert calls == ["quick"]
    doc = json.loads(res.stdout)
    assert json.loads(out.read_text(encoding="utf-8")) == doc
    assert {"schema", "mode", "machine", "ratios", "targets", "cases"} <= set(doc)
    assert doc["mode"] == "quick"
    assert set(doc["ratios"]) == set(bench.RATIOS)
    assert all(isinstance(v, float) and math.isfinite(v) for v in doc["ratios"].values())
    assert "baseline_check" not in doc
    # the written file is itself a valid baseline (that is how the baseline is refreshed)
    assert bench.load_baseline(out)["ratios"] == doc["ratios"]


def test_cli_without_quick_measures_full_and_prints_a_table(fake_bench):
    calls, state = fake_bench
    state["result"] = fake_result("full")
    res = CliRunner().invoke(app, ["bench"])
    assert res.exit_code == 0, res.output
    assert calls == ["full"]
    assert "twin / bare events/s" in res.stdout
    assert "speed-up 2 workers" in res.stdout


def test_cli_passes_against_its_own_baseline(fake_bench, tmp_path):
    _, state = fake_bench
    path = _baseline(tmp_path, state["result"]["ratios"])
    res = CliRunner().invoke(app, ["bench", "--quick", "--json", "--baseline", str(path)])
    assert res.exit_code == 0, res.output
    doc = json.loads(res.stdout)
    assert doc["baseline_check"]["ok"] is True
    assert len(doc["baseline_check"]["checks"]) == len(bench.RATIOS)


def test_cli_exits_1_and_names_the_regressed_ratio(fake_bench, tmp_path):
    _, state = fake_bench
    ratios = dict(state["result"]["ratios"])
    ratios["speedup_2_workers"] = round(ratios["speedup_2_workers"] / 0.69, 4)  # now 31% worse
    path = _baseline(tmp_path, ratios)
    res = CliRunner().invoke(app, ["bench", "--quick", "--baseline", str(path)])
    assert res.exit_code == 1
    assert "regression: speedup_2_workers regressed by 31.0%" in res.stderr
    # 29% worse is within the default tolerance
    ratios["speedup_2_workers"] = round(state["result"]["ratios"]["speedup_2_workers"] / 0.71, 4)
    path = _baseline(tmp_path, ratios)
    res = CliRunner().invoke(app, ["bench", "--quick", "--baseline", str(path)])
    assert res.exit_code == 0, res.output
    # and a tighter tolerance turns it into a failure
    res = CliRunner().invoke(
        app, ["bench", "--quick", "--baseline", str(path), "--tolerance", "0.2"]
    )
    assert res.exit_code == 1


def test_cli_exits_1_when_a_baseline_ratio_is_missing_from_the_run(fake_bench, tmp_path):
    _, state = fake_bench
    path = _baseline(tmp_path, state["result"]["ratios"])
    del state["result"]["ratios"]["peak_rss_360_90"]
    res = CliRunner().invoke(app, ["bench", "--quick", "--baseline", str(path)])
    assert res.exit_code == 1
    assert "peak_rss_360_90: in the baseline" in res.stderr


@pytest.mark.parametrize(
    ("args", "content", "problem"),
    [
        (["--quick"], "{oops", "not valid JSON"),
        (["--quick"], '{"mode": "full", "ratios": {"peak_rss_360_90": 1.1}}', "not comparable"),
        (["--quick", "--tolerance", "-1"], '{"mode": "quick", "ratios": {}}', "--tolerance"),
    ],
)
def test_cli_exits_2_on_a_bad_baseline_or_option_before_measuring(
    fake_bench, tmp_path, args, content, problem
):
    calls, _ = fake_bench
    path = tmp_path / "b.json"
    path.write_text(content, encoding="utf-8")
    res = CliRunner().invoke(app, ["bench", *args, "--baseline", str(path)])
    assert res.exit_code == 2
    assert problem in res.stderr
    assert calls == []  # nothing was measured


def test_a_ratio_that_cannot_be_computed_is_left_out_and_then_reported_missing():
    cases = _fake_cases()
    cases["size_scaling"]["per_order_time_ratio"] = math.nan  # e.g. a run with no orders
    ratios = bench.ratios_of(cases)
    assert "per_order_time_4x_1x" not in ratios
    assert all(math.isfinite(v) for v in ratios.values())
    by = _by_name(bench.compare_ratios(ratios, BASE, 0.30))
    assert not by["per_order_time_4x_1x"].ok


def test_bare_simpy_counts_its_events_and_refuses_a_bad_size():
    res = bench.bare_simpy(10, 2_005)
    assert res["events"] == 2_000  # 10 processes x 200 timeouts
    assert res["events_per_s"] > 0
    assert res["events_per_cpu_s"] > 0
    with pytest.raises(bench.BenchError, match="processes"):
        bench.bare_simpy(0, 100)


def test_a_child_reports_its_own_peak_rss_not_its_parents():
    """Linux carries ru_maxrss across exec; the horizon case must see the child's own peak."""
    big = bytearray(500 * 1024 * 1024)  # touch 500 MiB in this (parent) process
    big[::4096] = b"\x01" * len(big[::4096])
    assert bench.peak_rss_kib() > 500 * 1024
    code = "from experiments.bench import peak_rss_kib; print(peak_rss_kib())"
    child = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    del big
    # the child imports the twin (about 170 MiB), far below the parent's peak
    assert 0 < int(child.stdout) < 350 * 1024
