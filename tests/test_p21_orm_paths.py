"""The mocked Odoo's short paths of a purchase order's life, each pinned against its general path.

A one2many read from the field, ``exists``/``_row``/``_raw`` of a singleton, a one-term domain,
``=`` on one value, ``execute`` without the ``as_user`` block and ``button_confirm`` approving
without asking ``_approval_allowed`` twice must give what the general path gives.
"""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from orchestration.odoo import AutomationRule, Env, ManualClock, ServerAction
from orchestration.odoo.actions import BODY_ENCODER, JSON_SCALARS
from orchestration.odoo.addons import ALL_MODELS
from orchestration.odoo.addons.base import GROUP_PURCHASE_USER, GROUP_USER
from orchestration.odoo.domain import _compare, _is_unset, compile_domain
from orchestration.odoo.errors import MissingError, ValidationError
from orchestration.odoo.fields import Field
from orchestration.odoo.models import Model
from orchestration.odoo.registry import Registry

START = datetime(2024, 3, 4, 8, 0, 0)


class _Box(Model):
    _name = "x.box"
    name = Field("char")
    item_ids = Field("one2many", comodel="x.item", inverse="box_id")


class _Item(Model):
    _name = "x.item"
    _order = "rank, id"  # not by id: the one2many sorts its records
    box_id = Field("many2one", comodel="x.box")
    rank = Field("integer")


def _env() -> Env:
    return Env(clock=ManualClock(START))


def _po(env: Env, qty: float = 10.0, price: float = 10.0) -> Model:
    vendor = env["res.partner"].create({"name": "Acme", "supplier_rank": 1})
    product = env["product.product"].create({"name": "Beans", "standard_price": 10.0})
    return env["purchase.order"].create(
        {
            "partner_id": vendor.id,
            "order_line": [
                (0, 0, {"product_id": product.id, "product_qty": qty, "price_unit": price}),
                (0, 0, {"product_id": product.id, "product_qty": 2.0, "price_unit": 1.5}),
            ],
        }
    )


def _state(env: Env) -> dict:
    """Every table's rows and the webhook log, for comparing two Envs."""
    return {
        "tables": {m: {i: dict(r) for i, r in t.items()} for m, t in env._tables.items()},
        "webhooks": [(c.url, c.body, c.outcome) for c in env.webhooks.log],
    }


def test_one2many_read_is_the_search_on_its_inverse() -> None:
    env = _env()
    po = _po(env)
    lines = po.order_line
    assert lines == env["purchase.order.line"].search([("order_id", "=", po.id)])
    assert type(lines) is type(env["purchase.order.line"])
    assert lines.env is env
    assert po.picking_ids == env["stock.picking"].search([("purchase_id", "=", po.id)])
    assert not po.picking_ids
    assert po.picking_ids._name == "stock.picking"


def test_one2many_read_keeps_the_comodels_order() -> None:
    env = Env(clock=ManualClock(START), registry=Registry([*ALL_MODELS, _Box, _Item]))
    box = env["x.box"].create({"name": "b"})
    items = env["x.item"].create(
        [{"box_id": box.id, "rank": r} for r in (3, 1, 2, 1)]  # ids 1..4
    )
    assert box.item_ids._ids == (2, 4, 3, 1)
    assert box.item_ids == env["x.item"].search([("box_id", "=", box.id)])
    assert box._get_value("item_ids") == box.item_ids  # the general path
    assert items._ids == (1, 2, 3, 4)


def test_singleton_exists_row_and_raw_as_the_general_path() -> None:
    env = _env()
    po = _po(env)
    gone = env["purchase.order"].browse(999)
    assert po.exists() == po
    assert not gone.exists()
    assert gone.exists()._name == po._name
    both = env["purchase.order"].browse([po.id, 999, po.id])
    assert both.exists()._ids == (po.id, po.id)  # the general path keeps order and repeats
    assert po._row() is env._tables["purchase.order"][po.id]
    with pytest.raises(MissingError):
        gone._row()
    with pytest.raises(ValueError, match="Expected singleton"):
        both._row()
    with pytest.raises(ValueError, match="Expected singleton"):
        env["purchase.order"]._row()
    assert po._raw("state") == "draft"
    assert po._raw("partner_id") == po.partner_id.id
    assert po._raw("amount_total") == po.amount_total  # computed: the general path
    assert po._raw("order_line") == list(po.order_line.ids)


@pytest.mark.parametrize(
    "values",
    [[], [1], [1.0], [True], [0], [False], [None], [""], ["a"], ["b"], [1, 2], [False, 1]],
)
@pytest.mark.parametrize("ref", [1, "a", 0, True, False, None, ""])
def test_equality_on_one_value_is_the_any_of_the_general_path(values, ref) -> None:
    general = (
        (not values or any(_is_unset(v) for v in values))
        if _is_unset(ref)
        else any(v == ref and not _is_unset(v) for v in values)
    )
    result = _compare(values, "=", ref)
    assert result is general  # a bool, the same
    assert _compare(values, "!=", ref) is (not general)


