"""Drain time and orders at risk, read off a faulted run and its no-fault twin."""

from __future__ import annotations

import pandas as pd

from dashboards.recovery import backlog, recovery, timeline


def _daily(backorders, queue=None, orders=None, oversold=None, reps=1):
    n = len(backorders)
    rows = []
    for r in range(reps):
        for d in range(n):
            rows.append(
                {
                    "replication": r,
                    "day": d,
                    "backorders_open": backorders[d],
                    "queue_depth": (queue or [0] * n)[d],
                    "open_exceptions": 0,
                    "online_orders": (orders or [10] * n)[d],
                    "oversold_orders": (oversold or [0] * n)[d],
                    "fill_rate": 0.95,
                }
            )
    return pd.DataFrame(rows)


def test_backlog_is_backorders_plus_queue_plus_exceptions():
    df = _daily([1, 2], queue=[3, 4])
    assert backlog(df).tolist() == [4.0, 6.0]


def test_drain_time_runs_from_the_end_of_the_fault_to_the_first_normal_day():
    twin = _daily([0, 0, 0, 0, 0, 0, 0, 0])
    hit = _daily([0, 0, 5, 9, 6, 2, 0, 0], oversold=[0, 0, 1, 2, 0, 0, 0, 0])
    rec = recovery(hit, twin, start_day=2.0, duration_h=48.0)  # days 2 and 3
    assert rec.recovery_day == 4.0
    assert rec.drained_day == 6
    assert rec.drain_days == round(6 + 23 / 24 - 4.0, 2)
    assert rec.peak_excess_backlog == 9.0
    assert rec.orders_in_window == 30  # days 2, 3, 4 (the window ends at day 4's start)
    assert rec.orders_at_risk == 50  # days 2..6
    assert rec.extra_oversold_orders == 3.0
    assert rec.extra_backorders_peak == 9.0


def test_no_visible_backlog_means_no_drain_time():
    same = _daily([1, 1, 1, 1])
    rec = recovery(same, same, start_day=1.0, duration_h=12.0)
    assert rec.drain_days == 0.0
    assert rec.peak_excess_backlog == 0.0


def test_a_backlog_that_never_drains_has_no_drain_time():
    twin = _daily([0, 0, 0, 0])
    hit = _daily([0, 5, 8, 9])
    rec = recovery(hit, twin, start_day=1.0, duration_h=24.0)
    assert rec.drained_day is None
    assert rec.drain_days is None
    assert rec.orders_at_risk == 30  # to the end of the horizon


def test_replications_are_averaged_and_the_timeline_has_both_variants():
    twin = _daily([0, 0, 0], reps=2)
    hit = _daily([0, 4, 0], reps=2)
    tl = timeline(hit, twin, ("backorders_open", "fill_rate"))
    assert list(tl["variant"].unique()) == ["with fault", "without fault"]
    assert len(tl) == 6
    assert tl.loc[tl["variant"] == "with fault", "backorders_open"].tolist() == [0, 4, 0]
