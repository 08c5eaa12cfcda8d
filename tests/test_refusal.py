"""One refusal ends an approval request (Odoo Approvals): later steps are never offered."""

from __future__ import annotations

from orchestration.backoffice.requests import Request
from orchestration.models.registry import build
from scenarios.loader import load_scenario
from sim.world import World


def test_a_refusal_at_step_one_of_two_ends_the_request():
    s = load_scenario("tiny", ["orchestration.model=hybrid", "horizon_days=3"])
    model = build("hybrid", s)
    w = World(s)
    w.attach(model)
    bo = model.bo
    outcome = []
    req = Request(
        "purchase",
        "high",
        w.env.now,
        "planning",
        ("buyers", "finance"),
        outcome.append,
        approve=False,
    )
    bo.approvals.request(req)
    w.run()
    assert outcome == [False]
    assert len(req.approvers) == 1  # the buyer refused; finance never saw it
    assert w.kpi.kpis(w.ledger.totals())["approvals_refused_total"] >= 1