@pytest.mark.parametrize(
    "leaf",
    [
        ("state", "=", "purchase"),
        ("state", "!=", "draft"),
        ("state", "in", ["draft", "sent"]),
        ("state", "not in", ["draft"]),
        ("amount_total", ">", 50),
        ("amount_total", "<=", 1),
        ("name", "ilike", "p0"),
        ("name", "not like", "X"),
        ("origin", "=", False),
        ("origin", "=?", False),
        (1, "=", 1),
        (0, "=", 1),
    ],
)
def test_one_term_domain_is_the_conjunction_of_the_general_path(leaf) -> None:
    env = _env()
    po = _po(env)
    env.execute("purchase.order", "button_confirm", [po.id])
    for record in (po, _po(env)):
        one = compile_domain([leaf])(record._path_values)
        general = compile_domain([leaf, (1, "=", 1)])(record._path_values)  # two terms: ``all``
        assert type(one) is bool
        assert one is general


def test_execute_restores_the_user_as_the_as_user_block_did() -> None:
    env = _env()
    env["res.users"].create(
        {"name": "Bob", "login": "buyer", "group_xmlids": f"{GROUP_USER} {GROUP_PURCHASE_USER}"}
    )
    po = _po(env)
    seen = []
    env["purchase.order"].__class__.x_whoami = lambda self: seen.append(self.env.uid) or True
    try:
        uid = env.uid
        env.execute("purchase.order", "x_whoami", [po.id], user="buyer")
        env.execute("purchase.order", "x_whoami", [po.id])
        assert seen == [env["res.users"].search([("login", "=", "buyer")]).id, uid]
        assert env.uid == uid
        with pytest.raises(MissingError):
            env.execute("purchase.order", "button_confirm", [999], user="buyer")
        assert env.uid == uid  # restored after an error too
    finally:
        del env["purchase.order"].__class__.x_whoami


def test_env_now_reads_its_clock() -> None:
    clock = ManualClock(START)
    env = Env(clock=clock)
    clock.advance(hours=5)
    assert env.now() == clock.now() == datetime(2024, 3, 4, 13, 0, 0)


@pytest.mark.parametrize("two_step", [False, True])
@pytest.mark.parametrize("qty", [10.0, 1000.0])
def test_button_confirm_approves_as_button_approve_does(two_step, qty) -> None:
    """``button_confirm`` of an allowed order = ``button_approve`` (which checks again)."""
    envs = [_env(), _env()]
    for env in envs:
        if two_step:
            env.company.write(
                {"po_double_validation": "two_step", "po_double_validation_amount": 500.0}
            )
        env.automation.add_rule(  # the twin's rule: a confirmed PO posts a webhook
            AutomationRule(
                name="Confirmed PO",
                model="purchase.order",
                trigger="on_state_set",
                trg_value="purchase",
                actions=[
                    ServerAction(
                        "Send",
                        "webhook",
                        webhook_url="http://n8n/po",
                        webhook_fields=("name", "partner_id", "amount_total", "origin"),
                    )
                ],
            )
        )
    confirmed, approved = (_po(env, qty=qty) for env in envs)
    envs[0].execute("purchase.order", "button_confirm", [confirmed.id])
    if confirmed.state == "purchase":  # allowed: the general path approves the same way
        envs[1].execute("purchase.order", "button_approve", [approved.id])
    else:
        assert confirmed.state == "to approve"
        assert two_step
        assert qty == 1000.0
        envs[1].execute("purchase.order", "write", [approved.id], {"state": "to approve"})
    assert _state(envs[0]) == _state(envs[1])
    assert len(envs[0].webhooks.log) == (confirmed.state == "purchase")


def test_stored_is_the_column_test_it_always_was() -> None:
    for model in ALL_MODELS:
        for field in model._fields.values():
            assert field.stored is (field.compute is None and field.type != "one2many")


def test_a_rule_process_on_no_record_changes_nothing() -> None:
    env = _env()
    po = _po(env)
    seen = []
    rule = env.automation.add_rule(
        AutomationRule(
            name="Any write",
            model="purchase.order",
            trigger="on_create_or_write",
            actions=[ServerAction("Note", "code", code=lambda _env, rec: seen.append(rec.id))],
        )
    )
    before = _state(env)
    env.automation._process(rule, po.browse(()))
    assert seen == []
    assert env.automation._action_done is None
    assert _state(env) == before
    po.write({"origin": "x"})  # the same rule on a record still runs
    assert seen == [po.id]


@pytest.mark.parametrize(
    "vals",
    [
        {"_id": 3, "name": "P00003", "amount_total": 123.45, "origin": False, "partner_id": 7},
        {"b": None, "a": True, "c": 0.1 + 0.2, "d": -0.0, "e": 10**30, "f": "é\u2028\"'"},
        {"x": float("inf"), "y": 1e-300, "z": ""},
        {"when": datetime(2024, 3, 4, 8, 0), "ids": [1, 2], "n": 1},  # the general path
        {"d": {"nested": 1}, "t": (1, 2)},
    ],
)
def test_webhook_body_and_payload_are_what_dumps_and_loads_give(vals) -> None:
    body = BODY_ENCODER.encode(vals)
    assert body == json.dumps(vals, sort_keys=True, default=str)
    if set(map(type, vals.values())) <= JSON_SCALARS:  # the short path's condition
        payload = dict(sorted(vals.items()))
        assert payload == json.loads(body)
        assert list(payload) == list(json.loads(body))
        assert [type(v) for v in payload.values()] == [type(v) for v in json.loads(body).values()]


