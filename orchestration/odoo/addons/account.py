"""Vendor bills and the 3-way match (ODOO.md §5.2 ``account.move``, ``account_3way_match``).

A bill (``move_type='in_invoice'``) goes ``draft -> posted`` (``action_post``) or ``cancel``;
``payment_state`` is ``not_paid`` / ``partial`` / ``paid``. Each bill line referring to a
purchase line gets ``can_be_paid``:

- any price difference with the PO line -> ``exception``; no PO line -> ``exception``;
- ``purchase_method='purchase'`` (ordered qty): ``invoiced - line.qty >= ordered`` -> ``no``;
  ``invoiced <= ordered`` -> ``yes``; else ``exception``;
- ``purchase_method='receive'`` (received qty): ``invoiced <= received`` -> ``yes``;
  ``received == 0 and invoiced <= ordered`` -> ``no``; else ``exception``
  (``invoiced`` is the PO line's billed quantity over all non-cancelled bills, this one included).

The bill's ``release_to_pay``: paid -> ``no``; ``force_release_to_pay`` -> the manual value; any
exception or a yes/no mix -> ``exception``; else the shared line status.

Mock-only: ``action_register_payment(amount)`` stands in for the payment wizard and REFUSES a
bill that is not posted or not released to pay (an AP policy of paying only "release to pay"
bills; real Odoo only filters on it). Units: amounts in company currency, untaxed.
"""

from __future__ import annotations

from orchestration.odoo.errors import UserError
from orchestration.odoo.fields import Field
from orchestration.odoo.models import Model

RELEASE = [("yes", "Yes"), ("no", "No"), ("exception", "Exception")]


class AccountMove(Model):
    _name = "account.move"
    name = Field("char", default="/")
    move_type = Field(
        "selection",
        selection=[
            ("entry", "Journal Entry"),
            ("out_invoice", "Customer Invoice"),
            ("out_refund", "Customer Credit Note"),
            ("in_invoice", "Vendor Bill"),
            ("in_refund", "Vendor Credit Note"),
            ("out_receipt", "Sales Receipt"),
            ("in_receipt", "Purchase Receipt"),
        ],
        default="entry",
    )
    partner_id = Field("many2one", comodel="res.partner")
    state = Field(
        "selection",
        selection=[("draft", "Draft"), ("posted", "Posted"), ("cancel", "Cancelled")],
        default="draft",
    )
    payment_state = Field(
        "selection",
        selection=[
            ("not_paid", "Not Paid"),
            ("in_payment", "In Payment"),
            ("paid", "Paid"),
            ("partial", "Partially Paid"),
            ("reversed", "Reversed"),
            ("invoicing_legacy", "Invoicing App Legacy"),
        ],
        default="not_paid",
    )
    invoice_date = Field("date")
    invoice_date_due = Field("date")
    invoice_origin = Field("char")
    ref = Field("char")
    purchase_id = Field("many2one", comodel="purchase.order")
    invoice_line_ids = Field("one2many", comodel="account.move.line", inverse="move_id")
    amount_residual = Field("monetary")
    amount_total = Field("monetary", compute="_compute_amount_total")
    release_to_pay_manual = Field("selection", selection=RELEASE)
    force_release_to_pay = Field("boolean")
    release_to_pay = Field("selection", selection=RELEASE, compute="_compute_release_to_pay")

    def _compute_amount_total(self) -> float:
        # ``sum(line.price_subtotal ...)`` read from the lines' rows (same rounding, same order)
        return round(
            sum([round(r["quantity"] * r["price_unit"], 2) for r in self.invoice_line_ids._rows()]),
            2,
        )

    def _is_invoice(self) -> bool:
        return self.move_type != "entry"

    def _compute_release_to_pay(self) -> str:
        if self.payment_state == "paid" or not self._is_invoice():
            return "no"
        if self.force_release_to_pay:
            return self.release_to_pay_manual or "no"
        status = None
        lines = self.invoice_line_ids
        for row in lines._rows():  # each line's ``can_be_paid``, read from the rows
            line_status = lines._can_be_paid(row)
            if line_status == "exception":
                return "exception"
            if status is None:
                status = line_status
            elif status != line_status:
                return "exception"
        return status or "no"

    def action_post(self) -> bool:
        for move in self:
            if move.state != "draft":
                raise UserError(f"The entry {move.name} (id {move.id}) must be in draft.")
            if not move.invoice_line_ids:
                raise UserError("You need to add a line before posting.")
            if move.move_type in ("in_invoice", "in_refund") and not move.invoice_date:
                raise UserError("The Bill/Refund date is required to validate this document.")
            year = (move.invoice_date or self.env.now()).year
            name = (
                self.env.next_sequence(f"bill.{year}", f"BILL/{year}/")
                if move.name == "/"
                else move.name
            )
            move.write({"state": "posted", "name": name, "amount_residual": move.amount_total})
        return True

    def button_draft(self) -> bool:
        for move in self:
            if move.payment_state in ("paid", "partial", "in_payment"):
                raise UserError("You cannot reset to draft a paid entry.")
        self.write({"state": "draft"})
        return True

    def button_cancel(self) -> bool:
        if self.filtered(lambda m: m.state != "draft"):
            raise UserError("Only draft journal entries can be cancelled.")
        self.write({"state": "cancel"})
        return True

    def action_register_payment(self, amount: float | None = None) -> bool:
        """Mock payment wizard: pay ``amount`` (default: the residual) of a released bill."""
        for move in self:
            if move.state != "posted":
                raise UserError("You can only register payment for posted journal entries.")
            if move.release_to_pay != "yes":
                raise UserError(
                    f"Bill {move.name} is not released to pay (3-way match: {move.release_to_pay})."
                )
            pay = move.amount_residual if amount is None else min(amount, move.amount_residual)
            residual = round(move.amount_residual - pay, 2)
            move.write(
                {
                    "amount_residual": residual,
                    "payment_state": "paid" if residual <= 0 else "partial",
                }
            )
        return True


