"""Simulated time: the unit of the SimPy clock is the HOUR, counted from ``start_date`` 00:00.

Helpers here convert between sim hours, day indices, weekdays and calendar dates, and do
working-time arithmetic for calendars (a team's working days and hours). Nothing here reads
the wall clock.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

HOURS_PER_DAY = 24.0
SECONDS_PER_HOUR = 3600.0


def day_of(t_h: float) -> int:
    """Index of the simulated day containing time ``t_h`` (hours)."""
    return int(t_h // HOURS_PER_DAY)


def date_of(start: dt.date, t_h: float) -> dt.date:
    return start + dt.timedelta(days=day_of(t_h))


def day_index(start: dt.date, date: dt.date) -> int:
    """Day index of ``date`` relative to ``start`` (may be negative or past the horizon)."""
    return (date - start).days


def seconds(s: float) -> float:
    """A duration in seconds expressed in sim hours."""
    return s / SECONDS_PER_HOUR


@dataclass(frozen=True)
class WorkCalendar:
    """Working days (0 = Monday) and hours [open_h, close_h) of a team or a site.

    ``start_weekday`` is the weekday of sim day 0, so a calendar answers in sim hours.
    """

    weekdays: frozenset[int]
    open_h: float
    close_h: float
    start_weekday: int

    @classmethod
    def always(cls) -> WorkCalendar:
        return cls(frozenset(range(7)), 0.0, 24.0, 0)

    @property
    def is_always(self) -> bool:
        return len(self.weekdays) == 7 and self.open_h <= 0.0 and self.close_h >= 24.0

    def _works_on(self, day: int) -> bool:
        return (self.start_weekday + day) % 7 in self.weekdays

    def next_open(self, t: float) -> float:
        """The earliest time >= t at which the calendar is working."""
        if self.is_always:
            return t
        day = day_of(t)
        tod = t - day * HOURS_PER_DAY
        for d in range(day, day + 8):
            if self._works_on(d):
                if d == day and tod < self.close_h:
                    return max(t, d * HOURS_PER_DAY + self.open_h)
                if d > day:
                    return d * HOURS_PER_DAY + self.open_h
        raise ValueError("calendar has no working time")  # pragma: no cover - validated upstream

    def working_hours(self, t0: float, t1: float) -> float:
        """Working hours of the calendar in [t0, t1) (sim hours)."""
        if t1 <= t0:
            return 0.0
        if self.is_always:
            return t1 - t0
        total = 0.0
        for day in range(day_of(t0), day_of(t1) + 1):
            if self._works_on(day):
                a = max(t0, day * HOURS_PER_DAY + self.open_h)
                b = min(t1, day * HOURS_PER_DAY + self.close_h)
                total += max(0.0, b - a)
        return total

    def add_working(self, t: float, work_h: float) -> float:
        """The time at which ``work_h`` working hours, started at ``t``, are done."""
        if work_h < 0 or math.isnan(work_h):
            raise ValueError(f"work_h must be >= 0, got {work_h}")
        if self.is_always:
            return t + work_h
        t = self.next_open(t)
        while True:
            day = day_of(t)
            close = day * HOURS_PER_DAY + self.close_h
            left = close - t
            if work_h <= left:
                return t + work_h
            work_h -= left
            t = self.next_open(close)
