"""retail-twin fidelity: the twin scored against a history, row by row; exit 1 on a failed row."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from cli.main import app
from experiments.interop.fidelity import score
from experiments.interop.history import History
from experiments.replicate import run_scenario
from scenarios.loader import load_scenario


def _history(root, name, overrides):
    run_scenario(load_scenario(root / "tiny28.yaml", ["seed=99", *overrides]), 1, root / name)
    path = root / f"{name}.sqlite"
    res = CliRunner().invoke(
        app, ["export", str(root / name), "--format", "ocel2-sqlite", "--out", str(path)]
    )
    assert res.exit_code == 0, res.output
    return path


@pytest.fixture(scope="module")
def histories(tmp_path_factory):
    root = tmp_path_factory.mktemp("fidelity")
    (root / "tiny28.yaml").write_text("extends: tiny\nhorizon_days: 28\n")
    same = _history(root, "same", [])
    slow = _history(
        root,
        "slow",
        [
            "network.suppliers.0.lead_time_days={median: 8, p90: 12}",
            "network.suppliers.0.on_time_prob=1.0",
        ],
    )
    return root / "tiny28.yaml", same, slow


def _score(histories, history, *args):
    res = CliRunner().invoke(
        app,
        [
            "fidelity",
            str(histories[0]),
            "--history",
            str(history),
            "--replications",
            "2",
            "--json",
            *args,
        ],
    )
    doc = json.loads(res.stdout) if res.exit_code in (0, 1) else None
    return res, doc


def test_the_twin_passes_against_a_history_it_generated_itself(histories):
    res, doc = _score(histories, histories[1])
    assert res.exit_code == 0, res.output
    assert doc["passed"] is True
    rows = {r["name"]: r for r in doc["rows"]}
    assert rows["store_units_per_store_day"]["verdict"] == "pass"
    assert rows["lead_time[alpha]"]["verdict"] == "pass"
    assert rows["approval_cycle[discount]"]["distance"] is not None
    assert rows["orders_per_hour_of_week"]["n_history"] > 100
    assert rows["daily_stockouts"]["verdict"] in ("pass", "n/a")


def test_a_slower_supplier_in_the_history_fails_its_row_and_exits_1(histories):
    res, doc = _score(histories, histories[2])
    assert res.exit_code == 1
    assert doc["passed"] is False
    rows = {r["name"]: r for r in doc["rows"]}
    assert rows["lead_time[alpha]"]["verdict"] == "fail"
    assert rows["lead_time[alpha]"]["distance"] > rows["lead_time[alpha]"]["threshold"]
    # a declared threshold loosened past the distance lets the row pass
    _, doc2 = _score(histories, histories[2], "--threshold", "lead_time=0.99")
    assert {r["name"]: r for r in doc2["rows"]}["lead_time[alpha]"]["verdict"] == "pass"


def test_fidelity_rejects_bad_options_with_exit_2(histories, tmp_path):
    for args, needle in (
        (["--threshold", "nonsense=1"], "--threshold"),
        (["--threshold", "lead_time=abc"], "NAME=NUMBER"),
        (["--replications", "0"], "--replications"),
    ):
        res = CliRunner().invoke(app, ["fidelity", "tiny", "--history", str(histories[0]), *args])
        assert res.exit_code == 2
        assert needle in res.output
    res = CliRunner().invoke(app, ["fidelity", "tiny", "--history", str(tmp_path / "no.json")])
    assert res.exit_code == 2


def _approval_history(rows: list[tuple[str, str | None, float]]) -> History:
    """A history holding only approvals: (type, approver role or None, cycle hours)."""
    t0 = pd.Timestamp("2025-03-03 09:00")
    approvals = pd.DataFrame(
        {
            "type": [r[0] for r in rows],
            "role": [r[1] for r in rows],
            "created": [t0 + pd.Timedelta(hours=i) for i in range(len(rows))],
            "started": pd.NaT,
            "decided": [t0 + pd.Timedelta(hours=i + r[2]) for i, r in enumerate(rows)],
        }
    )
    none = pd.DataFrame({"supplier": [], "days": []})
    return History(
        dt.date(2025, 3, 3),
        28,
        pd.DataFrame({"store": [], "date": [], "units": []}),
        pd.Series(dtype=float),
        pd.Series(dtype=float),
        pd.DataFrame({"sku": [], "promo": [], "units": [], "rows": []}),
        none,
        pd.DataFrame({"supplier": [], "in_full": []}),
        pd.DataFrame({"supplier": [], "hours": []}),
        approvals,
        pd.DataFrame({"declined": [], "delivered": [], "returned": []}),
        "test",
    )


def test_a_log_naming_approvers_is_compared_with_the_approvals_a_person_decided():
    """A retailer's approval log lists the requests sent to someone; the twin's touchless
    approvals (decided by policy at once, no approver) are left out of both sides' cycle rows,
    and only then. A log without approver roles is compared with everything."""
    g = np.random.default_rng(5)
    human = list(g.lognormal(np.log(20.0), 0.5, 120))
    history = _approval_history([("purchase", "buyers", h) for h in human[:60]])
    twin = _approval_history(
        [("purchase", "buyers", h) for h in human[60:]] + [("purchase", None, 0.0)] * 60
    )
    rows = {r.name: r for r in score(history, [twin, twin])}
    assert rows["approval_cycle[purchase]"].verdict == "pass"
    assert rows["approval_cycle[purchase]"].n_twin == 120  # 60 per replication, people only
    assert rows["approval_cycle_p50_h"].verdict == "pass"
    unnamed = history.approvals.assign(role=None)
    history_unnamed = replace(history, approvals=unnamed)
    rows = {r.name: r for r in score(history_unnamed, [twin, twin])}
    assert rows["approval_cycle[purchase]"].n_twin == 240  # touchless ones included
    assert rows["approval_cycle[purchase]"].verdict == "fail"  # half of them take 0 h
