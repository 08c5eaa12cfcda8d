"""Hop behaviour: latency, failures, duplicates and outages of one integration hop.

A hop is one call from one system to another (caller -> n8n webhook, n8n node -> external API,
n8n node -> Odoo). Its behaviour is a frozen `HopBehaviour`:

* latency in **seconds**, lognormal, given by its median and 95th percentile
  (`sigma = ln(p95 / median) / z_0.95`); median 0 means an instantaneous hop;
* `failure_rate` - probability in [0, 1] that a call is lost (`HopFailure`);
* `duplicate_rate` - probability that the call is delivered twice, same payload, same delivery id;
* `outages` - windows `(start_h, end_h)` in **simulated hours**, half-open `[start, end)`; a call
  that starts inside a window fails with `HopConnectionError`, whatever the dice say.

Sampling always takes the same three draws from the explicitly passed `numpy.random.Generator`
(never the global one), so one more outage or one more failure does not shift the stream of the
calls that follow: paired comparisons stay paired. The call takes its sampled latency whether it
succeeds or fails.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any, TypeVar

import numpy as np
import simpy

from .units import s_to_h

T = TypeVar("T")

Z_95 = 1.6448536269514722  # standard normal quantile at 0.95


class HopError(Exception):
    """A call that did not get through its hop (the target never processed it)."""


class HopConnectionError(HopError):
    """The target is unreachable: the call started inside an outage window."""


class HopFailure(HopError):
    """The call was lost on the hop (random failure, `failure_rate`)."""


class HopOutcome(StrEnum):
    DELIVERED = "delivered"
    FAILED = "failed"
    OUTAGE = "outage"


@dataclass(frozen=True, slots=True)
class HopDraw:
    """One sampled call: how long it takes (s), how it ends, whether it is delivered twice."""

    latency_s: float
    outcome: HopOutcome
    duplicated: bool


@dataclass(frozen=True, slots=True)
class HopBehaviour:
    """Latency (s), failure and duplication probabilities, and outage windows (h) of a hop."""

    latency_s_median: float = 0.0
    latency_s_p95: float = 0.0
    failure_rate: float = 0.0
    duplicate_rate: float = 0.0
    outages: tuple[tuple[float, float], ...] = ()
    #: the lognormal shape, derived once (see `sigma`)
    _sigma: float = field(init=False, repr=False, compare=False, default=0.0)

    def __post_init__(self) -> None:
        if self.latency_s_median < 0:
            raise ValueError("latency_s_median must be >= 0")
        if self.latency_s_median > 0 and self.latency_s_p95 < self.latency_s_median:
            raise ValueError("latency_s_p95 must be >= latency_s_median")
        for rate in (self.failure_rate, self.duplicate_rate):
            if not 0.0 <= rate <= 1.0:
                raise ValueError("failure_rate and duplicate_rate must be in [0, 1]")
        for start_h, end_h in self.outages:
            if not start_h < end_h:
                raise ValueError(f"outage window ({start_h}, {end_h}) must have start < end")
        object.__setattr__(self, "_sigma", self._shape())

    @property
    def sigma(self) -> float:
        """Lognormal shape parameter derived from the median and the p95."""
        return self._sigma

    def _shape(self) -> float:
        if self.latency_s_median == 0:
            return 0.0
        return math.log(self.latency_s_p95 / self.latency_s_median) / Z_95

    def in_outage(self, now_h: float) -> bool:
        """True when `now_h` lies inside one of the outage windows `[start_h, end_h)`."""
        if not self.outages:
            return False
        return any(start_h <= now_h < end_h for start_h, end_h in self.outages)

    def sample(self, rng: np.random.Generator, now_h: float) -> HopDraw:
        """Draw one call starting at `now_h` (three draws from `rng`, always)."""
        return HopDraw(*self.draw(rng, now_h))

    def draw(self, rng: np.random.Generator, now_h: float) -> tuple[float, HopOutcome, bool]:
        """:meth:`sample` as a plain ``(latency_s, outcome, duplicated)`` tuple (for a caller
        that needs no `HopDraw` object: the straight run of `quick.py`)."""
        z, u_fail, u_dup = rng.standard_normal(), rng.random(), rng.random()
        latency_s = self.latency_s_median * math.exp(self._sigma * z)
        if self.outages and self.in_outage(now_h):
            return latency_s, HopOutcome.OUTAGE, False
        if u_fail < self.failure_rate:
            return latency_s, HopOutcome.FAILED, False
        return latency_s, HopOutcome.DELIVERED, u_dup < self.duplicate_rate


INSTANT = HopBehaviour()


def traverse(
    env: simpy.Environment,
    hop: HopBehaviour,
    rng: np.random.Generator,
    deliver: Callable[[], T],
    *,
    name: str = "hop",
) -> Generator[simpy.Event, Any, T]:
    """SimPy sub-process: send one call over `hop`; `deliver()` is what the target does.

    Waits the sampled latency, then raises `HopConnectionError` (outage) or `HopFailure` (lost),
    or calls `deliver()` - twice when the hop duplicates the delivery - and returns the result of
    the first delivery. An exception raised by `deliver()` passes through unchanged.
    """
    draw = hop.sample(rng, env.now)
    yield env.timeout(s_to_h(draw.latency_s))
    if draw.outcome is HopOutcome.OUTAGE:
        raise HopConnectionError(f"{name}: connect ECONNREFUSED (outage)")
    if draw.outcome is HopOutcome.FAILED:
        raise HopFailure(f"{name}: request lost")
    result = deliver()
    if draw.duplicated:
        deliver()
    return result
