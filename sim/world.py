"""The world: the physical retailer that the orchestration layer observes and commands.

Why one long module: the day's calendar, the command dispatcher and the port the orchestration
layer sees are one object (``World``); online orders, supply, demand and faults have their own.

State lives in numpy arrays indexed by location and SKU (``on_hand``: the physical stock on
shelves and in bins) and in the online channels' published availability feeds. The world knows
nothing of the ERP's records: orchestration models keep those, from the events they receive.

One SimPy process drives the calendar, one day at a time:

- 00:00 draw the day's online orders (per channel, vectorised) and the stores' price-override
  requests, and start their arrival processes;
- 21:00 (store close) resolve the day's walk-in demand in one vectorised step per network: units
  sold are ``min(demand, on hand)``; the rest is lost (a walk-in facing an empty shelf);
- 23:00 shrink (unrecorded losses), the stores' POS uploads (``PosSalesPosted``), cycle counts
  (``CountVariance``), newly empty shelves (``StockDepleted``) and the day's observations.

Things with a life (orders in flight, purchase orders, transfers, returns) are SimPy processes
in :mod:`sim.orders` and :mod:`sim.supply`. Commands are applied at once and idempotently:
a key is applied once; two different keys for one business need are a duplicated effect.
"""

from __future__ import annotations

import gc
from array import array
from collections.abc import Callable
from dataclasses import dataclass
from heapq import heappush
from typing import Any, Protocol

import numpy as np
import simpy
from simpy.events import NORMAL, URGENT

from scenarios.schema import Scenario
from sim.clock import HOURS_PER_DAY, WorkCalendar
from sim.demand import ONLINE_CHANNELS, DemandModel
from sim.eventlog import EventLog
from sim.events import (
    CancelOrder,
    Command,
    CountVariance,
    CreatePurchaseOrder,
    DecideBankChange,
    DecideDiscount,
    DiscountRequested,
    Event,
    ExpediteShipment,
    GoodsReceived,
    IssueRefund,
    NotifyCustomer,
    PayInvoice,
    PosSalesPosted,
    StockDepleted,
    TransferStock,
    UpdateChannelAvailability,
)
from sim.faults import FaultPlan
from sim.keyset import KeySet, digest
from sim.kpis import KpiCollector
from sim.ledger import ConservationError, EventLedger
from sim.loop import run_until
from sim.network import build_network
from sim.orders import OnlineOrders
from sim.pos import PosDay
from sim.progress import EVERY_H, RunProgress
from sim.rng import Streams, lognormal
from sim.supply import Supply
from sim.wake import Calendar

DAY_END_H = 23.0
DISCOUNT_PATIENCE_H = 0.25
#: share of customers who buy at full price when a price override is refused or not answered
BUY_ANYWAY_PROB = 0.5
#: the garbage collector's thresholds during a run (see :meth:`World.prepare`)
GC_THRESHOLD = (500_000, 100, 100)


class Controller(Protocol):
    """What the world needs of an orchestration model (``orchestration.models.Orchestrator``)."""

    def attach(self, world: World) -> None: ...
    def on_event(self, event: Event) -> None: ...
    def snapshot(self) -> dict[str, float]: ...
    def finish(self) -> None: ...


class CommandResult:
    APPLIED = "applied"
    DUPLICATE = "duplicate"
    FAILED = "failed"
    NO_EFFECT = "no_effect"
    RATE_LIMITED = "rate_limited"  # 429 Too Many Requests: see World.retry_after_until


@dataclass(slots=True)
class DiscountCase:
    request: DiscountRequested
    buy_anyway: bool
    margin: float


