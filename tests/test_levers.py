"""No dead levers: every leaf of the scenario schema moves a KPI, or is reviewed as inert.

Each sensitivity case of ``tests/levers.py`` runs a small scenario twice — without and with its
override, same seed and replication (common random numbers) — and requires its KPI to move in
the declared direction. The register test requires every schema leaf to be in exactly one of
the register's lists, so a new field cannot arrive without its case. Known dead levers run as
strict expected failures: when one is fixed, the suite says so. A field the twin rejects at
load whatever its value must be reported naming it; the README's lever table must match the
register (``python -m tests.levers`` regenerates it).
"""

from __future__ import annotations

import functools
import importlib.util
import sys
from pathlib import Path

import pytest

from experiments.runner import run_replication
from orchestration.integration.erp import automation_problems
from orchestration.integration.n8n_flows import n8n_problems
from orchestration.models.registry import plugin_params_problems
from scenarios.loader import ScenarioError, load_scenario

_spec = importlib.util.spec_from_file_location("levers", Path(__file__).with_name("levers.py"))
levers = importlib.util.module_from_spec(_spec)
sys.modules["levers"] = levers
_spec.loader.exec_module(levers)


def _problems(s) -> list[tuple[str, str, str]]:
    """What ``retail-twin run`` checks after loading (automation, n8n export, plugin params)."""
    return automation_problems(s) + n8n_problems(s) + plugin_params_problems(s)


@functools.cache
def _kpis(scenario: str, model: str, days: int, overrides: tuple[str, ...]) -> dict:
    s = load_scenario(
        scenario, [f"horizon_days={days}", f"orchestration.model={model}", *overrides]
    )
    problems = _problems(s)
    assert not problems, f"the case's scenario would be rejected by a run: {problems}"
    return run_replication(s, 0).kpis


def _moved(case) -> tuple[object, object]:
    before = _kpis(case.scenario, case.model, case.days, case.base)
    after = _kpis(case.scenario, case.model, case.days, (*case.base, *case.overrides))
    return before[case.kpi], after[case.kpi]


def _holds(case, before, after) -> bool:
    if before is None or after is None:
        return before != after
    if case.direction == "up":
        return after > before
    if case.direction == "down":
        return after < before
    return after != before


def _check(case) -> None:
    before, after = _moved(case)
    assert _holds(case, before, after), (
        f"{case.path}: {' '.join(case.overrides)} should move {case.kpi} {case.direction} "
        f"({case.model}, {case.days} days); it went {before!r} -> {after!r}"
    )


@pytest.mark.parametrize("case", levers.CASES, ids=lambda c: c.id)
def test_a_lever_moves_its_kpi(case):
    _check(case)


def test_every_schema_leaf_is_registered_exactly_once():
    leaves = levers.schema_leaves()
    lists = {
        "CASES": [c.path for c in levers.CASES],
        "INERT": list(levers.INERT),
        "REJECTED": list(levers.REJECTED),
    }
    seen: dict[str, str] = {}
    for name, paths in lists.items():
        for path in sorted(paths):
            assert path not in seen, f"{path} is in both {seen[path]} and {name}"
            seen[path] = name
    unknown = sorted(set(seen) - leaves)
    assert not unknown, f"not schema leaves (renamed or removed?): {unknown}"
    missing = sorted(leaves - set(seen))
    assert not missing, f"schema leaves with no sensitivity case and not reviewed inert: {missing}"


@pytest.mark.parametrize("path", sorted(levers.REJECTED))
def test_a_rejected_field_is_reported_at_load_with_its_path(path):
    """Whatever its value, the field is a problem a run reports (exit 2), naming the field."""
    override, model, _ = levers.REJECTED[path]
    try:
        s = load_scenario("tiny", ["horizon_days=2", f"orchestration.model={model}", override])
    except ScenarioError as exc:
        found = [p.path for p in exc.problems]
    else:
        found = [p[0] for p in _problems(s)]
    pattern = path.replace("[]", "[0]")
    assert pattern in found, f"{path}: expected a problem naming it, got {found}"


def test_the_readme_lever_table_is_in_sync():
    """The README's table is generated from the register: `python -m tests.levers` rewrites it."""
    text = levers.README.read_text(encoding="utf-8")
    assert levers.BEGIN in text, "README lost the lever table's first marker"
    assert levers.END in text, "README lost the lever table's last marker"
    assert levers.readme_with_table(text) == text, (
        "README lever table is stale: run `.venv/bin/python -m tests.levers`"
    )


def test_the_walk_finds_nested_list_and_mapping_leaves():
    """The walker reaches list items and free-keyed mappings, so nothing hides from the test."""
    leaves = levers.schema_leaves()
    assert "network.suppliers[].on_time_prob" in leaves
    assert "approvals.pools.*.hourly_cost" in leaves
    assert "governance.vacations.*[].days" in leaves
    assert "name" in leaves
