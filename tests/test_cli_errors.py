"""The command line's error handling and its listing commands.

``retail-twin run`` on a bad scenario exits with code 2 and prints every problem — file, dotted
path, expected, found — and never a traceback. ``schema`` prints the scenario JSON Schema,
``scenarios`` the shipped library with one-line descriptions, ``models`` the orchestration models.
No test here runs a simulation: every ``run`` below stops at validation.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import Result
from typer.testing import CliRunner

from cli.main import app
from orchestration.models import describe_models
from scenarios.loader import LIBRARY_DIR, ScenarioError, library_names, load_scenario, read_document

BASELINE = LIBRARY_DIR / "baseline.yaml"
#: Overrides that would keep a simulation tiny should validation ever let one through.
CHEAP = [
    "--workers", "1",
    "--set", "horizon_days=1",
    "--set", "network.stores.count=1",
    "--set", "catalogue.skus=5",
]  # fmt: skip


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def everything_printed(result: Result) -> str:
    """stdout and stderr together, whichever way this Click version captures them."""
    text = result.output
    try:
        err = result.stderr
    except ValueError:  # stderr mixed into output by an older Click
        err = ""
    return text if err in text else text + err


def assert_clean_exit_2(result: Result) -> str:
    """Exit code 2 by a deliberate exit, not an exception; no traceback printed."""
    printed = everything_printed(result)
    assert result.exit_code == 2, printed
    assert isinstance(result.exception, SystemExit), repr(result.exception)
    assert "Traceback" not in printed
    return printed


def bad_baseline(tmp_path: Path) -> Path:
    doc: dict[str, Any] = copy.deepcopy(read_document(BASELINE))
    doc["horizon_days"] = "12"
    doc["network"]["stores"]["colour"] = "red"
    doc["network"]["suppliers"][2]["on_time_prob"] = 1.4
    doc["demand"]["seasonality"][0]["end"] = "next week"
    del doc["catalogue"]["skus"]
    path = tmp_path / "bad shop.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    return path


# --------------------------------------------------------------------------- bad scenarios
def test_a_bad_file_exits_2_and_lists_every_problem(runner: CliRunner, tmp_path: Path) -> None:
    """Five mistakes in one file: exit code 2, five lines, each with the file name, the dotted
    path, what was expected and what was found."""
    path = bad_baseline(tmp_path)
    printed = assert_clean_exit_2(runner.invoke(app, ["run", str(path)]))
    lines = [line for line in printed.splitlines() if line.startswith("  - ")]
    assert len(lines) == 5, printed
    for where, found in [
        ("horizon_days", '"12"'),
        ("network.stores.colour", '"red"'),
        ("network.suppliers[2].on_time_prob", "1.4"),
        ("demand.seasonality[0].end", '"next week"'),
        ("catalogue.skus", "nothing"),
    ]:
        assert any(
            line.startswith(f"  - {path}: {where}: expected ") and line.endswith(f"; found {found}")
            for line in lines
        ), (where, printed)
    assert "5 problem" in printed


def test_the_cli_prints_exactly_the_loaders_problems(runner: CliRunner, tmp_path: Path) -> None:
    """What the command line shows is the loader's complete report, problem by problem."""
    path = bad_baseline(tmp_path)
    with pytest.raises(ScenarioError) as info:
        load_scenario(path)
    printed = assert_clean_exit_2(runner.invoke(app, ["run", str(path)]))
    for problem in info.value.problems:
        assert f"  - {problem}" in printed.splitlines()


def test_cross_field_problems_exit_2_with_their_paths(runner: CliRunner, tmp_path: Path) -> None:
    """A mix summing to 0.9 and a delay for an unknown supplier: both printed, exit 2."""
    doc: dict[str, Any] = copy.deepcopy(read_document(BASELINE))
    doc["channels"]["mix"]["pos"] = 0.72
    doc["faults"] = {
        "supplier_delays": [
            {
                "suppliers": ["ghost_co"],
                "start": doc["start_date"],
                "end": doc["start_date"],
                "extra_days": 2,
            }
        ]
    }
    path = tmp_path / "inconsistent.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False), encoding="utf-8")
    printed = assert_clean_exit_2(runner.invoke(app, ["run", str(path)]))
    assert f"{path}: channels.mix: expected " in printed
    assert f"{path}: faults.supplier_delays[0].suppliers[0]: expected " in printed
    assert "found ghost_co" in printed


