"""Drain time and orders at risk, read off a faulted run and its no-fault twin."""

from __future__ import annotations

import pandas as pd

from dashboards.recovery import OWNERS, backlog, event_drain_h, recovery, timeline
from experiments.slo import drain_hours


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


def test_the_peak_says_which_work_is_owed_and_by_whom():
    twin = _daily([0, 0, 0, 0, 0, 0], queue=[1, 1, 1, 1, 1, 1])
    hit = _daily([0, 0, 5, 2, 0, 0], queue=[1, 1, 4, 1, 1, 1])
    rec = recovery(hit, twin, start_day=2.0, duration_h=24.0)
    assert rec.peak_day == 2
    assert dict(rec.owed_at_peak) == {
        "backorders_open": 5.0,
        "queue_depth": 3.0,
        "open_exceptions": 0.0,
    }
    assert set(OWNERS) == {c for c, _ in rec.owed_at_peak}


def _hourly(values, reps=1):
    return pd.DataFrame(
        [
            {"replication": r, "hour": h, "events_in_flight": v}
            for r in range(reps)
            for h, v in enumerate(values)
        ]
    )


def test_the_event_drain_is_checks_definition():
    """Hours from the end of the fault until events in flight are back to the twin's."""
    twin = _hourly([2] * 12)
    hit = _hourly([2, 2, 9, 30, 25, 12, 4, 3, 2, 2, 2, 2])
    assert event_drain_h(hit, twin, recovery_h=4.0) == drain_hours(
        hit["events_in_flight"].tolist(), twin["events_in_flight"].tolist(), 4.0
    )
    # hour 6 is 2 above the twin (> max(1, 10%)); hour 7 is 1 above: drained 3 h after hour 4
    assert event_drain_h(hit, twin, recovery_h=4.0) == 3.0
    assert event_drain_h(_hourly([2, 50, 50]), _hourly([2, 2, 2]), 1.0) is None
    assert event_drain_h(pd.DataFrame(), twin, 1.0) is None


def test_the_lab_and_check_agree_on_a_carrier_outage(tmp_path):
    """One definition: the event drain read from two run directories equals check's
    backlog_drain_h for the same scenario and its fault-free twin."""
    from experiments.replicate import run_scenario
    from experiments.results import load_run
    from experiments.slo import BACKLOG_DRAIN, fault_free_twin, run_checks
    from scenarios.loader import load_scenario

    s = load_scenario("slo_carrier_outage", ["slo.replications=1"])
    run_scenario(s, 1, tmp_path / "hit")
    run_scenario(fault_free_twin(s), 1, tmp_path / "twin")
    end_h = max(w["end_h"] for w in load_run(tmp_path / "hit").summary["fault_windows"])
    ours = event_drain_h(
        load_run(tmp_path / "hit").backlog(), load_run(tmp_path / "twin").backlog(), end_h
    )
    (check,) = run_checks([(s, "slo_carrier_outage")])
    theirs = next(r.value for r in check.results if r.kpi == BACKLOG_DRAIN)
    assert ours == theirs