@pytest.mark.parametrize(
    "fields", [("name", "partner_id", "amount_total", "origin"), ("date_order",)]
)
def test_a_confirmed_po_posts_the_loads_of_its_body(fields) -> None:
    posted = []
    env = Env(clock=ManualClock(START), transport=lambda url, data: posted.append(data) or 0.1)
    env.automation.add_rule(
        AutomationRule(
            name="Confirmed PO",
            model="purchase.order",
            trigger="on_state_set",
            trg_value="purchase",
            actions=[
                ServerAction("Send", "webhook", webhook_url="http://n8n/po", webhook_fields=fields)
            ],
        )
    )
    po = _po(env)
    env.execute("purchase.order", "button_confirm", [po.id])
    (call,) = env.webhooks.log
    assert posted == [call.payload] == [json.loads(call.body)]
    assert list(posted[0]) == sorted(posted[0])


def test_a_field_read_takes_the_general_path_where_the_short_one_does_not_apply() -> None:
    env = _env()
    po = _po(env)
    gone = env["purchase.order"].browse(999)
    for name in ("state", "partner_id", "order_line", "amount_total"):
        assert getattr(po, name) == po._get_value(name)  # the short paths, the general one
    for name in ("state", "partner_id"):  # a column of a missing record: raises
        with pytest.raises(MissingError):
            getattr(gone, name)
    two = po | _po(env)
    with pytest.raises(ValueError, match="Expected singleton"):
        _ = two.partner_id
    assert env["purchase.order"].partner_id._name == "res.partner"  # empty: an empty record
    with pytest.raises(KeyError, match=r"Unknown model 'x\.nothing'"):
        _ = env["x.nothing"]


def test_a_recordset_keeps_a_tuple_and_makes_one_of_other_ids() -> None:
    env = _env()
    ids = (3, 1)
    assert env["purchase.order"].__class__(env, ids)._ids is ids
    assert env["purchase.order"].__class__(env, [3, 1])._ids == ids
    assert env["purchase.order"].__class__(env, iter([3, 1]))._ids == ids


def test_a_models_own_constraints_still_run_on_create_and_write() -> None:
    env = _env()
    product = env["product.product"].create({"name": "Beans"})
    location = env["stock.location"].create({"name": "WH/Stock", "usage": "internal"})
    point = {"product_id": product.id, "location_id": location.id}
    with pytest.raises(ValidationError, match="minimum quantity"):
        env["stock.warehouse.orderpoint"].create(
            {**point, "product_min_qty": 5.0, "product_max_qty": 1.0}
        )
    op = env["stock.warehouse.orderpoint"].create(
        {**point, "product_min_qty": 1.0, "product_max_qty": 5.0}
    )
    with pytest.raises(ValidationError, match="minimum quantity"):
        op.write({"product_min_qty": 9.0})
    assert op.product_min_qty == 1.0  # rolled back


def test_rules_of_a_model_no_rule_is_on() -> None:
    env = _env()
    engine = env.automation
    first, second = (engine._rules_for("stock.move", ("on_create",)) for _ in range(2))
    assert first == []
    assert second == []
    assert first is not second
    rule = engine.add_rule(
        AutomationRule(name="r", model="stock.move", trigger="on_create", actions=[])
    )
    assert engine._rules_for("stock.move", ("on_create",)) == [rule]
    engine.set_active(rule, False)
    assert engine._rules_for("stock.move", ("on_create",)) == []


def test_a_receipt_comes_from_the_vendor_location_its_xmlid_names() -> None:
    env = _env()
    po = _po(env)
    env.execute("purchase.order", "button_confirm", [po.id])
    (picking,) = po.picking_ids
    supplier = env.ref("stock.stock_location_suppliers")
    assert picking.location_id == supplier
    assert {m.location_id.id for m in picking.move_ids} == {supplier.id}


@pytest.mark.parametrize("together", [False, True])
def test_a_state_rule_fires_on_the_records_whose_state_changed(together) -> None:
    """One write of a singleton or of several: the rule sees each record's value before."""
    env = _env()
    fired = []
    env.automation.add_rule(
        AutomationRule(
            name="Sent",
            model="purchase.order",
            trigger="on_state_set",
            trg_value="sent",
            actions=[ServerAction("Note", "code", code=lambda _env, rec: fired.append(rec.id))],
        )
    )
    a, b, c = _po(env), _po(env), _po(env)
    a.write({"state": "sent"})
    assert fired == [a.id]
    if together:
        (a | b | c).write({"state": "sent", "origin": "x"})
    else:
        for po in (a, b, c):
            po.write({"state": "sent", "origin": "x"})
    assert fired == [a.id, b.id, c.id]  # ``a`` was sent already: not again
