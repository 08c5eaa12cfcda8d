"""What an online day costs at checkout: the day's bulk draws and every customer's checkout.

Measured: ``pytest tests/benchmarks/test_bench_orders.py --benchmark-enable -s``. A synthetic
day of ``peak_season`` online orders (the day's real baskets, every arrival moved to the
instant the world starts, so one call checks them all out) goes through
:meth:`OnlineOrders.start_arrivals <sim.orders.OnlineOrders.start_arrivals>`: the day's
draws (:class:`sim.order_draws.DayDraws`), then checkout, payment and acceptance of each
customer, under the ``manual`` model (which reacts to none of these events, so the figure is
the world's). ``extra_info`` reports CPU microseconds per order and the GC-tracked objects
alive afterwards, per customer: just after the checkout (what the next generation-0 collection
walks) and after a full collection (what every later collection walks until the orders are
done). The default run (``--benchmark-disable``) uses 2,000 customers and
asserts they were all checked out.
"""

from __future__ import annotations

import gc
import time

import numpy as np

from orchestration.models import build
from scenarios.loader import load_scenario
from sim.demand import OnlineDay
from sim.world import World


def _world_and_day(n: int) -> tuple[World, OnlineDay, np.ndarray]:
    """A started ``peak_season`` world and ``n`` of its first day's e-commerce orders, all due
    now; and the day's prices."""
    s = load_scenario("peak_season", ["orchestration.model=manual"])
    w = World(s, 0)
    w.attach(build("manual", s, None))
    w.start()
    uplift, price_f = w.demand.promo(0)
    real = w.demand.draw_online(0, "ecommerce", uplift)
    while len(real.t) < n:  # a bigger day: the first day's baskets again
        real = OnlineDay(
            real.channel,
            np.concatenate([real.t, real.t]),
            np.concatenate([real.start, real.start[1:] + real.start[-1]]),
            np.concatenate([real.skus, real.skus]),
            np.concatenate([real.qty, real.qty]),
        )
    end = int(real.start[n])
    day = OnlineDay(real.channel, np.zeros(n), real.start[: n + 1], real.skus[:end], real.qty[:end])
    return w, day, w.net.price * price_f


def _checkout_day(w: World, day: OnlineDay, prices: np.ndarray) -> dict:
    gc.collect()
    gc.disable()
    try:
        before = len(gc.get_objects())
        t0 = time.process_time()
        w.orders.start_arrivals(day, prices)
        cpu = time.process_time() - t0
        after = len(gc.get_objects())
    finally:
        gc.enable()
    gc.collect()  # what is still tracked once the collector has looked (tuples of numbers not)
    return {"cpu_s": cpu, "tracked": after - before, "kept": len(gc.get_objects()) - before}


def test_online_day_checkout(benchmark):
    n = 2_000 if benchmark.disabled else 24_000  # peak_season_xl: ~24,000 online orders a day
    w, day, prices = _world_and_day(n)
    got = benchmark.pedantic(_checkout_day, args=(w, day, prices), rounds=1, iterations=1)
    k = w.kpi
    # day one's stock is ample: nearly every customer placed an order, and most were accepted
    assert 0.9 * n < k.online_orders_placed <= n
    assert 0.8 * n < len(w.orders.orders) <= k.online_orders_placed
    benchmark.extra_info["orders"] = n
    benchmark.extra_info["placed"] = k.online_orders_placed
    benchmark.extra_info["us_per_order"] = round(1e6 * got["cpu_s"] / n, 2)
    benchmark.extra_info["tracked_objects_per_order"] = round(got["tracked"] / n, 2)
    benchmark.extra_info["tracked_after_collection_per_order"] = round(got["kept"] / n, 2)
