"""The command line reads as written for its users: flags without a type, no issue numbers,
help that fits 100 columns, ``results diff`` (``results compare`` kept as a hidden alias),
``--kpi`` selecting KPIs and groups, and comparison tables that fit 100 columns."""

from __future__ import annotations

import re

import pytest
import typer
from rich.console import Console
from typer.testing import CliRunner

from cli.main import app
from experiments.kpi_groups import GROUPS, select
from experiments.report import comparison_table

runner = CliRunner()


def _commands() -> list[list[str]]:
    group = typer.main.get_command(app)
    out = [[]]
    for name, cmd in group.commands.items():
        if getattr(cmd, "hidden", False):
            continue
        out.append([name])
        for sub, c in getattr(cmd, "commands", {}).items():
            if not getattr(c, "hidden", False):
                out.append([name, sub])
    return out


@pytest.mark.parametrize("args", _commands(), ids=lambda a: " ".join(a) or "retail-twin")
def test_help_is_written_for_users(args):
    res = runner.invoke(app, [*args, "--help"], env={"COLUMNS": "100", "NO_COLOR": "1"})
    assert res.exit_code == 0, res.output
    text = res.output
    assert "<bool>" not in text
    assert "<list[" not in text
    assert not re.search(r"\bissue\s+\d", text, re.IGNORECASE)
    assert "continue the sweep" not in text
    assert max(len(line) for line in text.splitlines()) <= 100


def test_flags_are_flags():
    res = runner.invoke(app, ["run", "--help"], env={"COLUMNS": "100"})
    line = next(x for x in res.output.splitlines() if x.lstrip("│ ").startswith("--json"))
    assert re.search(r"--json\s+print the summary as JSON", line)


def test_results_diff_reads_folders_and_the_old_name_is_hidden():
    res = runner.invoke(app, ["results", "--help"], env={"COLUMNS": "100"})
    assert " diff " in res.output
    assert " compare " not in res.output
    old = runner.invoke(app, ["results", "compare", "--help"], env={"COLUMNS": "100"})
    assert old.exit_code == 0


def test_kpi_selects_names_groups_and_patterns():
    names = ["orders_total", "fill_rate", "approval_cycle_time_p95_h", "touchless_rate", "revenue"]
    assert select(names, ["approvals"]) == ["approval_cycle_time_p95_h", "touchless_rate"]
    assert select(names, ["revenue", "fill_rate"]) == ["fill_rate", "revenue"]  # run's order
    assert select(names, ["approval_*"]) == ["approval_cycle_time_p95_h"]
    assert select(names, []) == names
    with pytest.raises(ValueError, match="'nope'"):
        select(names, ["nope", "fill_rate"])
    assert "headline" in GROUPS


def test_run_kpi_shows_only_the_chosen_rows_and_rejects_unknown_names():
    res = runner.invoke(
        app,
        ["run", "tiny", "--set", "horizon_days=3", "--kpi", "fill_rate", "--kpi", "money"],
        env={"COLUMNS": "100"},
    )
    assert res.exit_code == 0, res.output
    assert "fill_rate" in res.output
    assert "margin_leakage" in res.output
    assert "approvals_total" not in res.output
    bad = runner.invoke(app, ["run", "tiny", "--set", "horizon_days=3", "--kpi", "nope"])
    assert bad.exit_code == 2
    assert "'nope'" in bad.output


def test_a_five_model_comparison_fits_100_columns():
    models = ["manual", "event_driven", "approval_centric", "exception_driven", "hybrid"]
    entry = {"n": 5, "kpis": {"approval_cycle_time_p95_h": 8.9}, "kpis_ci95": {}}
    entry["kpis_ci95"]["approval_cycle_time_p95_h"] = [0.0, 27.6]
    diff = {"approval_cycle_time_p95_h": {"mean": -1.5, "ci95": [-3.0, 0.2], "significant": False}}
    comp = {
        "reference": "manual",
        "paired": True,
        "runs": dict.fromkeys(models, entry),
        "differences": dict.fromkeys(models[1:], diff),
    }
    console = Console(width=100, record=True, color_system=None)
    console.print(comparison_table(comp, "five models"))
    text = console.export_text()
    assert max(len(line) for line in text.splitlines()) <= 100
    assert "…" not in text
    for m in models:
        assert m in text
    assert "-1.5000 [-3.0000, 0.2000] n.s." in text
