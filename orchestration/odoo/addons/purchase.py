"""Purchase orders and their double validation (ODOO.md §4.1, §8 item 6).

States (17/18): ``draft`` RFQ, ``sent`` RFQ Sent, ``to approve``, ``purchase``, ``done`` Locked,
``cancel``; 19 keeps ``purchase`` and sets the boolean ``locked`` instead of ``done``.

- ``button_confirm`` silently skips orders not in draft/sent; a line without a product raises
  UserError; then approves at once if ``_approval_allowed`` else writes ``to approve``.
- ``_approval_allowed``: one_step, or two_step with ``amount_total`` STRICTLY below the
  threshold converted to the order currency, or the user is a purchase manager (bypass).
- ``button_approve`` keeps only orders whose approval is allowed: for a non-manager over the
  threshold it is a silent no-op. Approved orders get ``date_approve``, are locked when the
  company's ``po_lock`` is 'lock', and get their incoming receipt picking (purchase_stock).
- ``button_cancel`` refuses while a bill is not draft/cancel (and, in 19, while locked).

Units: amounts in the order's currency; ``amount_total`` is the untaxed sum (no taxes modelled).
"""

from __future__ import annotations

from typing import Any

from orchestration.odoo.addons.base import GROUP_PURCHASE_MANAGER
from orchestration.odoo.automation import CREATE_TRIGGERS, WRITE_TRIGGERS
from orchestration.odoo.errors import UserError
from orchestration.odoo.fields import Field
from orchestration.odoo.models import Model

PO_STATES = [
    ("draft", "RFQ"),
    ("sent", "RFQ Sent"),
    ("to approve", "To Approve"),
    ("purchase", "Purchase Order"),
    ("done", "Locked"),
    ("cancel", "Cancelled"),
]


def _company_id(env: Any) -> int:
    """``env.company.id``: the id the company's xmlid names (a recordset's ``id`` is its id,
    read or not)."""
    return env._xmlids["base.main_company"][1]


def _company_currency_id(env: Any) -> int | bool:
    """``env.company.currency_id.id``, read from the company's row (a missing company raises
    MissingError through the record read)."""
    model, rid = env._xmlids["base.main_company"]
    row = env._tables[model].get(rid)
    if row is None:
        return env.company.currency_id.id
    return row["currency_id"] or False


