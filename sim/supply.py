"""Inbound goods: supplier purchase orders and warehouse-to-store transfers.

A **purchase order** has a life (one SimPy process): the supplier confirms after a lognormal
delay (``SupplierConfirmationLate`` is emitted at 48 h if it has not) with a **promised**
delivery time (``SupplierConfirmed.promised_h``: its nominal lognormal lead time, never before
the confirmation itself), ships after the real lead time (the promise, plus a late extra with
probability ``1 - on_time_prob``, plus any supplier delay episode of the fault plan), in full
with probability ``in_full_prob`` (otherwise each line is filled to a uniform fraction in
[short_fill_min, 1]), and invoices a few days after delivery, sometimes at a mismatched price or
for the ordered rather than the shipped quantity. An ``ExpediteShipment`` brings the due time
forward by its days (never earlier than 12 h from now, never later than it was).

A PO received after its promise, or still open past it at the horizon, is a **supplier delay**
(ground truth, reported to the KPI collector at receipt or at the end of the run; the
orchestration layer reports when it *detected* the delay). Units: SimPy hours.

**Bank details**: requests to change a supplier's bank account arrive at
``network.bank_changes.per_month`` (a share are fraudulent: ground truth kept here);
``DecideBankChange`` applies or rejects one, and ``PayInvoice`` pays into the account on file —
into the fraudster's while a confirmed fraud is undiscovered (``bank_fraud_losses``).

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
    SupplierBankChangeRequested,
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
LATE_TOLERANCE_H = 1e-6  # float noise: a PO received at its promise is on time


@dataclass(slots=True)
class PurchaseOrder:
    id: int
    cmd: CreatePurchaseOrder
    due_h: float
    promised_h: float
    proc: simpy.Process | None = None
    received: bool = False
    confirmed: bool = False
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
        # supplier bank details: change id -> (supplier, fraudulent) until decided; supplier ->
        # time its diverted (fraudulent) account is discovered (None: no payment diverted yet)
        self.bank_changes: dict[int, tuple[int, bool]] = {}
        self.bank_fraud: set[int] = set()
        self.diverted: dict[int, float | None] = {}
        self._bank_seq = 0
        if s.network.bank_changes.per_month > 0:
            world.env.process(self._bank_change_requests())

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
        promised_d = lead_d
        if g.random() >= sup.on_time_prob:
            lead_d += float(lognormal(g, sup.late_extra_days.mu, sup.late_extra_days.sigma))
        due_day = day_of(now + lead_d * HOURS_PER_DAY)
        lead_d += self.w.faults.supplier_extra_days(cmd.supplier, due_day)
        confirm_h = float(lognormal(g, sup.confirmation_h.mu, sup.confirmation_h.sigma))
        due = max(now + lead_d * HOURS_PER_DAY, now + confirm_h)
        promised = max(now + promised_d * HOURS_PER_DAY, now + confirm_h)
        po = PurchaseOrder(self._po_seq, cmd, due, promised)
        self.pos[cmd.key] = po
        po.proc = self.w.env.process(self._po_life(po, confirm_h))
        return po.id

    def expedite(self, po_key: str, days: float) -> bool:
        """Bring ``po_key``'s delivery ``days`` forward (not before 12 h from now, never later).

        Before the supplier confirms, only the due time moves (the PO's process is waiting for
        the confirmation and reads the due time afterwards)."""
        po = self.pos.get(po_key)
        if po is None or po.received:
            return False
        po.due_h = min(po.due_h, max(self.w.env.now + 12.0, po.due_h - days * HOURS_PER_DAY))
        po.expedited += days
        if po.confirmed:
            po.proc.interrupt("expedite")
        return True

    def promised_h(self, po_key: str) -> float | None:
        """The delivery time the supplier promised for an open PO (None once received)."""
        po = self.pos.get(po_key)
        return None if po is None else po.promised_h

    def close(self) -> None:
        """At the horizon: open POs already past their promise are supplier delays too."""
        now, k = self.w.env.now, self.w.kpi
        for key, po in self.pos.items():
            if not po.received and po.promised_h + LATE_TOLERANCE_H < now:
                k.supplier_delay_settled(key, po.promised_h, late=True)

    def _po_life(self, po: PurchaseOrder, confirm_h: float):
        env, w = self.w.env, self.w
        wait = w.calendar.timeout  # a PO waits days to weeks: off the heap until due
        cmd = po.cmd
        late = confirm_h > CONFIRMATION_DEADLINE_H
        if late:
            yield wait(CONFIRMATION_DEADLINE_H)
            w.emit(SupplierConfirmationLate, cmd.key, po_key=cmd.key, supplier=cmd.supplier)
            yield wait(confirm_h - CONFIRMATION_DEADLINE_H)
        else:
            yield wait(confirm_h)
        w.emit(
            SupplierConfirmed,
            cmd.key,
            po_key=cmd.key,
            supplier=cmd.supplier,
            late=late,
            promised_h=po.promised_h,
        )
        po.confirmed = True
        while env.now < po.due_h:
            try:
                yield wait(po.due_h - env.now)
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
        w.kpi.supplier_delay_settled(
            cmd.key, po.promised_h, late=env.now > po.promised_h + LATE_TOLERANCE_H
        )
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
        yield wait(delay_d * HOURS_PER_DAY)
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

    # ------------------------------------------------------------------ bank details
    def _bank_change_requests(self):
        """Requests to change a supplier's bank account: Poisson arrivals, a share fraudulent."""
        w, env = self.w, self.w.env
        cfg = w.s.network.bank_changes
        g = w.streams.get("supplier.bank_changes")
        mean_gap_h = 30.0 * HOURS_PER_DAY / cfg.per_month
        while True:
            yield env.timeout(float(g.exponential(mean_gap_h)))
            supplier = int(g.integers(len(self.suppliers)))
            self.request_bank_change(supplier, bool(g.random() < cfg.fraud_share))

    def request_bank_change(self, supplier: int, fraud: bool) -> int:
        """A change of ``supplier``'s bank account is requested now (``fraud``: ground truth)."""
        w = self.w
        self._bank_seq += 1
        cid = self._bank_seq
        self.bank_changes[cid] = (supplier, fraud)
        if fraud:
            self.bank_fraud.add(cid)
        w.kpi.bank_change_requested(fraud=fraud)
        w.emit(SupplierBankChangeRequested, f"bankchange:{cid}", change_id=cid, supplier=supplier)
        return cid

    def decide_bank_change(self, change_id: int, approved: bool) -> bool:
        """The vendor master applies or rejects a change; a confirmed fraud diverts payments."""
        entry = self.bank_changes.pop(change_id, None)
        if entry is None:
            return False
        supplier, fraud = entry
        self.w.kpi.bank_change_decided(approved=approved, fraud=fraud)
        if not approved:
            return True
        if fraud:
            self.diverted[supplier] = None
        else:
            self.diverted.pop(supplier, None)  # genuine new details replace a fraudulent account
        return True

    def pay_invoice(self, supplier: int, amount: float) -> bool:
        """Pay into the account on file; while it is a fraudster's, the money is lost."""
        now, diverted = self.w.env.now, False
        if supplier in self.diverted:
            until = self.diverted[supplier]
            if until is None:  # the first diverted payment: the genuine supplier will chase it
                until = now + self.w.s.network.bank_changes.discovery_days * HOURS_PER_DAY
                self.diverted[supplier] = until
            if now < until:
                diverted = True
            else:
                del self.diverted[supplier]  # discovered: the account on file is corrected
        self.w.kpi.supplier_paid(amount, diverted=diverted)
        return True

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
