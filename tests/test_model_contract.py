"""One contract, every registered orchestration model: what any design must guarantee in the twin.

The suite is parametrised over the registry, so a new model — shipped, or a plugin such as the
test-only ``procurement_first`` of ``tests/models/`` — is held to the same contract without
editing this file. Each count is checked against a source independent of the KPI that reports
it: the event ledger, the audit trail, the model's own queues.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from experiments.plugins import load_plugin
from orchestration.approvals.audit import AuditLog, read
from orchestration.models import build, model_names
from scenarios.loader import load_scenario
from sim.world import World

#: test-only models registered as plugins (so the contract covers a model built from policies)
PLUGINS = [
    Path(__file__).parent / "models" / "procurement_first.py",
    Path(__file__).parent / "experiments" / "models_for_tests.py",
]
for _plugin in PLUGINS:
    load_plugin(str(_plugin))
MODELS = model_names()
SHIPPED = ["manual", "event_driven", "approval_centric", "exception_driven", "hybrid"]


def test_the_five_models_and_the_plugin_models_are_registered():
    assert set(SHIPPED) <= set(MODELS)
    assert "procurement_first" in MODELS


@pytest.fixture(scope="module", params=MODELS)
def finished_world(request, tmp_path_factory):
    """The tiny retailer over three weeks under one model, run to the end with an audit trail."""
    s = load_scenario("tiny", ["horizon_days=21", f"orchestration.model={request.param}"])
    audit = AuditLog(tmp_path_factory.mktemp(request.param) / "audit.jsonl")
    w = World(s)
    model = build(request.param, s, audit)
    w.attach(model)
    w.run()
    audit.close()
    return request.param, w, model, audit


def test_event_conservation(finished_world):
    """Emitted = processed + dead-lettered + in flight, with every settlement individual."""
    _, w, _, _ = finished_world
    t = w.ledger.totals()
    assert t["emitted"] == t["processed"] + t["dead_lettered"] + t["in_flight"]
    assert t["processed"] > 0


def test_no_negative_physical_stock(finished_world):
    _, w, _, _ = finished_world
    assert (w.on_hand >= 0).all()


def test_every_order_ends_final_or_is_counted_open(finished_world):
    """Accepted online orders are delivered, cancelled, or still open (and then counted)."""
    _, w, _, _ = finished_world
    k = w.kpi
    open_orders = len(w.orders.orders)
    assert k.online_orders_accepted == (
        k.online_orders_delivered + k.online_orders_cancelled + open_orders
    )
    assert all(
        o.state in {"backordered", "fulfilling", "label_delayed", "shipped"}
        for o in w.orders.orders.values()
    )


def test_every_request_is_decided_or_counted_pending(finished_world):
    """The KPIs' request counts agree with the audit trail and with the model's own queue."""
    _, w, model, audit = finished_world
    k = w.kpi.kpis(w.ledger.totals())
    records = read(audit.path)
    requested = {r.request for r in records if r.action == "requested"}
    assert k["approvals_total"] == len(requested) > 0
    assert k["pending_approvals_at_end"] == model.bo.approvals.pending >= 0
    by_type = w.kpi.by_approval_type()
    assert sum(t["requests_total"] for t in by_type.values()) == len(requested)


def test_zero_segregation_of_duties_violations(finished_world):
    """Nobody decided their own request nor filled two steps of one (read from the audit)."""
    _, w, _, audit = finished_world
    assert w.kpi.sod_violations == 0
    steps: dict[str, list[str]] = {}
    for r in read(audit.path):
        if r.action in {"approved", "refused"}:
            steps.setdefault(r.request, []).append(r.actor)
    assert steps, "no human decisions to check"
    assert all(len(set(actors)) == len(actors) for actors in steps.values())


def test_no_duplicate_effects_without_faults(finished_world):
    _, w, _, _ = finished_world
    assert w.kpi.duplicate_effects == 0


# --------------------------------------------------------------------------- governance events
@pytest.fixture(scope="module", params=MODELS)
def governed_world(request):
    """Two weeks with many supplier bank changes (half fraudulent) and every ticket kept."""
    from sim.events import SupplierBankChangeRequested, TicketOpened

    s = load_scenario(
        "tiny",
        [
            "horizon_days=14",
            f"orchestration.model={request.param}",
            "network.bank_changes.per_month=40",
            "network.bank_changes.fraud_share=0.5",
        ],
    )
    w = World(s)
    model = build(request.param, s)
    w.attach(model)
    seen: dict[str, list[int]] = {"tickets": [], "bank": []}
    on_event = model.on_event

    def spy(event):
        if isinstance(event, TicketOpened):
            seen["tickets"].append(event.id)
        elif isinstance(event, SupplierBankChangeRequested):
            seen["bank"].append(event.id)
        on_event(event)

    model.on_event = spy
    w.run()
    return request.param, w, model, seen


def test_every_model_handles_bank_changes_and_tickets(governed_world):
    """Each new event reaches the model and is settled or visibly in flight, never lost."""
    _, w, _, seen = governed_world
    k = w.kpi.kpis(w.ledger.totals())
    assert len(seen["bank"]) == k["supplier_bank_changes_total"] > 0
    assert len(seen["tickets"]) == k["tickets_total"] > 0
    open_tickets = sum(1 for i in seen["tickets"] if i in w.ledger.pending)
    assert open_tickets == k["tickets_pending_at_end"]
    open_changes = sum(1 for i in seen["bank"] if i in w.ledger.pending)
    assert open_changes == k["supplier_bank_changes_pending_at_end"]


def test_every_change_request_ends_decided_or_counted_pending(governed_world):
    _, w, _, _ = governed_world
    k = w.kpi.kpis(w.ledger.totals())
    decided = k["supplier_bank_changes_approved_total"] + k["supplier_bank_changes_rejected_total"]
    tally = w.kpi.approvals["supplier_change"]  # every change goes through an approval request
    assert tally.created == k["supplier_bank_changes_total"]
    assert tally.decided == decided
    assert (
        k["bank_fraud_confirmed_total"] + k["bank_fraud_blocked_total"]
        <= (k["bank_fraud_attempts_total"])
    )
    assert w.kpi.sod_violations == 0


def test_held_payments_are_released_or_counted_held(governed_world):
    _, w, model, _ = governed_world
    k = w.kpi.kpis(w.ledger.totals())
    released = len(w.kpi.supplier_payment_hold_h)
    assert k["supplier_payments_held_total"] == released + k["supplier_payments_held_at_end"]
    assert k["supplier_payments_held_at_end"] == model.bo.payables.held.count()
    if k["supplier_payments_held_at_end"]:
        assert model.bo.payables.bank.pending()  # nothing waits once no change is pending


def test_every_team_exception_is_resolved_or_counted_pending(governed_world):
    """Pending exceptions per team add up to what the model's own queues still hold."""
    _, w, model, _ = governed_world
    k = w.kpi.kpis(w.ledger.totals())
    pending = 0
    for team in w.s.governance.exception_sla_h:
        opened = k[f"exceptions_{team}_opened_total"]
        pending += k[f"exceptions_{team}_pending_at_end"]
        assert k[f"exceptions_{team}_sla_breached_total"] <= opened
    assert pending == model.bo.exceptions.open_count