class World:
    def __init__(
        self,
        scenario: Scenario,
        replication: int = 0,
        *,
        event_log: EventLog | None = None,
        progress: Callable[[RunProgress], None] | None = None,
    ):
        self.s = scenario
        self.replication = replication
        self.env = simpy.Environment()
        #: wake-ups of the order path (:mod:`sim.wake`): far ones wait off SimPy's heap
        self.calendar = Calendar(self.env)
        self.streams = Streams(scenario.seed, replication)
        self.net = build_network(scenario, self.streams)
        self.faults = FaultPlan(scenario, self.net.supplier_names)
        self.demand = DemandModel(scenario, self.net, self.streams)
        self.kpi = KpiCollector()
        self.kpi.workload.hourly_cost = {
            name: pool.hourly_cost for name, pool in scenario.approvals.pools.items()
        }
        self.ledger = EventLedger()
        self._pending = self.ledger.pending  # the ledger's in-flight set (never rebound)
        #: events in flight (emitted, not yet processed or dead-lettered) at every whole hour
        self.backlog_hourly: array[int] = array("i")
        self.log = event_log or EventLog(None)
        #: whether decisions are traced into the event log (free when False)
        self.tracing = self.log.enabled
        # the log's writers of event, command and trace rows, bound once (see sim.eventlog)
        self._log_event = self.log.event
        self._log_command = self.log.command
        self._log_trace = self.log.trace
        self.progress = progress
        self.horizon_h = scenario.horizon_days * HOURS_PER_DAY
        net = self.net
        self.on_hand = np.zeros((net.n_locations, net.n_skus), dtype=np.int64)
        self._init_stock()
        self.published: dict[str, np.ndarray] = {
            c: self.on_hand[net.fc].astype(np.int64) for c in ONLINE_CHANNELS
        }
        self.orders = OnlineOrders(self)
        self.supply = Supply(self)
        self.store_calendar = WorkCalendar(
            frozenset(range(7)),
            scenario.network.stores.open_h,
            scenario.network.stores.close_h,
            scenario.start_date.weekday(),
        )
        self.controller: Controller | None = None
        self._event_seq = 0
        #: digests of the command keys applied, and of the needs effectful commands served
        self._applied = KeySet()
        self._needs = KeySet()
        self._discounts: dict[int, DiscountCase] = {}
        self._discount_seq = 0
        self._was_empty = self.on_hand <= 0
        #: per channel: the time before which its availability API refuses calls (Retry-After)
        self.retry_after_until: dict[str, float] = {}
        #: per command class: (applier, rate-limited?, fault target), see ``_command_plan``
        self._commands: dict[type, tuple[Callable[[Any], bool], bool, str | None]] = {}
        self._feed_latency_h: dict[str, float] = {}  # per channel, hours
        self._started = False
        #: the collector's thresholds before :meth:`prepare` (None: not prepared)
        self._gc_prepared = False
        #: ids of dead-lettered events (few), for the Jepsen-style accounting
        self.dead_lettered_ids: list[int] = []
        self.daily: list[dict[str, Any]] = []
        self._prev: dict[str, float] = {}
        self.gen_store = self.streams.get("stores")
        self.gen_discount = self.streams.get("discounts")
        self.gen_shrink = self.streams.get("shrink")
        rate = self.expected_daily_units() * scenario.inventory.shrink_share_of_sales
        rate[self.net.n_stores :] *= 0.25  # warehouses lose far less than shop floors
        self._shrink_rate = rate
        #: zeros (stores x SKUs) the day's POS values are built in, reused (see sim.pos.PosDay)
        self._pos_scratch = np.zeros((self.net.n_stores, self.net.n_skus))

    # ------------------------------------------------------------------ set-up
    def expected_daily_units(self) -> np.ndarray:
        """(n_locations, n_skus) planned units per average day: the demand plan the ERP has."""
        net, d = self.net, self.demand
        plan = np.zeros((net.n_locations, net.n_skus))
        plan[: net.n_stores] = d.store_rate
        for dc in np.unique(net.store_dc):
            plan[dc] = d.store_rate[net.store_dc == dc].sum(axis=0)
        online = sum(d.online_units.values())
        plan[net.fc] = online * net.popularity
        return plan

    def _init_stock(self) -> None:
        inv = self.s.inventory
        plan = self.expected_daily_units()
        cover = np.full(self.net.n_locations, inv.initial_cover_days_dc)
        cover[: self.net.n_stores] = inv.initial_cover_days_store
        self.on_hand[:] = np.ceil(plan * cover[:, None]).astype(np.int64)
        self.on_hand[: self.net.n_stores] = np.maximum(self.on_hand[: self.net.n_stores], 2)

    def attach(self, controller: Controller) -> None:
        self.controller = controller
        controller.attach(self)

    # ------------------------------------------------------------------ events out
    def emit(self, cls: type[Event], correlation: str, *args: Any, **fields: Any) -> Event:
        """Create an event now and deliver it to the orchestration model (synchronously):
        :meth:`make` then :meth:`publish`. The order path's frequent events take
        :meth:`emit_args`, the same written out without a keyword dictionary."""
        return self.publish(self.make(cls, correlation, *args, **fields))

    def emit_args(self, cls: type[Event], correlation: str, *args: Any) -> Event:
        """:meth:`emit` with the event's own fields positional, in declaration order, and
        :meth:`make`, :meth:`publish` and ``ledger.emit`` written out: no keyword dictionary is
        built and no call made between (about 0.4 us less per event). The online order path's
        events (placed, shipped, delivered, tickets) come through here: the hottest call."""
        self._event_seq += 1
        eid = self._event_seq
        event = cls(eid, self.env._now, correlation, *args)
        self.ledger.emitted += 1
        self._pending.add(eid)
        if self.tracing:
            self._log_event(event)
        if self.controller is not None:
            self.controller.on_event(event)
        return event

    def make(self, cls: type[Event], correlation: str, *args: Any, **fields: Any) -> Event:
        """Create an event without delivering it, so state it refers to can be stored first.

        The event's own fields follow, by name or, on hot paths, in declaration order."""
        self._event_seq += 1
        return cls(self._event_seq, self.env._now, correlation, *args, **fields)

    def publish(self, event: Event) -> Event:
        self.ledger.emit(event.id)
        if self.tracing:
            self._log_event(event)
        if self.controller is not None:
            self.controller.on_event(event)
        return event

    def trace(
        self,
        kind: str,
        key: str,
        detail: str = "",
        *,
        location: int = -1,
        sku: int = -1,
        qty: int = 0,
        value: float = 0.0,
    ) -> None:
        """Record what the orchestration layer decided about ``key`` (an event's correlation, an
        order, a request): a decision, the rule that applied, a retry. Free when the log is off."""
        if self.tracing:
            self._log_trace(self.env._now, kind, key, detail, location, sku, qty, value)

    def ack(self, event: Event) -> None:
        """The orchestration layer has fully processed ``event`` (``ledger.ack``, written out:
        every event of the run is settled here)."""
        try:
            self._pending.remove(event.id)
        except KeyError:
            self.ledger.ack(event.id)  # raises: not in flight
        self.ledger.processed += 1

    def return_is_fraudulent(self, return_id: int) -> bool:
        """Ground truth for a *simulated* classifier only (a real one never sees it)."""
        entry = self.orders.returns.get(return_id)
        return bool(entry is not None and entry[1])

    def bank_change_is_fraudulent(self, change_id: int) -> bool:
        """Ground truth of a supplier bank change, for *simulated* checks only."""
        return change_id in self.supply.bank_fraud

    def is_pending(self, event_id: int) -> bool:
        """Whether the event is still in flight (emitted, not yet processed or dead-lettered)."""
        return event_id in self.ledger.pending

    def retry_after(self, channel: str) -> float:
        """The time (h) before which ``channel``'s API refuses calls (its last Retry-After)."""
        return self.retry_after_until[channel]

    def initial_stock(self) -> np.ndarray:
        """A copy of the physical stock (location x SKU): the records start exact."""
        return self.on_hand.copy()

    def dead_letter(self, event: Event) -> None:
        """The orchestration layer gave up on ``event`` and parked it in a dead-letter queue."""
        self.ledger.dead_letter(event.id)
        self.dead_lettered_ids.append(event.id)

    # ------------------------------------------------------------------ commands in
    def submit(self, cmd: Command) -> str:
        """Apply a command once per key; report what happened (a :class:`CommandResult`)."""
        t = self.env._now
        if self.tracing:
            self._log_command(t, cmd)
        key = digest(cmd.key)
        applied = self._applied
        if applied.has(key):
            self.kpi.command_duplicate_suppressed()
            return CommandResult.DUPLICATE
        plan = self._commands.get(type(cmd))
        if plan is None:
            plan = self._commands[type(cmd)] = self._command_plan(type(cmd))
        apply, rate_limited, target = plan
        if rate_limited and self._rate_limited(cmd.channel, t):  # type: ignore[attr-defined]
            return CommandResult.RATE_LIMITED
        if target is not None:
            p = self.faults.failure_prob(target, t)
            if p > 0 and self.streams.get(f"faults.{target}").random() < p:
                return CommandResult.FAILED
        applied.insert(key)  # absent: has() said so above, and nothing was added since
        # only effectful commands can duplicate an effect, so only their needs are remembered;
        # add() is False for a need served before
        kind = cmd.kind
        if kind in _EFFECTFUL and not self._needs.add(digest(f"{kind}\x00{cmd.need}")):
            self.kpi.duplicate_effect(kind)
        return CommandResult.APPLIED if apply(cmd) else CommandResult.NO_EFFECT

    def _command_plan(self, cls: type) -> tuple[Callable[[Any], bool], bool, str | None]:
        """How a command of class ``cls`` is applied, decided once per class: (its applier,
        whether the channel's rate limit applies, the integration target whose outage fails
        it). The applier is the first of ``_APPLIERS`` whose class ``cls`` is a subclass of."""
        for base, name in _APPLIERS:
            if issubclass(cls, base):
                return (
                    getattr(self, name),
                    issubclass(cls, UpdateChannelAvailability),
                    _FAULT_TARGET.get(cls),
                )
        raise TypeError(f"unknown command {cls.__name__}")

    def _rate_limited(self, channel: str, t: float) -> bool:
        """The channel's API answers 429: inside a rate-limit window (drawn), or called again
        before the Retry-After it gave (a violation, counted)."""
        until = self.retry_after_until.get(channel)
        if until is not None and t < until:
            self.kpi.rate_limited(violation=True)
            return True
        p, after_h = self.faults.rate_limit(channel, t)
        if p > 0 and self.streams.get("faults.rate_limit").random() < p:
            self.kpi.rate_limited(violation=False)
            self.retry_after_until[channel] = t + after_h
            return True
        return False

    # the appliers, one per command class (see ``_APPLIERS``)
    def _apply_po(self, cmd: CreatePurchaseOrder) -> bool:
        _check_lines(cmd)
        self.supply.create_po(cmd)
        return True

    def _apply_transfer(self, cmd: TransferStock) -> bool:
        _check_lines(cmd)
        self.supply.transfer(cmd)
        return True

    def _apply_availability(self, cmd: UpdateChannelAvailability) -> bool:
        latency = self._feed_latency_h.get(cmd.channel)
        if latency is None:
            latency = getattr(self.s.channels, cmd.channel).feed_latency_min / 60.0
            self._feed_latency_h[cmd.channel] = latency
        self._publish(cmd, latency)
        return True

    def _apply_cancel(self, cmd: CancelOrder) -> bool:
        return self.orders.cancel(cmd.order_id, cmd.reason)

    def _apply_notify(self, cmd: NotifyCustomer) -> bool:
        return self.orders.notify(cmd.order_id)

    def _apply_refund(self, cmd: IssueRefund) -> bool:
        return self.orders.refund(cmd.return_id, cmd.amount)

    def _apply_invoice(self, cmd: PayInvoice) -> bool:
        return self.supply.pay_invoice(cmd.supplier, cmd.amount)

    def _apply_bank_change(self, cmd: DecideBankChange) -> bool:
        return self.supply.decide_bank_change(cmd.change_id, cmd.approved)

    def _apply_expedite(self, cmd: ExpediteShipment) -> bool:
        ok = self.supply.expedite(cmd.po_key, cmd.days)
        if ok:
            self.kpi.expedited(cmd.cost)
        return ok

    def _publish(self, cmd: UpdateChannelAvailability, latency_h: float) -> None:
        """The channel's feed shows the pushed quantities ``latency_h`` after the push: the
        events a process would take (its start at URGENT priority now, then the latency) as
        one :class:`_FeedUpdate` on SimPy's queue, without the process and its end event."""
        _FeedUpdate(self.env, self.published[cmd.channel], cmd.skus, cmd.qty, latency_h)

    # ------------------------------------------------------------------ receipts
    def receive(
        self,
        location: int,
        skus: np.ndarray,
        physical: np.ndarray,
        recorded: np.ndarray,
        reference: str,
    ) -> None:
        """Goods physically arrive at ``location``; the receipt is booked as ``recorded``."""
        np.add.at(self.on_hand[location], skus, physical)
        self.emit(
            GoodsReceived,
            reference,
            reference=reference,
            location=location,
            skus=skus,
            qty=recorded,
        )
        if location == self.net.fc:
            self.orders.fill_backorders(skus[physical > 0])

    # ------------------------------------------------------------------ price overrides
    def _discount_requests(self, day: int):
        """Price-override requests at the tills, through the stores' opening hours."""
        env, g, net = self.env, self.gen_discount, self.net
        rate = self.s.demand.discount_requests_per_store_day * self.demand.day_factor(day, "pos")
        counts = g.poisson(rate * net.store_size)
        n = int(counts.sum())
        if n == 0:
            return
        stores = np.repeat(np.arange(net.n_stores), counts)
        st = self.s.network.stores
        times = day * HOURS_PER_DAY + st.open_h + g.random(n) * (st.close_h - st.open_h)
        order = np.argsort(times, kind="stable")
        dd = self.s.demand.discount_depth
        depth = np.clip(lognormal(g, dd.mu, dd.sigma, n), 0.01, 0.6)
        skus = np.searchsorted(np.cumsum(net.popularity), g.random(n), side="right")
        skus = np.minimum(skus, net.n_skus - 1)
        units = 1 + g.poisson(1.5, n)
        buy_anyway = g.random(n) < BUY_ANYWAY_PROB
        # read per request as Python numbers (``tolist``: the same values, no numpy scalar each)
        times, stores, depth = times.tolist(), stores.tolist(), depth.tolist()
        skus, units, buy_anyway = skus.tolist(), units.tolist(), buy_anyway.tolist()
        price, unit_cost = net.price, net.cost
        for i in order.tolist():
            dt = times[i] - env.now
            if dt > 0:
                yield env.timeout(dt)
            sku, u = skus[i], units[i]
            value = price.item(sku) * u  # float64 x int64, as numpy multiplies them
            cost = unit_cost.item(sku) * u
            self._discount_seq += 1
            rid = self._discount_seq
            req = self.make(
                DiscountRequested,
                f"discount:{rid}",
                request_id=rid,
                location=stores[i],
                depth=round(depth[i], 4),
                basket_value=round(value, 2),
                basket_cost=round(cost, 2),
                patience_h=DISCOUNT_PATIENCE_H,
            )
            self._discounts[rid] = DiscountCase(req, buy_anyway[i], 1 - cost / value)
            self.publish(req)  # the case is on file before anyone can decide it

    def _decide_discount(self, cmd: DecideDiscount) -> bool:
        case = self._discounts.pop(cmd.request_id, None)
        if case is None:
            return False
        req, k = case.request, self.kpi
        if self.env.now - req.t > req.patience_h:
            self._discount_walkaway(case)
            return True
        if cmd.approved:
            price = req.basket_value * (1.0 - req.depth)
            k.sale(price)
            floor_price = req.basket_cost / (1.0 - self.s.policy.margin_floor)
            k.margin_leaked(max(0.0, floor_price - price))
        elif case.buy_anyway:
            k.sale(req.basket_value)
        else:
            k.lost_sale(req.basket_value)
        return True

    def _discount_walkaway(self, case: DiscountCase) -> None:
        k = self.kpi
        k.discount_timed_out()
        if case.buy_anyway:
            k.sale(case.request.basket_value)
        else:
            k.lost_sale(case.request.basket_value)

    # ------------------------------------------------------------------ the day
    def _days(self):
        env, net, d = self.env, self.net, self.demand
        ns = net.n_stores
        close_h = self.s.network.stores.close_h
        for day in range(self.s.horizon_days):
            t0 = day * HOURS_PER_DAY
            uplift, price_f = d.promo(day)
            for ch in ONLINE_CHANNELS:
                self.orders.start_arrivals(d.draw_online(day, ch, uplift), net.price * price_f)
            env.process(self._discount_requests(day))
            yield env.timeout(t0 + close_h - env.now)
            self._pos_day(day, uplift, price_f)
            yield env.timeout(t0 + DAY_END_H - env.now)
            self._day_end(day, ns)
            yield env.timeout(t0 + HOURS_PER_DAY - env.now)

    def _pos_day(self, day: int, uplift: np.ndarray, price_f: np.ndarray) -> None:
        """The stores' walk-in demand of the day, resolved at close over the cells that sold
        (:class:`sim.pos.PosDay`: the same draws and sums as the dense matrices)."""
        ns = self.net.n_stores
        demand = self.demand.draw_pos(day, uplift)
        pos = PosDay(
            demand,
            self.on_hand[:ns],
            self.gen_store,
            self.s.demand.returns.store_rate,
            self.net.price * price_f,
            self._pos_scratch,
        )
        self.kpi.pos_day(
            demanded=pos.demand_total,
            filled=pos.sold_total,
            lost_units=pos.lost_total,
            lost_revenue=pos.lost_value,
            revenue=pos.revenue,
            baskets=round(float(pos.demand_total) / self.s.demand.pos_units_per_basket),
        )
        self._pos_today = pos

    def _day_end(self, day: int, ns: int) -> None:
        net, on_hand = self.net, self.on_hand
        # shrink: unrecorded losses, proportional to planned sales
        loss = self.gen_shrink.poisson(self._shrink_rate)
        np.minimum(loss, on_hand, out=loss)
        on_hand -= loss
        # POS uploads, one per store
        pos = self._pos_today
        pos_up = self.faults.failure_prob("pos_upload", self.env.now) > 0
        for store in range(ns):
            idx, sold, ret = pos.store_lines(store)
            if pos_up:
                end = self.faults.outage_end("pos_upload", self.env.now) or self.env.now + 1
                self.env.process(self._late_upload(store, idx, sold, ret, end))
                continue
            self.emit(
                PosSalesPosted,
                f"pos:{store}:{day}",
                location=store,
                skus=idx,
                sold=sold,
                returned=ret,
                value=round(float(pos.value[store]), 2),
            )
        # cycle counts: each location counts 1/interval of its SKUs every day, the SKUs with
        # (sku + 7 x location) % interval == day % interval: every interval-th from the first
        interval = self.s.inventory.cycle_count_interval_days
        for loc in range(net.n_locations):
            skus = np.arange((day - 7 * loc) % interval, net.n_skus, interval)
            if len(skus):
                self.emit(
                    CountVariance,
                    f"count:{loc}:{day}",
                    location=loc,
                    skus=skus,
                    counted=on_hand[loc, skus],
                )
        # empty shelves and bins
        empty = on_hand <= 0
        newly = np.greater(empty, self._was_empty)  # empty now, not before
        for loc in np.flatnonzero(newly.any(axis=1)).tolist():
            self.emit(
                StockDepleted,
                f"depleted:{loc}:{day}",
                location=loc,
                skus=np.flatnonzero(newly[loc]),
            )
        self._was_empty = empty
        empty_per_loc = np.count_nonzero(empty, axis=1)
        self.kpi.stock_observed(int(empty_per_loc.sum()), empty.size)
        self._observe(day, empty_per_loc, loss)

    def _late_upload(self, store, idx, sold, ret, end):
        yield self.env.timeout(max(0.0, end - self.env.now))
        self.emit(
            PosSalesPosted,
            f"pos:{store}:late",
            location=store,
            skus=idx,
            sold=sold,
            returned=ret,
            value=0.0,
        )

    def _observe(self, day: int, empty_per_loc: np.ndarray, shrink: np.ndarray) -> None:
        """The day's row of ``daily``: ``empty_per_loc`` counts each location's empty cells."""
        k, ns = self.kpi, self.net.n_stores
        cur = {
            "pos_units_demanded": k.pos_units_demanded,
            "pos_units_sold": k.pos_units_filled,
            "online_orders": k.online_orders_placed,
            "online_units_demanded": k.online_units_demanded,
            "online_units_filled_first": k.online_units_filled_first,
            "oversold_orders": k.online_orders_oversold,
            "lost_units": k.lost_units,
            "revenue": k.revenue,
        }
        row: dict[str, Any] = {"day": day, "date": self.s.start_date.toordinal() + day}
        for key, v in cur.items():
            row[key] = v - self._prev.get(key, 0)
        self._prev = cur
        dem = row["pos_units_demanded"] + row["online_units_demanded"]
        fill = row["pos_units_sold"] + row["online_units_filled_first"]
        row["fill_rate"] = fill / dem if dem > 0 else None
        units = self.on_hand.sum(axis=1)
        row["stock_on_hand_stores"] = int(units[:ns].sum())
        row["stock_on_hand_warehouses"] = int(units[ns:].sum())
        stores, warehouses = int(empty_per_loc[:ns].sum()), int(empty_per_loc[ns:].sum())
        row["stockouts_stores"] = stores
        row["stockouts_warehouses"] = warehouses
        row["stockout_rate"] = (stores + warehouses) / self.on_hand.size
        row["shrink_units"] = int(shrink.sum())
        row["backorders_open"] = self.orders.backordered
        row.update(k.workload.day_row())  # per team: queue at the close, hours worked that day
        if self.controller is not None:
            row.update(self.controller.snapshot())
        self.daily.append(row)

    # ------------------------------------------------------------------ running
    def start(self) -> None:
        """Start the world's processes (once); then ``env.run(until=...)`` advances it (``run``
        does it to the horizon in one go; a live twin steps it)."""
        if self._started:
            return
        if self.controller is None:
            raise RuntimeError("attach an orchestration model before running the world")
        self._started = True
        self.env.process(self._days())
        self.env.process(self._sample_backlog())
        if self.log.enabled and self.faults.timeline:
            self.env.process(self.faults.record_timeline(self.env, self.log))

    def prepare(self) -> None:
        """:meth:`start`, and a collection and a freeze of the world built so far (called by
        :meth:`run` if not yet done; a caller timing the simulation loop calls it first). The
        rare collections of the run itself (``GC_THRESHOLD``) are :meth:`run`'s, for its loop
        only."""
        self.start()
        if self._gc_prepared:
            return
        # The cyclic garbage collector is a large share of a SimPy model's time when many objects
        # live long (PERF.md): freeze the world built so far and collect rarely. A run makes no
        # reference cycles (tests/test_no_cycles.py): what it drops, reference counting frees,
        # so rare collections cost no memory. Measured (12 days of peak_season_xl with its event
        # log, side by side): (50,000, 20, 20) spent 8.4% of the run collecting, (500,000, 100,
        # 100) 5.0% at the same peak RSS; 30 days of peak_season: 5.2-5.9% against 3.4-4.1%.
        gc.collect()
        gc.freeze()
        self._gc_prepared = True

    def run(self) -> None:
        self.prepare()
        # the caller's threshold, read here and put back below: a world prepared and never run,
        # or prepared while another was, leaves the caller's collector as it found it
        old = gc.get_threshold()
        gc.set_threshold(*GC_THRESHOLD)
        try:
            run_until(self.env, self.horizon_h)  # ``env.run(until=...)``, one call fewer per event
        finally:
            # The run's young objects (up to GC_THRESHOLD[0] of them) go to the oldest
            # generation without a collection: ``freeze`` then ``unfreeze`` moves every
            # generation's list whole (no object visited). Restoring the threshold over them
            # would have the next allocation (``finish``) walk them all in a young collection
            # to find no garbage (one timed once on 3 Dec with ``gc.callbacks``: 25-40 ms of
            # baseline 10 days with no model; ``tests/test_w21_gc_handback.py`` pins that the
            # collection no longer happens): a run makes no cycles, so reference counting frees
            # them when the world goes.
            gc.freeze()
            gc.set_threshold(*old)
            gc.unfreeze()
        if self.progress is not None:
            self.progress(
                RunProgress(
                    self.horizon_h, self.horizon_h, self.s.start_date, self.kpi.online_orders_placed
                )
            )
        self.finish()

    def _sample_backlog(self):
        """The backlog (events emitted, not yet settled by the orchestration layer) every hour,
        from t = 0, and the run's progress every ``EVERY_H`` hours: read only, so sampling and
        reporting change no result."""
        pending, out, env, report = (
            self.ledger.pending,
            self.backlog_hourly,
            self.env,
            self.progress,
        )
        hour = 0
        while True:
            out.append(len(pending))
            if report is not None and hour % EVERY_H == 0 and hour:
                report(
                    RunProgress(
                        env.now, self.horizon_h, self.s.start_date, self.kpi.online_orders_placed
                    )
                )
            hour += 1
            yield env.timeout(1.0)

    def finish(self) -> None:
        self.orders.close()
        self.supply.close()
        for case in self._discounts.values():
            self._discount_walkaway(case)
        self._discounts.clear()
        self.controller.finish()
        self.kpi.close(self.env.now)
        self.ledger.check()
        if (self.on_hand < 0).any():
            raise ConservationError("physical stock went negative")
        self.sim_events = next(self.env._eid)  # events scheduled by SimPy over the run


