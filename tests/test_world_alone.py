"""The world alone (issue 17): the order-cost helper's null model settles every event at once."""

from __future__ import annotations

from experiments.bench import floor
from experiments.bench.config import Workload
from experiments.bench.order_cost import world_alone


def test_world_alone_measures_the_order_path_without_orchestration():
    r = world_alone(Workload("tiny", ("horizon_days=10",)), calls=True, bare_us=1.0)
    assert r["online_orders"] > 100, r
    # every order is an arrival, a label and a delivery, beside the day calendar of a tiny world
    assert 1.0 < r["sim_events_per_online_order"] < 20.0
    assert r["order_cost_bare_events"] == r["loop_us_per_online_order"]  # bare_us = 1
    assert 10 < r["calls_per_online_order"] < 500


def test_floor_skeleton_acknowledges_three_events_per_order():
    r = floor.skeleton(orders_per_day=300, days=3)
    assert r["orders"] == 900
    assert r["events"] == 2700
    bare = {"events_per_cpu_s": 1e6}  # 1 us per bare event: the floor in us per order
    m = floor.measure(repeats=1, bare=bare)
    assert m["floor_bare_events"] == m["us_per_order"]
