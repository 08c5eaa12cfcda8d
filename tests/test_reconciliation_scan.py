"""A declared reconciliation scan finds bills paid over their receipt and raises them to finance.

``exception_driven`` pays a mismatched bill as billed when its invoice triage reads it as a
clean match (here: a confusion matrix that reads every bill as clean, and a threshold low
enough to trust it). The scenario's scheduled action ``reconciliation_scan``, run by the mocked
Odoo's cron on the simulation clock, checks those bills against their receipts: each one paid
above it becomes an exception for finance, who claims the overpayment back. Without the scan
nothing is found or recovered. A scan the twin cannot honour is rejected at load with its path.
"""

from __future__ import annotations

import pytest
import yaml

from experiments.runner import run_replication
from orchestration.integration.scheduled import automation_problems
from scenarios.loader import load_scenario

SCAN = {
    "scheduled_actions": [
        {
            "name": "Reconciliation scan",
            "callable": "reconciliation_scan",
            "interval_number": 1,
            "interval_type": "days",
        }
    ]
}
MISREAD = (
    "triage.invoices={confusion: [[1,0,0,0],[1,0,0,0],[1,0,0,0],[1,0,0,0]]}",
    "orchestration.exception_driven.invoice_triage_threshold=0.0",
)
BASE = ("orchestration.model=exception_driven", "horizon_days=28", *MISREAD)


def _load(tmp_path, automation: dict | None, *extra: str):
    doc: dict = {"extends": "tiny", "name": "scan"}
    if automation is not None:
        doc["automation"] = automation
    path = tmp_path / "scan.yaml"
    path.write_text(yaml.safe_dump(doc))
    return load_scenario(path, [*BASE, *extra])


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("scan")
    with_scan = _load(tmp, SCAN)
    assert automation_problems(with_scan) == []
    return {
        "scan": run_replication(with_scan, 0).kpis,
        "none": run_replication(_load(tmp, None), 0).kpis,
    }


def test_the_scan_raises_bills_paid_over_their_receipt_and_finance_recovers(runs):
    k, plain = runs["scan"], runs["none"]
    assert plain["invoice_overpaid"] > 0  # the misread bills exist either way
    assert k["invoice_overpaid"] == plain["invoice_overpaid"]
    assert k["reconciliation_findings_total"] > 0
    assert 0 < k["invoice_overpaid_recovered"] <= k["invoice_overpaid"] + 0.01
    assert k["exceptions_finance_opened_total"] == (
        plain["exceptions_finance_opened_total"] + k["reconciliation_findings_total"]
    )
    assert k["odoo_scheduled_action_runs_total"] >= 27  # daily, on the simulation clock


def test_without_the_scan_nothing_is_found_or_recovered(runs):
    plain = runs["none"]
    assert plain["reconciliation_findings_total"] == 0
    assert plain["invoice_overpaid_recovered"] == 0
    assert plain["odoo_scheduled_action_runs_total"] == 0


def test_a_scan_with_no_finance_pool_is_rejected_with_its_path(tmp_path):
    s = _load(tmp_path, SCAN)
    pools = {k: v for k, v in s.approvals.pools.items() if k != "finance"}
    s = s.model_copy(update={"approvals": s.approvals.model_copy(update={"pools": pools})})
    problems = automation_problems(s)
    assert [p[0] for p in problems] == ["automation.scheduled_actions[0].callable"]
    assert "finance" in problems[0][1]


def test_a_scan_under_manual_is_rejected(tmp_path):
    s = _load(tmp_path, SCAN, "orchestration.model=manual")
    assert [p[0] for p in automation_problems(s)] == ["automation"]
