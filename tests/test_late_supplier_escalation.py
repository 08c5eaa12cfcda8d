"""A late-supplier exception no buyer picks up in time escalates to procurement leadership.

On a supplier-delay wave (tiny: both suppliers 5 days late for three weeks, one buyer), the
exceptions to procurement (late confirmations, missed promises) that wait past
``policy.late_supplier.escalate_after_h`` leave the buyers' queue for the ``procurement_leads``
desk, which works them; finance is told of every missed promise. The deadline and the target
pool are scenario data; a pool that does not exist is rejected at load with its path.
"""

from __future__ import annotations

import pytest

from experiments.runner import run_replication
from scenarios.loader import ScenarioError, load_scenario

WAVE = (
    "faults.supplier_delays=[{suppliers: [alpha, beta], start: 2025-09-01, end: 2025-09-21, "
    "extra_days: 5}]"
)
BASE = ["horizon_days=21", WAVE]


def _run(model: str, *extra: str) -> dict:
    return run_replication(
        load_scenario("tiny", [*BASE, f"orchestration.model={model}", *extra]), 0
    ).kpis


@pytest.fixture(scope="module")
def runs():
    return {
        "approval_centric": _run("approval_centric"),
        "late_deadline": _run("approval_centric", "policy.late_supplier.escalate_after_h=500"),
        "manual": _run("manual"),
    }


def test_unpicked_procurement_exceptions_go_to_leadership(runs):
    k = runs["approval_centric"]
    assert k["supplier_delay_escalations_total"] > 0
    # every escalation leaves the buyers' queue and lands on the leadership desk, which works it
    assert k["exceptions_buyers_escalated_total"] == k["supplier_delay_escalations_total"]
    assert k["exceptions_procurement_leads_opened_total"] == k["supplier_delay_escalations_total"]
    assert k["exceptions_procurement_leads_resolved_total"] > 0
    assert k["team_procurement_leads_worked_h"] > 0
    # an escalated exception is neither resolved nor pending at the buyers'
    b = "exceptions_buyers_"
    assert (
        k[b + "opened_total"]
        == k[b + "resolved_total"] + k[b + "pending_at_end"] + k[b + "escalated_total"]
    )


def test_finance_is_told_of_every_missed_promise(runs):
    k = runs["approval_centric"]
    assert k["supplier_delay_finance_notices_total"] >= k["supplier_delays_detected_total"] > 0
    assert runs["manual"]["supplier_delay_finance_notices_total"] == 0


def test_manual_has_no_escalation(runs):
    assert runs["manual"]["supplier_delay_escalations_total"] == 0
    assert runs["manual"]["exceptions_procurement_leads_opened_total"] == 0


def test_the_deadline_is_a_lever(runs):
    """A deadline longer than the run: nothing escalates, the buyers keep every exception."""
    k, late = runs["approval_centric"], runs["late_deadline"]
    assert late["supplier_delay_escalations_total"] == 0
    assert late["exceptions_procurement_leads_opened_total"] == 0
    assert late["exceptions_buyers_resolved_total"] > k["exceptions_buyers_resolved_total"]
    # the world does not change: the same POs are late and detected
    assert late["supplier_delays_detected_total"] == k["supplier_delays_detected_total"]


def test_no_target_pool_means_no_escalation():
    k = _run("exception_driven", 'policy.late_supplier.escalate_to=""')
    assert k["supplier_delay_escalations_total"] == 0
    assert "exceptions_procurement_leads_opened_total" not in k


def test_an_unknown_leadership_pool_is_rejected_at_load_with_its_path():
    with pytest.raises(ScenarioError) as exc:
        load_scenario("tiny", ["policy.late_supplier.escalate_to=board"])
    assert "policy.late_supplier.escalate_to" in str(exc.value)
    assert "board" in str(exc.value)