class PurchaseOrder(Model):
    _name = "purchase.order"
    _mail_thread = True
    name = Field("char", default="New")
    partner_id = Field("many2one", comodel="res.partner", required=True)
    partner_ref = Field("char")
    company_id = Field("many2one", comodel="res.company", default=lambda env: _company_id(env))
    currency_id = Field(
        "many2one", comodel="res.currency", default=lambda env: _company_currency_id(env)
    )
    user_id = Field("many2one", comodel="res.users")
    date_order = Field("datetime", default=lambda env: env.now())
    date_approve = Field("datetime")
    date_planned = Field("datetime")
    state = Field("selection", selection=PO_STATES, default="draft")
    locked = Field("boolean")
    origin = Field("char")
    order_line = Field("one2many", comodel="purchase.order.line", inverse="order_id")
    picking_ids = Field("one2many", comodel="stock.picking", inverse="purchase_id")
    invoice_ids = Field("one2many", comodel="account.move", inverse="purchase_id")
    dest_location_id = Field(
        "many2one",
        comodel="stock.location",
        default=lambda env: env._xmlids["stock.stock_location_stock"][1],  # ``env.ref(…).id``
    )
    amount_total = Field("monetary", compute="_compute_amount_total")
    receipt_status = Field(
        "selection",
        selection=[
            ("pending", "Not Received"),
            ("partial", "Partially Received"),
            ("full", "Received"),
        ],
        compute="_compute_receipt_status",
    )
    invoice_status = Field(
        "selection",
        selection=[
            ("no", "Nothing to Bill"),
            ("to invoice", "Waiting Bills"),
            ("invoiced", "Fully Billed"),
        ],
        compute="_compute_invoice_status",
    )

    def _create(self, vals_list: list[dict[str, Any]]) -> Model:
        for vals in vals_list:
            if vals.get("name", "New") == "New":
                vals["name"] = self.env.next_sequence("purchase.order", "P")
        return super()._create(vals_list)

    def _compute_amount_total(self) -> float:
        # ``sum(line.price_subtotal ...)`` read from the lines' rows (same rounding, same order)
        return round(
            sum([round(r["product_qty"] * r["price_unit"], 2) for r in self.order_line._rows()]), 2
        )

    def _compute_receipt_status(self) -> str | bool:
        pickings = self.picking_ids.filtered(lambda p: p.state != "cancel")
        if not pickings:
            return False
        states = set(pickings.mapped("state"))
        if states == {"done"}:
            return "full"
        return "partial" if "done" in states else "pending"

    def _compute_invoice_status(self) -> str:
        if self.state not in ("purchase", "done"):
            return "no"
        if any(line.qty_to_invoice > 0 for line in self.order_line):
            return "to invoice"
        if self.order_line and all(ln.qty_invoiced >= ln.product_qty for ln in self.order_line):
            return "invoiced"
        return "no"

    # ------------------------------------------------------------------ approval flow
    def _approval_allowed(self) -> bool:
        company = self.company_id or self.env.company
        if company.po_double_validation == "one_step":
            return True
        threshold = company.currency_id._convert(
            company.po_double_validation_amount, self.currency_id
        )
        if company.po_double_validation == "two_step" and self.amount_total < threshold:
            return True
        return self.env.user.has_group(GROUP_PURCHASE_MANAGER)

    def _confirmation_error_message(self) -> str:
        for row in self.order_line._rows():
            if not row["product_id"]:
                return (
                    "Some lines are missing a product, you need to correct them before going "
                    "further."
                )
        return ""

    def button_confirm(self) -> bool:
        for order in self:
            if order.state not in ("draft", "sent"):
                continue
            message = order._confirmation_error_message()
            if message:
                raise UserError(message)
            if order._approval_allowed():
                order._approve()  # ``button_approve``: the check just made is not made again
            else:
                order.write({"state": "to approve"})
        return True

    def button_approve(self, force: bool = False) -> bool:
        return self.filtered(lambda o: o._approval_allowed())._approve()

    def _approve(self) -> bool:
        """``button_approve`` of orders whose approval is allowed (``_approval_allowed``)."""
        if not self._ids:
            return True
        self.write({"state": "purchase", "date_approve": self.env.now()})
        to_lock = self.filtered(lambda o: (o.company_id or self.env.company).po_lock == "lock")
        if self.env.options.version >= 19:
            to_lock.write({"locked": True})
        else:
            to_lock.write({"state": "done"})
        self._create_picking()
        return True

    def _create_picking(self) -> None:
        """Each order's incoming receipt: a picking with one move per storable line, confirmed
        and reserved (``action_confirm``). From a vendor location a move's reservation is
        decided at creation (it takes its whole demand: ``assigned``), so when no automation
        rule watches stock moves or pickings (nothing could see the draft and confirmed
        steps) the picking and its moves are created in their final state, in one create each;
        otherwise they are created as drafts and confirmed step by step."""
        # ``env.ref("stock.stock_location_suppliers").id``: the id its xmlid names
        supplier_id = self.env._xmlids["stock.stock_location_suppliers"][1]
        peek = self._peek
        moves = self.env["stock.move"]
        decided = self._receipt_decided_at_create(supplier_id)
        final = {"state": "assigned"} if decided else {}
        products = self.env._tables["product.product"]
        for order in self:
            # the storable lines with their products' rows, read from the rows (a line without
            # a product, or whose product is gone, reads it as ``_peek`` does)
            picked = []  # (line row, the move's name)
            for row in order.order_line._rows():
                product = products.get(row["product_id"]) if row["product_id"] else None
                if product is None:
                    if peek("product.product", row["product_id"], "is_storable"):
                        name = row["name"] or peek("product.product", row["product_id"], "name")
                        picked.append((row, name))
                elif product["is_storable"]:
                    picked.append((row, row["name"] or product["name"]))
            rows = [row for row, _name in picked]
            if not rows or [
                p for p in order.picking_ids._rows() if p["state"] not in ("done", "cancel")
            ]:
                continue
            # the order's values from its row (a many2one's ``.id`` is its stored id or False)
            head = order._row()
            dest, origin = head["dest_location_id"] or False, head["name"]
            source = supplier_id
            picking = self.env["stock.picking"].create(
                {
                    "picking_type_code": "incoming",
                    "partner_id": head["partner_id"] or False,
                    "location_id": source,
                    "location_dest_id": dest,
                    "origin": origin,
                    "purchase_id": head["id"],
                    "scheduled_date": head["date_planned"] or self.env.now(),
                    **final,
                }
            )
            received = moves._qty_done_by_purchase_line([row["id"] for row in rows])
            picking_id = picking.id
            # one create for all the moves (``_prepare_stock_moves`` then one ``create``)
            moves.create(
                [
                    {
                        "name": name,
                        "product_id": row["product_id"] or False,
                        "product_uom_qty": row["product_qty"] - qty,
                        "location_id": source,
                        "location_dest_id": dest,
                        "picking_id": picking_id,
                        "purchase_line_id": row["id"],
                        "origin": origin,
                        # what ``_action_assign`` writes for it: reserved 0 + the whole demand
                        **({"quantity": 0 + (row["product_qty"] - qty)} if decided else {}),
                        **final,
                    }
                    for (row, name), qty in zip(picked, received, strict=True)
                ]
            )
            if not decided:
                picking.action_confirm()

    def _receipt_decided_at_create(self, supplier_id: int) -> bool:
        """Whether a receipt can be created confirmed and reserved at once: its source is not
        an internal location and no active rule watches creates or writes of stock moves or
        pickings (a rule would see their draft and confirmed steps)."""
        if self._peek("stock.location", supplier_id, "usage") == "internal":
            return False
        rules = self.env.automation._rules_for
        triggers = (*CREATE_TRIGGERS, *WRITE_TRIGGERS)
        return not rules("stock.move", triggers) and not rules("stock.picking", triggers)

    def button_cancel(self) -> bool:
        for order in self:
            if any(b.state not in ("draft", "cancel") for b in order.invoice_ids):
                raise UserError(
                    "Unable to cancel this purchase order. You must first cancel the related "
                    "vendor bills."
                )
            if self.env.options.version >= 19 and order.locked:
                raise UserError("Unable to cancel a locked purchase order. Unlock it first.")
        self.picking_ids.filtered(lambda p: p.state not in ("done", "cancel")).action_cancel()
        self.write({"state": "cancel"})
        return True

    def button_draft(self) -> bool:
        self.write({"state": "draft"})
        return True

    def action_rfq_send(self) -> bool:
        self.filtered(lambda o: o.state == "draft").write({"state": "sent"})
        return True

    def button_lock(self) -> bool:
        if self.env.options.version >= 19:
            self.write({"locked": True})
        else:
            self.write({"state": "done"})
        return True

    def button_unlock(self) -> bool:
        if self.env.options.version >= 19:
            self.write({"locked": False})
        else:
            self.filtered(lambda o: o.state == "done").write({"state": "purchase"})
        return True

    def action_create_invoice(self) -> list[int]:
        """Draft vendor bills for what is billable (ordered or received per product policy)."""
        bills = []
        for order in self:
            lines = [
                (
                    0,
                    0,
                    {
                        "product_id": line.product_id.id,
                        "purchase_line_id": line.id,
                        "name": line.name,
                        "quantity": line.qty_to_invoice,
                        "price_unit": line.price_unit,
                    },
                )
                for line in order.order_line
                if line.qty_to_invoice > 0
            ]
            if not lines:
                raise UserError(
                    "There is no invoiceable line. If a product has a control policy based on "
                    "received quantity, please make sure that a quantity has been received."
                )
            bill = self.env["account.move"].create(
                {
                    "move_type": "in_invoice",
                    "partner_id": order.partner_id.id,
                    "invoice_origin": order.name,
                    "purchase_id": order.id,
                    "invoice_line_ids": lines,
                }
            )
            bills.append(bill.id)
        return bills


