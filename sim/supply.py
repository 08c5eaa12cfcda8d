"""Inbound goods: supplier purchase orders and warehouse-to-store transfers.

A **purchase order** has a life (one SimPy process): the supplier confirms after a lognormal
delay (``SupplierConfirmationLate`` is emitted at 48 h if it has not), ships after a lognormal
lead time (late with probability ``1 - on_time_prob``, plus any supplier delay episode of the
fault plan), in full with probability ``in_full_prob`` (otherwise each line is filled to a
uniform fraction in [short_fill_min, 1]), and invoices a few days after delivery, sometimes at a
mismatched price or for the ordered rather than the shipped quantity. An ``ExpediteShipment``
interrupts the wait and brings the due time forward.

A **transfer** leaves the warehouse at once with what is physically there and arrives at the
store at 06:00 after ``dc_to_store_transit_days``. Every receipt is *counted*: with probability
``receipt_count_error_prob`` a line is recorded with an error, so records drift from the shelf.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import numpy as np
import simpy

from sim.clock import HOURS_PER_DAY, day_of
from sim.events import (
    CreatePurchaseOrder,
    InvoiceReceived,
    SupplierConfirmationLate,
    SupplierConfirmed,
    TransferShipped,
    TransferStock,
)
from sim.rng import lognormal

if TYPE_CHECKING:
    from sim.world import World

CONFIRMATION_DEADLINE_H = 48.0
DELIVERY_HOUR = 6.0


@dataclass(slots=True)
class PurchaseOrder:
    id: int
    cmd: CreatePurchaseOrder
    due_h: float
    proc: simpy.Process | None = None
    received: bool = False
    expedited: float = field(default=0.0)


class Supply:
    def __init__(self, world: World):
        self.w = world
        s = world.s
        self.gen_lead = world.streams.get("supplier.lead_time")
        self.gen_fill = world.streams.get("supplier.fill")
        self.gen_invoice = world.streams.get("supplier.invoice")
        self.gen_count = world.streams.get("receipt.count")
        self.suppliers = s.network.suppliers
        self.inv = s.inventory
        self.pos: dict[str, PurchaseOrder] = {}
        self._po_seq = 0
        self._transfer_seq = 0
        self._invoice_seq = 0

    # ------------------------------------------------------------------ counting
    def recorded(self, qty: np.ndarray) -> np.ndarray:
        """Quantities as counted at receipt: a few lines carry a counting error."""
        p = self.inv.receipt_count_error_prob
        if p <= 0 or len(qty) == 0:
            return qty.copy()
        g = self.gen_count
        err_lines = g.random(len(qty)) < p
        size = np.maximum(
            1,
            np.rint(
                lognormal(
                    g,
                    self.inv.receipt_count_error_units.mu,
                    self.inv.receipt_count_error_units.sigma,
                    len(qty),
                )
            ),
        ).astype(np.int64)
        sign = np.where(g.random(len(qty)) < 0.5, -1, 1)
        return np.maximum(0, qty + err_lines * sign * size)

    # ------------------------------------------------------------------ purchase orders
    def create_po(self, cmd: CreatePurchaseOrder) -> int:
        self._po_seq += 1
        sup = self.suppliers[cmd.supplier]
        g = self.gen_lead
        now = self.w.env.now
        lead_d = float(lognormal(g, sup.lead_time_days.mu, sup.lead_time_days.sigma))
        if g.random() >= sup.on_time_prob:
            lead_d += float(lognormal(g, sup.late_extra_days.mu, sup.late_extra_days.sigma))
        due_day = day_of(now + lead_d * HOURS_PER_DAY)
        lead_d += self.w.faults.supplier_extra_days(cmd.supplier, due_day)
        confirm_h = float(lognormal(g, sup.confirmation_h.mu, sup.confirmation_h.sigma))
        due = max(now + lead_d * HOURS_PER_DAY, now + confirm_h)
        po = PurchaseOrder(self._po_seq, cmd, due)
        self.pos[cmd.key] = po
        po.proc = self.w.env.process(self._po_life(po, confirm_h))
        return po.id

    def expedite(self, po_key: str, days: float) -> bool:
        po = self.pos.get(po_key)
        if po is None or po.received:
            return False
        po.due_h = max(self.w.env.now + 12.0, po.due_h - days * HOURS_PER_DAY)
        po.expedited += days
        po.proc.interrupt("expedite")
        return True

    def _po_life(self, po: PurchaseOrder, confirm_h: float):
        env, w = self.w.env, self.w
        cmd = po.cmd
        late = confirm_h > CONFIRMATION_DEADLINE_H
        if late:
            yield env.timeout(CONFIRMATION_DEADLINE_H)
            w.emit(SupplierConfirmationLate, cmd.key, po_key=cmd.key, supplier=cmd.supplier)
            yield env.timeout(confirm_h - CONFIRMATION_DEADLINE_H)
        else:
            yield env.timeout(confirm_h)
        w.emit(SupplierConfirmed, cmd.key, po_key=cmd.key, supplier=cmd.supplier, late=late)
        while env.now < po.due_h:
            try:
                yield env.timeout(po.due_h - env.now)
            except simpy.Interrupt:
                continue
        sup = self.suppliers[cmd.supplier]
        g = self.gen_fill
        if g.random() < sup.in_full_prob:
            shipped = cmd.qty.copy()
        else:
            frac = g.uniform(sup.short_fill_min, 1.0, len(cmd.qty))
            shipped = np.floor(cmd.qty * frac).astype(np.int64)
        po.received = True
        w.receive(cmd.location, cmd.skus, shipped, self.recorded(shipped), cmd.key)
        # invoice
        gi = self.gen_invoice
        delay_d = float(lognormal(gi, sup.invoice_delay_days.mu, sup.invoice_delay_days.sigma))
        billed = cmd.qty.copy() if gi.random() < 0.05 else shipped
        price = cmd.unit_cost.copy()
        if gi.random() < sup.invoice_price_mismatch_prob:
            line = int(gi.integers(len(price)))
            price[line] = round(price[line] * (1.0 + gi.uniform(0.02, 0.12)), 2)
        self.pos.pop(cmd.key, None)
        yield env.timeout(delay_d * HOURS_PER_DAY)
        self._invoice_seq += 1
        w.emit(
            InvoiceReceived,
            cmd.key,
            invoice_id=self._invoice_seq,
            po_key=cmd.key,
            supplier=cmd.supplier,
            skus=cmd.skus,
            qty=billed,
            unit_price=price,
            amount=round(float(np.dot(billed, price)), 2),
        )

    # ------------------------------------------------------------------ transfers
    def transfer(self, cmd: TransferStock) -> int:
        w = self.w
        self._transfer_seq += 1
        tid = self._transfer_seq
        take = np.minimum(w.on_hand[cmd.source, cmd.skus], cmd.qty)
        w.on_hand[cmd.source, cmd.skus] -= take
        w.emit(
            TransferShipped,
            cmd.key,
            reference=cmd.key,
            source=cmd.source,
            location=cmd.location,
            skus=cmd.skus,
            qty=take,
        )
        arrive_day = day_of(w.env.now) + w.s.network.dc_to_store_transit_days
        arrive = max(w.env.now, arrive_day * HOURS_PER_DAY + DELIVERY_HOUR)
        w.env.process(self._deliver(cmd, take, arrive, tid))
        return tid

    def _deliver(self, cmd: TransferStock, take: np.ndarray, arrive: float, tid: int):
        yield self.w.env.timeout(arrive - self.w.env.now)
        self.w.receive(cmd.location, cmd.skus, take, self.recorded(take), cmd.key)
