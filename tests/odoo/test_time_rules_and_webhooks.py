"""ODOO.md §8 item 3 (time-based rules driven by the automation cron) and item 4 (the
outbound webhook action: post-commit, 1 s timeout, no retry, Odoo's payload)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from orchestration.odoo import AutomationRule, Env, ServerAction, UserError


def _time_rule(env, delay=1, unit="day", **kw):
    return env.automation.add_rule(
        AutomationRule(
            name=kw.pop("name", "follow up"),
            model="purchase.order",
            trigger="on_time",
            trg_date_field="date_order",
            trg_date_range=delay,
            trg_date_range_type=unit,
            actions=kw.pop(
                "actions", [ServerAction("flag", "object_write", values={"partner_ref": "LATE"})]
            ),
            **kw,
        )
    )


@pytest.mark.parametrize(
    ("delay", "unit", "minutes"),
    [
        (10, "minutes", 1),
        (1, "hour", 6),
        (1, "day", 144),
        (40, "hour", 240),
        (3, "minutes", 1),
        (0, "hour", 240),
    ],
)
def test_cron_interval_is_smallest_delay_over_ten_clamped(env, delay, unit, minutes):
    """_get_cron_interval: delay/10 clamped to 1..240 minutes; a zero delay gives 4 h."""
    _time_rule(env, delay=delay, unit=unit)
    job = env.cron.automation_job
    assert env.automation.cron_interval_minutes() == minutes
    assert (job.active, job.interval_type, job.interval_number) == (True, "minutes", minutes)


def test_automation_cron_is_off_without_time_rules_and_uses_the_smallest_delay(env):
    """The cron is inactive (4 h default) until a time rule exists; the smallest delay wins."""
    job = env.cron.automation_job
    assert (job.active, job.interval_number, job.interval_type) == (False, 4, "hours")
    _time_rule(env, delay=2, unit="day")
    _time_rule(env, delay=2, unit="hour", name="sooner")
    assert job.interval_number == 12


def test_negative_delay_clamps_to_one_minute_in_17_and_uses_abs_later(make_env):
    """17 clamps a negative minimum to 1 min; later versions take abs()."""
    env17, env18 = make_env(version=17), make_env(version=18)
    for e in (env17, env18):
        _time_rule(e, delay=-1, unit="day")
    assert env17.automation.cron_interval_minutes() == 1
    assert env18.automation.cron_interval_minutes() == 144


def test_window_fires_each_record_once_and_first_run_processes_history(env, clock, make_po):
    """last_run <= date + delay < now: first run (no last_run) fires old records; a record
    fires at most once; one whose date+delay is still in the future waits."""
    old = make_po(date_order=clock.now() - timedelta(days=30))
    fresh = make_po(date_order=clock.now())
    _time_rule(env, delay=1, unit="day")
    env.automation.check_time_rules()
    assert (old.partner_ref, fresh.partner_ref) == ("LATE", False)
    old.write({"partner_ref": False})
    clock.advance(hours=25)
    env.automation.check_time_rules()
    assert (old.partner_ref, fresh.partner_ref) == (False, "LATE")


def test_a_date_moved_before_last_run_never_fires(env, clock, make_po):
    """A record whose date+delay lands before last_run is skipped for good."""
    _time_rule(env, delay=1, unit="hour")
    env.automation.check_time_rules()
    clock.advance(hours=5)
    po = make_po(date_order=clock.now() - timedelta(days=3))
    env.automation.check_time_rules()
    assert po.partner_ref is False


def _boom(env, records):
    records.write({"origin": "half-done"})
    raise UserError("carrier API down")


def test_17_swallows_time_rule_errors_and_advances_last_run(make_env, clock):
    """17 behaviour: a failing record is logged, the rule's last_run still advances."""
    env = make_env(version=17)
    partner = env["res.partner"].create({"name": "V"})
    po = env["purchase.order"].create(
        {"partner_id": partner.id, "date_order": clock.now() - timedelta(days=2)}
    )
    rule = _time_rule(env, actions=[ServerAction("boom", "code", code=_boom)])
    run = env.cron.run_job(env.cron.automation_job)
    assert run.ok
    assert rule.last_run == clock.now()
    assert any("carrier API down" in line.message for line in env.logs)
    assert po.exists()


