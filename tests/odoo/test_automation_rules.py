"""ODOO.md §8 item 2: base.automation trigger semantics (create/write/unlink/is-set/messages),
and item 5: the inbound ``/web/hook/<uuid>`` trigger."""

from __future__ import annotations

import pytest

from orchestration.odoo import AutomationRule, ServerAction, UserError, ValidationError


def _counter(calls: list):
    def record(env, records):
        calls.append((records._name, records.id))

    return record


def _rule(env, **kw):
    return env.automation.add_rule(AutomationRule(**kw))


def test_state_set_rule_fires_once_on_confirmation_not_on_later_saves(env, customer, product):
    """A rule on state set to 'sale' fires once when the order is confirmed, not again on a
    later save of the confirmed order."""
    calls: list = []
    _rule(
        env,
        name="on sale",
        model="sale.order",
        trigger="on_state_set",
        trg_value="sale",
        actions=[ServerAction("count", "code", code=_counter(calls))],
    )
    so = env["sale.order"].create({"partner_id": customer.id})
    env.execute("sale.order", "write", [so.id], {"commitment_date": env.now()})
    assert calls == []
    env.execute("sale.order", "action_confirm", [so.id])
    assert calls == [("sale.order", so.id)]
    env.execute("sale.order", "write", [so.id], {"commitment_date": env.now()})
    env.execute("sale.order", "write", [so.id], {"state": "sale"})
    assert calls == [("sale.order", so.id)]


def test_state_set_rule_fires_on_create_in_that_state(env, customer):
    """A record created directly in the watched state fires the rule (old values = none)."""
    calls: list = []
    _rule(
        env,
        name="on sale",
        model="sale.order",
        trigger="on_state_set",
        trg_value="sale",
        actions=[ServerAction("count", "code", code=_counter(calls))],
    )
    env["sale.order"].create({"partner_id": customer.id, "state": "sale"})
    env["sale.order"].create({"partner_id": customer.id})
    assert len(calls) == 1


def test_pre_domain_is_evaluated_before_the_write_and_domain_after(env, make_po):
    """filter_pre_domain sees the old values, filter_domain the new ones."""
    calls: list = []
    _rule(
        env,
        name="escalated",
        model="purchase.order",
        trigger="on_write",
        filter_pre_domain=[("origin", "=", False)],
        filter_domain=[("origin", "=", "URGENT")],
        actions=[ServerAction("count", "code", code=_counter(calls))],
    )
    a, b = make_po(), make_po(origin="OLD")
    env.execute("purchase.order", "write", [a.id, b.id], {"origin": "URGENT"})
    assert calls == [("purchase.order", a.id)]


def test_trigger_fields_make_the_rule_edge_triggered(env, make_po):
    """With trigger fields, a write that does not change their value does not fire."""
    calls: list = []
    _rule(
        env,
        name="ref changed",
        model="purchase.order",
        trigger="on_write",
        trigger_fields=("partner_ref",),
        actions=[ServerAction("c", "code", code=_counter(calls))],
    )
    po = make_po(partner_ref="A")
    po.write({"partner_ref": "A"})
    po.write({"origin": "x"})
    assert calls == []
    po.write({"partner_ref": "B"})
    assert calls == [("purchase.order", po.id)]


def test_on_write_without_trigger_fields_fires_on_every_write(env, make_po):
    """An empty trigger_fields means any write counts."""
    calls: list = []
    _rule(
        env,
        name="any",
        model="purchase.order",
        trigger="on_write",
        actions=[ServerAction("c", "code", code=_counter(calls))],
    )
    po = make_po()
    po.write({"origin": "a"})
    po.write({"origin": "a"})
    assert len(calls) == 2


def test_recursion_guard_runs_a_rule_once_per_record_per_call_chain(env, make_po):
    """A rule whose action writes the same record does not re-trigger itself."""
    calls: list = []

    def bump(env_, records):
        calls.append(records.id)
        records.write({"partner_ref": f"{records.partner_ref or ''}+"})

    _rule(
        env,
        name="self",
        model="purchase.order",
        trigger="on_write",
        actions=[ServerAction("bump", "code", code=bump)],
    )
    po = make_po()
    env.execute("purchase.order", "write", [po.id], {"origin": "go"})
    assert calls == [po.id]
    assert po.partner_ref == "+"
    env.execute("purchase.order", "write", [po.id], {"origin": "again"})
    assert calls == [po.id, po.id]


def test_different_rules_cascade(env, make_po):
    """Rule A's write triggers rule B (a different rule) in the same call."""
    _rule(
        env,
        name="A",
        model="purchase.order",
        trigger="on_write",
        trigger_fields=("origin",),
        actions=[ServerAction("set ref", "object_write", values={"partner_ref": "from A"})],
    )
    _rule(
        env,
        name="B",
        model="purchase.order",
        trigger="on_write",
        trigger_fields=("partner_ref",),
        actions=[
            ServerAction("plan", "object_write", values={"date_planned": lambda r: r.date_order})
        ],
    )
    po = make_po()
    env.execute("purchase.order", "write", [po.id], {"origin": "SO1"})
    assert po.partner_ref == "from A"
    assert po.date_planned == po.date_order


def test_actions_run_per_record_sequentially_in_order(env, make_po):
    """Every action of the rule runs on record 1, then every action on record 2."""
    trace: list = []
    _rule(
        env,
        name="ordered",
        model="purchase.order",
        trigger="on_write",
        actions=[
            ServerAction("second", "code", sequence=2, code=lambda e, r: trace.append(("2", r.id))),
            ServerAction("first", "code", sequence=1, code=lambda e, r: trace.append(("1", r.id))),
        ],
    )
    a, b = make_po(), make_po()
    env.execute("purchase.order", "write", [a.id, b.id], {"origin": "x"})
    assert trace == [("1", a.id), ("2", a.id), ("1", b.id), ("2", b.id)]


