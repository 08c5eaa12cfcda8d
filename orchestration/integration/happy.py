"""The inbound connector's happy path: deliveries counted now, their draws and KPIs folded later.

When no delivery fault of any kind can touch a webhook (:attr:`InboundConnector.happy_path`),
every inbound event is delivered once, in one attempt, reaches the receiver once and is
acknowledged to its sender; with the event log on, its ``delivery`` trace is written at the
same point as on the general path (before the ERP handles it). What such a delivery decides is
then nothing that the world or the ERP can observe during the run: its attempt count, its
``integration_calls_total``, its latency (recorded for ``webhook_latency_p95_s``, never
scheduled) and the ids it adds to the Jepsen accounting's *acknowledged* and *owned* sets are
read only when the run is accounted for. So a happy delivery hands the event to the ERP and
appends its id to two ``array``s (owned, acknowledged: 8 bytes each);
:meth:`HappyDeliveries.fold` settles the rest in bulk, at the end of the run
(``InboundConnector.finish``) or before any accounting:

- **the draws**: the general path draws, per delivery and from the connector's own stream
  (``orch.<model>.inbound``, used by nothing else), two uniforms (fail, duplicate: unused here)
  and one normal (the latency) through :class:`sim.rng.Buffered`, which takes blocks of 4,096
  from the generator in the order they are needed. :class:`BlockReplay` takes the same blocks in
  the same order, so the stream and every latency are the same numbers, bit for bit
  (``math.exp`` as on the general path);
- **the KPIs**: ``KpiCollector.webhook_calls`` counts the calls and records the latencies (their
  percentile does not depend on the order they were recorded in);
- **the accounting**: the ids the ERP took ownership of and the ids acknowledged to a sender
  are kept apart, as on the general path (a receiver that acknowledged an event it never owned
  is still caught as a loss), and added to the connector's sets at the fold.

Per event class, decided once (:meth:`HappyDeliveries.route`): an ``OrderPlaced`` makes its
order known (and releases updates parked under it), an update of an order the ERP does not know
yet is parked (as :meth:`InboundConnector._own` does), anything else goes straight to its
handler.
"""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable
from typing import TYPE_CHECKING

import numpy as np

from sim.events import Event, OrderPlaced

if TYPE_CHECKING:
    from orchestration.integration.connector import InboundConnector

#: the block size of :class:`sim.rng.Buffered` (the general path's draws)
BLOCK = 4096


def _nothing(_event_id: int) -> None:
    """No acknowledgement here (the caller acknowledges)."""


class BlockReplay:
    """The draws of :class:`sim.rng.Buffered` for deliveries of (uniform, uniform, normal),
    replayed in bulk: the generator is asked for the same blocks in the same order, and the
    deliveries' normals come back as one array."""

    __slots__ = ("_block", "_gen", "_n_i", "_norm", "_u_left")

    def __init__(self, gen: np.random.Generator, block: int = BLOCK):
        self._gen = gen
        self._block = block
        self._u_left = 0  # uniforms left in the current block (Buffered starts with none)
        self._norm = np.empty(0)
        self._n_i = 0

    def normals(self, m: int) -> np.ndarray:
        """The normals of the next ``m`` deliveries (their uniforms drawn and discarded)."""
        parts: list[np.ndarray] = []
        while m > 0:
            # deliveries that need no new block of either kind: a run of them in one slice
            k = min(self._u_left // 2, len(self._norm) - self._n_i, m)
            if k > 0:
                parts.append(self._norm[self._n_i : self._n_i + k])
                self._u_left -= 2 * k
                self._n_i += k
                m -= k
                continue
            # one delivery that crosses a block boundary, draw by draw, as Buffered would
            for _ in range(2):
                if self._u_left == 0:
                    self._gen.random(self._block)
                    self._u_left = self._block
                self._u_left -= 1
            if self._n_i >= len(self._norm):
                self._norm = self._gen.standard_normal(self._block)
                self._n_i = 0
            parts.append(self._norm[self._n_i : self._n_i + 1])
            self._n_i += 1
            m -= 1
        return np.concatenate(parts) if parts else np.empty(0)


class HappyDeliveries:
    """The deliveries of a connector on its happy path, and their fold."""

    def __init__(self, connector: InboundConnector, gen: np.random.Generator):
        self.c = connector
        #: event ids owned by the ERP and acknowledged to their senders since the last fold
        self.owned, self.acked = array("q"), array("q")
        self.draws = BlockReplay(gen)

    def route(self, cls: type, handler: Callable[[Event], None]) -> Callable[[Event], None]:
        """The delivery of an event of class ``cls`` to ``handler`` (the ERP's handling of the
        class), decided once per class: the ERP takes ownership (:meth:`owner`), then the
        sender sees its 2xx (the acknowledgement, appended by the owner's own closure: no call
        between)."""
        acked = self.acked.append
        w = self.c.w
        if w.tracing:
            # the log's own writer of a delivery trace, stamped with the clock as world.trace
            delivery, env, own = w.log.delivery, w.env, self.owner(cls, handler)

            def traced(event: Event) -> None:
                delivery(env._now, event.correlation, event.id)
                own(event)
                acked(event.id)

            return traced
        return self.owner(cls, handler, acked)

    def owner(
        self,
        cls: type,
        handler: Callable[[Event], None],
        acked: Callable[[int], None] | None = None,
    ) -> Callable[[Event], None]:
        """How the ERP takes ownership of an event of class ``cls`` (``InboundConnector._own``
        for one class): handled now, or parked until its order is known; then, with ``acked``,
        the sender's 2xx (``acked(event.id)``), as :meth:`route`'s delivery does it."""
        c, owned = self.c, self.owned.append
        known, parked = c.known_orders, c.parked
        if acked is None:
            acked = _nothing
        if issubclass(cls, OrderPlaced):
            known_add, order_known, known_bits = known.add, c._order_known, known.bits

            def placed(event: Event) -> None:
                owned(event.id)
                handler(event)
                order = event.order_id
                if parked:
                    order_known(order)
                elif order < len(known_bits):  # known.add(order) without the call
                    known_bits[order] = 1
                else:
                    known_add(order)
                acked(event.id)

            return placed
        if issubclass(cls, c.order_updates):
            park, bits = c._park, known.bits

            def update(event: Event) -> None:
                owned(event.id)
                order = event.order_id
                if order < len(bits) and bits[order]:
                    handler(event)
                else:
                    park(event)
                acked(event.id)

            return update

        def other(event: Event) -> None:
            owned(event.id)
            handler(event)
            acked(event.id)

        return other

    def fold(self) -> None:
        """Settle the deliveries since the last fold: their draws, KPIs and accounting."""
        n = len(self.acked)
        c = self.c
        c.owned.add_many(np.frombuffer(self.owned, dtype=np.int64))
        del self.owned[:]  # in place: the routes hold their appends
        if not n:
            return
        # ``exp(mu + sigma * z)`` per delivery: the product and sum in numpy (the same IEEE
        # operations, in the same order, as on floats), ``math.exp`` as on the general path
        z = self.draws.normals(n)
        c.w.kpi.webhook_calls(list(map(math.exp, (c.lat_mu + c.lat_sigma * z).tolist())))
        c.attempts += n
        c.acknowledged.add_many(np.frombuffer(self.acked, dtype=np.int64))
        del self.acked[:]
