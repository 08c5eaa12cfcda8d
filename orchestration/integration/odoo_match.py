"""The 3-way match of the automated models, done by the mocked Odoo (``account_3way_match``).

Concept: the automated models claim Odoo matches vendor bills, so in a run it does. The receipt
of a PO the twin sent through Odoo is validated there with the *counted* quantities
(``stock.picking.button_validate``, no backorder: the supplier ships once), which sets each PO
line's ``qty_received``. A bill is entered as an ``account.move`` (``in_invoice``, one line per
PO line at the billed price and quantity), its ``release_to_pay`` read — the match: a price off
the PO is an exception, billing more than was received is an exception, billing up to it is
payable (ODOO.md §5.2) — and it is posted. A bill is *matched* when Odoo releases it to pay.

Odoo's rule differs from the twin's own equality check (``Payables``) in one case: a bill for
less than was counted in is payable in Odoo (under-billing), an exception for the twin. A PO
Odoo does not hold (sent by an outside client and never received there) is matched by the twin,
as before. Quantities in units; prices in the scenario's currency.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from sim.events import InvoiceReceived

if TYPE_CHECKING:
    from orchestration.integration.erp import OdooErp


class OdooThreeWayMatch:
    def __init__(self, erp: OdooErp, erp_name: dict[str, str]):
        self.erp = erp
        #: supplier-side PO key -> Odoo PO name (the replenishment flow's ``sent_as``)
        self.erp_name = erp_name
        self.received_in_odoo: set[str] = set()
        self.bills = 0

    def _po(self, key: str):
        po_id = self.erp.po_ids.get(self.erp_name.get(key, key))
        return None if po_id is None else self.erp.env["purchase.order"].browse(po_id)

    def received(self, key: str, skus: np.ndarray, qty: np.ndarray) -> None:
        """Validate the PO's receipt in Odoo with the counted quantities."""
        po = self._po(key)
        if po is None or not qty.any():
            return  # Odoo refuses to validate a receipt with nothing in it
        picking = po.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        if not picking:
            return
        counted = dict(zip(self.erp.sku_keys(skus), qty.tolist(), strict=True))
        moves = picking.move_ids
        if moves._writes_unwatched(("quantity",)):
            # the counted quantity on each move, in one column write (nothing watches it)
            moves._write_each(
                [
                    (row["id"], {"quantity": float(counted.get(row["product_id"], 0))})
                    for row in moves._rows()
                ]
            )
        else:  # a rule sees one write per distinct quantity, moves in order
            by_qty: dict[float, list[int]] = {}
            for row in moves._rows():
                by_qty.setdefault(float(counted.get(row["product_id"], 0)), []).append(row["id"])
            for quantity, ids in by_qty.items():
                moves.browse(ids).write({"quantity": quantity})
        self.erp.env.execute(
            "stock.picking", "button_validate", picking.ids, create_backorder=False
        )
        self.received_in_odoo.add(key)

    def released(self, e: InvoiceReceived) -> bool | None:
        """Enter, match and post the bill in Odoo: True when released to pay; None when Odoo
        does not hold the PO's receipt (the twin matches it)."""
        if e.po_key not in self.received_in_odoo:
            return None
        po = self._po(e.po_key)
        # product id -> its PO line (the last one of a product, as a dict over the lines
        # keeps), read from the lines' rows
        line_of = {row["product_id"]: row["id"] for row in po.order_line._rows()}
        env = self.erp.env
        lines = [
            (
                0,
                0,
                {
                    "product_id": pid,
                    "purchase_line_id": line_of.get(pid, False),
                    "quantity": float(q),
                    "price_unit": float(p),
                },
            )
            for pid, q, p in zip(
                self.erp.sku_keys(e.skus), e.qty.tolist(), e.unit_price.tolist(), strict=True
            )
        ]
        bill_id = env.execute(
            "account.move",
            "create",
            {
                "move_type": "in_invoice",
                "partner_id": po.partner_id.id,
                "purchase_id": po.id,
                "ref": f"INV-{e.invoice_id}",
                "invoice_date": env.now().date(),
                "invoice_line_ids": lines,
            },
        )
        bill = env["account.move"].browse(bill_id)
        released = bill.release_to_pay == "yes"
        env.execute("account.move", "action_post", [bill_id])
        self.bills += 1
        return released
