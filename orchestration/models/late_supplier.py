"""Late suppliers in the automated models: promises watched, delays acted on, customers told.

The flow keeps what the ERP knows of each open PO it sent: its SKUs and location and the
supplier's promised delivery (``SupplierConfirmed.promised_h``). With a responding policy
(:class:`~orchestration.policies.late_supplier.Respond`) a timer fires ``GRACE_H`` after each
promise (the receiving dock books goods within the hour); a PO not received by then is a
*detected* supplier delay (reported to the KPI collector), and the policy says what follows: an
exception to procurement, an ``ExpediteShipment`` of ``policy.late_supplier.expedite_days``
priced at ``expedite_cost_share`` of the PO's value (by rule, or when the exception is worked;
only for a fulfilment-centre PO that customers' backorders are waiting for), a proactive
``NotifyCustomer`` (n8n "Customer message") to every backordered customer waiting for the PO's
SKUs, and a note to finance that the receipt and the payable move. A new backorder
is told at once when no open PO for its SKUs is promised before the customer's promise (a
re-promise). An exception to procurement — a missed promise or a late confirmation — that no
buyer has picked up ``policy.late_supplier.escalate_after_h`` elapsed hours after it opened
escalates to procurement leadership (the ``escalate_to`` pool), which works it instead.
Times are simulated hours.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from orchestration.backoffice.exceptions import Escalate
from orchestration.policies.late_supplier import LateSupplierCase
from sim.clock import HOURS_PER_DAY
from sim.events import ExpediteShipment, OrderBackordered, SupplierConfirmed

if TYPE_CHECKING:
    from orchestration.models.wiring import AutomatedModel

GRACE_H = 1.0


class LateSupplierFlow:
    def __init__(self, model: AutomatedModel):
        self.m = model
        self.w, self.env, self.kpi, self.bo = model.w, model.env, model.kpi, model.bo
        self.policy = model.table.late_supplier
        self.cfg = model.s.policy.late_supplier
        self.active = bool(getattr(self.policy, "watches_promises", False))
        self.fc = self.w.net.fc
        #: open FC POs (supplier-side key) -> (skus, promised_h)
        self.open_fc: dict[str, tuple[np.ndarray, float]] = {}
        #: SKU -> {open FC PO key: promised_h}: the open POs that cover a SKU, kept with
        #: ``open_fc`` so a backorder looks up its SKUs instead of scanning every open PO's lines
        self.covering: dict[int, dict[str, float]] = {}
        self.received_keys: set[str] = set()
        #: SKU -> backordered orders waiting for it (not told yet)
        self.waiting: dict[int, list[int]] = {}
        self.told: set[int] = set()
        #: procurement exceptions left unpicked escalate to leadership (None: no escalation)
        self.escalation: Escalate | None = None
        if self.active and self.cfg.escalate_to:
            self.escalation = Escalate(
                self.cfg.escalate_after_h, self.cfg.escalate_to, self.kpi.supplier_delay_escalated
            )

    # ------------------------------------------------------------------ signals
    def confirmed(self, e: SupplierConfirmed) -> None:
        if not self.active or e.po_key in self.received_keys:
            return
        po = self.m.replenishment.po_for(e.po_key)
        if po is not None and po.location == self.fc:
            self._open(e.po_key, po.skus, e.promised_h)
        # due days to weeks ahead: on the world's calendar, off the event heap until then
        ev = self.w.calendar.timeout(max(e.promised_h + GRACE_H - self.env.now, 0.0))
        ev.callbacks.append(lambda _ev, key=e.po_key, sup=e.supplier: self._promise_due(key, sup))

    def received(self, reference: str) -> None:
        if self.active:
            self.received_keys.add(reference)
            self._close(reference)

    def _open(self, key: str, skus: np.ndarray, promised_h: float) -> None:
        """Record the open FC PO ``key`` (a second confirmation replaces the first)."""
        self._close(key)
        self.open_fc[key] = (skus, promised_h)
        covering = self.covering
        for sku in skus.tolist():
            pos = covering.get(sku)
            if pos is None:
                covering[sku] = {key: promised_h}
            else:
                pos[key] = promised_h

    def _close(self, key: str) -> None:
        """Forget the open FC PO ``key`` (received), if it was open."""
        entry = self.open_fc.pop(key, None)
        if entry is None:
            return
        covering = self.covering
        for sku in entry[0].tolist():
            pos = covering.get(sku)
            if pos is not None:
                pos.pop(key, None)
                if not pos:
                    del covering[sku]

    def earliest_promise(self, skus: set[int]) -> float | None:
        """The earliest promised delivery of the open FC POs covering any of ``skus`` (None:
        no open PO covers them)."""
        covering, eta = self.covering, None
        for sku in skus:
            pos = covering.get(sku)
            if pos:
                first = min(pos.values())
                if eta is None or first < eta:
                    eta = first
        return eta

    def backordered(self, e: OrderBackordered) -> None:
        """Tell the customer now when no open PO for the short SKUs is promised in time."""
        if not (self.active and self.policy.notify):
            return
        ch = (
            self.m.s.channels.ecommerce
            if e.channel == "ecommerce"
            else self.m.s.channels.marketplace
        )
        promise = e.t + ch.promise_days * HOURS_PER_DAY
        short = set(e.skus.tolist())
        eta = self.earliest_promise(short)
        if eta is None or eta > promise:
            self._tell(e.order_id, "repromise")
            return
        for sku in short:
            self.waiting.setdefault(sku, []).append(e.order_id)

    # ------------------------------------------------------------------ a missed promise
    def _promise_due(self, po_key: str, supplier: int) -> None:
        if po_key in self.received_keys:
            return
        self.kpi.supplier_delay_detected(po_key, self.env.now)
        if self.w.tracing:
            self.w.trace("late_supplier.detected", po_key, "promise passed with no receipt")
        route = self.policy.decide(LateSupplierCase(po_key, supplier))
        entry = self.open_fc.get(po_key)
        waiting = (
            [] if entry is None else [o for k in entry[0].tolist() for o in self.waiting.pop(k, [])]
        )
        expedite = self.policy.expedite if waiting else "never"  # only when customers wait
        if route.team:
            resolve = (lambda: self._expedite(po_key)) if expedite == "team" else None
            self.bo.exceptions.open(
                route.team, None, resolve, reason="missed promise", escalate=self.escalation
            )
        if expedite == "rule":
            self._expedite(po_key)
        if self.policy.notify:
            for order_id in waiting:
                self._tell(order_id, "supplier_delay")
        self.kpi.supplier_delay_finance_notice()
        if self.w.tracing:
            self.w.trace("late_supplier.finance", po_key, "finance told: payable moves later")

    def _expedite(self, po_key: str) -> None:
        if po_key in self.received_keys:
            return
        po = self.m.replenishment.po_for(po_key)
        value = 0.0 if po is None else float(np.dot(po.qty, po.unit_cost))
        self.bo.submit(
            ExpediteShipment(
                key=f"expedite:{po_key}",
                need=f"expedite:{po_key}",
                po_key=po_key,
                days=self.cfg.expedite_days,
                cost=round(value * self.cfg.expedite_cost_share, 2),
            )
        )

    def _tell(self, order_id: int, reason: str) -> None:
        if order_id in self.told:
            return
        self.told.add(order_id)
        self.m.stack.run("wf-notify", (order_id, reason), None, key=f"order:{order_id}")
