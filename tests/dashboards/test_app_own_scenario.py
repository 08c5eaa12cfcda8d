"""Opening a scenario of one's own (pasted YAML) on the explorer and comparison pages (AppTest).

The file is validated by the CLI's loader before anything runs: every problem is listed with its
dotted path and the page stops; a valid file joins the scenario picker (kept under
``RESULTS/scenarios/``) and runs like a library scenario, levers included.
"""

from __future__ import annotations

from pathlib import Path

TWO_ERRORS = """\
extends: tiny
name: broken_shop
horizon_days: -3
catalogue: {skus: many}
"""
VALID = """\
extends: tiny
name: my_shop
horizon_days: 5
"""


def _open(at, page: str, text: str):
    at.text_area(key=f"{page}_paste").set_value(text)
    return at.button(key=f"{page}_open_own").click().run()


def test_a_scenario_with_two_errors_shows_both_and_runs_nothing(app, calls):
    at = app().run()
    before = len(calls)
    at = _open(at, "explorer", TWO_ERRORS)
    assert not at.exception
    (error,) = at.error
    assert "2 problem(s)" in error.value
    assert "`horizon_days`" in error.value
    assert "`catalogue.skus`" in error.value
    assert len(calls) == before  # the page stopped: nothing ran
    assert at.selectbox(key="explorer_scenario").value == "tiny"
    root = Path(at.session_state["results_dir"]) / "scenarios"
    assert not list(root.rglob("*.yaml"))  # an invalid file is not kept


def test_a_valid_scenario_is_picked_shows_its_levers_and_runs(app, calls):
    at = app().run()
    at = _open(at, "explorer", VALID)
    assert not at.exception
    picked = at.selectbox(key="explorer_scenario").value
    assert picked.endswith("pasted.yaml")
    assert Path(picked).is_file()
    # its levers default to the file's values (a 5-day horizon)
    assert at.number_input(key=f"explorer_horizon_{picked}").value == 5
    at.button(key="explorer_run").click().run()
    assert not at.exception
    last = [c for c in calls if c["page"] == "explorer"][-1]
    assert last["scenario"] == picked
    assert last["resolved"].name == "my_shop"
    assert last["resolved"].horizon_days == 5
    # it stays in the picker on the next visit (the file is under the results directory)
    assert "pasted (your file)" in at.selectbox(key="explorer_scenario").options


def test_the_comparison_page_opens_one_too(app, calls):
    at = app()
    at.switch_page("views/comparison.py")
    at.run()
    at = _open(at, "comparison", VALID)
    assert not at.exception
    picked = at.selectbox(key="comparison_scenario").value
    at.button(key="comparison_run").click().run()
    last = [c for c in calls if c["page"] == "comparison"][-1]
    assert last["scenario"] == picked
    assert last["resolved"].name == "my_shop"
