"""KPI definitions on hand-computed micro-cases: one store, one SKU, one day.

The world is set up by hand (stock on the shelf, a published online availability) and the
demand draws are replaced by known numbers, so every KPI can be computed on paper.
"""

from __future__ import annotations

import numpy as np
import pytest

from scenarios.loader import load_scenario
from sim.demand import OnlineDay
from sim.world import World

MICRO = [
    "horizon_days=1",
    "network.stores.count=1",
    "catalogue.skus=1",
    "demand.discount_requests_per_store_day=0",
    "demand.payments.decline_rate=0.0",
    "demand.returns.store_rate=0.0",
    "demand.returns.online_rate=0.0",
    "inventory.shrink_share_of_sales=0.0",
    "inventory.receipt_count_error_prob=0.0",
    "inventory.cycle_count_interval_days=1000",
    "channels.marketplace.safety_stock_units=0",
]


def _micro_world(
    ack_all, store_stock: int, fc_stock: int, feed: int, walk_in: int, online_qty: list[int]
) -> World:
    s = load_scenario("tiny", MICRO)
    w = World(s)
    w.attach(ack_all)
    fc, dc = w.net.fc, int(w.net.store_dc[0])
    w.on_hand[:] = 0
    w.on_hand[0, 0] = store_stock
    w.on_hand[fc, 0] = fc_stock
    w.on_hand[dc, 0] = 50
    w._was_empty = w.on_hand <= 0
    w.published["ecommerce"][:] = feed
    w.published["marketplace"][:] = 0
    w.demand.draw_pos = lambda day, uplift: np.array([[walk_in]])
    n = len(online_qty)

    def online(day, channel, uplift):
        if channel != "ecommerce":
            return OnlineDay(
                channel,
                np.array([]),
                np.zeros(1, dtype=np.int64),
                np.array([], dtype=np.int64),
                np.array([], dtype=np.int64),
            )
        return OnlineDay(
            channel,
            10.0 + np.arange(n, dtype=float),
            np.arange(n + 1),
            np.zeros(n, dtype=np.int64),
            np.array(online_qty, dtype=np.int64),
        )

    w.demand.draw_online = online
    return w


def test_fill_rate_stockout_rate_and_oversell_by_hand(ack_all):
    """Shelf 3, walk-ins want 5; the web shows 2 but the FC holds 1, and a customer orders 2.

    - walk-ins: 3 sold, 2 lost (an empty shelf is demand not filled);
    - web: the order is accepted on the stale feed, 1 unit allocated, 1 short: oversold;
    - fill rate = (3 + 1) / (5 + 2) = 4/7;
    - end of day: store 0 and FC 0 are out, the store DC (50) is not: 2 of 3 observations;
    - oversell rate = 1 oversold / 1 accepted.
    """
    w = _micro_world(ack_all, store_stock=3, fc_stock=1, feed=2, walk_in=5, online_qty=[2])
    w.run()
    k = w.kpi.kpis(w.ledger.totals())
    assert k["fill_rate"] == pytest.approx(4 / 7)
    assert k["lost_sales_units"] == 2  # the backordered unit is not (yet) lost
    assert k["stockout_rate"] == pytest.approx(2 / 3)
    assert k["oversell_rate"] == 1.0
    assert w.kpi.online_orders_oversold == 1


def test_a_line_shown_unavailable_is_lost_demand_not_an_oversell(ack_all):
    """The feed shows 1, a customer wants 2: the line is not ordered; nothing is oversold."""
    w = _micro_world(ack_all, store_stock=10, fc_stock=5, feed=1, walk_in=4, online_qty=[2])
    w.run()
    k = w.kpi.kpis(w.ledger.totals())
    assert k["fill_rate"] == pytest.approx(4 / 6)
    assert k["lost_sales_units"] == 2
    assert k["oversell_rate"] is None  # no online order was accepted: the KPI does not apply
    assert k["stockout_rate"] == pytest.approx(0.0)


def test_the_channel_decrements_its_own_feed_so_the_second_order_is_refused(ack_all):
    """Two orders of 2 against a feed of 3: the first is accepted, the second sees 1 left."""
    w = _micro_world(ack_all, store_stock=10, fc_stock=10, feed=3, walk_in=0, online_qty=[2, 2])
    w.run()
    k = w.kpi.kpis(w.ledger.totals())
    assert w.kpi.online_orders_accepted == 1
    assert k["lost_sales_units"] == 2
    assert k["fill_rate"] == pytest.approx(2 / 4)
    assert k["oversell_rate"] == 0.0
