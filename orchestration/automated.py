"""The automated models' common machinery: Odoo + n8n wired to the world, policies per area.

``AutomatedModel`` is how a retailer wires Odoo and n8n, whatever its governance:

- **Inbound events** (orders, payment failures, backorders, carrier updates, returns, till
  requests) reach the ERP through the at-least-once inbound connector
  (:mod:`orchestration.connector`: drops re-sent with backoff, duplicates de-duplicated by
  event id when ``idempotency`` is on).
- **Stock below threshold -> replenishment RFQ, in real time.** Every record change re-checks the
  touched SKUs against the reorder point; a breach opens a draft RFQ for that vendor and
  location, merged for ``rfq_merge_window_h``, then created in the mocked Odoo. Once approved
  (by the model's purchase policy) it is confirmed; the confirmation fires an automation rule
  whose webhook (lossy: 1 s timeout, no retry) starts the n8n "PO to supplier" workflow, which
  sends the order with Retry On Fail. Store transfers leave right after the POS upload.
- **Stock change -> channel availability push** every ``availability_push_interval_min`` by an
  n8n workflow (Retry On Fail); a push that still fails leaves its SKUs marked for the next.
- **Payment failure -> customer message**; **backorder -> cancel** after
  ``backorder_cancel_after_days``; **carrier delay -> customer message**.

What differs between models is *policy*, one decision per process area, in overridable
methods: who approves a purchase (``purchase_steps``), a price override (``decide_discount``),
a refund (``on_return_initiated`` / ``on_return_received``), an inventory adjustment
(``on_variance``), an invoice mismatch (``on_invoice_mismatch``), a supplier bank-detail
change (``bank_change_steps``: who checks it; payments to the supplier are held until it is
decided), how customer tickets are routed (``ticket_router``), and whether scheduled checks
reconcile what events missed (``reconcile``). The defaults here are the straight-through
``event_driven`` policies; ``approval_centric``, ``exception_driven`` and ``hybrid`` override
some of them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from orchestration.backoffice import Backoffice, Request, tier
from orchestration.connector import InboundConnector
from orchestration.erp import OdooErp
from orchestration.middleware import (
    FunctionNode,
    N8nInstance,
    NodeSettings,
    QueueMode,
    WebhookRequest,
    WebhookTrigger,
    Workflow,
    WorkflowSettings,
)
from orchestration.middleware.executions import ExecutionStatus
from orchestration.middleware.faults import MiddlewareFaults
from orchestration.middleware.nodes import ErrorTriggerNode
from orchestration.middleware.throttle import RetryAfterGate
from orchestration.replenishment import delivery_tomorrow, order_quantities, store_transfers
from orchestration.triage import AUTO, TICKETS, Case, TriageRouter
from scenarios.schema import Scenario
from sim.clock import HOURS_PER_DAY
from sim.events import (
    CancelOrder,
    CountVariance,
    CreatePurchaseOrder,
    DecideDiscount,
    DiscountRequested,
    Event,
    GoodsReceived,
    InvoiceReceived,
    IssueRefund,
    NotifyCustomer,
    OrderBackordered,
    OrderDelivered,
    OrderPlaced,
    OrderShipped,
    PaymentFailed,
    ReturnInitiated,
    ReturnReceived,
    ShipmentDelayed,
    SupplierBankChangeRequested,
    TicketOpened,
    TransferShipped,
    TransferStock,
    UpdateChannelAvailability,
)
from sim.world import CommandResult, World

ONLINE = ("ecommerce", "marketplace")
#: events that reach the ERP through the inbound webhook connector (the rest are internal)
INBOUND = (
    OrderPlaced,
    PaymentFailed,
    OrderBackordered,
    OrderShipped,
    OrderDelivered,
    ShipmentDelayed,
    ReturnInitiated,
    DiscountRequested,
)
TRANSFER_HOUR = 23.5  # right after the stores' POS uploads (23:00)


class CommandFailed(Exception):
    """The target system refused or did not answer a command (n8n sees a node error)."""


class AutomatedModel:
    """Odoo + n8n wired to the world; subclasses set ``name`` and override policies."""

    name = "automated"
    #: scheduled checks (PO watchdog, nightly full availability sync) catch what events missed
    reconcile = False
    #: reminders and deadline escalation on waiting approval steps (scenario.governance)
    escalate = False

    def __init__(self, scenario: Scenario):
        self.s = scenario
        self.p = scenario.orchestration.integration

    # ------------------------------------------------------------------ wiring
    def attach(self, world: World) -> None:
        self.w = world
        self.env = world.env
        self.kpi = world.kpi
        self.bo = Backoffice(
            world, self.s, self.name, getattr(self, "audit_log", None), escalate=self.escalate
        )
        self.rec = self.bo.rec
        streams = world.streams
        self.connector = InboundConnector(
            world,
            self._handle,
            self.p.connector_retry,
            streams.get(f"orch.{self.name}.inbound"),
            dedupe=self.p.idempotency,
        )
        self.n8n = N8nInstance(
            world.env,
            streams.get(f"orch.{self.name}.n8n"),
            mode=QueueMode(workers=self.p.n8n_workers, concurrency=self.p.n8n_concurrency),
        )
        self.erp = OdooErp(
            world,
            self._odoo_post,
            streams.get(f"orch.{self.name}.odoo"),
            double_validation_amount=None,
        )
        self._install_workflows()
        self.gate = RetryAfterGate()  # 429 + Retry-After on availability pushes
        if MiddlewareFaults.wanted(world):  # fault library: n8n worker outage / crash
            self.n8n.node_fault = MiddlewareFaults(world)
        if world.log.enabled:
            self.erp.env.automation.on_fire = self._rule_fired
        net = world.net
        self._dirty = np.zeros(net.n_skus, dtype=bool)
        self._drafts: dict[tuple[int, int], set[int]] = {}
        self._pos: dict[str, tuple[int, str, np.ndarray, np.ndarray, np.ndarray, int]] = {}
        self._sent_as: dict[str, str] = {}  # supplier-side key -> ERP PO name
        self._confirmed_at: dict[str, float] = {}  # ERP PO name -> time confirmed, until sent
        self._awaiting_return: dict[int, ReturnInitiated] = {}
        self._handlers: dict[type, Callable[[Event], None]] = {
            OrderPlaced: self._order_placed,
            GoodsReceived: self._goods_received,
            TransferShipped: self._transfer_shipped,
            ReturnReceived: self._return_received,
            CountVariance: self._count,
            DiscountRequested: self._discount,
            ReturnInitiated: self._return_initiated,
            PaymentFailed: self._payment_failed,
            OrderBackordered: self._backordered,
            ShipmentDelayed: self._shipment_delayed,
            InvoiceReceived: self._invoice,
            SupplierBankChangeRequested: self._bank_change,
            TicketOpened: self._ticket,
        }
        self.env.process(self._daily())
        self.env.process(self._availability_pusher())
        if self.reconcile:
            self.env.process(self._po_watchdog())
            self.env.process(self._nightly_sync())

    def on_event(self, event: Event) -> None:
        self.bo.observe(event)
        if isinstance(event, INBOUND):
            self.connector.deliver(event)
        else:
            self._handle(event)

    def snapshot(self) -> dict[str, float]:
        snap = self.bo.snapshot()
        snap["middleware_queue_depth_max"] = self.n8n.metrics.queue_depth_max
        return snap

    def finish(self) -> None:
        m = self.n8n.metrics
        self.kpi.queue_depth(m.queue_depth_max)
        self.kpi.duplicate_commands_suppressed += self.connector.duplicates_suppressed
        self.connector.finish()
        if self._ticket_router is not None:
            self.kpi.triage_reported("tickets", self._ticket_router.counts())

    # ------------------------------------------------------------------ dispatch
    def _handle(self, event: Event) -> None:
        """An event reached the ERP (possibly for the second time, if not de-duplicated)."""
        self.bo.book(event)
        handler = self._handlers.get(type(event))
        if handler is not None:
            handler(event)
        else:
            self._settle(event)

    def _settle(self, event: Event) -> None:
        """Settle once, even when a duplicate delivery ran the handler again."""
        if event.id in self.w.ledger.pending:
            self.w.ack(event)

    def _fail(self, event: Event) -> None:
        if event.id in self.w.ledger.pending:
            self.w.dead_letter(event)

    # ------------------------------------------------------------------ middleware
    def _settings(self) -> NodeSettings:
        return NodeSettings(
            retry_on_fail=True,
            max_tries=self.p.retry_max_tries,
            wait_between_tries_ms=self.p.retry_wait_ms,
        )

    def _install_workflows(self) -> None:
        n8n, settings = self.n8n, self._settings()
        wf = WorkflowSettings(error_workflow="wf-errors")
        n8n.add_workflow(Workflow("wf-errors", "Integration errors", (ErrorTriggerNode(),)))
        n8n.add_workflow(
            Workflow(
                "wf-po",
                "PO to supplier",
                (FunctionNode("Send order to supplier", self._send_po, settings=settings),),
                active=True,
                trigger=WebhookTrigger("po-confirmed", "POST"),
                settings=wf,
            )
        )
        for wid, name, fn in (
            ("wf-availability", "Push availability", self._push),
            ("wf-refund", "Refund at carrier scan", self._refund),
            ("wf-notify", "Customer message", self._notify),
        ):
            n8n.add_workflow(
                Workflow(wid, name, (FunctionNode(name, fn, settings=settings),), settings=wf)
            )

    def _command(self, cmd) -> str:
        res = self.bo.submit(cmd)
        if res == CommandResult.FAILED:  # a node error: n8n's Retry On Fail takes over
            self.w.trace("n8n.node_error", cmd.key, f"{cmd.kind} failed: Retry On Fail")
            raise CommandFailed(cmd.kind)
        return res

    def _rule_fired(self, rule, record) -> None:
        """Odoo base.automation fired ``rule`` on ``record`` (traced when the log is on)."""
        key = str(getattr(record, "name", "") or f"{record._name}:{record.id}")
        actions = ", ".join(f"{a.name} ({a.state})" for a in rule.actions)
        self.w.trace("odoo.automation", key, f"rule '{rule.name}' fired: {actions}")

    def _run(
        self,
        workflow: str,
        item: Any,
        on_done: Callable[[bool], None] | None = None,
        key: str = "",
    ):
        """Start an n8n execution; ``on_done(success)`` when it finishes; ``key`` is the
        business object it is about (traced)."""
        ex = self.n8n.start(workflow, item)
        done = self.n8n.completion(ex.id)
        if key and self.w.log.enabled:
            self.w.trace("n8n.execution", key, f"{workflow} execution {ex.id} started")

        def finished(_e) -> None:
            ok = ex.status is ExecutionStatus.SUCCESS
            if key and self.w.log.enabled:
                error = f": {ex.error.message}" if ex.error is not None else ""
                self.w.trace(
                    "n8n.execution",
                    key,
                    f"{workflow} execution {ex.id} {ex.status.value}{error}",
                )
            self.kpi.integration_call(dead_lettered=not ok)
            if on_done is not None:
                on_done(ok)

        done.callbacks.append(finished)

    def _odoo_post(self, url: str, payload: dict[str, Any]) -> None:
        """Odoo's outbound webhook reached n8n's production URL."""
        path = url.rsplit("/", 1)[-1]
        if self.w.log.enabled:
            key = str(payload.get("name", ""))
            self.w.trace("odoo.webhook", key, f"Send Webhook Notification reached n8n /{path}")
        self.n8n.deliver_webhook(
            WebhookRequest(path, "POST", body=payload, delivery_id=str(payload.get("_id")))
        )

    # ------------------------------------------------------------------ replenishment
    def _check_reorder(self, location: int, skus: np.ndarray) -> None:
        """Real-time orderpoint check of the touched SKUs of a warehouse or the FC."""
        rec, s_days = self.rec, self.s.inventory.dc_policy.reorder_point_days
        on_hand, on_order, fc = (
            rec.on_hand[location],
            rec.on_order[location],
            rec.forecast[location],
        )
        # scalar loop: an order touches 1-3 SKUs, where numpy's per-call overhead dominates
        hit = [k for k in skus.tolist() if on_hand[k] + on_order[k] < s_days * fc[k]]
        if not hit:
            return
        below = np.array(hit, dtype=np.int64)
        sup = self.w.net.sku_supplier[below]
        for supplier in np.unique(sup).tolist():
            key = (supplier, location)
            draft = self._drafts.get(key)
            if draft is None:
                draft = self._drafts[key] = set()
                ev = self.env.timeout(self.p.rfq_merge_window_h)
                ev.callbacks.append(lambda _e, k=key: self._confirm_rfq(k))
            draft.update(below[sup == supplier].tolist())

    def _confirm_rfq(self, key: tuple[int, int]) -> None:
        supplier, location = key
        skus = np.array(sorted(self._drafts.pop(key)), dtype=np.int64)
        rec, pol, pack = self.rec, self.s.inventory.dc_policy, self.s.catalogue.case_pack
        qty = order_quantities(rec.position_at(location, skus), rec.forecast[location, skus], pol)
        qty = -(-qty // pack) * pack
        keep = qty > 0
        if not keep.any():
            return
        skus, qty = skus[keep], qty[keep]
        cost = self.w.net.cost[skus]
        need = self.bo.key("REQ")
        po_id, name = self.erp.create_po(supplier, skus, qty, cost, need)
        self.rec.expect(name, location, skus, qty)  # a draft RFQ counts in the position
        self._pos[name] = (supplier, need, skus, qty, cost, location)
        value = float(np.dot(qty, cost))
        t = tier(value, self.s.policy.purchase)
        preferred = self.s.network.suppliers[supplier].preferred
        if self.w.log.enabled:
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
                self.w.trace("odoo.po", name, "approved: button_confirm (state purchase)")
                self.erp.confirm_po(po_id)  # fires the webhook rule to n8n
                self._confirmed_at[name] = self.env.now
            else:
                self.w.trace("odoo.po", name, "refused: button_cancel")
                self.erp.cancel_po(po_id)
                self.rec.drop(name)

        steps = self.purchase_steps(t, preferred)
        self.bo.request(
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
            pickup=self.approval_pickup,
        )

    # ------------------------------------------------------------------ policies (overridable)
    approval_pickup = None  # LogNormal working hours before an approver opens a task

    def purchase_steps(self, risk: str, preferred_supplier: bool) -> tuple[str, ...]:
        """Who must approve a purchase order (no one: straight through)."""
        return ()

    def floor_ok(self, e: DiscountRequested) -> bool:
        """The overridden price keeps at least the policy's margin floor."""
        floor_price = e.basket_cost / (1.0 - self.s.policy.margin_floor)
        return e.basket_value * (1.0 - e.depth) >= floor_price

    def discount_policy(self, e: DiscountRequested, risk: str) -> tuple[tuple[str, ...], bool]:
        """(steps, decision) for a price override: by rule, up to a depth, no margin check."""
        return (), e.depth <= self.s.orchestration.event_driven.auto_discount_limit

    def refund_at_initiation(self, e: ReturnInitiated, risk: str) -> bool:
        """Pay at once ("refund at carrier scan"), or wait for the parcel and decide then."""
        return True

    def refund_on_receipt(self, init: ReturnInitiated, back: bool, risk: str):
        """(steps, decision) for a refund decided once the parcel is back and inspected."""
        return ("customer_service",), back

    def on_variance(self, location: int, skus, delta, value, risk: str | None) -> None:
        """Book count variances as counted: accurate records, unchecked write-offs."""
        self.rec.adjust(location, skus, delta)
        if risk is not None:
            self.bo.request(
                Request(
                    "inventory_adjustment",
                    risk,
                    self.env.now,
                    f"site:{location}",
                    (),
                    lambda _ok: None,
                    rule="on_variance: booked as counted",
                )
            )

    def on_invoice_mismatch(self, e: InvoiceReceived) -> None:
        self.bo.exception(
            "finance", e, resolve=lambda: self.bo.pay_invoice(e), reason="3-way match failed"
        )

    def bank_change_steps(self) -> tuple[str, ...]:
        """Who checks a supplier bank-detail change: no one — the vendor portal applies it."""
        return ()

    _ticket_router: TriageRouter | None = None

    def ticket_router(self) -> TriageRouter | None:
        """How tickets are routed: by keyword rules, every ticket auto-routed (the ticket
        classifier at threshold 0 stands for the rules: no confidence gate); None = people."""
        if self._ticket_router is None:
            self._ticket_router = TICKETS.router(
                self.w.streams.get(f"orch.{self.name}.triage.tickets"),
                threshold=self.ticket_threshold,
                clock=lambda: self.env.now,
            )
        return self._ticket_router

    ticket_threshold = 0.0

    def _send_po(self, item: dict[str, Any]) -> dict[str, Any]:
        """n8n node: send a confirmed PO to its supplier (EDI), keyed for idempotency."""
        name = item["body"]["name"]
        supplier, need, skus, qty, cost, location = self._pos[name]
        key = name if self.p.idempotency else self.bo.key(f"{name}/send")
        if self.w.log.enabled:
            self.bo.link(name, key)
            self.w.trace("n8n.node", name, f"Send order to supplier as {key}")
        self._sent_as[key] = name
        self._confirmed_at.pop(name, None)
        self.bo.purchase_ordered(key, skus, qty, cost)
        self._command(
            CreatePurchaseOrder(
                key=key,
                need=need,
                supplier=supplier,
                location=location,
                skus=skus,
                qty=qty,
                unit_cost=cost,
            )
        )
        return item

    def _daily(self):
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

    # ------------------------------------------------------------------ scheduled checks
    watchdog_h = 36.0  # a confirmed PO not sent to its supplier after this long is an anomaly
    WATCHDOG_EVERY_H = 4.0
    NIGHTLY_SYNC_HOUR = 2.0

    def _po_watchdog(self):
        """Scheduled action: re-send confirmed POs whose webhook to the middleware was lost."""
        env = self.env
        while True:
            yield env.timeout(self.WATCHDOG_EVERY_H)
            yield from self.w.faults.start_late("po_watchdog", env)  # fault library: cron lag
            late = [n for n, t in self._confirmed_at.items() if env.now - t >= self.watchdog_h]
            for name in late:
                del self._confirmed_at[name]
                self.kpi.exception_raised()
                self.kpi.exception_resolved(env.now - self.watchdog_h, env.now, auto=True)
                self.w.trace(
                    "watchdog.resend", name, f"confirmed {self.watchdog_h:g} h ago, never sent"
                )
                self._run("wf-po", {"body": {"name": name}}, key=name)

    def _nightly_sync(self):
        """Scheduled action: a full availability file every night catches lost pushes."""
        env = self.env
        t = self.NIGHTLY_SYNC_HOUR
        while t < self.w.horizon_h:
            yield env.timeout(max(t - env.now, 0.0))
            yield from self.w.faults.start_late("channel_sync", env)  # fault library: cron lag
            self._dirty[:] = True
            t += HOURS_PER_DAY

    # ------------------------------------------------------------------ availability
    def _availability_pusher(self):
        env = self.env
        step = self.p.availability_push_interval_min / 60.0
        while True:
            yield env.timeout(step)
            if not self._dirty.any() and not self.gate.held:
                continue
            skus = np.flatnonzero(self._dirty)
            self._dirty[skus] = False

            def done(ok: bool, skus=skus) -> None:
                if not ok:
                    self._dirty[skus] = True  # the watermark did not move: push them again

            self._run("wf-availability", skus, done)

    def _push(self, skus: np.ndarray) -> np.ndarray:
        """n8n node: publish the ERP's availability of ``skus`` on both channels."""
        fc_avail, now = self.rec.available(self.w.net.fc), self.env.now
        for ch in ONLINE:
            ch_skus = self.gate.admit(ch, skus, now)
            if ch_skus is None:  # cooling down after a 429: held for a later push
                continue
            avail = fc_avail[ch_skus]
            safety = getattr(self.s.channels, ch).safety_stock_units
            res = self._command(
                UpdateChannelAvailability(
                    key=self.bo.key(f"AV-{ch}"),
                    need=f"availability:{ch}",
                    channel=ch,
                    skus=ch_skus,
                    qty=np.maximum(avail - safety, 0),
                )
            )
            if res == CommandResult.RATE_LIMITED:
                retry_after = self.w.retry_after_until[ch] - now
                self.w.trace("rate_limited", f"availability:{ch}", f"retry_after={retry_after:g}h")
                self.gate.limited(ch, ch_skus, now, retry_after)
        return skus

    def _touched(self, location: int, skus: np.ndarray) -> None:
        if location == self.w.net.fc:
            self._dirty[skus] = True
        if location >= self.w.net.n_stores:
            self._check_reorder(location, skus)

    # ------------------------------------------------------------------ handlers
    def _order_placed(self, e: OrderPlaced) -> None:
        self._touched(e.location, e.skus)
        self._settle(e)

    def _goods_received(self, e: GoodsReceived) -> None:
        name = self._sent_as.get(e.reference)
        if name is not None and name != e.reference:
            self.rec.drop(name)  # the supplier knew this PO under another key
        self._touched(e.location, e.skus)
        self._settle(e)

    def _transfer_shipped(self, e: TransferShipped) -> None:
        self._touched(e.source, e.skus)
        self._settle(e)

    def _return_received(self, e: ReturnReceived) -> None:
        self._touched(e.location, e.skus)
        self._settle(e)
        self._refund_on_receipt(e)

    def _count(self, e: CountVariance) -> None:
        """Variances are booked as counted, by rule: accurate records, unchecked write-offs."""
        var = self.rec.variance(e.location, e.skus, e.counted)
        nz = var != 0
        if nz.any():
            skus, delta = e.skus[nz], var[nz]
            value = np.abs(delta) * self.w.net.cost[skus]
            bounds = self.s.policy.inventory_variance_value
            small = value < bounds.low_below
            self.rec.adjust(e.location, skus[small], delta[small])  # within tolerance
            if not small.all():
                risk = tier(float(value[~small].sum()), bounds)
                prev, self.bo.subject = self.bo.subject, e.correlation
                try:
                    self.on_variance(e.location, skus[~small], delta[~small], value[~small], risk)
                finally:
                    self.bo.subject = prev
            self._touched(e.location, skus)
        self._settle(e)

    def _discount(self, e: DiscountRequested) -> None:
        risk = tier(e.depth, self.s.policy.discount_depth)
        steps, approve = self.discount_policy(e, risk)

        def decided(_ok: bool) -> None:
            self.bo.submit(
                DecideDiscount(
                    key=self.bo.key("DC"),
                    need=f"discount:{e.request_id}",
                    request_id=e.request_id,
                    approved=approve,
                )
            )
            self._settle(e)

        self.bo.request(
            Request(
                "discount",
                risk,
                self.env.now,
                f"till:{e.location}",
                steps,
                decided,
                approve=approve,
                subject=e.correlation,
                rule="discount_policy",
            )
        )

    def _return_initiated(self, e: ReturnInitiated) -> None:
        risk = tier(e.amount, self.s.policy.refund)
        if not self.refund_at_initiation(e, risk):
            self._awaiting_return[e.return_id] = e  # decided when the parcel is back
            return
        self.bo.request(
            Request(
                "refund",
                risk,
                self.env.now,
                f"customer:{e.order_id}",
                (),
                lambda ok: self._pay_refund(e, ok),
                subject=e.correlation,
                rule="refund_at_initiation",
            )
        )

    def _pay_refund(self, e: ReturnInitiated, approved: bool) -> None:
        if not approved:
            self._settle(e)
            return

        def done(ok: bool) -> None:
            (self._settle if ok else self._fail)(e)

        self._run("wf-refund", (e.return_id, e.amount), done, key=e.correlation)

    def _refund_on_receipt(self, r: ReturnReceived) -> None:
        init = self._awaiting_return.pop(r.return_id, None)
        if init is None:
            return
        risk = tier(init.amount, self.s.policy.refund)
        back = bool(r.qty.sum() > 0)  # inspection: did anything usable come back?
        steps, approve = self.refund_on_receipt(init, back, risk)
        self.bo.request(
            Request(
                "refund",
                risk,
                self.env.now,
                f"customer:{init.order_id}",
                steps,
                lambda ok: self._pay_refund(init, ok),
                approve=approve,
                subject=init.correlation,
                rule="refund_on_receipt (inspection)",
            ),
            pickup=self.approval_pickup if steps else None,
        )

    def _refund(self, item: tuple[int, float]) -> tuple[int, float]:
        """n8n node: pay the refund through the payment gateway."""
        rid, amount = item
        key = f"refund:{rid}" if self.p.idempotency else self.bo.key(f"refund:{rid}/send")
        self._command(IssueRefund(key=key, need=f"refund:{rid}", return_id=rid, amount=amount))
        return item

    def _notify(self, item: tuple[int, str]) -> tuple[int, str]:
        order_id, reason = item
        self._command(
            NotifyCustomer(
                key=f"notify:{order_id}:{reason}",
                need=f"notify:{order_id}",
                order_id=order_id,
                reason=reason,
            )
        )
        return item

    def _message(self, e: Event, order_id: int, reason: str) -> None:
        def done(ok: bool) -> None:  # an anomaly resolved by a rule: the customer is told
            if self.w.log.enabled:
                told = "customer told" if ok else "message failed: dead-lettered"
                self.w.trace("exception.auto_resolved", e.correlation, f"{e.kind}: {told}")
            self.kpi.exception_raised()
            self.kpi.exception_resolved(e.t, self.env.now, auto=True)
            (self._settle if ok else self._fail)(e)

        self._run("wf-notify", (order_id, reason), done, key=f"order:{order_id}")

    def _payment_failed(self, e: PaymentFailed) -> None:
        self._message(e, e.order_id, "payment_failed")

    def _shipment_delayed(self, e: ShipmentDelayed) -> None:
        self._message(e, e.order_id, "shipment_delayed")

    def _backordered(self, e: OrderBackordered) -> None:
        wait = self.p.backorder_cancel_after_days * HOURS_PER_DAY
        if self.w.log.enabled:
            self.w.trace(
                "rule.backorder_cancel",
                e.correlation,
                f"cancel if still short in {wait:g} h (backorder_cancel_after_days)",
            )
        ev = self.env.timeout(wait)
        ev.callbacks.append(
            lambda _ev: self.bo.submit(
                CancelOrder(
                    key=f"cancel:{e.order_id}",
                    need=f"cancel:{e.order_id}",
                    order_id=e.order_id,
                    reason="backorder_timeout",
                )
            )
        )
        if e.id in self.w.ledger.pending:
            self.bo.auto_resolved(e, "backorder: cancel timer set by rule")

    def _invoice(self, e: InvoiceReceived) -> None:
        if self.bo.three_way_match(e):
            self.bo.pay_invoice(e)  # approved for payment; held while bank details change
            self._settle(e)
        else:
            self.on_invoice_mismatch(e)

    def _bank_change(self, e: SupplierBankChangeRequested) -> None:
        """Vendor master change (high risk): the model's checks decide; payments wait meanwhile."""
        steps = self.bank_change_steps()
        checks = self.s.governance.bank_change_checks
        caught = False
        if steps and self.w.bank_change_is_fraudulent(e.change_id):
            # the first person calls the supplier back on the number on file; each further
            # person reviews the evidence independently
            miss = (1 - checks.callback_detection) * (1 - checks.review_detection) ** (
                len(steps) - 1
            )
            caught = self.bo.chance(1.0 - miss)
        self.bo.bank_change(
            e,
            steps,
            not caught,
            self.approval_pickup if steps else None,
            rule=f"bank_change_steps: {' > '.join(steps) or 'applied by rule'}",
            settle=self._settle,
        )

    def _ticket(self, e: TicketOpened) -> None:
        """Route a ticket (classifier, rules or people) and have it worked."""
        router = self.ticket_router()
        if router is None:  # a person reads every ticket, routes it and works it
            self.bo.ticket(e, 1, settle=self._settle)
            return
        case_id = e.correlation
        d = router.route(Case(case_id, e.topic))
        if self.w.log.enabled:
            self.w.trace(
                "triage.decision",
                case_id,
                f"class {d.predicted_class}, confidence {d.confidence:.3f}, threshold "
                f"{d.threshold:g}, rule {d.rule} -> queue {d.queue}",
                value=d.confidence,
            )
        right = router.routes[e.topic]
        if d.rule != AUTO:  # manual review: a person routes it (and answers a WISMO at once)
            self.bo.ticket(e, 1 if e.topic == "wismo" else 2, settle=self._settle)
        elif d.queue == right:  # a WISMO is answered by the tracking rule, no person
            self.bo.ticket(e, 0 if e.topic == "wismo" else 1, settle=self._settle)
        else:  # misrouted: the agent in the wrong queue sends it on (a recorded override)

            def overridden(person: str) -> None:
                d2 = router.override(case_id, by=person, queue=right, reason="misrouted by triage")
                self.w.trace("triage.override", case_id, d2.explain())
                self.w.trace("triage.override", case_id, f"{person} re-routes to {right}")

            self.bo.ticket(e, 2, first_done=overridden, settle=self._settle)