def test_on_change_rules_never_fire_from_the_api(env, make_po):
    """'On UI change' is a form onchange: RPC create/write never run it."""
    calls: list = []
    _rule(
        env,
        name="ui",
        model="purchase.order",
        trigger="on_change",
        actions=[ServerAction("c", "code", code=_counter(calls))],
    )
    po = make_po()
    env.execute("purchase.order", "write", [po.id], {"origin": "x"})
    assert calls == []
    with pytest.raises(ValidationError):
        _rule(
            env,
            name="ui2",
            model="purchase.order",
            trigger="on_change",
            actions=[ServerAction("w", "object_write", values={"origin": "y"})],
        )


def test_on_unlink_runs_before_the_delete_and_can_veto_it(env, make_po):
    """An on_unlink rule sees the record, and raising keeps the record."""
    seen: list = []

    def veto(env_, records):
        seen.append(records.origin)
        raise UserError("Keep purchase history")

    _rule(
        env,
        name="keep",
        model="purchase.order",
        trigger="on_unlink",
        actions=[ServerAction("veto", "code", code=veto)],
    )
    po = make_po(origin="SO9")
    with pytest.raises(UserError):
        env.execute("purchase.order", "unlink", [po.id])
    assert seen == ["SO9"]
    assert po.exists()


def test_tag_added_fires_only_when_the_tag_becomes_present(env):
    """on_tag_set: pre-domain 'not in', post-domain 'in' — fires when the tag is added."""
    calls: list = []
    vip = env["helpdesk.tag"].create({"name": "VIP"})
    other = env["helpdesk.tag"].create({"name": "Other"})
    _rule(
        env,
        name="vip",
        model="helpdesk.ticket",
        trigger="on_tag_set",
        trg_value=vip.id,
        actions=[ServerAction("c", "code", code=_counter(calls))],
    )
    ticket = env["helpdesk.ticket"].create({"name": "Broken grinder"})
    ticket.write({"tag_ids": [(4, other.id)]})
    assert calls == []
    ticket.write({"tag_ids": [(4, vip.id)]})
    ticket.write({"tag_ids": [(4, other.id)]})
    assert calls == [("helpdesk.ticket", ticket.id)]


def test_stage_and_user_set_triggers_on_tickets(env):
    """on_stage_set fires when the stage becomes X; on_user_set when an assignee appears."""
    new = env["helpdesk.stage"].create({"name": "New", "sequence": 1})
    done = env["helpdesk.stage"].create({"name": "Solved", "sequence": 9, "fold": True})
    stage_calls: list = []
    user_calls: list = []
    _rule(
        env,
        name="solved",
        model="helpdesk.ticket",
        trigger="on_stage_set",
        trg_value=done.id,
        actions=[ServerAction("c", "code", code=_counter(stage_calls))],
    )
    _rule(
        env,
        name="assigned",
        model="helpdesk.ticket",
        trigger="on_user_set",
        actions=[ServerAction("c", "code", code=_counter(user_calls))],
    )
    ticket = env["helpdesk.ticket"].create({"name": "Late delivery"})
    assert ticket.stage_id == new
    ticket.write({"user_id": env.ref("base.user_admin").id})
    ticket.write({"stage_id": done.id})
    ticket.write({"description": "closed"})
    assert stage_calls == [("helpdesk.ticket", ticket.id)]
    assert user_calls == [("helpdesk.ticket", ticket.id)]
    assert ticket.close_date == env.now()


def test_message_from_a_customer_is_received_and_from_staff_is_sent(env, customer):
    """on_message_received for a share (customer) author, on_message_sent for an employee."""
    received: list = []
    sent: list = []
    _rule(
        env,
        name="rx",
        model="helpdesk.ticket",
        trigger="on_message_received",
        actions=[ServerAction("c", "code", code=_counter(received))],
    )
    _rule(
        env,
        name="tx",
        model="helpdesk.ticket",
        trigger="on_message_sent",
        actions=[ServerAction("c", "code", code=_counter(sent))],
    )
    ticket = env["helpdesk.ticket"].create({"name": "Where is my parcel?"})
    ticket.message_post(body="Any news?", author_id=customer.id)
    ticket.message_post(body="Shipped today", author_id=env.ref("base.user_admin").partner_id.id)
    ticket.message_post(body="note", author_id=customer.id, is_internal=True)
    assert len(received) == 1
    assert len(sent) == 1
    with pytest.raises(ValidationError):
        _rule(env, name="bad", model="stock.quant", trigger="on_message_received")


def test_inbound_webhook_runs_the_rule_and_answers_like_odoo(env, make_po):
    """/web/hook/<uuid>: 404 unknown uuid, 500 missing record, 200 and the rule ran."""
    rule = _rule(
        env,
        name="n8n callback",
        model="purchase.order",
        trigger="on_webhook",
        actions=[ServerAction("ack", "object_write", values={"partner_ref": "ACK"})],
    )
    po = make_po()
    assert env.automation.handle_webhook("nope", {"_model": "purchase.order", "_id": po.id}) == (
        404,
        {"status": "error"},
    )
    assert env.automation.handle_webhook(
        rule.webhook_uuid, {"_model": "purchase.order", "_id": 999}
    ) == (500, {"status": "error"})
    status = env.automation.handle_webhook(
        rule.webhook_uuid, query={"_model": "purchase.order", "_id": str(po.id)}
    )
    assert status == (200, {"status": "ok"})
    assert po.partner_ref == "ACK"
    assert env.automation.webhook_url(rule).endswith(f"/web/hook/{rule.webhook_uuid}")
