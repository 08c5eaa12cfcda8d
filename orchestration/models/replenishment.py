"""Real-time replenishment of the automated models: orderpoint -> RFQ -> approval -> supplier.

Every record change at a warehouse or the FC re-checks the touched SKUs against the reorder
point (``inventory.dc_policy``, days of forecast); a breach opens a draft RFQ for that vendor and
location, merged for ``rfq_merge_window_h`` hours, then created in the mocked Odoo. The model's
purchase policy names who approves it; once approved it is confirmed (``button_confirm``), which
fires Odoo's webhook rule to the n8n "PO to supplier" workflow, whose node sends the order to
the supplier (``CreatePurchaseOrder``, keyed by the PO name for idempotency). Store transfers
leave every night right after the POS uploads. With a PO watchdog (a scheduled check) a
confirmed PO not sent after ``po_watchdog_h`` hours — its webhook was lost — is re-sent.
Quantities in units, money in the scenario's currency, times in simulated hours.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from orchestration.backoffice import Request
from orchestration.backoffice.replenishment import (
    delivery_tomorrow,
    order_quantities,
    store_transfers,
)
from orchestration.models.flow import Flow
from orchestration.policies.purchase import PurchaseCase
from orchestration.policies.route import tier
from sim.clock import HOURS_PER_DAY
from sim.events import CreatePurchaseOrder, TransferStock

if TYPE_CHECKING:
    from orchestration.models.wiring import AutomatedModel

TRANSFER_HOUR = 23.5  # right after the stores' POS uploads (23:00)
WATCHDOG_EVERY_H = 4.0
#: up to this many SKUs an orderpoint check reads scalars (numpy's per-call cost dominates)
SCALAR_CHECK_MAX = 8


@dataclass(slots=True)
class PurchaseOrderRecord:
    """A purchase order the ERP created: its lines and where the goods go."""

    name: str  # the ERP's PO name (``P00012``)
    supplier: int
    need: str  # the requisition it serves (``REQ-7``): one need, one effect
    skus: np.ndarray
    qty: np.ndarray
    unit_cost: np.ndarray
    location: int


class ReplenishmentFlow(Flow):
    def __init__(self, model: AutomatedModel):
        super().__init__(model)
        self.drafts: dict[tuple[int, int], set[int]] = {}
        self.pos: dict[str, PurchaseOrderRecord] = {}
        self.sent_as: dict[str, str] = {}  # supplier-side key -> ERP PO name
        self.confirmed_at: dict[str, float] = {}  # ERP PO name -> time confirmed, until sent

    def po_for(self, key: str) -> PurchaseOrderRecord | None:
        """The PO a supplier-side key (or an ERP name) refers to."""
        return self.pos.get(self.sent_as.get(key, key))

    # ------------------------------------------------------------------ orderpoint
    def check(self, location: int, skus: np.ndarray) -> None:
        """Real-time orderpoint check of the touched SKUs of a warehouse or the FC."""
        if len(skus) <= SCALAR_CHECK_MAX:
            self.check_lines(location, skus.tolist())
            return
        # a document of many lines (a transfer, a receipt, a count): one comparison per array
        rec, s_days = self.rec, self.s.inventory.dc_policy.reorder_point_days
        position = rec.on_hand[location, skus] + rec.on_order[location, skus]
        below = skus[position < s_days * rec.forecast[location, skus]]
        if len(below):
            self.breached(location, below.astype(np.int64, copy=False))

    def check_lines(self, location: int, skus: list[int]) -> None:
        """:meth:`check` of SKUs already read into a list."""
        rec, s_days = self.rec, self.s.inventory.dc_policy.reorder_point_days
        on_hand, on_order, fc = (
            rec.on_hand[location],
            rec.on_order[location],
            rec.forecast[location],
        )
        # scalar loop: an order touches 1-3 SKUs, where numpy's per-call overhead dominates
        hit = [k for k in skus if on_hand[k] + on_order[k] < s_days * fc[k]]
        if hit:
            self.breached(location, np.array(hit, dtype=np.int64))

    def breached(self, location: int, below: np.ndarray) -> None:
        """SKUs of ``location`` below their reorder point join their vendor's draft RFQ, the
        vendors taken in ascending order (a new draft's merge timer is scheduled in it)."""
        sup = self.w.net.sku_supplier[below]
        if len(below) > SCALAR_CHECK_MAX:  # a document's many SKUs: one mask per vendor
            for supplier in np.unique(sup).tolist():
                self._join(supplier, location, below[sup == supplier].tolist())
            return
        skus, sups = below.tolist(), sup.tolist()
        if len(skus) == 1:  # most breaches: one SKU (an order's line), one vendor
            self._join(sups[0], location, skus)
            return
        by_supplier: dict[int, list[int]] = {}
        for sku, supplier in zip(skus, sups, strict=True):
            if supplier in by_supplier:
                by_supplier[supplier].append(sku)
            else:
                by_supplier[supplier] = [sku]
        for supplier in sorted(by_supplier):  # what ``np.unique`` of the vendors gives
            self._join(supplier, location, by_supplier[supplier])

    def _join(self, supplier: int, location: int, skus: list[int]) -> None:
        """``skus`` join the draft RFQ of (``supplier``, ``location``), opened if need be."""
        key = (supplier, location)
        draft = self.drafts.get(key)
        if draft is None:
            draft = self.drafts[key] = set()
            ev = self.env.timeout(self._merge_h())
            ev.callbacks.append(lambda _e, k=key: self._confirm_rfq(k))
        draft.update(skus)

    def _merge_h(self) -> float:
        """How long a new draft RFQ collects lines: the merge window, or (a purchase policy
        with a nightly ``batch_hour``) until the next nightly requisition run."""
        hour = getattr(self.table.purchase, "batch_hour", None)
        if hour is None:
            return self.p.rfq_merge_window_h
        return (hour - self.env.now) % HOURS_PER_DAY or HOURS_PER_DAY

    def _confirm_rfq(self, key: tuple[int, int]) -> None:
        supplier, location = key
        skus = np.array(sorted(self.drafts.pop(key)), dtype=np.int64)
        rec, pol, pack = self.rec, self.s.inventory.dc_policy, self.s.catalogue.case_pack
        qty = order_quantities(rec.position_at(location, skus), rec.forecast[location, skus], pol)
        qty = -(-qty // pack) * pack
        keep = qty > 0
        if not keep.any():
            return
        skus, qty = skus[keep], qty[keep]
        cost = self.w.net.cost[skus]
        need = self.bo.key("REQ")
        erp = self.m.stack.erp
        po_id, name = erp.create_po(supplier, skus, qty, cost, need)
        self.rec.expect(name, location, skus, qty)  # a draft RFQ counts in the position
        self.pos[name] = PurchaseOrderRecord(name, supplier, need, skus, qty, cost, location)
        value = float(np.dot(qty, cost))
        t = tier(value, self.s.policy.purchase)
        preferred = self.s.network.suppliers[supplier].preferred
        if self.w.tracing:
            self.w.trace(
                "odoo.rfq",
                name,
                f"reorder point breached: draft RFQ for supplier {supplier} (origin {need}), "
                f"{len(skus)} line(s) merged over {self.p.rfq_merge_window_h:g} h",
                location=location,
                qty=int(qty.sum()),
                value=value,
            )

        def decided(approved: bool) -> None:
            if approved:
                if self.w.tracing:
                    self.w.trace("odoo.po", name, "approved: button_confirm (state purchase)")
                erp.confirm_po(po_id)  # fires the webhook rule to n8n
                self.confirmed_at[name] = self.env.now
            else:
                if self.w.tracing:
                    self.w.trace("odoo.po", name, "refused: button_cancel")
                erp.cancel_po(po_id)
                self.rec.drop(name)

        steps = self.m.table.purchase.steps(PurchaseCase(value, t, preferred))
        self.bo.approvals.request(
            Request(
                "purchase",
                t,
                self.env.now,
                "planning",
                steps,
                decided,
                subject=name,
                rule="purchase_steps",
            ),
            pickup=self.m.table.pickup("purchase"),
        )

    # ------------------------------------------------------------------ n8n node
    def send_po(self, item: dict[str, Any]) -> dict[str, Any]:
        """n8n node: send a confirmed PO to its supplier (EDI), keyed for idempotency."""
        name = item["body"]["name"]
        po = self.pos.get(name) or self._outside_order(name)
        key = name if self.p.idempotency else self.bo.key(f"{name}/send")
        if self.w.tracing:
            self.bo.link(name, key)
            self.w.trace("n8n.node", name, f"Send order to supplier as {key}")
        self.sent_as[key] = name
        self.confirmed_at.pop(name, None)
        self.bo.payables.purchase_ordered(key, po.skus, po.qty, po.unit_cost)
        self.m.stack.command(
            CreatePurchaseOrder(
                key=key,
                need=po.need,
                supplier=po.supplier,
                location=po.location,
                skus=po.skus,
                qty=po.qty,
                unit_cost=po.unit_cost,
            )
        )
        return item

    def _outside_order(self, name: str) -> PurchaseOrderRecord:
        """A PO confirmed in Odoo that the twin did not create (an RPC client's): its lines are
        read from Odoo, it counts in the records' position from now on. An order that cannot be
        sent raises: a node error, as a real EDI call would fail."""
        supplier, location, skus, qty, cost = self.m.stack.erp.order_lines(name)
        po = PurchaseOrderRecord(name, supplier, f"client:{name}", skus, qty, cost, location)
        self.pos[name] = po
        self.rec.expect(name, location, skus, qty)
        return po

    def received(self, reference: str) -> None:
        """Goods arrived under ``reference``: the supplier knew this PO under another key."""
        name = self.sent_as.get(reference)
        if name is not None and name != reference:
            self.rec.drop(name)

    # ------------------------------------------------------------------ scheduled
    def daily(self):
        """Every night after the POS uploads: close the day's records, send store transfers."""
        env, s, net, bo = self.env, self.s, self.w.net, self.bo
        for day in range(s.horizon_days):
            t = day * HOURS_PER_DAY + TRANSFER_HOUR
            if t > env.now:
                yield env.timeout(t - env.now)
            yield from self.w.faults.start_late("replenishment", env)  # fault library: cron lag
            self.rec.close_day()
            if delivery_tomorrow(s, day + 1 - s.network.dc_to_store_transit_days):
                for source, store, skus, qty in store_transfers(self.rec, s, net):
                    key = bo.key("TR")
                    self.rec.expect(key, store, skus, qty)
                    bo.submit(
                        TransferStock(
                            key=key, need=key, source=source, location=store, skus=skus, qty=qty
                        )
                    )

    def watchdog(self, after_h: float):
        """Scheduled action: re-send confirmed POs whose webhook to the middleware was lost."""
        env = self.env
        while True:
            yield env.timeout(WATCHDOG_EVERY_H)
            yield from self.w.faults.start_late("po_watchdog", env)  # fault library: cron lag
            late = [n for n, t in self.confirmed_at.items() if env.now - t >= after_h]
            for name in late:
                del self.confirmed_at[name]
                self.kpi.exception_raised()
                self.kpi.exception_resolved(env.now - after_h, env.now, auto=True)
                self.w.trace("watchdog.resend", name, f"confirmed {after_h:g} h ago, never sent")
                self.m.stack.run("wf-po", {"body": {"name": name}}, key=name)
