"""The ``manual`` model: today's retailer, the baseline every other model is compared with.

As the article describes it — and as most mid-size retailers still run, even with an ERP:

- **Batch integration.** POS uploads land at night; online orders are imported as they come;
  the online channels' availability is re-published from the ERP records once a night
  (``channel_sync_hour``, every ``channel_sync_interval_h``). A failed sync is not retried: the
  feed stays stale until the next one.
- **Nightly replenishment** from the records (see :mod:`orchestration.replenishment`).
  Requisitions under the low-risk threshold become POs at once (the ERP's own approval
  threshold); larger ones wait for an **email approval** from a buyer manager (and, for high
  risk, then from finance): the email sits unread a lognormal number of *working* hours before
  someone in the pool picks it up, in business hours.
- **Price overrides** are decided on the floor by store managers, who approve up to their own
  limit without a margin check — the source of margin leakage.
- **Refunds** are worked by customer service once the parcel is back, with a finance approval
  above the high-risk threshold; nobody screens for fraud.
- **Exceptions** (oversold orders, failed payments, late suppliers, delayed shipments, invoice
  mismatches) go to a spreadsheet reviewed once a working day (``exception_review_hour``) and
  are worked by the owning team. Backordered online orders are cancelled after
  ``backorder_cancel_after_days`` if still short.
- **Cycle counts** are booked by site staff when the variance is within tolerance; larger
  variances need inventory control's approval (dual with finance when high).

Nothing here is instantaneous or perfectly informed: decisions use the ERP records, which drift.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from orchestration.base import register
from orchestration.records import StockRecords
from orchestration.replenishment import delivery_tomorrow, store_transfers, supplier_requisitions
from orchestration.workdesk import WorkDesk
from scenarios.schema import LogNormal, Scenario, TierBounds
from sim.clock import HOURS_PER_DAY, WorkCalendar, day_of
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
    OrderPlaced,
    PaymentFailed,
    PosSalesPosted,
    ReturnInitiated,
    ReturnReceived,
    ShipmentDelayed,
    SupplierConfirmationLate,
    TransferShipped,
    TransferStock,
    UpdateChannelAvailability,
)
from sim.rng import lognormal
from sim.world import CommandResult, World

ONLINE = ("ecommerce", "marketplace")


def tier(value: float, bounds: TierBounds) -> str:
    """Risk tier of a request by value: low below ``low_below``, high from ``high_from``."""
    if value < bounds.low_below:
        return "low"
    return "high" if value >= bounds.high_from else "medium"


@dataclass(slots=True)
class Request:
    """One approval request on its way through one or more desks."""

    kind: str
    tier: str
    created: float
    requester: str
    steps: tuple[str, ...]
    on_decided: Callable[[bool], None]
    approve: bool = True  # the decision the people on the steps will take
    approvers: tuple[str, ...] = ()


@register(
    "manual",
    "Today's retailer: email approvals in business hours, a spreadsheet of "
    "exceptions, nightly batch syncs and replenishment (the baseline).",
)
class ManualModel:
    name = "manual"

    def __init__(self, scenario: Scenario):
        self.s = scenario
        self.p = scenario.orchestration.manual

    # ------------------------------------------------------------------ wiring
    def attach(self, world: World) -> None:
        self.w = world
        self.env = world.env
        self.kpi = world.kpi
        self.rec = StockRecords(world)
        wd = self.s.start_date.weekday()
        self.desks: dict[str, WorkDesk] = {}
        for name, pool in self.s.approvals.pools.items():
            cal = WorkCalendar(
                frozenset(pool.calendar.weekdays), pool.calendar.open_h, pool.calendar.close_h, wd
            )
            h = pool.handling_min
            self.desks[name] = WorkDesk(
                world.env,
                name,
                pool.size,
                cal,
                h.mu - np.log(60.0),
                h.sigma,
                world.streams.get(f"orch.manual.desk.{name}"),
                world.kpi,
            )
        self.gen = world.streams.get("orch.manual.pickup")
        self._seq = 0
        self._po_lines: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._receipts: dict[str, np.ndarray] = {}
        self._returns: dict[int, ReturnInitiated] = {}
        self._pending_requests = 0
        self._open_exceptions = 0
        self._handlers: dict[type, Callable[[Event], None]] = {
            OrderPlaced: self._order_placed,
            PosSalesPosted: self._pos_posted,
            GoodsReceived: self._goods_received,
            TransferShipped: self._transfer_shipped,
            ReturnInitiated: self._return_initiated,
            ReturnReceived: self._return_received,
            CountVariance: self._count,
            DiscountRequested: self._discount,
            InvoiceReceived: self._invoice,
            OrderBackordered: self._backordered,
            PaymentFailed: self._payment_failed,
            SupplierConfirmationLate: self._exception_only("buyers"),
            ShipmentDelayed: self._exception_only("customer_service"),
        }
        self.env.process(self._nightly())
        self.env.process(self._channel_sync())

    def on_event(self, event: Event) -> None:
        handler = self._handlers.get(type(event))
        if handler is None:
            self.w.ack(event)  # informational for this model (confirmations, deliveries...)
        else:
            handler(event)

    def snapshot(self) -> dict[str, float]:
        return {
            "queue_depth": sum(d.in_system for d in self.desks.values()),
            "pending_approvals": self._pending_requests,
            "open_exceptions": self._open_exceptions,
        }

    def finish(self) -> None:
        """Nothing to flush: unfinished work stays visibly pending or in flight."""

    # ------------------------------------------------------------------ helpers
    def _key(self, prefix: str) -> str:
        self._seq += 1
        return f"{prefix}-{self._seq}"

    def _submit(self, cmd) -> str:
        return self.w.submit(cmd)

    def _desk(self, name: str) -> WorkDesk:
        return self.desks[name]

    def _pickup(self, dist: LogNormal) -> float:
        return float(lognormal(self.gen, dist.mu, dist.sigma))

    def _next_review(self, desk: WorkDesk) -> float:
        """Working hours from now until the spreadsheet's next review on a working day."""
        cal, now = desk.calendar, self.env.now
        day = day_of(now)
        for d in range(day, day + 9):
            t = d * HOURS_PER_DAY + self.p.exception_review_hour
            if t >= now and cal.next_open(t) == t:
                return t - now
        return 0.0

    # ------------------------------------------------------------------ approvals
    def _request(
        self, req: Request, pickup: LogNormal | None = None, *, counted: bool = False
    ) -> None:
        if not counted:
            self.kpi.approval_requested(req.kind)
            self._pending_requests += 1
        if not req.steps:  # decided by policy, no human step
            self._decide(req, approved=True, touchless=True)
            return
        self._step(req, 0, pickup)

    def _step(self, req: Request, i: int, pickup: LogNormal | None) -> None:
        desk = self._desk(req.steps[i])
        delay = self._pickup(pickup) if pickup is not None else 0.0

        def done(person: str, _t: float) -> None:
            req.approvers = (*req.approvers, person)
            if i + 1 < len(req.steps):
                self._step(req, i + 1, pickup)
            else:
                self._decide(req, approved=req.approve, touchless=False)

        desk.submit(done, pickup_h=delay, exclude=req.requester)

    def _decide(self, req: Request, *, approved: bool, touchless: bool) -> None:
        self._pending_requests -= 1
        self.kpi.approval_decided(
            req.kind,
            req.created,
            self.env.now,
            approved=approved,
            touchless=touchless,
            deadline_h=self.s.policy.deadline_h[req.tier],
            requester=req.requester,
            approvers=req.approvers,
        )
        req.on_decided(approved)

    # ------------------------------------------------------------------ exceptions
    def _exception(self, team: str, event: Event, resolve: Callable[[], None] | None = None):
        """Log ``event`` in the spreadsheet; the team works it after the next review."""
        self.kpi.exception_raised()
        self._open_exceptions += 1
        desk = self._desk(team)
        created = self.env.now

        def done(_person: str, t: float) -> None:
            self._open_exceptions -= 1
            if resolve is not None:
                resolve()
            self.kpi.exception_resolved(created, t, auto=False)
            self.w.ack(event)

        desk.submit(done, pickup_h=self._next_review(desk))

    def _exception_only(self, team: str) -> Callable[[Event], None]:
        return lambda e: self._exception(team, e)

    # ------------------------------------------------------------------ batch processes
    def _nightly(self):
        env, s, net = self.env, self.s, self.w.net
        for day in range(s.horizon_days):
            t = day * HOURS_PER_DAY + self.p.replenishment_hour
            if t > env.now:
                yield env.timeout(t - env.now)
            if day > 0:
                self.rec.close_day()
            if delivery_tomorrow(s, day):
                for source, store, skus, qty in store_transfers(self.rec, s, net):
                    key = self._key("TR")
                    self.rec.expect(key, store, skus, qty)
                    self._submit(
                        TransferStock(
                            key=key, need=key, source=source, location=store, skus=skus, qty=qty
                        )
                    )
            for rq in supplier_requisitions(self.rec, s, net):
                self._requisition(rq)

    def _requisition(self, rq) -> None:
        key = self._key("PO")
        self.rec.expect(key, rq.location, rq.skus, rq.qty)  # a draft RFQ counts in the position
        t = tier(rq.value, self.s.policy.purchase)
        steps = {"low": ("buyers",), "medium": ("buyers",), "high": ("buyers", "finance")}[t]
        if rq.value < self.p.po_auto_approve_below:
            steps = ()  # under the ERP's own approval threshold: confirmed directly

        def decided(approved: bool) -> None:
            if not approved:
                self.rec.drop(key)
                return
            self._po_lines[key] = (rq.skus, rq.qty, rq.unit_cost)
            self._submit(
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

        self._request(
            Request("purchase", t, self.env.now, "planning", steps, decided),
            pickup=self.p.email_pickup_h,
        )

    def _channel_sync(self):
        env, p = self.env, self.p
        t = p.channel_sync_hour
        while t < self.w.horizon_h:
            if t > env.now:
                yield env.timeout(t - env.now)
            fc = self.w.net.fc
            avail = self.rec.available(fc)
            skus = np.arange(len(avail))
            for ch in ONLINE:
                safety = getattr(self.s.channels, ch).safety_stock_units
                res = self._submit(
                    UpdateChannelAvailability(
                        key=self._key(f"SYNC-{ch}"),
                        need=f"sync:{ch}",
                        channel=ch,
                        skus=skus,
                        qty=np.maximum(avail - safety, 0),
                    )
                )
                self.kpi.integration_call(dead_lettered=False)
                if res == CommandResult.FAILED:
                    pass  # a failed nightly file is simply not retried: the feed stays stale
            t += p.channel_sync_interval_h

    # ------------------------------------------------------------------ event handlers
    def _order_placed(self, e: OrderPlaced) -> None:
        self.rec.online_order(e.location, e.skus, e.qty)
        self.w.ack(e)

    def _pos_posted(self, e: PosSalesPosted) -> None:
        self.rec.pos_posted(e.location, e.skus, e.sold, e.returned)
        self.w.ack(e)

    def _goods_received(self, e: GoodsReceived) -> None:
        self.rec.received(e.reference, e.location, e.skus, e.qty)
        if e.reference in self._po_lines:
            self._receipts[e.reference] = e.qty
        self.w.ack(e)

    def _transfer_shipped(self, e: TransferShipped) -> None:
        self.rec.shipped_out(e.source, e.skus, e.qty)
        self.w.ack(e)

    def _return_initiated(self, e: ReturnInitiated) -> None:
        self._returns[e.return_id] = e  # refunded on receipt: nothing to decide until then

    def _return_received(self, e: ReturnReceived) -> None:
        np.add.at(self.rec.on_hand[e.location], e.skus, e.qty)
        self.w.ack(e)
        init = self._returns.pop(e.return_id, None)
        if init is None:
            return
        t = tier(init.amount, self.s.policy.refund)
        steps = ("customer_service", "finance") if t == "high" else ("customer_service",)

        def decided(approved: bool) -> None:
            if approved:
                self._submit(
                    IssueRefund(
                        key=self._key("RF"),
                        need=f"refund:{init.return_id}",
                        return_id=init.return_id,
                        amount=init.amount,
                    )
                )
            self.w.ack(init)

        req = Request("refund", t, self.env.now, f"customer:{init.order_id}", steps, decided)
        self._request(req, pickup=self.p.email_pickup_h)

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
        t = tier(float(value[~small].sum()), bounds)
        steps = ("inventory_control", "finance") if t == "high" else ("inventory_control",)
        loc = e.location

        def decided(approved: bool) -> None:
            if approved:
                self.rec.adjust(loc, skus, delta)

        self._request(
            Request("inventory_adjustment", t, self.env.now, f"site:{loc}", steps, decided),
            pickup=self.p.email_pickup_h,
        )

    def _discount(self, e: DiscountRequested) -> None:
        t = tier(e.depth, self.s.policy.discount_depth)
        approve = e.depth <= self.p.store_manager_discount_limit

        def decided(_ok: bool) -> None:
            self._submit(
                DecideDiscount(
                    key=self._key("DC"),
                    need=f"discount:{e.request_id}",
                    request_id=e.request_id,
                    approved=approve,
                )
            )
            self.w.ack(e)

        self._request(
            Request(
                "discount",
                t,
                self.env.now,
                f"till:{e.location}",
                ("store_managers",),
                decided,
                approve=approve,
            )
        )

    def _invoice(self, e: InvoiceReceived) -> None:
        desk = self._desk("finance")

        def keyed(_person: str, _t: float) -> None:
            po = self._po_lines.pop(e.po_key, None)
            received = self._receipts.pop(e.po_key, None)
            if po is None or received is None:
                self._exception("finance", e)
                return
            _, _, cost = po
            if np.array_equal(e.unit_price, cost) and np.array_equal(e.qty, received):
                self.w.ack(e)
            else:
                self._exception("finance", e)  # 3-way match failed: price or quantity

        desk.submit(keyed, pickup_h=self._pickup(self.p.invoice_entry_h))

    def _backordered(self, e: OrderBackordered) -> None:
        placed = e.t

        def resolve() -> None:
            wait = placed + self.p.backorder_cancel_after_days * HOURS_PER_DAY - self.env.now
            self.env.process(self._cancel_later(e.order_id, max(wait, 0.0)))

        self._exception("customer_service", e, resolve)

    def _cancel_later(self, order_id: int, wait_h: float):
        yield self.env.timeout(wait_h)
        self._submit(
            CancelOrder(
                key=self._key("CX"),
                need=f"cancel:{order_id}",
                order_id=order_id,
                reason="backorder_timeout",
            )
        )

    def _payment_failed(self, e: PaymentFailed) -> None:
        def resolve() -> None:
            self._submit(
                NotifyCustomer(
                    key=self._key("NT"),
                    need=f"notify:{e.order_id}",
                    order_id=e.order_id,
                    reason="payment_failed",
                )
            )

        self._exception("customer_service", e, resolve)
