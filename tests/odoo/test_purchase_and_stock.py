"""ODOO.md §8 item 6 (purchase double validation), item 7 (reorder rules) and item 8 (stock
document lifecycles)."""

from __future__ import annotations

import pytest

from orchestration.odoo import UserError


@pytest.fixture
def two_step(env):
    env.company.write({"po_double_validation": "two_step", "po_double_validation_amount": 5000.0})


def test_amount_exactly_at_threshold_goes_to_approve(env, make_po, buyer, two_step):
    """A PO of amount exactly equal to the double-validation threshold goes to 'to approve'
    (strict <); one cent below is approved at once."""
    at, below = make_po(qty=500, price=10.0), make_po(qty=1, price=4999.99)
    env.execute("purchase.order", "button_confirm", [at.id, below.id], user="buyer")
    assert (at.state, below.state) == ("to approve", "purchase")
    assert at.amount_total == 5000.0


def test_non_manager_approve_is_a_silent_no_op_and_manager_approves(env, make_po, buyer, two_step):
    """button_approve by a non-manager changes nothing and raises nothing; a manager's works
    and creates the receipt."""
    po = make_po(qty=600, price=10.0)
    env.execute("purchase.order", "button_confirm", [po.id], user="buyer")
    assert env.execute("purchase.order", "button_approve", [po.id], user="buyer") is True
    assert po.state == "to approve"
    assert not po.picking_ids
    env.execute("purchase.order", "button_approve", [po.id], user="admin")
    assert po.state == "purchase"
    assert po.date_approve == env.now()
    receipt = po.picking_ids
    assert (receipt.picking_type_code, receipt.state) == ("incoming", "assigned")
    assert receipt.move_ids.product_uom_qty == 600


def test_manager_confirm_skips_approval(env, make_po, two_step):
    """A purchase manager who clicks Confirm skips approval entirely."""
    po = make_po(qty=10_000, price=10.0)
    env.execute("purchase.order", "button_confirm", [po.id], user="admin")
    assert po.state == "purchase"


def test_threshold_is_converted_to_the_order_currency(env, make_po, buyer, two_step):
    """The 5000 USD threshold is 4600 EUR at rate 0.92: 4600 EUR needs approval."""
    eur = env["res.currency"].create({"name": "EUR", "rate": 0.92})
    at, below = (
        make_po(qty=460, price=10.0, currency_id=eur.id),
        make_po(qty=459, price=10.0, currency_id=eur.id),
    )
    env.execute("purchase.order", "button_confirm", [at.id, below.id], user="buyer")
    assert (at.state, below.state) == ("to approve", "purchase")


def test_confirm_ignores_orders_not_draft_or_sent(env, make_po):
    """button_confirm on a cancelled or confirmed order silently does nothing."""
    po = make_po()
    env.execute("purchase.order", "button_cancel", [po.id])
    env.execute("purchase.order", "button_confirm", [po.id])
    assert po.state == "cancel"


@pytest.mark.parametrize(
    ("version", "state", "locked"), [(17, "done", False), (19, "purchase", True)]
)
def test_po_lock_setting(make_env, version, state, locked):
    """With po_lock='lock' an approved order is 'done' in 17/18 and locked=True in 19."""
    env = make_env(version=version)
    env.company.write({"po_lock": "lock"})
    vendor = env["res.partner"].create({"name": "V"})
    product = env["product.product"].create({"name": "P"})
    po = env["purchase.order"].create(
        {"partner_id": vendor.id, "order_line": [(0, 0, {"product_id": product.id})]}
    )
    env.execute("purchase.order", "button_confirm", [po.id])
    assert (po.state, po.locked) == (state, locked)


def test_receipt_validation_updates_stock_and_receipt_status(env, make_po, product):
    """Validating the receipt moves the goods into WH/Stock."""
    po = make_po(qty=12)
    env.execute("purchase.order", "button_confirm", [po.id])
    assert po.receipt_status == "pending"
    env.execute("stock.picking", "button_validate", po.picking_ids.ids)
    assert product.qty_available == 12
    assert po.receipt_status == "full"
    assert po.order_line.qty_received == 12


def test_partial_receipt_returns_backorder_wizard_then_creates_backorder(env, make_po, product):
    """A partial quantity returns the backorder wizard; a backorder keeps the rest open."""
    po = make_po(qty=10)
    env.execute("purchase.order", "button_confirm", [po.id])
    receipt = po.picking_ids
    receipt.move_ids.write({"quantity": 4.0})
    wizard = env.execute("stock.picking", "button_validate", receipt.ids)
    assert wizard["res_model"] == "stock.backorder.confirmation"
    assert receipt.state == "assigned"
    env.execute("stock.picking", "button_validate", receipt.ids, create_backorder=True)
    assert receipt.state == "done"
    backorder = env["stock.picking"].search([("backorder_id", "=", receipt.id)])
    assert backorder.move_ids.product_uom_qty == 6
    assert product.qty_available == 4
    assert po.receipt_status == "partial"


