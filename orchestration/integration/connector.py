"""The inbound connector: webhooks from channels, PSP, carrier and returns portal into the ERP.

Delivery is *at least once*, as with Shopify or Stripe: each delivery crosses a hop whose
behaviour comes from the scenario's fault plan — ``drop`` (``integration.drop_rate``, a
``faults.deliveries`` drop window) and any ``erp_api`` outage make a delivery fail (the sender
sees no 2xx), ``duplicate`` delivers it twice, ``integration.latency_s`` is its latency. A failed
delivery is re-sent by the *sender* with exponential backoff (``ConnectorRetry``: 60 s doubling,
8 attempts over about 4 h); when the attempts run out the event is dead-lettered — in the ledger
(``world.dead_letter``) and in the KPIs (``dead_letters_total``).

Two more faults (fault library, docs/faults.md), drawn from their own stream
(``faults.inbound``) so runs without them draw exactly what they drew before:

- ``reorder``: a delivery is held back ``integration.reorder_hold_s`` so later events overtake
  it. The receiver copes: an update for an order it has not seen yet (backorder, shipment,
  delivery, delay, return) is *parked* under the order and handled, in event order, when the
  order arrives (or when the sender gives up on the order and the ERP fetches it instead).
  A parked event is acknowledged — it is safely on file — and stays visibly in flight.
- ``crash_after_effect``: the worker applies the effect and dies before it acknowledges, so the
  sender re-delivers. With ``dedupe`` on, the re-delivery is a de-duplication hit (no second
  effect); with it off, the handler runs again — which is how duplicate business effects appear.

With ``dedupe`` on, the receiver keeps an idempotency store keyed by event id and drops second
deliveries. Either way an event is settled once (the ledger refuses double settling).

For the Jepsen-style accounting (:mod:`orchestration.resilience.accounting`) the connector keeps
the ids it *acknowledged* to a sender (a 2xx) and the ids the ERP *took ownership of* (handled
or parked): an acknowledged event the ERP never owned is lost.

Every attempt, re-delivery, de-duplication hit, crash, hold, parking and dead letter is traced
into the event log (``world.trace``, keyed by the event's correlation; free when the log is off).

Sub-second latencies are recorded (``webhook_latency_p95_s``) but not scheduled as SimPy delays:
nothing in the world changes on that time scale, and scheduling them would add one SimPy event
per webhook for no effect. Re-deliveries and held deliveries, minutes to hours apart, are.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from orchestration.integration.happy import HappyDeliveries
from orchestration.port import WorldPort
from orchestration.resilience import IdempotencyStore, RetryPolicy, sim_clock_s
from orchestration.resilience.accounting import IdBits, lost_event_ids
from scenarios.schema import ConnectorRetry
from sim.events import (
    Event,
    OrderBackordered,
    OrderDelivered,
    OrderPlaced,
    OrderShipped,
    ReturnInitiated,
    ShipmentDelayed,
)
from sim.rng import Buffered

TARGET = "erp_api"
#: how long the receiver remembers a delivered event id: well past the sender's ~4 h of retries
DEDUPE_TTL_S = 24 * 3600.0
#: updates that refer to an order the ERP must already know (parked until it does)
ORDER_UPDATES = (OrderBackordered, OrderShipped, OrderDelivered, ShipmentDelayed, ReturnInitiated)


class InboundConnector:
    #: updates parked while their order is unknown (see :meth:`_own`)
    order_updates = ORDER_UPDATES

    def __init__(
        self,
        world: WorldPort,
        handler: Callable[[Event], None],
        retry: ConnectorRetry,
        gen: np.random.Generator,
        *,
        dedupe: bool,
    ):
        self.w = world
        self.handler = handler
        self.policy = RetryPolicy(
            initial_interval_s=retry.initial_interval_s,
            backoff_coefficient=retry.backoff_coefficient,
            maximum_interval_s=max(retry.maximum_interval_s, retry.initial_interval_s),
            maximum_attempts=retry.maximum_attempts,
        )
        self.draws = Buffered(gen)
        self.dedupe = (
            IdempotencyStore(sim_clock_s(world.env), ttl_s=DEDUPE_TTL_S) if dedupe else None
        )
        plan = world.faults
        self.plan = plan
        f = world.s.faults.integration
        self.lat_mu, self.lat_sigma = f.latency_s.mu, f.latency_s.sigma
        self.hold_mu, self.hold_sigma = f.reorder_hold_s.mu, f.reorder_hold_s.sigma
        self.reorder_on = plan.has_delivery_fault("reorder")
        self.crash_on = plan.has_delivery_fault("crash_after_effect")
        # whether a delivery can be lost or doubled at all (else the probabilities are 0)
        self.drop_on = plan.has_delivery_fault("drop") or any(
            w.target == TARGET for w in plan.windows
        )
        self.duplicate_on = plan.has_delivery_fault("duplicate")
        #: no delivery fault of any kind can touch a delivery: the happy path of deliver()
        self.fault_free = not (
            self.reorder_on or self.crash_on or self.drop_on or self.duplicate_on
        )
        self.fault_draws = (
            Buffered(world.streams.get("faults.inbound"))
            if self.reorder_on or self.crash_on
            else None
        )
        #: each delivery is one attempt that reaches the receiver once (:meth:`happy_route`)
        self.happy_path = self.fault_free
        self.duplicates_delivered = 0
        self.duplicates_suppressed = 0
        self.attempts = 0
        self.redeliveries = 0
        self.reordered = 0
        self.crashes = 0
        self.parked_total = 0
        self.dead_lettered = 0
        self.gave_up_after_effect = 0
        #: ids acknowledged to a sender (a 2xx) and ids the ERP took ownership of
        self.acknowledged = IdBits()
        self.owned = IdBits()
        self.known_orders = IdBits()
        self.parked: dict[int, list[Event]] = {}
        self.happy = HappyDeliveries(self, gen) if self.happy_path else None

    # ------------------------------------------------------------------ the sender's side
    def happy_route(self, cls: type, handler: Callable[[Event], None]) -> Callable[[Event], None]:
        """The delivery of an event of class ``cls`` when :attr:`happy_path` holds: no fault of
        any kind can hold, drop, crash or double a delivery in this run, so each event is
        delivered once, in one attempt, reaches the receiver once and goes to ``handler`` (the
        ERP's handling of its class). Its trace (when tracing), draws, counts and accounting are
        those of :meth:`deliver`'s attempt 1, the last three folded in bulk
        (:mod:`orchestration.integration.happy`); the idempotency store is not consulted (no
        second delivery can exist for it to catch: its answer would always be "first time")."""
        return self.happy.route(cls, handler)

    def deliver(self, event: Event, attempt: int = 1, *, held: bool = False) -> None:
        """One delivery attempt of ``event`` (the sender's side)."""
        w, d = self.w, self.draws
        u_fail, u_dup = d.uniform(), d.uniform()
        latency_s = math.exp(self.lat_mu + self.lat_sigma * d.normal())
        kpi, now, plan = w.kpi, w.env.now, self.plan
        self.attempts += 1
        tracing = w.tracing
        if attempt == 1 and not held and self.reorder_on:
            fd = self.fault_draws
            if fd.uniform() < plan.delivery_prob("reorder", now):
                hold_s = math.exp(self.hold_mu + self.hold_sigma * fd.normal())
                self.reordered += 1
                if tracing:
                    w.trace("reorder", event.correlation, f"event={event.id} held={hold_s:.0f}s")
                ev = w.env.timeout(hold_s / 3600.0)
                ev.callbacks.append(lambda _e: self.deliver(event, 1, held=True))
                return
        if tracing:
            if attempt == 1:
                w.log.delivery(w.env._now, event.correlation, event.id)
            else:
                w.trace("redelivery", event.correlation, f"event={event.id} attempt={attempt}")
        if self.drop_on and u_fail < max(
            plan.delivery_prob("drop", now), plan.failure_prob(TARGET, now)
        ):
            self._no_ack(event, attempt, "no 2xx")
            return
        kpi.integration_call(retries=attempt - 1, latency_s=latency_s, webhook=True)
        self._receive(event)
        if self.crash_on and self.fault_draws.uniform() < plan.delivery_prob(
            "crash_after_effect", now
        ):
            self.crashes += 1
            if tracing:
                w.trace("crash", event.correlation, f"event={event.id} attempt={attempt}")
            self._no_ack(event, attempt, "worker crashed after the effect", applied=True)
            return
        self.acknowledged.add(event.id)
        if self.duplicate_on and u_dup < plan.delivery_prob("duplicate", now):
            self.duplicates_delivered += 1
            if tracing:
                w.trace("duplicate", event.correlation, f"event={event.id} attempt={attempt}")
            self._receive(event)

    def _no_ack(self, event: Event, attempt: int, reason: str, *, applied: bool = False) -> None:
        """The sender saw no 2xx: re-send with backoff, or give up and dead-letter."""
        w = self.w
        if self.policy.should_retry(attempt, "HopFailure"):
            self.redeliveries += 1
            delay_s = self.policy.delay_before_attempt(attempt + 1)
            if w.tracing:
                w.trace(
                    "retry_scheduled",
                    event.correlation,
                    f"event={event.id} attempt={attempt + 1} in={delay_s:.0f}s reason={reason}",
                )
            ev = w.env.timeout(delay_s / 3600.0)
            ev.callbacks.append(lambda _e: self.deliver(event, attempt + 1))
            return
        w.kpi.integration_call(retries=attempt - 1, dead_lettered=True)
        if w.is_pending(event.id) and event.id not in self.owned:
            self.dead_lettered += 1
            if w.tracing:
                w.trace("dead_letter", event.correlation, f"event={event.id} attempts={attempt}")
            w.dead_letter(event)
            if isinstance(event, OrderPlaced):
                self._order_known(event.order_id)  # the ERP fetches the order on a miss
        elif applied or event.id in self.owned:
            self.gave_up_after_effect += 1  # the effect happened; only the sender doubts it

    # ------------------------------------------------------------------ the receiver's side
    def _receive(self, event: Event) -> None:
        if self.dedupe is not None and not self.dedupe.first_time(str(event.id)):
            self.duplicates_suppressed += 1
            if self.w.tracing:
                self.w.trace("dedupe", event.correlation, f"event={event.id}")
            return
        self._own(event)

    def _own(self, event: Event) -> None:
        """The ERP takes ownership of ``event``: handled now, or parked until its order is."""
        self.owned.add(event.id)
        if isinstance(event, OrderPlaced):
            self.handler(event)
            self._order_known(event.order_id)
            return
        if isinstance(event, ORDER_UPDATES) and event.order_id not in self.known_orders:
            self._park(event)
            return
        self.handler(event)

    def _park(self, event: Event) -> None:
        """An update of an order the ERP does not know yet waits under that order."""
        self.parked.setdefault(event.order_id, []).append(event)
        self.parked_total += 1
        if self.w.tracing:
            self.w.trace("parked", event.correlation, f"event={event.id} order unknown")

    def _order_known(self, order_id: int) -> None:
        self.known_orders.add(order_id)
        waiting = self.parked.pop(order_id, None)
        if waiting:
            for e in sorted(waiting, key=lambda e: e.id):
                if self.w.tracing:
                    self.w.trace("unparked", e.correlation, f"event={e.id}")
                self.handler(e)

    @property
    def parked_now(self) -> int:
        return sum(len(v) for v in self.parked.values())

    def fold(self) -> None:
        """Bring the counts and the accounting up to date (the happy path's deliveries)."""
        if self.happy is not None:
            self.happy.fold()

    def finish(self) -> None:
        """Report the Jepsen-style accounting's loss count to the KPIs."""
        self.fold()
        self.w.kpi.events_lost(len(lost_event_ids(self.w, self)))
