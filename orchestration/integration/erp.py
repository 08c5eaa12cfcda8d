"""The ERP as the automated models use it: purchase orders live in the mocked Odoo.

Stock quantities stay in the fast array records (:mod:`orchestration.backoffice.records`) — one
``stock.quant`` per location x SKU as ORM records would cost more than the rest of the twin
together, and the automation the models rely on does not watch quants. Purchase orders, whose
state machine, double validation and automation rules *are* the point, go through
:class:`orchestration.odoo.Env`: a confirmed order (state set to ``purchase``) fires an automation
rule whose server action is Odoo's "Send Webhook Notification" to the middleware — after commit,
with a 1 s timeout and no retry. The POST crosses the ``erp_webhook`` hop of the fault plan
(outage windows, ``integration.drop_rate``); a lost POST is simply lost, as in Odoo.

Products and vendors are created once per run (``product.product`` per SKU with its list price
and cost; ``res.partner`` per supplier). A scenario's declared rules and scheduled actions are
installed and run on the simulation clock by :mod:`orchestration.integration.scheduled`.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from typing import Any

import numpy as np

from orchestration.integration.scheduled import ScheduledAutomation, automation_problems
from orchestration.odoo import AutomationRule, Env, ServerAction, SimClock
from orchestration.port import WorldPort
from sim.rng import Buffered

PO_WEBHOOK_URL = "http://n8n:5678/webhook/po-confirmed"
WEBHOOK_TARGET = "erp_webhook"


class LostWebhook(Exception):
    """The outbound POST did not get an answer within Odoo's 1 s timeout."""


