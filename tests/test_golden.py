"""Golden KPIs: the whole ``kpis`` object of fixed runs, compared exactly, guard every refactor.

Each case is one replication of a library scenario under one model (``tiny`` under every
shipped model, plus ``slo_duplicates`` and ``slo_peak_ops`` with their faults). Its KPIs and
per-approval-type KPIs are committed under ``tests/golden/`` and must be reproduced bit for
bit: a refactoring commit changes none of them. A behaviour change regenerates them explicitly,

    RETAILTWIN_REGEN_GOLDEN=1 .venv/bin/python -m pytest tests/test_golden.py

which rewrites the files and prints every value that moved, so the commit message can explain
the diff. Without that variable a missing or different file fails the test.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path

import pytest

from experiments.runner import run_replication
from scenarios.loader import load_scenario

GOLDEN = Path(__file__).parent / "golden"
REGEN = os.environ.get("RETAILTWIN_REGEN_GOLDEN") == "1"

CASES = {
    "tiny-manual": ("tiny", "manual"),
    "tiny-event_driven": ("tiny", "event_driven"),
    "tiny-approval_centric": ("tiny", "approval_centric"),
    "tiny-exception_driven": ("tiny", "exception_driven"),
    "tiny-hybrid": ("tiny", "hybrid"),
    "slo_duplicates": ("slo_duplicates", None),
    "slo_peak_ops": ("slo_peak_ops", None),
}


def golden_run(scenario: str, model: str | None) -> dict:
    """The KPIs of replication 0 of ``scenario`` (under ``model``), as JSON-ready data."""
    overrides = [] if model is None else [f"orchestration.model={model}"]
    s = load_scenario(scenario, overrides)
    res = run_replication(s, 0)
    return {
        "scenario": scenario,
        "model": s.orchestration.model,
        "seed": s.seed,
        "kpis": res.kpis,
        "by_approval_type": res.by_approval_type,
    }


def _flatten(d: dict, prefix: str = "") -> dict[str, object]:
    flat: dict[str, object] = {}
    for k, v in d.items():
        key = f"{prefix}{k}"
        if isinstance(v, dict):
            flat.update(_flatten(v, f"{key}."))
        else:
            flat[key] = v
    return flat


def _same(a: object, b: object) -> bool:
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return type(a) is type(b) and a == b


def golden_diff(old: dict, new: dict) -> list[str]:
    """One line per value that differs (added, removed or changed), in a stable order."""
    fo, fn = _flatten(old), _flatten(new)
    lines = []
    for key in sorted(fo.keys() | fn.keys()):
        if key not in fn:
            lines.append(f"  - {key}: {fo[key]!r} (removed)")
        elif key not in fo:
            lines.append(f"  + {key}: {fn[key]!r} (added)")
        elif not _same(fo[key], fn[key]):
            lines.append(f"  ~ {key}: {fo[key]!r} -> {fn[key]!r}")
    return lines


def test_golden_diff_names_every_change():
    """The diff the regeneration prints lists added, removed and changed values, not equal ones."""
    old = {"kpis": {"a": 1, "b": 0.5, "c": None}, "x": {"y": 2}}
    new = {"kpis": {"a": 1, "b": 0.25, "d": 3}, "x": {"y": 2.0}}
    assert golden_diff(old, new) == [
        "  ~ kpis.b: 0.5 -> 0.25",
        "  - kpis.c: None (removed)",
        "  + kpis.d: 3 (added)",
        "  ~ x.y: 2 -> 2.0",
    ]


@pytest.mark.parametrize("case", sorted(CASES))
def test_golden_kpis(case: str, capsys):
    scenario, model = CASES[case]
    new = json.loads(json.dumps(golden_run(scenario, model)))  # JSON round trip, as stored
    path = GOLDEN / f"{case}.json"
    old = json.loads(path.read_text(encoding="utf-8")) if path.exists() else None
    if REGEN:
        diff = golden_diff(old or {}, new)
        path.write_text(json.dumps(new, indent=1, sort_keys=True) + "\n", encoding="utf-8")
        with capsys.disabled():
            print(f"\n{case}: {len(diff)} value(s) changed" + "".join(f"\n{d}" for d in diff))
        return
    assert old is not None, f"{path} missing: regenerate with RETAILTWIN_REGEN_GOLDEN=1"
    diff = golden_diff(old, new)
    assert not diff, f"{case}: KPIs differ from {path.name}:\n" + "\n".join(diff)