def test_sale_confirmation_reserves_and_delivery_consumes_stock(env, customer, product, put_stock):
    """SO draft -> sale creates a delivery; short stock is partially available."""
    put_stock(product, 3)
    so = env["sale.order"].create(
        {
            "partner_id": customer.id,
            "order_line": [
                (0, 0, {"product_id": product.id, "product_uom_qty": 5, "price_unit": 25.0})
            ],
        }
    )
    env.execute("sale.order", "action_confirm", [so.id])
    delivery = so.picking_ids
    assert so.state == "sale"
    assert (delivery.state, delivery.move_ids.state, delivery.move_ids.quantity) == (
        "assigned",
        "partially_available",
        3,
    )
    env.execute("stock.picking", "button_validate", delivery.ids, create_backorder=False)
    assert product.qty_available == 0
    assert so.order_line.qty_delivered == 3
    with pytest.raises(UserError):
        env.execute("sale.order", "action_confirm", [so.id])


def test_direct_quant_edit_refused_and_inventory_apply_needs_a_manager(
    env, product, put_stock, buyer
):
    """Quants cannot be written directly; applying a count needs stock manager (17/18)."""
    put_stock(product, 10)
    quant = env["stock.quant"].search([("product_id", "=", product.id)])
    with pytest.raises(UserError):
        env.execute("stock.quant", "write", quant.ids, {"quantity": 99})
    env.execute(
        "stock.quant", "write", quant.ids, {"inventory_quantity": 7, "inventory_quantity_set": True}
    )
    with pytest.raises(UserError, match="stock manager"):
        env.execute("stock.quant", "action_apply_inventory", quant.ids, user="buyer")
    env.execute("stock.quant", "action_apply_inventory", quant.ids, user="admin")
    assert quant.quantity == 7
    loss = env["stock.move"].search([("is_inventory", "=", True)])
    assert (loss.product_uom_qty, loss.state) == (3, "done")


# ------------------------------------------------------------------ orderpoints


@pytest.fixture
def orderpoint(env, product, stock_loc):
    return env["stock.warehouse.orderpoint"].create(
        {
            "product_id": product.id,
            "location_id": stock_loc.id,
            "product_min_qty": 10,
            "product_max_qty": 50,
            "qty_multiple": 12,
        }
    )


def test_order_to_max_rounded_up_to_the_multiple(env, orderpoint, put_stock, product):
    """forecast 7 < min 10: order max - forecast = 43, rounded up to a multiple of 12 -> 48."""
    put_stock(product, 7)
    assert orderpoint.qty_forecast == 7
    assert orderpoint.qty_to_order == 48
    put_stock(product, 3)
    assert orderpoint.qty_to_order == 0  # forecast 10 is not < min 10


def test_scheduler_creates_one_draft_rfq_merged_per_vendor(
    env, orderpoint, product, vendor, stock_loc, put_stock
):
    """The daily scheduler orders into a draft RFQ for the first vendor, merged per vendor,
    counted as in-progress (no double order), never confirmed."""
    other = env["product.product"].create({"name": "Filter papers"})
    env["product.supplierinfo"].create(
        {"partner_id": vendor.id, "product_id": other.id, "price": 2.0}
    )
    env["stock.warehouse.orderpoint"].create(
        {
            "product_id": other.id,
            "location_id": stock_loc.id,
            "product_min_qty": 5,
            "product_max_qty": 20,
        }
    )
    env.execute("stock.rule", "run_scheduler", True)
    env.execute("stock.rule", "run_scheduler", True)
    rfqs = env["purchase.order"].search([])
    assert len(rfqs) == 1
    assert (rfqs.state, rfqs.partner_id) == ("draft", vendor)
    lines = {line.product_id.name: line.product_qty for line in rfqs.order_line}
    assert lines == {"Espresso beans 1kg": 60, "Filter papers": 20}
    assert orderpoint.qty_forecast == 60


def test_sale_confirmation_triggers_reorder_in_real_time(
    env, orderpoint, customer, product, put_stock
):
    """Confirming a sale re-runs the auto orderpoint at once and grows the draft RFQ."""
    put_stock(product, 20)
    so = env["sale.order"].create(
        {
            "partner_id": customer.id,
            "order_line": [
                (0, 0, {"product_id": product.id, "product_uom_qty": 15, "price_unit": 25.0})
            ],
        }
    )
    assert env["purchase.order"].search_count([]) == 0
    env.execute("sale.order", "action_confirm", [so.id])
    rfq = env["purchase.order"].search([])
    assert rfq.state == "draft"
    assert rfq.order_line.product_qty == 48  # forecast 5 -> 45 -> 48
    env.params["stock.no_auto_scheduler"] = "1"
    so2 = env["sale.order"].create(
        {
            "partner_id": customer.id,
            "order_line": [
                (0, 0, {"product_id": product.id, "product_uom_qty": 30, "price_unit": 25.0})
            ],
        }
    )
    env.execute("sale.order", "action_confirm", [so2.id])
    assert rfq.order_line.product_qty == 48


def test_manual_orderpoints_wait_for_replenish(env, orderpoint):
    """A manual orderpoint is ignored by the scheduler and ordered on action_replenish."""
    orderpoint.write({"trigger": "manual"})
    env.execute("stock.rule", "run_scheduler", True)
    assert env["purchase.order"].search_count([]) == 0
    env.execute("stock.warehouse.orderpoint", "action_replenish", orderpoint.ids)
    assert env["purchase.order"].search([]).order_line.product_qty == 60


def test_orderpoint_min_above_max_is_rejected(env, product, stock_loc):
    """Constraint: min <= max."""
    from orchestration.odoo import ValidationError

    with pytest.raises(ValidationError):
        env["stock.warehouse.orderpoint"].create(
            {
                "product_id": product.id,
                "location_id": stock_loc.id,
                "product_min_qty": 10,
                "product_max_qty": 5,
            }
        )