def test_19_rolls_back_the_rule_keeps_last_run_and_fails_the_cron(make_env, clock):
    """19 behaviour: the batch is rolled back, last_run kept, the cron run counts as failed."""
    env: Env = make_env(version=19)
    partner = env["res.partner"].create({"name": "V"})
    po = env["purchase.order"].create(
        {"partner_id": partner.id, "date_order": clock.now() - timedelta(days=2)}
    )
    rule = _time_rule(env, actions=[ServerAction("boom", "code", code=_boom)])
    run = env.cron.run_job(env.cron.automation_job)
    assert not run.ok
    assert rule.last_run is None
    assert po.origin is False
    assert env.cron.automation_job.failure_count == 1


class _Transport:
    def __init__(self, latencies):
        self.latencies = list(latencies)
        self.calls: list = []

    def __call__(self, url, payload):
        self.calls.append((url, payload))
        latency = self.latencies.pop(0)
        if isinstance(latency, Exception):
            raise latency
        return latency


def _webhook_rule(env, fields=("state", "partner_id", "amount_total", "date_order")):
    return env.automation.add_rule(
        AutomationRule(
            name="to n8n",
            model="purchase.order",
            trigger="on_state_set",
            trg_value="purchase",
            actions=[
                ServerAction(
                    "Notify n8n",
                    "webhook",
                    webhook_url="http://n8n/webhook/po",
                    webhook_fields=tuple(fields),
                )
            ],
        )
    )


def test_webhook_payload_matches_odoo(env, make_po, vendor):
    """{_action, _id, _model, id, fields}: m2o as a bare int, sorted keys, dates as strings."""
    transport = _Transport([0.05])
    env.webhooks.transport = transport
    _webhook_rule(env)
    po = make_po(qty=620, price=10)
    env.execute("purchase.order", "button_confirm", [po.id])
    ((url, payload),) = transport.calls
    action_id = env.automation.rules[0].actions[0].id
    assert url == "http://n8n/webhook/po"
    assert payload == {
        "_action": f"Notify n8n(#{action_id})",
        "_id": po.id,
        "_model": "purchase.order",
        "amount_total": 6200.0,
        "date_order": "2024-03-04 08:00:00",
        "id": po.id,
        "partner_id": vendor.id,
        "state": "purchase",
    }
    assert list(payload) == sorted(payload)
    call = env.webhooks.log[-1]
    assert (call.outcome, call.latency_s, call.lost) == ("delivered", 0.05, False)


def test_webhook_fires_only_after_commit_and_never_on_rollback(env, make_po):
    """A webhook action fires only after commit: if the call rolls back, nothing is sent."""
    transport = _Transport([0.01])
    env.webhooks.transport = transport
    sent_during_call: list = []
    _webhook_rule(env)
    env.automation.add_rule(
        AutomationRule(
            name="peek",
            model="purchase.order",
            trigger="on_state_set",
            trg_value="purchase",
            actions=[
                ServerAction(
                    "peek", "code", code=lambda e, r: sent_during_call.append(len(transport.calls))
                )
            ],
        )
    )
    env.automation.add_rule(
        AutomationRule(
            name="fail",
            model="stock.picking",
            trigger="on_create",
            actions=[
                ServerAction("x", "code", code=lambda e, r: (_ for _ in ()).throw(UserError("x")))
            ],
        )
    )
    po = make_po()
    with pytest.raises(UserError):
        env.execute("purchase.order", "button_confirm", [po.id])
    assert transport.calls == []
    assert env.webhooks.log[-1].outcome == "cancelled"
    env.automation.rules.pop()
    env.execute("purchase.order", "button_confirm", [po.id])
    assert sent_during_call == [0, 0]
    assert len(transport.calls) == 1


def test_webhook_timeout_is_not_retried_and_the_call_still_succeeds(env, make_po):
    """A webhook action is not retried when the transport times out; the RPC call succeeds,
    about 1 s slower, and the loss is only logged."""
    transport = _Transport([3.0, TimeoutError("read timeout"), ConnectionError("refused")])
    env.webhooks.transport = transport
    _webhook_rule(env, fields=())
    pos = [make_po() for _ in range(3)]
    for po in pos:
        env.execute("purchase.order", "button_confirm", [po.id])
        assert po.state == "purchase"
    assert len(transport.calls) == 3
    outcomes = [(c.outcome, c.latency_s) for c in env.webhooks.log]
    assert outcomes == [("timeout", 1.0), ("timeout", 1.0), ("failed", 0.0)]
    assert all(c.lost for c in env.webhooks.log)
    assert set(transport.calls[0][1]) == {"_action", "_id", "_model"}
    assert sum("Webhook call" in line.message for line in env.logs) == 3
