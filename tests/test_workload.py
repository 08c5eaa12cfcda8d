"""Team workload: hours worked, utilisation, queue length over time, FTE and labour cost.

A work desk reports its team, its queue and its finished tasks to the KPI collector; these tests
check the numbers on hand-computed cases and that a pool's hourly cost prices its hours.
"""

from __future__ import annotations

import numpy as np
import pytest
import simpy

from experiments.runner import run_replication
from orchestration.backoffice.workdesk import WorkDesk
from scenarios.loader import load_scenario
from sim.clock import WorkCalendar
from sim.kpis import KpiCollector


def test_working_hours_of_a_calendar_count_only_its_open_hours():
    """Mon-Fri 9-17 from a Monday: a whole week is 40 h; Saturday 0 h; a part day is clipped."""
    cal = WorkCalendar(frozenset(range(5)), 9.0, 17.0, start_weekday=0)
    assert cal.working_hours(0.0, 7 * 24.0) == 40.0
    assert cal.working_hours(5 * 24.0, 6 * 24.0) == 0.0
    assert cal.working_hours(12.0, 24.0) == 5.0
    assert WorkCalendar.always().working_hours(3.0, 10.5) == 7.5


def test_one_person_two_tasks_hand_computed():
    """One person, 24/7, two 2-hour tasks at t=0, horizon 10 h: 4 h worked (utilisation 0.4),
    the second task waits 2 h (queue mean 2/10 = 0.2, max 1), cost 4 h x $50."""
    env = simpy.Environment()
    kpi = KpiCollector()
    kpi.workload.hourly_cost = {"desk": 50.0}
    desk = WorkDesk(env, "desk", 1, WorkCalendar.always(), 0.0, 0.1, np.random.default_rng(0), kpi)
    finished = []
    for _ in range(2):
        desk.submit(lambda person, t: finished.append(t), handling_h=2.0)
    env.run(until=10.0)
    kpi.close(10.0)
    out = kpi.workload.kpis(orders_total=8, approvals_total=4)
    assert finished == [2.0, 4.0]
    assert out["team_desk_worked_h"] == 4.0
    assert out["team_desk_utilisation_rate"] == pytest.approx(0.4)
    assert out["team_desk_queue_mean"] == pytest.approx(0.2)
    assert out["team_desk_queue_max"] == 1
    assert out["team_desk_fte"] == pytest.approx(4.0 / (40.0 * 10.0 / 168.0), rel=1e-4)
    assert out["labour_cost"] == 200.0
    assert out["labour_cost_per_order"] == 25.0
    assert out["labour_cost_per_approval"] == 50.0


def test_the_daily_row_samples_each_queue_and_the_hours_worked_that_day():
    """Two 2-hour tasks at t=0 for one person: at t=1 one waits and none is finished (hours
    count when a task is done); at t=5 the queue is empty and both tasks' 4 h were worked."""
    env = simpy.Environment()
    kpi = KpiCollector()
    desk = WorkDesk(env, "desk", 1, WorkCalendar.always(), 0.0, 0.1, np.random.default_rng(0), kpi)
    for _ in range(2):
        desk.submit(lambda person, t: None, handling_h=2.0)
    env.run(until=1.0)
    first = kpi.workload.day_row()
    env.run(until=5.0)
    second = kpi.workload.day_row()
    assert first == {"team_desk_queue": 1, "team_desk_worked_h": 0.0}  # counted when done
    assert second == {"team_desk_queue": 0, "team_desk_worked_h": 4.0}


def test_a_withdrawn_task_leaves_the_queue():
    """A task withdrawn while waiting (an escalation) stops counting in the queue at once."""
    env = simpy.Environment()
    kpi = KpiCollector()
    desk = WorkDesk(env, "desk", 1, WorkCalendar.always(), 0.0, 0.1, np.random.default_rng(0), kpi)
    desk.submit(lambda p, t: None, handling_h=5.0)
    waiting = desk.submit(lambda p, t: None, handling_h=1.0)
    env.run(until=1.0)
    assert waiting.cancel()
    env.run(until=10.0)
    kpi.close(10.0)
    out = kpi.workload.kpis(orders_total=0)
    assert out["team_desk_queue_mean"] == pytest.approx(0.1)  # 1 task-hour over 10 h
    assert out["team_desk_worked_h"] == 5.0
    assert out["labour_cost_per_order"] is None
    assert out["labour_cost_per_approval"] is None


def test_a_pools_hourly_cost_prices_its_hours_and_nothing_else():
    """Doubling the buyers' rate doubles their labour cost; the world and the hours are equal."""
    base = run_replication(load_scenario("tiny", ["horizon_days=7"]), 0).kpis
    dear = run_replication(
        load_scenario("tiny", ["horizon_days=7", "approvals.pools.buyers.hourly_cost=70.0"]), 0
    ).kpis
    assert base["team_buyers_worked_h"] > 0
    assert dear["team_buyers_worked_h"] == base["team_buyers_worked_h"]
    assert dear["team_buyers_labour_cost"] == pytest.approx(
        2 * base["team_buyers_labour_cost"], abs=0.02
    )
    assert dear["labour_cost"] > base["labour_cost"]
    assert dear["fill_rate"] == base["fill_rate"]
