"""Sales orders (ODOO.md §4.3, §5.2): ``draft`` Quotation, ``sent``, ``sale``, ``cancel``,
plus the boolean ``locked``.

``action_confirm`` accepts only draft/sent orders (UserError otherwise), writes ``sale``, locks
when the company's ``sale_lock_confirmed`` is set, and launches the delivery: an outgoing picking
from the warehouse stock whose confirmation re-runs the ``auto`` reorder rules at once (so
confirming a sale can create or grow a draft RFQ) and reserves what is on hand.

Units: amounts in company currency (untaxed); quantities in the product's unit.
"""

from __future__ import annotations

from typing import Any

from orchestration.odoo.errors import UserError
from orchestration.odoo.fields import Field
from orchestration.odoo.models import Model

SO_STATES = [
    ("draft", "Quotation"),
    ("sent", "Quotation Sent"),
    ("sale", "Sales Order"),
    ("cancel", "Cancelled"),
]


class SaleOrder(Model):
    _name = "sale.order"
    _mail_thread = True
    name = Field("char", default="New")
    partner_id = Field("many2one", comodel="res.partner", required=True)
    company_id = Field("many2one", comodel="res.company", default=lambda env: env.company.id)
    state = Field("selection", selection=SO_STATES, default="draft")
    locked = Field("boolean")
    date_order = Field("datetime", default=lambda env: env.now())
    commitment_date = Field("datetime")
    warehouse_id = Field(
        "many2one", comodel="stock.warehouse", default=lambda env: env.ref("stock.warehouse0").id
    )
    order_line = Field("one2many", comodel="sale.order.line", inverse="order_id")
    picking_ids = Field("one2many", comodel="stock.picking", inverse="sale_id")
    amount_total = Field("monetary", compute="_compute_amount_total")

    def _create(self, vals_list: list[dict[str, Any]]) -> Model:
        for vals in vals_list:
            if vals.get("name", "New") == "New":
                vals["name"] = self.env.next_sequence("sale.order", "S")
        return super()._create(vals_list)

    def _compute_amount_total(self) -> float:
        return round(sum(line.price_subtotal for line in self.order_line), 2)

    def action_quotation_send(self) -> bool:
        self.filtered(lambda o: o.state == "draft").write({"state": "sent"})
        return True

    def action_confirm(self) -> bool:
        bad = self.filtered(lambda o: o.state not in ("draft", "sent"))
        if bad:
            names = ", ".join(bad.mapped("name"))
            raise UserError(
                f"The following orders are not in a state requiring confirmation: {names}"
            )
        self.write({"state": "sale", "date_order": self.env.now()})
        self.filtered(lambda o: o.company_id.sale_lock_confirmed).write({"locked": True})
        self._action_launch_stock_rule()
        return True

    def _action_launch_stock_rule(self) -> None:
        customers = self.env.ref("stock.stock_location_customers")
        for order in self:
            lines = order.order_line.filtered(lambda ln: ln.product_id.is_storable)
            if not lines:
                continue
            source = order.warehouse_id.lot_stock_id
            picking = self.env["stock.picking"].create(
                {
                    "picking_type_code": "outgoing",
                    "partner_id": order.partner_id.id,
                    "location_id": source.id,
                    "location_dest_id": customers.id,
                    "origin": order.name,
                    "sale_id": order.id,
                    "scheduled_date": order.commitment_date or self.env.now(),
                }
            )
            for line in lines:
                self.env["stock.move"].create(
                    {
                        "name": line.product_id.name,
                        "product_id": line.product_id.id,
                        "product_uom_qty": line.product_uom_qty,
                        "location_id": source.id,
                        "location_dest_id": customers.id,
                        "picking_id": picking.id,
                        "sale_line_id": line.id,
                        "origin": order.name,
                    }
                )
            picking.action_confirm()

    def action_cancel(self) -> bool:
        if self.filtered("locked"):
            raise UserError("You cannot cancel a locked order. Please unlock it first.")
        self.picking_ids.filtered(lambda p: p.state not in ("done", "cancel")).action_cancel()
        self.write({"state": "cancel"})
        return True

    def action_draft(self) -> bool:
        self.filtered(lambda o: o.state in ("cancel", "sent")).write({"state": "draft"})
        return True

    def action_lock(self) -> bool:
        self.write({"locked": True})
        return True

    def action_unlock(self) -> bool:
        self.write({"locked": False})
        return True


class SaleOrderLine(Model):
    _name = "sale.order.line"
    order_id = Field("many2one", comodel="sale.order", required=True)
    product_id = Field("many2one", comodel="product.product")
    name = Field("char")
    product_uom_qty = Field("float", default=1.0)
    price_unit = Field("float")
    discount = Field("float")
    price_subtotal = Field("monetary", compute="_compute_price_subtotal")
    qty_delivered = Field("float", compute="_compute_qty_delivered")

    def _compute_price_subtotal(self) -> float:
        return round(self.product_uom_qty * self.price_unit * (1 - self.discount / 100), 2)

    def _compute_qty_delivered(self) -> float:
        moves = self.env["stock.move"].search(
            [("sale_line_id", "=", self.id), ("state", "=", "done")]
        )
        return sum(m.quantity for m in moves)
