"""A late supplier leads to detection, an expedite and proactive notices in the automated models.

On a supplier-delay wave (tiny: both suppliers 5 days late for three weeks), the models that
watch promises detect every late PO at its missed promise, ``exception_driven`` expedites the
fulfilment-centre POs customers wait for (at a cost), and customers waiting for stock are told
before their promise: fewer backordered orders end late without notice than under ``manual``.
"""

from __future__ import annotations

import pytest

from experiments.runner import run_replication
from scenarios.loader import load_scenario

WAVE = (
    "faults.supplier_delays=[{suppliers: [alpha, beta], start: 2025-09-01, end: 2025-09-21, "
    "extra_days: 5}]"
)


@pytest.fixture(scope="module")
def runs():
    out = {}
    for model in ("manual", "exception_driven", "event_driven"):
        s = load_scenario("tiny", ["horizon_days=21", f"orchestration.model={model}", WAVE])
        out[model] = run_replication(s, 0).kpis
    return out


def test_watching_models_detect_every_late_po_at_its_promise(runs):
    k = runs["exception_driven"]
    assert k["supplier_delays_total"] > 0
    assert k["supplier_delays_detected_total"] >= k["supplier_delays_total"] - 1
    assert k["supplier_delay_false_alarms_total"] == 0
    assert 0.0 <= k["supplier_delay_detection_h_p50"] <= 1.0  # the 1 h receiving grace
    assert runs["manual"]["supplier_delays_detected_total"] == 0


def test_exception_driven_expedites_at_a_cost_and_event_driven_does_not(runs):
    assert runs["exception_driven"]["expedites_total"] > 0
    assert runs["exception_driven"]["expedite_cost"] > 0
    assert runs["event_driven"]["expedites_total"] == 0
    assert runs["manual"]["expedites_total"] == 0


def test_customers_waiting_for_stock_are_told_before_their_promise(runs):
    m, x = runs["manual"], runs["exception_driven"]
    assert x["proactive_delay_notices_total"] > 0
    assert x["orders_late_without_notice_total"] < m["orders_late_without_notice_total"]


def test_the_expedite_price_is_a_lever():
    """expedite_cost_share prices the same expedites (the world is unchanged)."""
    base = ["horizon_days=21", "orchestration.model=exception_driven", WAVE]
    a = run_replication(load_scenario("tiny", base), 0).kpis
    b = run_replication(
        load_scenario("tiny", [*base, "policy.late_supplier.expedite_cost_share=0.2"]), 0
    ).kpis
    assert b["expedites_total"] == a["expedites_total"] > 0
    assert b["expedite_cost"] == pytest.approx(2 * a["expedite_cost"], rel=1e-3)


def _scan(open_fc, short):
    """The backorder's lookup as a scan of every open PO's lines (what the index replaces)."""
    eta = [p for skus, p in open_fc.values() if short.intersection(skus.tolist())]
    return min(eta) if eta else None


def test_the_covering_index_answers_as_a_scan_of_the_open_pos():
    """Open, re-confirmed and received POs in random order: after each step the earliest promise
    of the POs covering a set of SKUs is the one a scan of every open PO's lines gives."""
    from types import SimpleNamespace

    import numpy as np

    from orchestration.models.late_supplier import LateSupplierFlow

    world = SimpleNamespace(net=SimpleNamespace(fc=3))
    model = SimpleNamespace(
        w=world,
        env=None,
        kpi=None,
        bo=None,
        table=SimpleNamespace(late_supplier=SimpleNamespace(watches_promises=True)),
        s=SimpleNamespace(policy=SimpleNamespace(late_supplier=SimpleNamespace(escalate_to=None))),
    )
    flow = LateSupplierFlow(model)
    rng = np.random.default_rng(7)
    checked = covered = 0
    for step in range(600):
        key = f"po{rng.integers(40)}"
        if rng.random() < 0.6:
            skus = np.unique(rng.integers(0, 60, rng.integers(1, 12)))
            flow._open(key, skus, float(rng.integers(0, 500)) / 4)
        else:
            flow.received(key)
        for _ in range(3):
            short = set(rng.integers(0, 60, rng.integers(1, 4)).tolist())
            expected = _scan(flow.open_fc, short)
            assert flow.earliest_promise(short) == expected, (step, short)
            checked += 1
            covered += expected is not None
    assert set(flow.covering) == {s for skus, _ in flow.open_fc.values() for s in skus.tolist()}
    assert checked == 1800
    assert 0 < covered < checked  # both answers (a PO covers them, none does) were exercised
