"""Odoo's notion of "now", and the one place SimPy time becomes an Odoo datetime.

Concept: the mocked Odoo never reads the wall clock; it asks an injected clock. Odoo stores naive
UTC datetimes, so clocks return naive ``datetime``s.

Units: SimPy time in this project is in HOURS. An Odoo datetime is
``start + timedelta(hours=simpy_env.now)``; ``SimClock`` is the only code doing that conversion
(``to_sim_hours`` is its inverse, used to schedule SimPy timeouts at an Odoo datetime).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any, Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class ManualClock:
    """A clock moved by hand (tests, scripted runs)."""

    def __init__(self, start: datetime) -> None:
        self._now = start

    def now(self) -> datetime:
        return self._now

    def set(self, when: datetime) -> None:
        self._now = when

    def advance(self, delta: timedelta | None = None, **kwargs: float) -> datetime:
        self._now = self._now + (delta or timedelta(**kwargs))
        return self._now


class SimClock:
    """Odoo time read off a SimPy environment whose time unit is hours."""

    def __init__(self, simpy_env: Any, start: datetime) -> None:
        self.simpy_env = simpy_env
        self.start = start
        self._at: float | None = None  # the simulation time of the cached reading
        self._now = start

    def now(self) -> datetime:
        """Odoo's ``fields.Datetime.now()``: to the second (rounded, so float noise is absorbed).
        Read once per simulation instant (an RPC call reads it many times)."""
        at = self.simpy_env.now
        if at != self._at:
            self._now = self.start + timedelta(seconds=round(at * 3600))
            self._at = at
        return self._now

    def to_datetime(self, sim_hours: float) -> datetime:
        return self.start + timedelta(microseconds=round(sim_hours * 3.6e9))

    def to_sim_hours(self, when: datetime) -> float:
        return (when - self.start) / timedelta(hours=1)


def add_months(when: datetime, months: int) -> datetime:
    """``relativedelta(months=n)``: same day, clamped to the month's last day."""
    month_index = when.month - 1 + months
    year, month = when.year + month_index // 12, month_index % 12 + 1
    for day in (when.day, 30, 29, 28):
        try:
            return when.replace(year=year, month=month, day=min(when.day, day))
        except ValueError:
            continue
    raise ValueError(f"cannot add {months} months to {when}")
