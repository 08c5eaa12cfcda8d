"""``retail-twin check``: exit codes, the breach report and the JUnit XML.

Exit 0 when every bound holds, 1 when one breaks (with the bound and by how much), 2 on bad
input — a scenario without ``slo:``, a bound on an unknown KPI, no scenario at all — naming the
file and the path, before anything runs. Scenarios here are ``tiny`` cut to a few days.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
import yaml
from click.testing import Result
from typer.testing import CliRunner

from cli.check import _collect
from cli.main import app
from scenarios.loader import LIBRARY_DIR, library_names


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def printed(result: Result) -> str:
    """stdout and stderr together, whichever way this Click version captures them."""
    text = result.output
    try:
        err = result.stderr
    except ValueError:
        err = ""
    return text if err in text else text + err


def scenario(tmp_path: Path, bounds: list[dict], name: str = "short", **top) -> Path:
    doc = {
        "extends": str(LIBRARY_DIR / "tiny.yaml"),
        "name": name,
        "horizon_days": 3,
        "slo": {"bounds": bounds},
        **top,
    }
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


def invoke(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(app, ["check", *args, "--workers", "1"])


def test_all_bounds_hold_exit_0_and_junit_without_failures(runner, tmp_path):
    src = scenario(
        tmp_path,
        [
            {"kpi": "duplicate_effects_total", "max": 0},
            {"kpi": "fill_rate", "min": 0.5, "max": 1.0},
            {"kpi": "sod_violations_total", "max": 0},
        ],
    )
    junit = tmp_path / "out" / "slo.xml"
    res = invoke(runner, str(src), "--junit", str(junit))
    text = printed(res)
    assert res.exit_code == 0, text
    assert "PASS" in text
    assert "BREACH" not in text
    assert "1 scenario(s), 4 bound(s)" in text
    root = ET.parse(junit).getroot()
    assert root.tag == "testsuites"
    assert (root.get("tests"), root.get("failures"), root.get("errors")) == ("4", "0", "0")
    (suite,) = root.findall("testsuite")
    assert suite.get("name") == "short"
    names = [c.get("name") for c in suite.findall("testcase")]
    assert names == [
        "duplicate_effects_total <= 0",
        "fill_rate >= 0.5",
        "fill_rate <= 1",
        "sod_violations_total <= 0",
    ]
    assert suite.findall("testcase/failure") == []
    props = {p.get("name"): p.get("value") for p in suite.findall("properties/property")}
    assert props["source"] == str(src)
    assert props["model"] == "manual"
    assert props["replications"] == "1"


def test_a_breach_exits_1_and_says_which_bound_broke_and_by_how_much(runner, tmp_path):
    ok = scenario(tmp_path, [{"kpi": "duplicate_effects_total", "max": 0}], name="ok")
    bad = scenario(
        tmp_path,
        [
            {"kpi": "duplicate_effects_total", "max": 0},
            {"kpi": "orders_total", "max": 10, "description": "a bound this retailer cannot hold"},
        ],
        name="bad",
    )
    junit = tmp_path / "slo.xml"
    res = invoke(runner, str(ok), str(bad), "--junit", str(junit))
    text = printed(res)
    assert res.exit_code == 1, text
    breach = [line for line in text.splitlines() if line.startswith("BREACH")]
    assert len(breach) == 1
    assert breach[0].startswith("BREACH bad: orders_total = ")
    assert "above the maximum 10 (<= 10) by " in breach[0]
    root = ET.parse(junit).getroot()
    assert (root.get("tests"), root.get("failures")) == ("3", "1")
    suites = {s.get("name"): s for s in root.findall("testsuite")}
    assert set(suites) == {"ok", "bad"}
    assert suites["ok"].get("failures") == "0"
    assert suites["bad"].get("failures") == "1"
    (failure,) = suites["bad"].findall("testcase/failure")
    assert failure.get("type") == "SloBreach"
    assert failure.get("message").startswith("orders_total = ")
    assert "a bound this retailer cannot hold" in failure.text
    (case,) = [c for c in suites["bad"].findall("testcase") if c.find("failure") is not None]
    assert case.get("name") == "orders_total <= 10"
    assert case.get("classname") == "slo.bad"


def test_check_breaks_when_a_control_is_switched_off(runner):
    """The acceptance test through the CLI: without idempotency, duplicates double effects."""
    res = invoke(runner, "slo_duplicates", "--set", "orchestration.integration.idempotency=false")
    text = printed(res)
    assert res.exit_code == 1, text
    assert "BREACH slo_duplicates: duplicate_effects_total = " in text
    res = invoke(runner, "slo_duplicates")
    assert res.exit_code == 0, printed(res)


def assert_exit_2(res: Result) -> str:
    text = printed(res)
    assert res.exit_code == 2, text
    assert isinstance(res.exception, SystemExit), repr(res.exception)
    assert "Traceback" not in text
    return text


def test_scenario_without_slo_exits_2_naming_file_and_path(runner):
    text = assert_exit_2(invoke(runner, "tiny"))
    assert f"{LIBRARY_DIR / 'tiny.yaml'}: slo: expected an slo: block" in text


def test_unknown_kpi_exits_2_naming_file_and_path_before_running(runner, tmp_path):
    src = scenario(tmp_path, [{"kpi": "fill_rate", "min": 0}, {"kpi": "fill_rat", "min": 0}])
    text = assert_exit_2(invoke(runner, str(src)))
    assert f"{src}: slo.bounds[1].kpi: expected a KPI name" in text
    assert "found fill_rat" in text
    assert "PASS" not in text  # nothing ran


def test_bad_slo_block_and_missing_file_exit_2(runner, tmp_path):
    src = scenario(tmp_path, [{"kpi": "fill_rate"}])
    text = assert_exit_2(invoke(runner, str(src), "nope_not_a_scenario"))
    assert f"{src}: slo.bounds[0]: expected at least one of min, max, relative" in text
    assert "nope_not_a_scenario" in text


def test_no_scenario_exits_2(runner):
    text = assert_exit_2(runner.invoke(app, ["check"]))
    assert "SCENARIO... or --all" in text


def test_all_selects_the_library_scenarios_that_declare_slo():
    picked = _collect([], True, [])
    names = [s.name for s, _src in picked]
    assert names == sorted(n for n in library_names() if n.startswith("slo_"))
    assert "baseline" not in names
    assert all(s.slo is not None for s, _src in picked)
    # a named scenario and --all together: each once
    assert [s.name for s, _ in _collect(["slo_security"], True, [])].count("slo_security") == 1


def test_a_crashed_run_exits_1_with_an_error_testcase(runner, tmp_path, monkeypatch):
    import sim.world

    def boom(self):
        raise RuntimeError("the world fell over")

    monkeypatch.setattr(sim.world.World, "run", boom)
    src = scenario(tmp_path, [{"kpi": "fill_rate", "min": 0}], name="crash")
    junit = tmp_path / "slo.xml"
    res = invoke(runner, str(src), "--junit", str(junit))
    text = printed(res)
    assert res.exit_code == 1, text
    assert "ERROR crash" in text
    assert "RuntimeError: the world fell over" in text
    (suite,) = ET.parse(junit).getroot().findall("testsuite")
    assert suite.get("errors") == "1"
    (error,) = suite.findall("testcase/error")
    assert "the world fell over" in error.get("message")
