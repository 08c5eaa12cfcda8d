"""The simulated clock the resilience building blocks read, in SIMULATED SECONDS.

Every building block in this package that needs time (circuit breaker, bounded queue, dead-letter
queue, idempotency store) takes a *clock*: a zero-argument callable returning the current simulated
time in seconds. It never reads the wall clock. Seconds are the natural unit for integration
behaviour (retry intervals, open durations, webhook timeouts), while the project's SimPy
environment counts HOURS (``env.now`` is in hours). This module is the one place where the two
meet:

    1 h = 3600 s                          (``SECONDS_PER_HOUR``)
    sim_clock_s(env)() == env.now * 3600  (a clock in seconds over a SimPy environment)
    seconds_to_hours(delay_s)             (the argument for ``env.timeout``)

``ManualClock`` is a settable clock for unit tests and for code that drives time by hand.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import simpy

__all__ = [
    "SECONDS_PER_HOUR",
    "Clock",
    "ManualClock",
    "hours_to_seconds",
    "seconds_to_hours",
    "sim_clock_s",
]

#: Simulated seconds in one simulated hour, the SimPy time unit of this project.
SECONDS_PER_HOUR = 3600.0

#: A clock: returns the current simulated time in seconds.
Clock = Callable[[], float]


def seconds_to_hours(seconds: float) -> float:
    """A duration in simulated seconds expressed in simulated hours (the SimPy unit)."""
    return seconds / SECONDS_PER_HOUR


def hours_to_seconds(hours: float) -> float:
    """A duration or instant in simulated hours expressed in simulated seconds."""
    return hours * SECONDS_PER_HOUR


def sim_clock_s(env: simpy.Environment) -> Clock:
    """A clock reading ``env.now`` (hours) in simulated seconds."""

    def now_s() -> float:
        return hours_to_seconds(env.now)

    return now_s


class ManualClock:
    """A clock moved by hand, in simulated seconds; call it to read the time."""

    __slots__ = ("_now_s",)

    def __init__(self, start_s: float = 0.0) -> None:
        self._now_s = float(start_s)

    def __call__(self) -> float:
        return self._now_s

    def advance(self, seconds: float) -> float:
        """Move the clock forward by ``seconds`` (>= 0) and return the new time."""
        if seconds < 0:
            raise ValueError(f"seconds must be >= 0 (time does not run backwards), got {seconds}")
        self._now_s += seconds
        return self._now_s

    def set(self, now_s: float) -> None:
        """Jump to ``now_s``, which must not be earlier than the current time."""
        if now_s < self._now_s:
            raise ValueError(f"now_s must be >= the current time {self._now_s}, got {now_s}")
        self._now_s = float(now_s)

    def __repr__(self) -> str:
        return f"ManualClock(now_s={self._now_s})"