class OdooErp:
    def __init__(
        self,
        world: WorldPort,
        post: Callable[[str, dict[str, Any]], None],
        gen: np.random.Generator,
        *,
        double_validation_amount: float | None,
        callables: dict[str, Callable[..., Any]] | None = None,
    ):
        self.w = world
        self._post = post
        self.draws = Buffered(gen)
        start = dt.datetime.combine(world.s.start_date, dt.time())
        self.env = Env(clock=SimClock(world.env, start), transport=self._transport)
        company = self.env.company
        if double_validation_amount is None:
            company.write({"po_double_validation": "one_step"})
        else:
            company.write(
                {
                    "po_double_validation": "two_step",
                    "po_double_validation_amount": double_validation_amount,
                }
            )
        net = world.net
        #: PO name -> id, of the POs the twin created
        self.po_ids: dict[str, int] = {}
        self.vendor_ids = [
            self.env["res.partner"].create({"name": name, "supplier_rank": 1}).id
            for name in net.supplier_names
        ]
        # the catalogue in one create (``model_create_multi``; no rule is installed yet): the
        # same rows and ids as one create per SKU (5,000 SKUs: the set-up's 238,786 Python
        # calls -> 11,385 with the night's other changes); the sites' locations likewise
        self.product_ids = list(
            self.env["product.product"]
            .create(
                [
                    {"name": f"SKU {i:05d}", "list_price": price, "standard_price": cost}
                    for i, (price, cost) in enumerate(
                        zip(net.price.tolist(), net.cost.tolist(), strict=True)
                    )
                ]
            )
            ._ids
        )
        # one internal location per world site, so an order placed from outside (an RPC client)
        # can say where its goods go (``dest_location_id``)
        locations = self.env["stock.location"]
        root = locations.create({"name": "Twin", "usage": "view"})
        self.location_ids = list(
            locations.create(
                [
                    {
                        "name": f"{net.location_name(loc)}/Stock",
                        "usage": "internal",
                        "location_id": root.id,
                    }
                    for loc in range(net.n_locations)
                ]
            )._ids
        )
        f = world.s.faults.integration
        self._drop, self._lat = f.drop_rate, (f.latency_s.mu, f.latency_s.sigma)
        self.webhooks_sent = 0
        self.webhooks_lost = 0
        self._send_action = ServerAction(
            "Send to n8n",
            "webhook",
            webhook_url=PO_WEBHOOK_URL,
            webhook_fields=("name", "partner_id", "amount_total", "origin"),
        )
        self.env.automation.add_rule(
            AutomationRule(
                name="Confirmed PO to the middleware",
                model="purchase.order",
                trigger="on_state_set",
                trg_value="purchase",
                actions=[self._send_action],
            )
        )
        #: the scenario's declared rules and scheduled actions, with the cron worker
        self.scheduled: ScheduledAutomation | None = None
        if world.s.automation.rules or world.s.automation.scheduled_actions:
            self.scheduled = ScheduledAutomation(self)
            self.scheduled.install(callables or {})
        if world.s.faults.cron_lags:  # fault library: the ir.cron worker runs late
            plan, clock = world.faults, self.env.clock
            self.env.cron.lag = lambda due: dt.timedelta(
                hours=plan.cron_lag("odoo_cron", clock.to_sim_hours(due))
            )

    def _transport(self, url: str, payload: dict[str, Any]) -> float:
        """Odoo's ``requests.post(url, json=payload, timeout=1)`` across the fault plan."""
        w, d = self.w, self.draws
        u = d.uniform()
        latency_s = math.exp(self._lat[0] + self._lat[1] * d.normal())
        self.webhooks_sent += 1
        p = max(self._drop, w.faults.failure_prob(WEBHOOK_TARGET, w.env.now))
        if u < p:
            self.webhooks_lost += 1
            if self.scheduled is not None:
                self.scheduled.lost(payload)
            w.kpi.integration_call()
            if w.tracing:
                w.trace("webhook_lost", str(payload.get("name", "")), f"POST {url}: 1 s timeout")
            raise LostWebhook(url)
        # Past Odoo's 1 s timeout the receiver usually still gets the call; Odoo logs a timeout.
        w.kpi.integration_call(latency_s=latency_s, webhook=True)
        self._post(url, payload)
        return latency_s

    def create_po(
        self, supplier: int, skus: np.ndarray, qty: np.ndarray, cost: np.ndarray, origin: str
    ) -> tuple[int, str]:
        """Create a draft RFQ; returns (id, name)."""
        lines = [
            (0, 0, {"product_id": pid, "product_qty": float(q), "price_unit": float(c)})
            for pid, q, c in zip(
                [self.product_ids[k] for k in skus.tolist()],
                qty.tolist(),
                cost.tolist(),
                strict=True,
            )
        ]
        po_id = self.env.execute(
            "purchase.order",
            "create",
            {"partner_id": self.vendor_ids[supplier], "order_line": lines, "origin": origin},
        )
        name = self.env._tables["purchase.order"][po_id]["name"]  # the new order's row
        self.po_ids[name] = po_id
        return po_id, name

    def sku_keys(self, skus: np.ndarray) -> list[int]:
        """The Odoo product ids of the twin's SKU indices."""
        return [self.product_ids[k] for k in skus.tolist()]

    def confirm_po(self, po_id: int) -> None:
        """``button_confirm``: the order becomes a PO and the webhook rule fires after commit."""
        self.env.execute("purchase.order", "button_confirm", [po_id])

    def resend_confirmation(self, po: Any) -> None:
        """Run the confirmation's "Send Webhook Notification" again on ``po`` (after commit)."""
        self._send_action.run(self.env, po)

    def cancel_po(self, po_id: int) -> None:
        self.env.execute("purchase.order", "button_cancel", [po_id])

    def order_lines(self, name: str) -> tuple[int, int, np.ndarray, np.ndarray, np.ndarray]:
        """(supplier, location, skus, qty, unit cost) of the PO ``name`` as Odoo holds it — for
        an order the twin did not create (an RPC client's). Raises ValueError when it cannot be
        sent: unknown order, a vendor that is not a supplier, a deliver-to that is not a site,
        a product that is not a SKU, or a quantity that is not a positive whole number."""
        po = self.env["purchase.order"].search([("name", "=", name)], limit=1)
        if not po:
            raise ValueError(f"no purchase order {name!r}")
        try:
            supplier = self.vendor_ids.index(po.partner_id.id)
        except ValueError:
            raise ValueError(f"{name}: vendor {po.partner_id.name!r} is no supplier") from None
        try:
            location = self.location_ids.index(po.dest_location_id.id)
        except ValueError:
            raise ValueError(
                f"{name}: deliver-to {po.dest_location_id.name!r} is no site"
            ) from None
        sku_of = {pid: k for k, pid in enumerate(self.product_ids)}
        lines: dict[int, tuple[int, float]] = {}
        for line in po.order_line:
            sku = sku_of.get(line.product_id.id)
            qty = line.product_qty
            if sku is None or qty <= 0 or qty != int(qty):
                raise ValueError(f"{name}: line {line.product_id.name!r} x {qty} cannot be sent")
            prior = lines.get(sku, (0, line.price_unit))[0]
            lines[sku] = (prior + int(qty), line.price_unit)
        if not lines:
            raise ValueError(f"{name}: no lines")
        skus = np.array(sorted(lines), dtype=np.int64)
        qty = np.array([lines[k][0] for k in skus.tolist()], dtype=np.int64)
        cost = np.array([lines[k][1] for k in skus.tolist()], dtype=np.float64)
        return supplier, location, skus, qty, cost

    def po_state(self, po_id: int) -> str:
        return self.env["purchase.order"].browse(po_id).state


__all__ = ["LostWebhook", "OdooErp", "automation_problems"]
