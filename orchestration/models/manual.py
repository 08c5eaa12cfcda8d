"""The ``manual`` model: today's retailer, the baseline every other model is compared with.

As the article describes it — and as most mid-size retailers still run, even with an ERP:

- **Batch integration.** POS uploads land at night; online orders are imported as they come;
  the online channels' availability is re-published from the ERP records once a night
  (``channel_sync_hour``, every ``channel_sync_interval_h``). A failed sync is not retried: the
  feed stays stale until the next one.
- **Nightly replenishment** from the records (see :mod:`orchestration.backoffice.replenishment`).
  Requisitions under the low-risk threshold become POs at once (the ERP's own approval
  threshold); larger ones wait for an **email approval** from a buyer manager (and, for high
  risk, then from finance): the email sits unread a lognormal number of *working* hours before
  someone in the pool picks it up, in business hours (``email_pickup_h``, or the pool's own
  ``email_pickup_by_pool`` entry).
- **Price overrides** are decided on the floor by store managers, who approve up to their own
  limit without a margin check — the source of margin leakage. Reaching the till takes
  ``till_pickup_h`` working hours when it is set (calibrated from an approval log).
- **Refunds** are worked by customer service once the parcel is back, with a finance approval
  above the high-risk threshold; nobody screens for fraud.
- **Exceptions** (oversold orders, failed payments, late suppliers, delayed shipments, invoice
  mismatches) go to a spreadsheet reviewed once a working day (``exception_review_hour``) and
  are worked by the owning team. Backordered online orders are cancelled after
  ``backorder_cancel_after_days`` if still short.
- **Cycle counts** are booked by site staff when the variance is within tolerance; larger
  variances need inventory control's approval (dual with finance when high).

Nothing here is instantaneous or perfectly informed: decisions use the ERP records, which drift.

Why over 450 lines: the manual model is its own batch wiring (it shares no flow with the
automated models, by design: its channels are e-mail, spreadsheets and nightly files), so its
handlers and its per-class dispatch table (issue 17) live together here.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from orchestration.approvals.audit import AuditLog
from orchestration.backoffice import Backoffice, Request, tier
from orchestration.backoffice.replenishment import (
    delivery_tomorrow,
    store_transfers,
    supplier_requisitions,
)
from orchestration.models.availability import nightly_file
from orchestration.models.registry import register
from orchestration.policies.availability import NightlyFile
from orchestration.policies.discount import DiscountCase, StoreManagerLimit
from orchestration.policies.purchase import EmailPurchase, PurchaseCase
from orchestration.policies.refund import InspectOnReceipt, RefundCase
from orchestration.policies.variance import ApproveVariance, VarianceCase
from orchestration.port import WorldPort
from scenarios.schema import LogNormal, ManualParams, Scenario
from sim.clock import HOURS_PER_DAY
from sim.events import (
    CancelOrder,
    CountVariance,
    CreatePurchaseOrder,
    DecideDiscount,
    DiscountRequested,
    Event,
    InvoiceReceived,
    IssueRefund,
    NotifyCustomer,
    OrderBackordered,
    PaymentFailed,
    ReturnInitiated,
    ReturnReceived,
    ShipmentDelayed,
    SupplierBankChangeRequested,
    SupplierConfirmationLate,
    TicketOpened,
    TransferStock,
)


class ManualModel:
    """Today's retailer: its decisions are the manual policies, its wiring the batch jobs."""

    name = "manual"

    def __init__(
        self,
        scenario: Scenario,
        params: ManualParams | None = None,
        audit: AuditLog | None = None,
    ):
        self.s = scenario
        self.p = params if params is not None else scenario.orchestration.manual
        self.audit = audit
        #: the decisions, as policy objects (the wiring below is the batch world's)
        self.purchase = EmailPurchase(self.p.po_auto_approve_below)
        self.discount = StoreManagerLimit(self.p.store_manager_discount_limit)
        self.refund = InspectOnReceipt(
            check_contents=False, rule="policy.refund tier; worked on receipt"
        )
        self.variance = ApproveVariance(rule="policy.inventory_variance_value tier over tolerance")

    # ------------------------------------------------------------------ wiring
    def attach(self, world: WorldPort) -> None:
        self.w = world
        self.env = world.env
        self.kpi = world.kpi
        self.bo = Backoffice(world, self.s, self.name, self.audit)
        self.rec = self.bo.rec
        self._returns: dict[int, ReturnInitiated] = {}
        self._handlers: dict[type, Callable[[Event], None]] = {
            ReturnInitiated: self._return_initiated,
            ReturnReceived: self._return_received,
            CountVariance: self._count,
            DiscountRequested: self._discount,
            InvoiceReceived: self._invoice,
            OrderBackordered: self._backordered,
            PaymentFailed: self._payment_failed,
            SupplierConfirmationLate: self._spreadsheet("buyers"),
            ShipmentDelayed: self._spreadsheet("customer_service"),
            SupplierBankChangeRequested: self._bank_change,
            TicketOpened: self._ticket,
        }
        self._handling: dict[type, Callable[[Event], None]] = {}
        self.env.process(self._nightly())
        sync = NightlyFile(self.p.channel_sync_hour, self.p.channel_sync_interval_h)
        self.env.process(nightly_file(self, sync))

    def on_event(self, event: Event) -> None:
        handling = self._handling.get(type(event))
        if handling is None:
            handling = self._handling[type(event)] = self._handling_of(type(event))
        handling(event)

    def _handling_of(self, cls: type) -> Callable[[Event], None]:
        """Decided once per class: (trace its links,) book the records, then run its handler
        or acknowledge it (records updated, or informational for this model)."""
        book = self.bo.booking(cls)
        handler = self._handlers.get(cls, self.w.ack)
        observe = self.bo.observe if self.w.tracing else None
        if book is None and observe is None:
            return handler

        def handling(event: Event) -> None:
            if observe is not None:
                observe(event)
            if book is not None:
                book(event)
            handler(event)

        return handling

    def snapshot(self) -> dict[str, float]:
        return self.bo.snapshot()

    def finish(self) -> None:
        """Nothing to flush: unfinished work stays visibly pending or in flight."""

    # ------------------------------------------------------------------ exceptions
    def _exception(self, team: str, event: Event, resolve: Callable[[], None] | None = None):
        """Log ``event`` in the spreadsheet; the team works it after the next review."""
        desk = self.bo.desks[team]
        pickup = self.bo.next_review(desk, self.p.exception_review_hour)
        reason = ""
        if self.w.tracing:
            reason = f"logged in the spreadsheet, review at {self.p.exception_review_hour:g}:00"
        self.bo.exceptions.open(team, event, resolve, pickup_h=pickup, reason=reason)

    def _spreadsheet(self, team: str) -> Callable[[Event], None]:
        return lambda e: self._exception(team, e)

    # ------------------------------------------------------------------ batch processes
    def _nightly(self):
        env, s, net, bo = self.env, self.s, self.w.net, self.bo
        for day in range(s.horizon_days):
            t = day * HOURS_PER_DAY + self.p.replenishment_hour
            if t > env.now:
                yield env.timeout(t - env.now)
            yield from self.w.faults.start_late("replenishment", env)  # fault library: cron lag
            if day > 0:
                self.rec.close_day()
            if delivery_tomorrow(s, day):
                for source, store, skus, qty in store_transfers(self.rec, s, net):
                    key = bo.key("TR")
                    self.rec.expect(key, store, skus, qty)
                    bo.submit(
                        TransferStock(
                            key=key, need=key, source=source, location=store, skus=skus, qty=qty
                        )
                    )
            for rq in supplier_requisitions(self.rec, s, net):
                self._requisition(rq)

    def _requisition(self, rq) -> None:
        bo = self.bo
        key = bo.key("PO")
        self.rec.expect(key, rq.location, rq.skus, rq.qty)  # a draft RFQ counts in the position
        t = tier(rq.value, self.s.policy.purchase)
        if self.w.tracing:
            self.w.trace(
                "batch.requisition",
                key,
                f"nightly replenishment: supplier {rq.supplier}, {len(rq.skus)} line(s)",
                location=rq.location,
                qty=int(rq.qty.sum()),
                value=float(rq.value),
            )
        preferred = self.s.network.suppliers[rq.supplier].preferred
        steps = self.purchase.steps(PurchaseCase(float(rq.value), t, preferred))

        def decided(approved: bool) -> None:
            if not approved:
                self.rec.drop(key)
                return
            bo.payables.purchase_ordered(key, rq.skus, rq.qty, rq.unit_cost)
            bo.submit(
                CreatePurchaseOrder(
                    key=key,
                    need=key,
                    supplier=rq.supplier,
                    location=rq.location,
                    skus=rq.skus,
                    qty=rq.qty,
                    unit_cost=rq.unit_cost,
                )
            )

        bo.approvals.request(
            Request(
                "purchase",
                t,
                self.env.now,
                "planning",
                steps,
                decided,
                subject=key,
                rule="policy.purchase tier; email approval from po_auto_approve_below",
            ),
            pickup=self._email(steps),
        )

    def _email(self, steps) -> LogNormal:
        """The email pickup of a request whose first step goes to ``steps[0]``."""
        by_pool = self.p.email_pickup_by_pool
        return by_pool.get(steps[0], self.p.email_pickup_h) if steps else self.p.email_pickup_h

    # ------------------------------------------------------------------ event handlers
    def _return_initiated(self, e: ReturnInitiated) -> None:
        self._returns[e.return_id] = e  # refunded on receipt: nothing to decide until then

    def _return_received(self, e: ReturnReceived) -> None:
        self.w.ack(e)
        init = self._returns.pop(e.return_id, None)
        if init is None:
            return
        t = tier(init.amount, self.s.policy.refund)
        back = bool(e.qty.sum() > 0)
        route = self.refund.decide(
            RefundCase(
                init.return_id, init.amount, t, init.fraud_signal, init.correlation, True, back
            )
        )

        def decided(approved: bool) -> None:
            if approved:
                self.bo.submit(
                    IssueRefund(
                        key=self.bo.key("RF"),
                        need=f"refund:{init.return_id}",
                        return_id=init.return_id,
                        amount=init.amount,
                    )
                )
            self.w.ack(init)

        req = Request(
            "refund",
            t,
            self.env.now,
            f"customer:{init.order_id}",
            route.steps,
            decided,
            approve=route.approve,
            subject=e.correlation,
            rule=route.rule,
        )
        self.bo.approvals.request(req, pickup=self._email(route.steps))

    def _count(self, e: CountVariance) -> None:
        self.w.ack(e)
        var = self.rec.variance(e.location, e.skus, e.counted)
        nz = var != 0
        if not nz.any():
            return
        skus, delta = e.skus[nz], var[nz]
        value = np.abs(delta) * self.w.net.cost[skus]
        bounds = self.s.policy.inventory_variance_value
        small = value < bounds.low_below
        self.rec.adjust(e.location, skus[small], delta[small])  # within tolerance: booked
        if small.all():
            return
        skus, delta = skus[~small], delta[~small]
        over = float(value[~small].sum())
        t = tier(over, bounds)
        loc = e.location
        route = self.variance.decide(VarianceCase(loc, over, t))

        def decided(approved: bool) -> None:
            if approved:
                self.rec.adjust(loc, skus, delta)

        self.bo.approvals.request(
            Request(
                "inventory_adjustment",
                t,
                self.env.now,
                f"site:{loc}",
                route.steps,
                decided,
                subject=e.correlation,
                rule=route.rule,
            ),
            pickup=self._email(route.steps),
        )

    def _discount(self, e: DiscountRequested) -> None:
        t = tier(e.depth, self.s.policy.discount_depth)
        route = self.discount.decide(
            DiscountCase(e.depth, t, e.basket_value, e.basket_cost, self.s.policy.margin_floor)
        )
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
            self.w.ack(e)

        self.bo.approvals.request(
            Request(
                "discount",
                t,
                self.env.now,
                f"till:{e.location}",
                route.steps,
                decided,
                approve=approve,
                subject=e.correlation,
                rule=route.rule,
            ),
            pickup=self.p.till_pickup_h,  # None: the manager is at hand (no draw)
        )

    def _invoice(self, e: InvoiceReceived) -> None:
        def keyed(_person: str, _t: float) -> None:
            if self.bo.payables.three_way_match(e):
                self.bo.payables.pay_invoice(e)
                self.w.ack(e)
            else:  # 3-way match failed: price or quantity; paid once cleared
                self._exception("finance", e, lambda: self.bo.payables.pay_invoice(e))

        self.bo.desks["finance"].submit(keyed, pickup_h=self.bo.pickup(self.p.invoice_entry_h))

    def _bank_change(self, e: SupplierBankChangeRequested) -> None:
        """An e-mail asks finance to change a supplier's bank account: one clerk, weak checks.

        The clerk answers the e-mail thread (which a fraudster controls) and catches a fraud
        with ``governance.bank_change_checks.email_detection``; no second person, no hold on
        payments (they keep going to the old account until the change is keyed).
        """
        fraud = self.w.bank_change_is_fraudulent(e.change_id)
        caught = fraud and self.bo.chance(self.s.governance.bank_change_checks.email_detection)
        self.bo.payables.bank_change(
            e,
            ("finance",),
            not caught,
            self._email(("finance",)),
            hold=False,
            rule="e-mail to accounts payable, single clerk",
        )

    def _ticket(self, e: TicketOpened) -> None:
        """Customer e-mails sit in the shared inbox, then an agent reads and answers one."""
        self.bo.tickets.work(e, 1, pickup_h=self.bo.pickup_gov(self.p.email_pickup_h))

    def _backordered(self, e: OrderBackordered) -> None:
        placed = e.t

        def resolve() -> None:
            wait = placed + self.p.backorder_cancel_after_days * HOURS_PER_DAY - self.env.now
            self.w.trace(
                "rule.backorder_cancel",
                e.correlation,
                f"cancel if still short in {max(wait, 0.0):.1f} h "
                f"(backorder_cancel_after_days={self.p.backorder_cancel_after_days})",
            )
            self.env.process(self._cancel_later(e.order_id, max(wait, 0.0)))

        self._exception("customer_service", e, resolve)

    def _cancel_later(self, order_id: int, wait_h: float):
        yield self.env.timeout(wait_h)
        self.bo.submit(
            CancelOrder(
                key=self.bo.key("CX"),
                need=f"cancel:{order_id}",
                order_id=order_id,
                reason="backorder_timeout",
            )
        )

    def _payment_failed(self, e: PaymentFailed) -> None:
        def resolve() -> None:
            self.bo.submit(
                NotifyCustomer(
                    key=self.bo.key("NT"),
                    need=f"notify:{e.order_id}",
                    order_id=e.order_id,
                    reason="payment_failed",
                )
            )

        self._exception("customer_service", e, resolve)


@register(
    "manual",
    "Today's retailer: email approvals in business hours, a spreadsheet of "
    "exceptions, nightly batch syncs and replenishment (the baseline).",
    params=ManualParams,
)
def build(scenario: Scenario, params: ManualParams, audit: AuditLog | None = None) -> ManualModel:
    return ManualModel(scenario, params, audit)
