"""Reorder rules (``stock.warehouse.orderpoint``) and the procurement scheduler (``stock.rule``).

Concept (ODOO.md §5.2, §8 item 7): an orderpoint keeps a product's forecast at a location
between ``product_min_qty`` and ``product_max_qty``:

    qty_forecast = virtual_available(location) + qty_in_progress   (draft/sent/to-approve RFQs)
    if qty_forecast < min  (strictly):
        qty_to_order = max(min, max) - qty_forecast, rounded UP to a multiple of qty_multiple
    else: 0

``_procure_orderpoint_confirm`` turns a positive ``qty_to_order`` into a line of a DRAFT RFQ for
the product's first vendor, merged into that vendor's existing draft RFQ for the same
destination (same product -> the line's quantity grows). It is never auto-confirmed, so
purchase double validation applies when a buyer confirms it. ``auto`` orderpoints run from the
daily "Procurement: run scheduler" cron and in real time when moves are confirmed;
``manual`` ones only on ``action_replenish``.

Units: quantities in the product's unit. Simplifications: the buy route only, no lead-time
horizon (every open move counts), no ``visibility_days``, no savepoint batches of 1000, no
snoozing logic beyond skipping snoozed manual orderpoints.
"""

from __future__ import annotations

from orchestration.odoo.errors import ValidationError
from orchestration.odoo.fields import Field
from orchestration.odoo.models import Model, api_model

RFQ_IN_PROGRESS = ("draft", "sent", "to approve")


class StockWarehouseOrderpoint(Model):
    _name = "stock.warehouse.orderpoint"
    name = Field("char", default="/")
    trigger = Field("selection", selection=[("auto", "Auto"), ("manual", "Manual")], default="auto")
    active = Field("boolean", default=True)
    snoozed_until = Field("date")
    warehouse_id = Field("many2one", comodel="stock.warehouse")
    location_id = Field("many2one", comodel="stock.location", required=True)
    product_id = Field("many2one", comodel="product.product", required=True)
    product_min_qty = Field("float")
    product_max_qty = Field("float")
    qty_multiple = Field("float", default=1.0)
    qty_to_order_manual = Field("float")
    qty_on_hand = Field("float", compute="_compute_qty_on_hand")
    qty_forecast = Field("float", compute="_compute_qty_forecast")
    qty_to_order = Field("float", compute="_compute_qty_to_order")

    def _create(self, vals_list):
        for vals in vals_list:
            if vals.get("name", "/") == "/":
                vals["name"] = self.env.next_sequence("stock.orderpoint", "OP/")
        return super()._create(vals_list)

    def _check_constraints(self) -> None:
        for op in self:
            if op.product_max_qty and op.product_min_qty > op.product_max_qty:
                raise ValidationError(
                    "The minimum quantity must be less than or equal to the maximum quantity."
                )
            dupes = self.search(
                [
                    ("product_id", "=", op.product_id.id),
                    ("location_id", "=", op.location_id.id),
                    ("id", "!=", op.id),
                ]
            )
            if dupes:
                raise ValidationError("A replenishment option already exists for this product.")

    def _compute_qty_on_hand(self) -> float:
        return self.location_id.qty_on_hand(self.product_id)

    def _quantity_in_progress(self) -> float:
        tree = self.location_id._tree_ids()
        lines = self.env["purchase.order.line"].search(
            [
                ("product_id", "=", self.product_id.id),
                ("order_id.state", "in", list(RFQ_IN_PROGRESS)),
            ]
        )
        return sum(line.product_qty for line in lines if line.order_id.dest_location_id.id in tree)

    def _compute_qty_forecast(self) -> float:
        return self.location_id.qty_forecast(self.product_id) + self._quantity_in_progress()

    def _compute_qty_to_order(self) -> float:
        if self.qty_to_order_manual:
            return self.qty_to_order_manual
        forecast = self.qty_forecast
        low, high = self.product_min_qty, max(self.product_min_qty, self.product_max_qty)
        if not forecast < low:
            return 0.0
        qty = round(high - forecast, 6)
        multiple = self.qty_multiple
        if multiple > 0:
            remainder = round(qty % multiple, 6)
            if 0 < remainder < multiple - 1e-6:
                qty += multiple - remainder
        return round(qty, 6)

    def _procure_orderpoint_confirm(self) -> Model:
        """Order what each orderpoint needs; returns the draft RFQs touched."""
        touched = self.env["purchase.order"].browse([])
        today = self.env.now().date()
        for op in self:
            if not op.active or (
                op.trigger == "manual" and op.snoozed_until and op.snoozed_until > today
            ):
                continue
            qty = op.qty_to_order
            if qty <= 0:
                continue
            seller = op.product_id._select_seller()
            if not seller:
                self.env.log(
                    "WARNING", "stock.rule", f"{op.name}: no vendor for {op.product_id.name}"
                )
                continue
            touched = touched | op._add_to_rfq(seller, qty)
            if op.qty_to_order_manual:
                op.write({"qty_to_order_manual": 0.0})
        return touched

    def _add_to_rfq(self, seller: Model, qty: float) -> Model:
        orders = self.env["purchase.order"]
        rfq = orders.search(
            [
                ("partner_id", "=", seller.partner_id.id),
                ("state", "=", "draft"),
                ("dest_location_id", "=", self.location_id.id),
            ],
            limit=1,
        )
        if not rfq:
            rfq = orders.create(
                {
                    "partner_id": seller.partner_id.id,
                    "dest_location_id": self.location_id.id,
                    "origin": self.name,
                }
            )
        elif self.name not in (rfq.origin or "").split(", "):
            rfq.write({"origin": ", ".join(filter(None, [rfq.origin, self.name]))})
        line = rfq.order_line.filtered(lambda ln: ln.product_id == self.product_id)
        if line:
            line[0].write({"product_qty": line[0].product_qty + qty})
        else:
            self.env["purchase.order.line"].create(
                {
                    "order_id": rfq.id,
                    "product_id": self.product_id.id,
                    "name": self.product_id.name,
                    "product_qty": qty,
                    "price_unit": seller.price,
                    "orderpoint_id": self.id,
                }
            )
        return rfq

    def action_replenish(self) -> bool:
        """Order now (manual orderpoints, or a buyer's click)."""
        self._procure_orderpoint_confirm()
        return True

    def action_replenish_auto(self) -> bool:
        self.write({"trigger": "auto"})
        return self.action_replenish()


class StockRule(Model):
    _name = "stock.rule"
    name = Field("char", default="Buy")
    action = Field("selection", selection=[("buy", "Buy"), ("pull", "Pull From")], default="buy")

    @api_model
    def run_scheduler(self, use_new_cursor: bool = False) -> bool:
        """The daily "Procurement: run scheduler" body: every active ``auto`` orderpoint."""
        orderpoints = self.env["stock.warehouse.orderpoint"].search([("trigger", "=", "auto")])
        orderpoints._procure_orderpoint_confirm()
        return True