class AccountMoveLine(Model):
    _name = "account.move.line"
    move_id = Field("many2one", comodel="account.move", required=True)
    product_id = Field("many2one", comodel="product.product")
    purchase_line_id = Field("many2one", comodel="purchase.order.line")
    name = Field("char")
    quantity = Field("float", default=1.0)
    price_unit = Field("float")
    price_subtotal = Field("monetary", compute="_compute_price_subtotal")
    can_be_paid = Field("selection", selection=RELEASE, compute="_compute_can_be_paid")

    def _compute_price_subtotal(self) -> float:
        return round(self.quantity * self.price_unit, 2)

    def _compute_can_be_paid(self) -> str:
        return self._can_be_paid(self._row())

    def _can_be_paid(self, row: dict) -> str:
        """``can_be_paid`` of the bill line whose row is ``row``: its PO line and product read
        from their rows, the PO line's ``qty_invoiced``/``qty_received`` computed directly."""
        po_line_id = row["purchase_line_id"]
        if not po_line_id:
            return "exception"
        peek = self._peek
        line = self.env._tables["purchase.order.line"].get(po_line_id)
        if line is None:  # a deleted PO line: MissingError, through the general path
            peek("purchase.order.line", po_line_id, "price_unit")
        if abs(row["price_unit"] - line["price_unit"]) > 1e-6:  # type: ignore[index]
            return "exception"
        po_line = self.env["purchase.order.line"]._new((po_line_id,))
        invoiced, received, ordered = (
            po_line._compute_qty_invoiced(),
            po_line._compute_qty_received(),
            line["product_qty"],  # type: ignore[index]
        )
        tol = 1e-6
        product = line["product_id"]  # type: ignore[index]
        if peek("product.product", product, "purchase_method") == "purchase":
            if invoiced - row["quantity"] >= ordered - tol:
                return "no"
            return "yes" if invoiced <= ordered + tol else "exception"
        if invoiced <= received + tol:
            return "yes"
        if received == 0 and invoiced <= ordered + tol:
            return "no"
        return "exception"