def _check_lines(cmd: CreatePurchaseOrder | TransferStock) -> None:
    if len(cmd.skus) != len(cmd.qty) or (cmd.qty < 0).any():
        raise ValueError(f"{cmd.kind} {cmd.key}: lines must pair SKUs with non-negative qty")
    if len(np.unique(cmd.skus)) != len(cmd.skus):
        raise ValueError(f"{cmd.kind} {cmd.key}: a SKU appears twice")


#: commands whose second application for one need is a duplicated business effect
_EFFECTFUL = {"CreatePurchaseOrder", "TransferStock", "IssueRefund", "PayInvoice"}
#: integration target whose outage makes a command fail
_FAULT_TARGET: dict[type, str] = {
    UpdateChannelAvailability: "channel_sync",
    IssueRefund: "payment_gateway",
}
#: the applier of each command class, in the order a command is matched against them
_APPLIERS: tuple[tuple[type, str], ...] = (
    (CreatePurchaseOrder, "_apply_po"),
    (TransferStock, "_apply_transfer"),
    (UpdateChannelAvailability, "_apply_availability"),
    (CancelOrder, "_apply_cancel"),
    (NotifyCustomer, "_apply_notify"),
    (IssueRefund, "_apply_refund"),
    (DecideDiscount, "_decide_discount"),
    (PayInvoice, "_apply_invoice"),
    (DecideBankChange, "_apply_bank_change"),
    (ExpediteShipment, "_apply_expedite"),
)


