"""Invoice straight-through as the industry measures it: per supplier bill, not per request.

``invoice_touchless_rate``: bills approved for payment with no human step / bills through the
3-way match; ``invoice_exception_rate``: bills failing the match / bills. ``manual`` keys every
bill by hand (touchless 0); the automated models pay a matched bill by rule, so their touchless
rate is at least the share that matched.
"""

from __future__ import annotations

import pytest

from experiments.runner import run_replication
from scenarios.loader import load_scenario


@pytest.fixture(scope="module")
def kpis():
    return {
        m: run_replication(
            load_scenario("tiny", ["horizon_days=21", f"orchestration.model={m}"]), 0
        ).kpis
        for m in ("manual", "event_driven", "exception_driven")
    }


def test_manual_keys_every_bill_by_hand(kpis):
    k = kpis["manual"]
    assert k["invoices_total"] > 0
    assert k["invoice_touchless_rate"] == 0.0
    assert 0.0 < k["invoice_exception_rate"] < 1.0


@pytest.mark.parametrize("model", ["event_driven", "exception_driven"])
def test_automated_models_pay_matched_bills_by_rule(kpis, model):
    k = kpis[model]
    assert k["invoice_touchless_rate"] >= 1.0 - k["invoice_exception_rate"] - 1e-9


def test_a_worse_supplier_raises_the_exception_rate():
    base = ["horizon_days=21", "orchestration.model=event_driven"]
    a = run_replication(load_scenario("tiny", base), 0).kpis
    b = run_replication(
        load_scenario("tiny", [*base, "network.suppliers.0.invoice_price_mismatch_prob=0.9"]), 0
    ).kpis
    assert b["invoice_exception_rate"] > a["invoice_exception_rate"]
    assert b["invoice_touchless_rate"] < a["invoice_touchless_rate"]
