"""The inbound connector: webhooks from channels, PSP, carrier and returns portal into the ERP.

Delivery is *at least once*, as with Shopify or Stripe: each delivery crosses a hop whose
behaviour comes from the scenario's fault plan — ``integration.drop_rate`` and any ``erp_api``
outage make a delivery fail (the sender sees no 2xx), ``integration.duplicate_rate`` delivers it
twice, ``integration.latency_s`` is its latency. A failed delivery is re-sent by the *sender*
with exponential backoff (``ConnectorRetry``: 60 s doubling, 8 attempts over about 4 h); when
the attempts run out the event is dead-lettered — in the ledger (``world.dead_letter``) and in
the KPIs (``dead_letters_total``).

With ``dedupe`` on, the receiver keeps an idempotency store keyed by event id and drops second
deliveries; with it off, the handler runs again — which is how duplicate business effects
appear downstream. Either way an event is settled once (the ledger refuses double settling).

Sub-second latencies are recorded (``webhook_latency_p95_s``) but not scheduled as SimPy delays:
nothing in the world changes on that time scale, and scheduling them would add one SimPy event
per webhook for no effect. Re-deliveries, minutes to hours apart, are scheduled.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from orchestration.resilience import IdempotencyStore, RetryPolicy, sim_clock_s
from scenarios.schema import ConnectorRetry
from sim.events import Event
from sim.rng import Buffered
from sim.world import World

TARGET = "erp_api"
#: how long the receiver remembers a delivered event id: well past the sender's ~4 h of retries
DEDUPE_TTL_S = 24 * 3600.0


class InboundConnector:
    def __init__(
        self,
        world: World,
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
        f = world.s.faults.integration
        self.drop_rate = f.drop_rate
        self.dup_rate = f.duplicate_rate
        self.lat_mu, self.lat_sigma = f.latency_s.mu, f.latency_s.sigma
        self.duplicates_delivered = 0
        self.duplicates_suppressed = 0

    def deliver(self, event: Event, attempt: int = 1) -> None:
        """One delivery attempt of ``event`` (the sender's side)."""
        w, d = self.w, self.draws
        u_fail, u_dup = d.uniform(), d.uniform()
        latency_s = math.exp(self.lat_mu + self.lat_sigma * d.normal())
        kpi = w.kpi
        p_fail = max(self.drop_rate, w.faults.failure_prob(TARGET, w.env.now))
        if u_fail < p_fail:
            if self.policy.should_retry(attempt, "HopFailure"):
                delay_h = self.policy.delay_before_attempt(attempt + 1) / 3600.0
                ev = w.env.timeout(delay_h)
                ev.callbacks.append(lambda _e: self.deliver(event, attempt + 1))
            else:
                kpi.integration_call(retries=attempt - 1, dead_lettered=True)
                w.dead_letter(event)
            return
        kpi.integration_call(retries=attempt - 1, latency_s=latency_s, webhook=True)
        self._receive(event)
        if u_dup < self.dup_rate:
            self.duplicates_delivered += 1
            self._receive(event)

    def _receive(self, event: Event) -> None:
        if self.dedupe is not None and not self.dedupe.first_time(str(event.id)):
            self.duplicates_suppressed += 1
            return
        self.handler(event)
