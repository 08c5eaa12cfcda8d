"""A scenario's time rules and scheduled actions run inside a simulation, on its clock.

The mocked Odoo's cron worker is a SimPy process: a declared ``on_time_created`` rule fires on
the draft purchase orders that waited longer than its delay, within the cron interval Odoo
derives from it; a declared ``po_watchdog`` scheduled action posts again the confirmations whose
webhook was lost. What the twin cannot honour is rejected at load, with its path.
"""

from __future__ import annotations

import datetime as dt

import pytest
import yaml
from typer.testing import CliRunner

from cli.main import app
from orchestration.integration.scheduled import automation_problems
from orchestration.models.registry import build
from scenarios.loader import load_scenario
from sim.world import World

STALE_RFQ = {
    "rules": [
        {
            "name": "Stale RFQ",
            "model": "purchase.order",
            "trigger": "on_time_created",
            "delay": {"number": 1, "unit": "hour"},
            "filter_domain": [["state", "=", "draft"]],
            "actions": [
                {"state": "object_write", "name": "Flag", "values": {"partner_ref": "STALE"}}
            ],
        }
    ]
}
WATCHDOG = {
    "scheduled_actions": [
        {
            "name": "PO watchdog",
            "callable": "po_watchdog",
            "interval_number": 4,
            "interval_type": "hours",
        }
    ]
}


def _scenario(tmp_path, model: str, automation: dict, *extra: str):
    path = tmp_path / "auto.yaml"
    path.write_text(yaml.safe_dump({"extends": "tiny", "name": "auto", "automation": automation}))
    return load_scenario(path, [f"orchestration.model={model}", "horizon_days=7", *extra])


def _run(s, fires: list | None = None):
    model = build(s.orchestration.model, s)
    w = World(s)
    w.attach(model)
    if fires is not None:  # hear every rule run: (rule, PO created, fired at)
        env = model.stack.erp.env
        env.automation.on_fire = lambda rule, rec: fires.append(
            (rule.name, rec.create_date, env.now())
        )
    w.run()
    return w, model


def test_a_time_rule_fires_on_drafts_that_waited_past_its_delay(tmp_path):
    """Hybrid's purchase orders wait for a buyer as drafts: the rule flags those still draft an
    hour after creation, no earlier, and no later than the 6-minute cron interval (1 h / 10)
    plus the worker's 60 s poll."""
    s = _scenario(tmp_path, "hybrid", STALE_RFQ)
    assert automation_problems(s) == []
    fires: list = []
    w, model = _run(s, fires)
    env = model.stack.erp.env
    flagged = env["purchase.order"].search([("partner_ref", "=", "STALE")])
    stale = [(created, at) for name, created, at in fires if name == "Stale RFQ"]
    assert len(flagged) == len(stale) == w.kpi.odoo_time_rule_fires > 0
    assert env.automation.cron_interval_minutes() == 6
    for created, at in stale:
        assert dt.timedelta(hours=1) <= at - created <= dt.timedelta(hours=1, minutes=7)
    untouched = env["purchase.order"].search([("partner_ref", "!=", "STALE")])
    assert len(untouched) > 0  # approved within the hour: never flagged


def test_without_the_rule_nothing_is_flagged_and_no_cron_worker_runs(tmp_path):
    s = load_scenario("tiny", ["orchestration.model=hybrid", "horizon_days=7"])
    w, model = _run(s)
    assert w.kpi.odoo_time_rule_fires == 0
    assert model.stack.erp.scheduled is None
    assert model.stack.erp.env.cron.runs == []


def test_a_declared_po_watchdog_resends_lost_confirmations(tmp_path):
    """event_driven has no watchdog of its own: with 40% of Odoo's webhooks lost, the declared
    scheduled action posts them again, and more purchase orders reach their suppliers."""
    drop = "faults.integration.drop_rate=0.4"
    plain = _run(
        load_scenario("tiny", ["orchestration.model=event_driven", "horizon_days=7", drop])
    )[0]
    s = _scenario(tmp_path, "event_driven", WATCHDOG, drop)
    w, model = _run(s)
    assert model.stack.erp.webhooks_lost > 0
    assert w.kpi.po_watchdog_resends > 0
    assert w.kpi.odoo_scheduled_action_runs >= 7 * 24 // 4 - 1
    sent_plain = plain.supply._po_seq
    assert w.supply._po_seq > sent_plain
    assert w.kpi.duplicate_effects == 0


@pytest.mark.parametrize(
    ("model", "automation", "path"),
    [
        ("manual", STALE_RFQ, "automation"),
        (
            "hybrid",
            {"rules": [{**STALE_RFQ["rules"][0], "model": "helpdesk.ticket", "filter_domain": []}]},
            "automation.rules[0].model",
        ),
        (
            "hybrid",
            {"scheduled_actions": [{"name": "x", "callable": "do_magic"}]},
            "automation.scheduled_actions[0].callable",
        ),
    ],
)
def test_what_the_twin_cannot_honour_is_rejected_at_load(tmp_path, model, automation, path):
    s = _scenario(tmp_path, model, automation)
    problems = automation_problems(s)
    assert path in {p for p, _, _ in problems}
    result = CliRunner().invoke(app, ["run", str(tmp_path / "auto.yaml"), "--model", model])
    assert result.exit_code == 2
    assert path in result.output
    assert "Traceback" not in result.output
