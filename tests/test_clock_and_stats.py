"""Working-time arithmetic and the statistics of replications."""

from __future__ import annotations

import math

import pytest

from experiments.stats import mean_ci, paired_difference, t975
from sim.clock import WorkCalendar

# sim day 0 is a Monday in these calendars; office hours 9-17, Monday to Friday
OFFICE = WorkCalendar(frozenset({0, 1, 2, 3, 4}), 9.0, 17.0, start_weekday=0)


def h(day: int, hour: float) -> float:
    return day * 24.0 + hour


def test_work_started_on_friday_afternoon_finishes_on_monday():
    """Two working hours from Friday 16:00 are done Monday 10:00."""
    assert OFFICE.add_working(h(4, 16), 2.0) == pytest.approx(h(7, 10))


def test_work_submitted_at_night_starts_at_opening():
    assert OFFICE.next_open(h(1, 20)) == pytest.approx(h(2, 9))
    assert OFFICE.add_working(h(1, 3), 1.5) == pytest.approx(h(1, 10.5))


def test_a_weekend_is_skipped_entirely():
    assert OFFICE.next_open(h(5, 12)) == pytest.approx(h(7, 9))


def test_work_spanning_several_days():
    """20 working hours from Monday 9:00 = Monday 8 + Tuesday 8 + Wednesday 4 -> Wed 13:00."""
    assert OFFICE.add_working(h(0, 9), 20.0) == pytest.approx(h(2, 13))


def test_an_always_open_calendar_is_plain_addition():
    cal = WorkCalendar.always()
    assert cal.add_working(123.4, 5.5) == pytest.approx(128.9)


def test_student_t_quantiles():
    assert t975(1) == pytest.approx(12.706, abs=1e-3)
    assert t975(9) == pytest.approx(2.262, abs=1e-3)
    assert t975(60) == pytest.approx(2.0003, abs=1e-3)
    assert t975(1000) == pytest.approx(1.9623, abs=1e-3)


def test_mean_ci_by_hand():
    """Values 1, 2, 3: mean 2, sd 1, half width t(2) / sqrt(3)."""
    m, lo, hi = mean_ci([1.0, 2.0, 3.0])
    half = 4.302653 / math.sqrt(3)
    assert (m, lo, hi) == pytest.approx((2.0, 2.0 - half, 2.0 + half))
    assert mean_ci([1.0, None]) is None


def test_paired_difference_removes_the_shared_noise():
    """Two series with a common noise: the paired interval is far narrower."""
    a = [10.0, 20.0, 30.0, 40.0]
    b = [9.0, 19.5, 29.0, 39.5]
    m, lo, hi = paired_difference(a, b)
    assert m == pytest.approx(0.75)
    _, alo, ahi = mean_ci(a)
    assert hi - lo < (ahi - alo) / 10
