"""A model declares its own parameters class; a plugin model carries parameters in a scenario.

The shipped models read theirs from ``orchestration.<name>``; a plugin model (here the 33-line
``tests/models/procurement_first.py``) from ``orchestration.plugins.<name>``, validated by its
class when it is built: a wrong field is an error naming its path, a block for a model nobody
registered is an error, and a valid parameter moves the run.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from experiments.plugins import load_plugin
from experiments.runner import run_replication
from orchestration.models import (
    ModelParamsError,
    build,
    model_params,
    plugin_params_problems,
    spec,
)
from scenarios.loader import load_scenario
from scenarios.schema import HybridParams

load_plugin(str(Path(__file__).parent / "models" / "procurement_first.py"))
BASE = ["horizon_days=14", "orchestration.model=procurement_first"]


def test_a_shipped_model_reads_its_typed_block():
    s = load_scenario("tiny", ["orchestration.hybrid.po_watchdog_h=12"])
    p = model_params("hybrid", s)
    assert isinstance(p, HybridParams)
    assert p.po_watchdog_h == 12
    assert spec("hybrid").params is HybridParams


def test_a_plugin_model_takes_its_parameters_from_the_scenario():
    s = load_scenario("tiny", [*BASE, "orchestration.plugins.procurement_first={approval_pickup_h: "
                                      "{median: 20, p90: 60}}"])  # fmt: skip
    assert model_params("procurement_first", s).approval_pickup_h.median == 20
    slow = run_replication(s, 0).by_approval_type["purchase"]["cycle_time_mean_h"]
    fast = run_replication(load_scenario("tiny", BASE), 0).by_approval_type["purchase"]
    assert slow > fast["cycle_time_mean_h"]  # buyers open POs later: purchase cycles grow


def test_a_wrong_plugin_parameter_is_an_error_naming_its_path():
    s = load_scenario("tiny", [*BASE, "orchestration.plugins.procurement_first={pickup: 3}"])
    problems = plugin_params_problems(s)
    assert [p[0] for p in problems] == ["orchestration.plugins.procurement_first.pickup"]
    path = r"orchestration\.plugins\.procurement_first\.pickup"
    with pytest.raises(ModelParamsError, match=path):
        build("procurement_first", s)


def test_parameters_for_a_model_nobody_registered_are_an_error():
    s = load_scenario("tiny", ["orchestration.plugins.nobody={x: 1}"])
    assert plugin_params_problems(s) == [
        ("orchestration.plugins.nobody", "the name of a registered model", "nobody")
    ]


def test_the_cli_rejects_a_wrong_plugin_parameter_before_running(tmp_path):
    """``retail-twin run`` exits 2 naming the path, with the plugin loaded from its file."""
    from typer.testing import CliRunner

    from cli.main import app

    plugin = str(Path(__file__).parent / "models" / "procurement_first.py")
    res = CliRunner().invoke(
        app,
        ["run", "tiny", "--plugin", plugin, "--model", "procurement_first", "--set",
         "orchestration.plugins.procurement_first={pickup: 3}", "--set", "horizon_days=2"],
    )  # fmt: skip
    assert res.exit_code == 2
    assert "orchestration.plugins.procurement_first.pickup" in res.output