def test_a_yaml_syntax_error_exits_2_naming_the_line(runner: CliRunner, tmp_path: Path) -> None:
    """Broken YAML is reported with the file and the line, not a parser traceback."""
    path = tmp_path / "broken.yaml"
    path.write_text("name: x\nseed: 1\nnetwork: {stores: [1, 2}\n", encoding="utf-8")
    printed = assert_clean_exit_2(runner.invoke(app, ["run", str(path)]))
    assert str(path) in printed
    assert "line 3" in printed


def test_an_unknown_scenario_name_exits_2_listing_the_library(runner: CliRunner) -> None:
    """``run no_such_retailer`` names what was asked for and every scenario that exists."""
    printed = assert_clean_exit_2(runner.invoke(app, ["run", "no_such_retailer"]))
    assert "no_such_retailer" in printed
    for name in library_names():
        assert name in printed


def test_a_missing_yaml_file_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    """A path to a YAML file that is not there is a problem, not a crash."""
    path = tmp_path / "absent.yaml"
    printed = assert_clean_exit_2(runner.invoke(app, ["run", str(path)]))
    assert str(path) in printed


def test_an_unknown_model_exits_2_naming_orchestration_model(runner: CliRunner) -> None:
    """``--model nosuch`` is refused before anything runs, naming the setting, the value and
    the models that exist."""
    printed = assert_clean_exit_2(runner.invoke(app, ["run", "--model", "nosuch", *CHEAP]))
    assert "orchestration.model" in printed
    assert "nosuch" in printed
    for name, _ in describe_models():
        assert name in printed


def test_a_model_name_the_schema_forbids_exits_2(runner: CliRunner) -> None:
    """``--model "two words"`` is not even a valid name: a schema problem at its path."""
    printed = assert_clean_exit_2(runner.invoke(app, ["run", "--model", "two words", *CHEAP]))
    assert ": orchestration.model: expected " in printed


def test_an_unknown_model_in_a_file_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    """A file asking for a model that is not registered is refused like ``--model``."""
    path = tmp_path / "odd_model.yaml"
    text = BASELINE.read_text(encoding="utf-8").replace("model: manual", "model: robots")
    path.write_text(text, encoding="utf-8")
    printed = assert_clean_exit_2(runner.invoke(app, ["run", str(path), *CHEAP]))
    assert "orchestration.model" in printed
    assert "robots" in printed


def test_an_unknown_model_in_a_file_names_the_file(runner: CliRunner, tmp_path: Path) -> None:
    """Like every other problem of a file, the unknown model names the file it is in."""
    path = tmp_path / "odd_model.yaml"
    text = BASELINE.read_text(encoding="utf-8").replace("model: manual", "model: robots")
    path.write_text(text, encoding="utf-8")
    printed = assert_clean_exit_2(runner.invoke(app, ["run", str(path), *CHEAP]))
    assert str(path) in printed


def test_several_bad_overrides_are_all_printed(runner: CliRunner) -> None:
    """Three broken ``--set`` options, three problems on one exit."""
    result = runner.invoke(
        app,
        [
            "run",
            "--set", "horizon_days.value=3",
            "--set", "no_equals_sign",
            "--set", "demand.seasonality.9.multiplier=2",
        ],
    )  # fmt: skip
    printed = assert_clean_exit_2(result)
    assert ": horizon_days.value: expected a mapping or list" in printed
    assert "--set: no_equals_sign: expected " in printed
    assert ": demand.seasonality.9: expected a list index < 2" in printed
    assert "3 problem" in printed