class PurchaseOrderLine(Model):
    _name = "purchase.order.line"
    order_id = Field("many2one", comodel="purchase.order", required=True)
    product_id = Field("many2one", comodel="product.product")
    name = Field("char")
    product_qty = Field("float", default=1.0)
    price_unit = Field("float")
    orderpoint_id = Field("many2one", comodel="stock.warehouse.orderpoint")
    price_subtotal = Field("monetary", compute="_compute_price_subtotal")
    qty_received = Field("float", compute="_compute_qty_received")
    qty_invoiced = Field("float", compute="_compute_qty_invoiced")
    qty_to_invoice = Field("float", compute="_compute_qty_to_invoice")

    def _compute_price_subtotal(self) -> float:
        return round(self.product_qty * self.price_unit, 2)

    def _compute_qty_received(self) -> float:
        return self.env["stock.move"]._qty_done_by_purchase_line(self._ids)[0]

    def _compute_qty_invoiced(self) -> float:
        # the bill lines of this line in id order (``search`` on the indexed column), their
        # bills' type and state read from the bills' rows
        bill_lines = self.env["account.move.line"]
        table, bills, peek = bill_lines._table, self.env._tables["account.move"], self._peek
        total = 0
        for i in bill_lines._ids_where("purchase_line_id", self._ids[0]):
            row = table[i]
            bill = bills.get(row["move_id"])
            if bill is None:  # no bill (or a deleted one): read as ``_peek`` reads it
                bill = {
                    "state": peek("account.move", row["move_id"], "state"),
                    "move_type": peek("account.move", row["move_id"], "move_type"),
                }
            if bill["state"] != "cancel":
                sign = -1 if bill["move_type"] == "in_refund" else 1
                total += sign * row["quantity"]
        return total

    def _compute_qty_to_invoice(self) -> float:
        if self.order_id.state not in ("purchase", "done"):
            return 0.0
        basis = (
            self.product_qty if self.product_id.purchase_method == "purchase" else self.qty_received
        )
        return basis - self.qty_invoiced