def _show_feed(update: _FeedUpdate) -> None:
    update.feed[update.skus] = np.maximum(update.qty, 0)


def _start_feed(update: _FeedUpdate) -> None:
    if update.latency_h > 0:  # on the queue again, where ``env.timeout(latency_h)`` would be
        update.callbacks = _SHOW_FEED
        env = update.env
        heappush(env._queue, (env._now + update.latency_h, NORMAL, next(env._eid), update))
    else:
        _show_feed(update)


_START_FEED = (_start_feed,)
_SHOW_FEED = (_show_feed,)


class _FeedUpdate:
    """A channel feed update in flight: pushed quantities the channel shows after its latency.

    Its own SimPy queue entry (see :mod:`sim.wake`): first at ``URGENT`` priority now, where the
    process it replaces started, then ``latency_h`` later where that process's timeout was
    (same time, priority and event id), so a feed changes at the same point of the event order;
    nothing else is built."""

    __slots__ = ("callbacks", "env", "feed", "latency_h", "qty", "skus")
    _ok = True  # it never fails: the loop checks this after the callbacks

    def __init__(
        self,
        env: simpy.Environment,
        feed: np.ndarray,
        skus: np.ndarray,
        qty: np.ndarray,
        latency_h: float,
    ) -> None:
        self.env = env
        self.feed = feed
        self.skus = skus
        self.qty = qty
        self.latency_h = latency_h
        self.callbacks = _START_FEED
        heappush(env._queue, (env._now, URGENT, next(env._eid), self))