def test_an_override_inventing_a_key_exits_2_with_its_path(runner: CliRunner) -> None:
    """``--set demand.promo_uplfit=2.5`` is an unknown key, reported at its path."""
    printed = assert_clean_exit_2(runner.invoke(app, ["run", "--set", "demand.promo_uplfit=2.5"]))
    assert ": demand.promo_uplfit: expected " in printed
    assert "unknown" in printed


def test_a_negative_seed_exits_2_naming_seed(runner: CliRunner) -> None:
    """``--seed -1`` becomes the override ``seed=-1``, which the schema refuses."""
    printed = assert_clean_exit_2(runner.invoke(app, ["run", "--seed", "-1", *CHEAP]))
    assert ": seed: expected " in printed
    assert "found -1" in printed


def test_zero_replications_is_a_usage_error(runner: CliRunner) -> None:
    """Option bounds are checked by the command line itself: exit 2, no traceback."""
    result = runner.invoke(app, ["run", "--replications", "0", *CHEAP])
    printed = assert_clean_exit_2(result)
    assert "replications" in printed


def test_an_impossible_date_in_a_file_exits_2(runner: CliRunner, tmp_path: Path) -> None:
    """``start_date: 2025-02-30`` is a located problem with exit code 2."""
    path = tmp_path / "feb30.yaml"
    text = BASELINE.read_text(encoding="utf-8").replace(
        "start_date: 2025-09-01", "start_date: 2025-02-30"
    )
    path.write_text(text, encoding="utf-8")
    printed = assert_clean_exit_2(runner.invoke(app, ["run", str(path)]))
    assert str(path) in printed


# --------------------------------------------------------------------------- listings
def test_schema_prints_the_scenario_json_schema(runner: CliRunner) -> None:
    """``schema`` prints valid JSON describing a scenario: its fields, the required ones, and
    that no unknown key is allowed anywhere."""
    result = runner.invoke(app, ["schema"])
    assert result.exit_code == 0, everything_printed(result)
    schema = json.loads(result.stdout)
    assert {"name", "seed", "horizon_days"} <= set(schema["properties"])
    assert {"name", "seed", "horizon_days"} <= set(schema["required"])
    assert schema["additionalProperties"] is False
    objects = {k: d for k, d in schema["$defs"].items() if "properties" in d}
    assert objects
    assert {k for k, d in objects.items() if d.get("additionalProperties") is not False} == set()


def description_cells(table: str) -> dict[str, str]:
    """Read a two-column rich table back into {name: description}, joining wrapped lines."""
    rows: dict[str, str] = {}
    current = None
    for line in table.splitlines():
        if not line.startswith("│"):
            continue
        cells = [c.strip() for c in line.strip("│").split("│")]
        if cells[0]:
            current = cells[0]
            rows[current] = cells[1]
        elif current is not None:
            rows[current] = f"{rows[current]} {cells[1]}".strip()
    return rows


def test_scenarios_lists_the_library_with_one_line_descriptions(runner: CliRunner) -> None:
    """``scenarios`` lists every shipped scenario, baseline included, each with the first line
    of its description."""
    result = runner.invoke(app, ["scenarios"])
    assert result.exit_code == 0, everything_printed(result)
    rows = description_cells(result.stdout)
    assert "baseline" in rows
    assert set(rows) == set(library_names())
    for name in library_names():
        text = yaml.safe_load((LIBRARY_DIR / f"{name}.yaml").read_text(encoding="utf-8"))
        first_line = str(text.get("description", "")).strip().splitlines()[0]
        assert rows[name] == first_line


def test_models_lists_the_manual_model(runner: CliRunner) -> None:
    """``models`` lists the registered orchestration models, ``manual`` among them."""
    result = runner.invoke(app, ["models"])
    assert result.exit_code == 0, everything_printed(result)
    rows = description_cells(result.stdout)
    assert "manual" in rows
    assert set(rows) == {name for name, _ in describe_models()}
    assert rows["manual"] == dict(describe_models())["manual"]
