"""The order path's floor: what three events per online order cost with nothing else done.

Issue 17's order cost (:mod:`.order_cost`) counts everything the loop does per online order in
bare SimPy events. This case measures the least any design with the twin's per-event semantics
can pay: an online order is at least three events the orchestration layer must see at their own
instants (``OrderPlaced`` at checkout, ``OrderShipped`` at its label, ``OrderDelivered`` at the
door), each built as the twin builds it (a frozen event with its id, time and correlation), put
in flight and acknowledged by a handler that does nothing else. The skeleton is the world's own
machinery with everything else removed:

- customers arrive in time order through one chain of wake-ups (:class:`~sim.wake.Calendar`),
  as :class:`sim.orders.Arrivals` does; each order is its own wake-up for its later stages, as
  :class:`sim.orders.Order` is;
- no stock, feeds, payment, KPIs, tickets, returns, event log, day processes, nor any model:
  the handler removes the event's id from the in-flight set (the ledger's ``ack``);
- every random number is drawn in bulk before the clock starts (arrival times, handling and
  transit times).

The result, ``floor_bare_events`` (CPU per order / CPU per bare event, both in this process), is
the part of the order cost no tuning of the world's or the models' own work can remove; what a
real run pays on top of it is that work (:func:`.order_cost.world_alone` for the world's).
"""

from __future__ import annotations

import time
from itertools import count
from typing import Any

import numpy as np
import simpy

from experiments.bench import cases
from sim.clock import HOURS_PER_DAY
from sim.events import OrderDelivered, OrderPlaced, OrderShipped
from sim.loop import run_until
from sim.wake import Calendar

#: the skeleton's size: orders per day and days (about peak_season's online volume)
ORDERS_PER_DAY = 2_000
DAYS = 20


class _Order:
    """An order in the skeleton: its own wake-up (``callbacks`` names its next stage)."""

    __slots__ = ("callbacks", "i", "key", "qty", "skus")
    _ok = True


def skeleton(orders_per_day: int = ORDERS_PER_DAY, days: int = DAYS, seed: int = 0) -> dict:
    """Run the skeleton; CPU seconds of its loop and per order (see the module docstring)."""
    gen = np.random.default_rng(seed)
    n = orders_per_day * days
    arrive = np.sort(gen.uniform(0.0, days * HOURS_PER_DAY, n)).tolist()
    handling_h = gen.lognormal(np.log(6.0), 0.5, n).tolist()
    transit_h = (HOURS_PER_DAY * gen.lognormal(np.log(2.0), 0.4, n)).tolist()
    lines = gen.integers(0, 800, n)
    env = simpy.Environment()
    cal = Calendar(env)
    pending: set[int] = set()
    seq = count(1)
    acked = [0]

    def handle(event: Any) -> None:  # the model: acknowledge, nothing else
        pending.remove(event.id)
        acked[0] += 1

    def emit(event: Any) -> None:
        pending.add(event.id)
        handle(event)

    def delivered(order: _Order) -> None:
        emit(OrderDelivered(next(seq), env._now, order.key, order.i, True))

    def shipped(order: _Order) -> None:
        emit(OrderShipped(next(seq), env._now, order.key, order.i, 0, 0, order.skus, order.qty))
        order.callbacks = at_delivery
        cal.schedule(transit_h[order.i], order)

    at_label, at_delivery = (shipped,), (delivered,)

    class Arrivals:
        __slots__ = ("callbacks", "i")
        _ok = True

        def next(self) -> None:
            i = self.i
            while i < n:
                dt = arrive[i] - env._now
                if dt > 0:
                    self.i = i
                    self.callbacks = at_arrival
                    cal.schedule(dt, self)
                    return
                order = _Order()
                order.i, order.key = i, f"order:{i}"
                order.skus, order.qty = lines[i : i + 1], lines[i : i + 1]
                emit(
                    OrderPlaced(
                        next(seq),
                        env._now,
                        order.key,
                        i,
                        "ecommerce",
                        0,
                        order.skus,
                        order.qty,
                        10.0,
                    )
                )
                order.callbacks = at_label
                cal.schedule(handling_h[i], order)
                i += 1
            self.i = i

    at_arrival = (Arrivals.next,)
    arrivals = Arrivals()
    arrivals.i = 0
    horizon = (days + 30) * HOURS_PER_DAY  # every order delivered
    cpu0 = time.process_time()
    arrivals.next()
    run_until(env, horizon)
    cpu = max(time.process_time() - cpu0, 1e-9)
    if acked[0] != 3 * n or pending:
        raise RuntimeError(f"skeleton: {acked[0]} events acknowledged of {3 * n}")
    return {"orders": n, "events": 3 * n, "cpu_s": cpu, "us_per_order": 1e6 * cpu / n}


def measure(repeats: int = 3, bare: dict | None = None) -> dict:
    """The skeleton, best of ``repeats``, against the bare loop (``bare``: a
    :func:`.cases.bare_simpy` result; measured here if not given)."""
    best = min((skeleton() for _ in range(max(1, repeats))), key=lambda r: r["cpu_s"])
    if bare is None:
        bare = cases.bare_simpy()
    bare_us = 1e6 / bare["events_per_cpu_s"]
    return {
        **best,
        "bare_us_per_event": bare_us,
        "floor_bare_events": best["us_per_order"] / bare_us,
    }
