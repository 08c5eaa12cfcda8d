"""The mocked ORM's bulk paths (issue 17): batch creates, rules indexed by model and trigger
field, column reads, one write per outcome — each doing what the per-record path did."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
import simpy

from orchestration.odoo import AutomationRule, ServerAction, SimClock
from orchestration.odoo.addons.purchase import PurchaseOrderLine
from orchestration.odoo.addons.stock import StockMove
from orchestration.odoo.errors import MissingError


def _products(env, n: int) -> list[int]:
    return [env["product.product"].create({"name": f"P{i}"}).id for i in range(n)]


def _order(env, vendor, products: list[int], qty=lambda i: 5.0 + i):
    lines = [
        (0, 0, {"product_id": pid, "product_qty": qty(i), "price_unit": 2.0})
        for i, pid in enumerate(products)
    ]
    return env["purchase.order"].create({"partner_id": vendor.id, "order_line": lines})


def test_order_lines_and_receipt_moves_are_created_in_one_batch_each(env, vendor, monkeypatch):
    """A PO's (0, 0, vals) lines go to ONE line create, its receipt's moves to ONE move create
    (Odoo's model_create_multi), with ids and values in line order."""
    batches: dict[str, list[int]] = {"line": [], "move": []}
    for key, model in (("line", PurchaseOrderLine), ("move", StockMove)):
        original = model._create

        def spy(self, vals_list, key=key, original=original):
            batches[key].append(len(vals_list))
            return original(self, vals_list)

        monkeypatch.setattr(model, "_create", spy)
    products = _products(env, 4)
    po = _order(env, vendor, products)
    po.button_confirm()
    assert batches == {"line": [4], "move": [4]}
    moves = po.picking_ids.move_ids
    assert moves.mapped("purchase_line_id") == po.order_line
    assert [m.product_uom_qty for m in moves] == [5.0, 6.0, 7.0, 8.0]
    assert [m.state for m in moves] == ["assigned"] * 4
    assert po.picking_ids.state == "assigned"


def test_rules_follow_edits_of_the_rule_list_and_skip_writes_of_unwatched_fields(env, vendor):
    """The per-model rule index follows ``engine.rules`` however it is changed; a rule with
    trigger fields is not even evaluated on a write of none of them."""
    evaluated: list[int] = []
    fired: list[int] = []

    def watch(_env, po):
        fired.append(po.id)

    rule = AutomationRule(
        name="on origin",
        model="purchase.order",
        trigger="on_write",
        trigger_fields=("origin",),
        actions=[ServerAction("note", "code", code=watch)],
    )
    env.automation.add_rule(rule)
    pred = rule.pre_predicate
    rule.pre_predicate = lambda get: evaluated.append(1) or pred(get)
    po = _order(env, vendor, _products(env, 1))
    po.write({"partner_ref": "X-1"})  # not a trigger field: the rule is not evaluated
    assert (evaluated, fired) == ([], [])
    po.write({"origin": "need-1"})
    assert (len(evaluated), fired) == (1, [po.id])
    env.automation.rules.pop()  # edited directly: the index must not keep the rule
    po.write({"origin": "need-2"})
    assert fired == [po.id]
    env.automation.rules = [rule]  # replaced: the rule is back
    po.write({"origin": "need-3"})
    assert fired == [po.id, po.id]


def test_column_reads_match_the_recordset_reads_and_a_missing_row_still_raises(env, vendor):
    po = _order(env, vendor, _products(env, 2))
    line = po.order_line[0]
    assert line.order_id == po
    assert line.order_id.partner_id == vendor
    assert line._rows()[0]["product_qty"] == line.product_qty == 5.0
    assert line._raw("order_id") == po.id
    assert po.order_line._rows() == [
        env._tables["purchase.order.line"][i] for i in po.order_line.ids
    ]
    ghost = line.browse(10_000)
    with pytest.raises(MissingError):
        ghost._rows()
    with pytest.raises(MissingError):
        ghost.product_qty  # noqa: B018 - the read is the test


def _watch_moves(env) -> None:
    """A rule on stock moves (it never fires): receipts take the step-by-step path."""
    env.automation.add_rule(
        AutomationRule(
            name="Move origin", model="stock.move", trigger="on_write", trigger_fields=("origin",)
        )
    )


def test_assignment_writes_once_per_outcome_and_receipt_once_per_done_quantity(env, vendor):
    """Moves with the same reserved quantity share one write; each move still ends as the
    per-move path left it (quantity, state, done quantity, the quant)."""
    _watch_moves(env)
    products = _products(env, 4)
    po = _order(env, vendor, products, qty=lambda i: 3.0 if i % 2 else 6.0)
    writes: list[tuple[int, ...]] = []
    original = StockMove.write

    def spy(self, vals):
        writes.append(tuple(self.ids))
        return original(self, vals)

    StockMove.write = spy
    try:
        po.button_confirm()
    finally:
        StockMove.write = original
    moves = po.picking_ids.move_ids
    ids = moves.ids
    # confirm (all four), then one assign write per distinct quantity, moves in order
    assert writes == [tuple(ids), (ids[0], ids[2]), (ids[1], ids[3])]
    assert [(m.quantity, m.state) for m in moves] == [(6.0, "assigned"), (3.0, "assigned")] * 2
    po.picking_ids.button_validate()
    assert [(m.product_uom_qty, m.state) for m in moves] == [(6.0, "done"), (3.0, "done")] * 2
    stock = env.ref("stock.stock_location_stock")
    quants = env["stock.quant"].search([("location_id", "=", stock.id)])
    assert sorted(q.quantity for q in quants) == [3.0, 3.0, 6.0, 6.0]
    assert [line.qty_received for line in po.order_line] == [6.0, 3.0, 6.0, 3.0]


def test_sim_clock_reads_follow_the_simulation_time():
    """Odoo time is read once per simulation instant and follows every advance."""
    sim = simpy.Environment()
    clock = SimClock(sim, datetime(2025, 1, 1))
    assert clock.now() == datetime(2025, 1, 1)
    sim.run(until=1.5)
    assert clock.now() == datetime(2025, 1, 1) + timedelta(hours=1.5)
    assert clock.now() == datetime(2025, 1, 1, 1, 30)
    sim.run(until=2.0)
    assert clock.now() == datetime(2025, 1, 1, 2, 0)


def _receive_then_transfer(env, vendor) -> list[tuple]:
    """A receipt with two lines of one product, then an internal transfer of that product in
    two moves; returns the quants' rows (id, product, location, on hand, reserved)."""
    products = _products(env, 2)
    po = _order(env, vendor, [products[0], products[0], products[1]], qty=lambda i: 4.0 + i)
    po.button_confirm()
    po.picking_ids.button_validate()
    stock = env.ref("stock.stock_location_stock")
    shelf = env["stock.location"].create({"name": "Shelf", "usage": "internal"})
    picking = env["stock.picking"].create(
        {"picking_type_code": "internal", "location_id": stock.id, "location_dest_id": shelf.id}
    )
    env["stock.move"].create(
        [
            {
                "name": "move",
                "product_id": products[0],
                "product_uom_qty": qty,
                "location_id": stock.id,
                "location_dest_id": shelf.id,
                "picking_id": picking.id,
            }
            for qty in (2.0, 1.5)
        ]
    )
    picking.action_confirm()
    picking.button_validate()
    return [
        (r["id"], r["product_id"], r["location_id"], r["quantity"], r["reserved_quantity"])
        for r in env["stock.quant"].search([])._rows()
    ]


def test_quants_written_at_once_match_the_quant_by_quant_writes_a_rule_sees(
    env, vendor, clock, monkeypatch
):
    """``_action_done`` adds its moves to each quant in one column write when no rule watches
    quants; with a rule on quant writes every quant is written on its own, as before. Both
    leave the same quants (ids, quantities, reservations)."""
    from orchestration.odoo import Env
    from orchestration.odoo.addons.stock import StockQuant

    writes: list[tuple[int, ...]] = []
    original = StockQuant.write

    def spy(self, vals):
        writes.append(tuple(self.ids))
        return original(self, vals)

    monkeypatch.setattr(StockQuant, "write", spy)
    fast = _receive_then_transfer(env, vendor)
    fast_writes = len(writes)

    watched = Env(clock=clock)
    watched.automation.add_rule(
        AutomationRule(
            name="Quant moved",
            model="stock.quant",
            trigger="on_write",
            trigger_fields=("quantity",),
        )
    )
    other_vendor = watched["res.partner"].create({"name": "Acme Supplies", "supplier_rank": 1})
    writes.clear()
    slow = _receive_then_transfer(watched, other_vendor)
    assert slow == fast
    # received 4 + 5 of P0 and 6 of P1, then 3.5 of P0 moved to the shelf
    assert sorted((q[3], q[4]) for q in fast) == [(3.5, 0.0), (5.5, 0.0), (6.0, 0.0)]
    # the watched env writes the done quants one by one, the other in one column write each
    assert fast_writes < len(writes)


def _receipt_rows(env, vendor) -> tuple[list[dict], list[dict], list[dict]]:
    products = _products(env, 5)
    po = _order(env, vendor, [*products, products[0]], qty=lambda i: 3.0 if i % 2 else 6.5)
    po.button_confirm()
    pickings = env["stock.picking"].search([])
    before = (
        [dict(r) for r in pickings._rows()],
        [dict(r) for r in env["stock.move"].search([])._rows()],
    )
    moves = pickings.move_ids
    moves.browse(moves.ids[:2]).write({"quantity": 2.0})
    pickings.button_validate(create_backorder=True)
    after = [dict(r) for r in env["stock.move"].search([])._rows()]
    return *before, after


def test_a_receipt_created_reserved_matches_the_step_by_step_receipt(env, vendor, clock):
    """With no rule on moves or pickings a receipt is created confirmed and reserved at once;
    with one it is created draft and confirmed step by step (``action_confirm``). Both leave
    the same pickings and moves, field for field, before and after a partial validation."""
    from orchestration.odoo import Env

    at_once = _receipt_rows(env, vendor)
    watched = Env(clock=clock)
    _watch_moves(watched)
    vendor = watched["res.partner"].create({"name": "Acme Supplies", "supplier_rank": 1})
    step_by_step = _receipt_rows(watched, vendor)
    assert at_once == step_by_step
    pickings, moves, _after = at_once
    assert [p["state"] for p in pickings] == ["assigned"]
    assert [(m["state"], m["quantity"]) for m in moves] == [
        ("assigned", 6.5),
        ("assigned", 3.0),
        ("assigned", 6.5),
        ("assigned", 3.0),
        ("assigned", 6.5),
        ("assigned", 3.0),
    ]


def test_a_batch_create_stores_each_row_as_the_field_conversions_do(env, vendor):
    """Rows of one shape take their values in one update; a row whose keys come in another
    order, or whose value needs converting (an int quantity, a recordset), is converted field
    by field — each row stores what ``convert_to_raw`` gives."""
    products = _products(env, 3)
    order = env["purchase.order"].create({"partner_id": vendor.id})
    lines = env["purchase.order.line"].create(
        [
            {"order_id": order.id, "product_id": products[0], "product_qty": 2.0},
            {"product_qty": 3.0, "order_id": order.id, "product_id": products[1]},
            {"order_id": order.id, "product_id": products[2], "product_qty": 4},
            {"order_id": order, "product_id": products[0], "product_qty": 5.0},
        ]
    )
    rows = [(r["order_id"], r["product_id"], r["product_qty"]) for r in lines._rows()]
    assert rows == [
        (order.id, products[0], 2.0),
        (order.id, products[1], 3.0),
        (order.id, products[2], 4.0),
        (order.id, products[0], 5.0),
    ]
    assert [type(r[2]) for r in rows] == [float] * 4
    with pytest.raises(ValueError, match="product_qty"):
        env["purchase.order.line"].create(
            [
                {"order_id": order.id, "product_qty": 1.0},
                {"order_id": order.id, "product_qty": "many"},
            ]
        )
