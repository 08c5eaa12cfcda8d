"""The shared wiring of the automated models: events in, policies decide, commands out.

:class:`AutomatedModel` is how a retailer wires Odoo and n8n, whatever its governance: the
integration stack (:mod:`orchestration.integration.stack`: inbound connector, mocked Odoo, n8n
workflows), real-time replenishment (:mod:`orchestration.models.replenishment`), availability
pushes (:mod:`orchestration.models.availability`), and one handler per event type. What differs
between models is *policy*: each process area's decision comes from the model's
:class:`~orchestration.policies.PolicyTable` — who approves a purchase order, a price override,
a refund, an inventory adjustment; what happens to a bill that fails the 3-way match, a supplier
bank-detail change, a customer ticket, a late supplier; when availability is refreshed; and
which scheduled checks run. A model is its name and its table (see ``event_driven``,
``approval_centric``, ``exception_driven``, ``hybrid``).

Also wired here, the same for every automated model: a payment failure or a carrier delay ->
a customer message by n8n (an exception resolved by rule); a backorder -> cancelled after
``backorder_cancel_after_days`` if still short.

Why over 450 lines: the four flows already live in their own modules; what remains is one
handler per event type plus the per-class dispatch table (issue 17) and the Odoo 3-way match
hook (issue 18), which all read the same wiring state — splitting them further would pass that
state around for no gain in clarity.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from orchestration.approvals.audit import AuditLog
from orchestration.backoffice import Backoffice, Request
from orchestration.integration.odoo_match import OdooThreeWayMatch
from orchestration.integration.stack import IntegrationStack
from orchestration.models.availability import AvailabilityFlow
from orchestration.models.customers import CustomerFlow
from orchestration.models.late_supplier import LateSupplierFlow
from orchestration.models.refunds import RefundFlow
from orchestration.models.replenishment import ReplenishmentFlow
from orchestration.policies import PolicyTable, tier
from orchestration.policies.bank_change import BankChangeCase
from orchestration.policies.context import PolicyContext
from orchestration.policies.discount import DiscountCase
from orchestration.policies.invoice import InvoiceCase
from orchestration.policies.late_supplier import LateSupplierCase
from orchestration.policies.variance import VarianceCase
from orchestration.port import WorldPort
from scenarios.schema import Scenario
from sim.events import (
    CountVariance,
    DecideDiscount,
    DiscountRequested,
    Event,
    GoodsReceived,
    InvoiceReceived,
    OrderBackordered,
    OrderDelivered,
    OrderPlaced,
    OrderShipped,
    PaymentFailed,
    ReturnInitiated,
    ReturnReceived,
    ShipmentDelayed,
    SupplierBankChangeRequested,
    SupplierConfirmationLate,
    SupplierConfirmed,
    TicketOpened,
    TransferShipped,
)

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


class PerClass(dict):
    """Per event class, a function decided on first sight by ``decide(cls)`` and kept: a dict
    whose missing class is filled in, so a dispatch is one subscript (no lookup call, no test)."""

    __slots__ = ("_decide",)

    def __init__(self, decide: Callable[[type], Callable[[Event], None]]) -> None:
        super().__init__()
        self._decide = decide

    def __missing__(self, cls: type) -> Callable[[Event], None]:
        function = self[cls] = self._decide(cls)
        return function


class AutomatedModel:
    """Odoo + n8n wired to the world; ``table`` holds the model's policies."""

    def __init__(
        self, name: str, table: PolicyTable, scenario: Scenario, audit: AuditLog | None = None
    ):
        self.name = name
        self.table = table
        self.s = scenario
        self.p = scenario.orchestration.integration
        self.audit = audit

    # ------------------------------------------------------------------ wiring
    def attach(self, world: WorldPort) -> None:
        self.w = world
        self.env = world.env
        self.kpi = world.kpi
        self.bo = Backoffice(world, self.s, self.name, self.audit, escalate=self.table.escalate)
        self.rec = self.bo.rec
        self.stack = IntegrationStack(world, self.name, self.p, self.bo, self._handle)
        self.replenishment = ReplenishmentFlow(self)
        self.availability = AvailabilityFlow(self)
        self.refunds = RefundFlow(self)
        self.customers = CustomerFlow(self)
        self.late = LateSupplierFlow(self)
        # Odoo matches the bills of the POs it holds (receipts validated there, account.move)
        self.bo.payables.erp = OdooThreeWayMatch(self.stack.erp, self.replenishment.sent_as)
        self.stack.install(
            {
                "wf-po": self.replenishment.send_po,
                "wf-availability": self.availability.push,
                "wf-refund": self.refunds.pay_node,
                "wf-notify": self.customers.notify_node,
            }
        )
        self.table.initialise(PolicyContext(world, self.name))
        self._handlers: dict[type, Callable[[Event], None]] = {
            OrderPlaced: self._order_placed,
            GoodsReceived: self._goods_received,
            TransferShipped: self._transfer_shipped,
            ReturnReceived: self._return_received,
            CountVariance: self._count,
            DiscountRequested: self._discount,
            ReturnInitiated: self.refunds.initiated,
            PaymentFailed: self.customers.payment_failed,
            OrderBackordered: self._backordered,
            ShipmentDelayed: self.customers.shipment_delayed,
            InvoiceReceived: self._invoice,
            SupplierBankChangeRequested: self._bank_change,
            TicketOpened: self.customers.ticket,
            SupplierConfirmationLate: self._late_supplier,
            SupplierConfirmed: self._supplier_confirmed,
        }
        #: per event class: what on_event and the ERP do with it (decided on first sight)
        self._routes = PerClass(self._route)
        self._handling = PerClass(self._handling_of)
        env, t = self.env, self.table
        env.process(self.replenishment.daily())
        if t.availability.pushes:
            env.process(self.availability.pusher())
        else:  # a rollout's manual availability area: the nightly file
            env.process(self.availability.nightly_file())
        if t.po_watchdog_h is not None:
            env.process(self.replenishment.watchdog(t.po_watchdog_h))
        if t.availability.nightly_repair_hour is not None:
            env.process(self.availability.nightly_repair(t.availability.nightly_repair_hour))

    def on_event(self, event: Event) -> None:
        self._routes[type(event)](event)

    def _route(self, cls: type) -> Callable[[Event], None]:
        """What ``on_event`` does with an event of class ``cls``, decided once per class: an
        inbound webhook goes through the connector (its happy path when no delivery fault can
        touch it), the rest reaches the ERP directly."""
        connector = self.stack.connector
        if not issubclass(cls, INBOUND):  # :meth:`_handle` for the class, without its lookup
            route = self._handling_for(cls)
        elif connector.happy_path:  # the ERP's handling of the class, reached directly
            route = connector.happy_route(cls, self._handling_for(cls))
        else:
            route = connector.deliver
        if not self.w.tracing:  # observe() only traces links
            return route
        observe = self.bo.observe

        def traced(event: Event) -> None:
            observe(event)
            route(event)

        return traced

    def snapshot(self) -> dict[str, float]:
        # the day's happy deliveries folded (exact whenever it runs): their ids stay a day's worth
        self.stack.connector.fold()
        snap = self.bo.snapshot()
        snap["middleware_queue_depth_max"] = self.stack.n8n.metrics.queue_depth_max
        return snap

    def finish(self) -> None:
        self.stack.finish()
        for kind, router in self.table.routers().items():
            self.kpi.triage_reported(kind, router.counts())

    # ------------------------------------------------------------------ dispatch
    def _handle(self, event: Event) -> None:
        """An event reached the ERP (possibly for the second time, if not de-duplicated)."""
        self._handling[type(event)](event)

    def _handling_for(self, cls: type) -> Callable[[Event], None]:
        """:meth:`_handle`'s function for class ``cls`` (for a caller that dispatches on it)."""
        return self._handling[cls]

    def _handling_of(self, cls: type) -> Callable[[Event], None]:
        """How the ERP handles an event of class ``cls``, decided once per class: the records
        are booked (:meth:`Backoffice.booking`), then its handler runs, or the event is settled.
        An event without a handler that cannot arrive twice — internal, or inbound on the
        connector's happy path — is acknowledged without asking whether it is still pending."""
        book = self.bo.booking(cls)
        handler = self._handlers.get(cls)
        once = not issubclass(cls, INBOUND) or self.stack.connector.happy_path
        if handler == self._order_placed:
            return self._placing(once)
        if handler is None:
            handler = self.w.ack if once else self._settle
        if book is None:
            return handler

        def booked(event: Event) -> None:
            book(event)
            handler(event)

        return booked

    def _settle(self, event: Event) -> None:
        """Settle once, even when a duplicate delivery ran the handler again."""
        if self.w.is_pending(event.id):
            self.w.ack(event)

    def _fail(self, event: Event) -> None:
        if self.w.is_pending(event.id):
            self.w.dead_letter(event)

    def _touched(self, location: int, skus: np.ndarray) -> None:
        if location == self.w.net.fc:
            self.availability.touched(skus)
        if location >= self.w.net.n_stores:
            self.replenishment.check(location, skus)

    # ------------------------------------------------------------------ stock events
    def _order_placed(self, e: OrderPlaced) -> None:
        self._touched(e.location, e.skus)
        self._settle(e)

    def _placing(self, once: bool) -> Callable[[OrderPlaced], None]:
        """An online order in the ERP, in one call: the booking of its lines
        (``StockRecords.online_order_lines``), then :meth:`_order_placed` (availability marked,
        orderpoint check: ``ReplenishmentFlow.check_lines``) on the same lines, read once, both
        written out here (an order has 1-3 lines: a call each cost more than the work;
        ``tests/test_happy_path.py`` compares with the general path). Settled by ``ack`` when
        the order can reach the ERP only once, else by :meth:`_settle`."""
        rec, fc, ns = self.rec, self.w.net.fc, self.w.net.n_stores
        # per-line reads and writes through memoryviews of the records' rows (never rebound,
        # written in place by everyone): a Python number per access, not a numpy scalar
        today = memoryview(rec.online_today)
        rows: dict[int, tuple[memoryview, memoryview, memoryview]] = {}
        # AvailabilityFlow.touched written out on the order's lines: the flow's marks (a bool
        # array, never rebound) through a memoryview, no numpy fancy index per order
        dirty = memoryview(self.availability.dirty)
        breached = self.replenishment.breached
        s_days = self.s.inventory.dc_policy.reorder_point_days
        settle = self.w.ack if once else self._settle

        def placed(e: OrderPlaced) -> None:
            location, skus = e.location, e.skus
            lines = skus.tolist()
            row = rows.get(location)
            if row is None:
                row = rows[location] = (
                    memoryview(rec.on_hand[location]),
                    memoryview(rec.on_order[location]),
                    memoryview(rec.forecast[location]),
                )
            on_hand = row[0]
            for sku, q in zip(lines, e.qty.tolist(), strict=True):  # the booking
                on_hand[sku] -= q
                today[sku] += q
            if location == fc:
                for sku in lines:
                    dirty[sku] = True
            if location >= ns:  # the orderpoint check, after every line is booked
                on_order, forecast = row[1], row[2]
                hit = None
                for k in lines:
                    if on_hand[k] + on_order[k] < s_days * forecast[k]:
                        if hit is None:
                            hit = [k]
                        else:
                            hit.append(k)
                if hit is not None:
                    breached(location, np.array(hit, dtype=np.int64))
            settle(e)

        return placed

    def _goods_received(self, e: GoodsReceived) -> None:
        self.late.received(e.reference)
        self.replenishment.received(e.reference)
        self._touched(e.location, e.skus)
        self._settle(e)

    def _transfer_shipped(self, e: TransferShipped) -> None:
        self._touched(e.source, e.skus)
        self._settle(e)

    def _return_received(self, e: ReturnReceived) -> None:
        self._touched(e.location, e.skus)
        self._settle(e)
        self.refunds.received(e)

    def _count(self, e: CountVariance) -> None:
        """Variances within tolerance are booked; the rest go where the variance policy says."""
        var = self.rec.variance(e.location, e.skus, e.counted)
        nz = var != 0
        if nz.any():
            skus, delta = e.skus[nz], var[nz]
            value = np.abs(delta) * self.w.net.cost[skus]
            bounds = self.s.policy.inventory_variance_value
            small = value < bounds.low_below
            self.rec.adjust(e.location, skus[small], delta[small])  # within tolerance
            if not small.all():
                over = float(value[~small].sum())
                prev, self.bo.subject = self.bo.subject, e.correlation
                try:
                    self._variance(
                        e.location, skus[~small], delta[~small], over, tier(over, bounds)
                    )
                finally:
                    self.bo.subject = prev
            self._touched(e.location, skus)
        self._settle(e)

    def _variance(self, location: int, skus, delta, value: float, risk: str) -> None:
        route = self.table.variance.decide(VarianceCase(location, value, risk))
        rec = self.rec
        if route.team:  # an anomaly for a team: booked once reviewed
            self.bo.exceptions.open(
                route.team,
                None,
                resolve=lambda: rec.adjust(location, skus, delta),
                reason=route.rule,
            )
            return
        if not route.steps:  # booked by rule, the request logged as touchless
            rec.adjust(location, skus, delta)
            decided: Callable[[bool], None] = lambda _ok: None  # noqa: E731
        else:

            def decided(approved: bool) -> None:
                if approved:
                    rec.adjust(location, skus, delta)

        self.bo.approvals.request(
            Request(
                "inventory_adjustment",
                risk,
                self.env.now,
                f"site:{location}",
                route.steps,
                decided,
                approve=route.approve,
                rule=route.rule,
            ),
            pickup=self.table.pickup("variance") if route.steps else None,
        )

    # ------------------------------------------------------------------ price overrides
    def _discount(self, e: DiscountRequested) -> None:
        risk = tier(e.depth, self.s.policy.discount_depth)
        case = DiscountCase(
            e.depth, risk, e.basket_value, e.basket_cost, self.s.policy.margin_floor
        )
        route = self.table.discount.decide(case)
        approve = route.approve

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

        self.bo.approvals.request(
            Request(
                "discount",
                risk,
                self.env.now,
                f"till:{e.location}",
                route.steps,
                decided,
                approve=approve,
                subject=e.correlation,
                rule=route.rule,
            )
        )

    # ------------------------------------------------------------------ suppliers and bills
    def _backordered(self, e: OrderBackordered) -> None:
        self.customers.backordered(e)
        self.late.backordered(e)

    def _supplier_confirmed(self, e: SupplierConfirmed) -> None:
        self.late.confirmed(e)
        self._settle(e)

    def _late_supplier(self, e: SupplierConfirmationLate) -> None:
        policy = self.table.late_supplier
        route = policy.decide(LateSupplierCase(e.po_key, e.supplier))
        if route.team:
            review = getattr(policy, "review_hour", None)
            pickup = (
                0.0 if review is None else self.bo.next_review(self.bo.desks[route.team], review)
            )
            self.bo.exceptions.open(
                route.team, e, pickup_h=pickup, reason=route.rule, escalate=self.late.escalation
            )
        else:
            self._settle(e)

    def _invoice(self, e: InvoiceReceived) -> None:
        entry = getattr(self.table.invoice, "entry_h", None)
        if entry is not None:  # a rollout's manual invoice area: keyed by hand first
            self._keyed_invoice(e, entry, self.table.invoice.review_hour)
            return
        payables = self.bo.payables
        if payables.three_way_match(e):
            self.kpi.invoice_touchless()
            payables.pay_invoice(e)  # approved for payment; held while bank details change
            self._settle(e)
            return
        po = self.replenishment.po_for(e.po_key)
        case = InvoiceCase(
            e.invoice_id,
            e.amount,
            None if po is None else float(np.dot(e.qty, po.unit_cost)),
            po is None or not np.array_equal(e.unit_price, po.unit_cost),
            payables.last_payable,
            e.correlation,
        )
        route = self.table.invoice.route(case)

        def pay() -> None:
            payables.pay_invoice(e)

        if not route.team:  # paid by rule, no person
            self.kpi.invoice_touchless()
            if route.as_billed and case.payable is not None:
                self.kpi.invoice_overpaid_by(max(e.amount - case.payable, 0.0))
            if route.as_billed:
                self.bo.reconciliation.paid_unchecked(e, case.payable)
            pay()
            self.bo.exceptions.auto_resolved(e, route.reason)
            return
        if route.forward_to:  # misrouted: the wrong team forwards it (a recorded override)
            wrong, right = route.team, route.forward_to

            def forward() -> None:
                if route.on_forward is not None:
                    route.on_forward(wrong)
                self.bo.exceptions.open(right, e, pay, reason="forwarded")

            self.bo.exceptions.open(wrong, None, forward, reason=route.reason)
            return
        self.bo.exceptions.open(route.team, e, pay, reason=route.reason)

    def _keyed_invoice(self, e: InvoiceReceived, entry, review_hour: float) -> None:
        """Finance keys the bill after ``entry`` working hours, matches it then; a mismatch
        goes to the exceptions spreadsheet (as the manual model does)."""
        bo = self.bo

        def keyed(_person: str, _t: float) -> None:
            if bo.payables.three_way_match(e):
                bo.payables.pay_invoice(e)
                self._settle(e)
            else:
                desk = bo.desks["finance"]
                bo.exceptions.open(
                    "finance",
                    e,
                    lambda: bo.payables.pay_invoice(e),
                    pickup_h=bo.next_review(desk, review_hour),
                    reason="3-way match failed (spreadsheet)",
                )

        bo.desks["finance"].submit(keyed, pickup_h=bo.pickup(entry))

    def _bank_change(self, e: SupplierBankChangeRequested) -> None:
        """Vendor master change (high risk): the model's checks decide; payments wait meanwhile."""
        steps = self.table.bank_change.steps(BankChangeCase(e.change_id, e.supplier))
        checks = self.s.governance.bank_change_checks
        if getattr(self.table.bank_change, "by_email", False):  # a rollout's manual area
            fraud = self.w.bank_change_is_fraudulent(e.change_id)
            self.bo.payables.bank_change(
                e,
                steps,
                not (fraud and self.bo.chance(checks.email_detection)),
                self.table.pickup("bank_change"),
                hold=False,
                rule="e-mail to accounts payable, single clerk",
                settle=self._settle,
            )
            return
        caught = False
        if steps and self.w.bank_change_is_fraudulent(e.change_id):
            # the first person calls the supplier back on the number on file; each further
            # person reviews the evidence independently
            miss = (1 - checks.callback_detection) * (1 - checks.review_detection) ** (
                len(steps) - 1
            )
            caught = self.bo.chance(1.0 - miss)
        self.bo.payables.bank_change(
            e,
            steps,
            not caught,
            self.table.pickup("bank_change") if steps else None,
            rule=f"bank_change_steps: {' > '.join(steps) or 'applied by rule'}",
            settle=self._settle,
        )
