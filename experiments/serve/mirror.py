"""What the twin's records show in the mocked Odoo's stock models, for external clients.

Concept: the automated models keep stock quantities in fast arrays
(:mod:`orchestration.backoffice.records`) and only purchase orders in the mocked Odoo (see
:mod:`orchestration.integration.erp`). A client that asks Odoo for stock (``stock.quant``,
``product.product.qty_available``) or for a receipt (``stock.picking``) must see what those
systems believe, so the mirror publishes them:

- per world location (stores, store DCs, the FC) the ERP adapter's internal ``stock.location``
  ``<name>/Stock``;
- ``stock.quant.quantity`` per location x SKU = the ERP records' on-hand (units), rewritten
  after every advance of the clock, only where it changed;
- when goods are booked in for a purchase order (the world's ``GoodsReceived`` whose reference
  is the order's name, i.e. sent with idempotency keys on), the order's incoming picking is
  validated with the received quantities at the receiving site (no backorder: the supplier
  ships once), so ``state='done'``, ``date_done`` and ``qty_received`` read as in Odoo.

The mirror only reads the world and writes the mock's stock documents; nothing it does feeds
back into the simulation (no automation rule of the models watches quants or pickings).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from sim.events import GoodsReceived


class OdooMirror:
    """Publishes records and receipts of an automated model into its mocked Odoo."""

    def __init__(self, model: Any) -> None:
        self.model = model
        erp = model.stack.erp
        self.env = erp.env
        self.product_ids: list[int] = list(erp.product_ids)
        self.location_ids: list[int] = list(erp.location_ids)
        self._quants: dict[tuple[int, int], int] = {}
        self._shown = np.full_like(model.rec.on_hand, -1)
        self.receipts_validated = 0

    def sync_stock(self) -> int:
        """Rewrite the quants whose records changed since the last sync; returns how many."""
        on_hand = self.model.rec.on_hand
        changed = np.argwhere(on_hand != self._shown)
        if not len(changed):
            return 0
        env, quants = self.env, self.env["stock.quant"]
        with env.transaction(), env.with_context(quant_update=True):
            for loc, sku in changed.tolist():
                qty = float(on_hand[loc, sku])
                quant_id = self._quants.get((loc, sku))
                if quant_id is None:
                    quant_id = quants.create(
                        {
                            "product_id": self.product_ids[sku],
                            "location_id": self.location_ids[loc],
                            "quantity": qty,
                        }
                    ).id
                    self._quants[(loc, sku)] = quant_id
                else:
                    quants.browse(quant_id).write({"quantity": qty})
        self._shown[changed[:, 0], changed[:, 1]] = on_hand[changed[:, 0], changed[:, 1]]
        return len(changed)

    def on_event(self, event: object) -> None:
        if isinstance(event, GoodsReceived):
            self.goods_received(event)

    def goods_received(self, e: GoodsReceived) -> None:
        """Validate the purchase order's open receipt with what was booked in."""
        env = self.env
        order = env["purchase.order"].search([("name", "=", e.reference)], limit=1)
        pickings = order.picking_ids.filtered(lambda p: p.state not in ("done", "cancel"))
        if not pickings:
            # validated already by the model's own 3-way match (it books receipts in Odoo with
            # the counted quantities), or a store transfer / an order known under another key
            if order.picking_ids.filtered(lambda p: p.state == "done"):
                self.receipts_validated += 1
            return
        received = dict(
            zip(
                (self.product_ids[k] for k in e.skus.tolist()),
                e.qty.tolist(),
                strict=True,
            )
        )
        site = self.location_ids[e.location]
        with env.transaction():
            for picking in pickings:
                picking.write({"location_dest_id": site})
                for move in picking.move_ids:
                    qty = float(received.get(move.product_id.id, 0))
                    move.write({"quantity": qty, "location_dest_id": site})
                if any(m.quantity for m in picking.move_ids):
                    picking.button_validate(create_backorder=False)
                else:
                    picking.action_cancel()
        self.receipts_validated += 1
