"""Circuit breaker: stop calling a hop that keeps failing, then probe it (SIMULATED SECONDS).

A breaker sits in front of one downstream hop (a carrier API, the ERP's JSON-RPC endpoint) and is
in one of three states:

* CLOSED: calls pass. The outcome of the last ``window_size`` calls is kept in a sliding window;
  once it holds at least ``minimum_calls`` outcomes and the failure rate (failures / outcomes in
  the window) is >= ``failure_rate_threshold``, the breaker trips to OPEN.
* OPEN: every call is rejected, for exactly ``open_duration_s``: a call at
  ``opened_at + open_duration_s - epsilon`` is rejected, one at ``opened_at + open_duration_s``
  is admitted, because the breaker is HALF_OPEN from that instant.
* HALF_OPEN: exactly ``half_open_probes`` trial calls are admitted, the rest rejected. When all
  probes succeed the breaker closes (with an empty window); the first probe failure re-opens it
  for another ``open_duration_s``.

Time comes from an injected clock returning simulated seconds (see ``clock.py``); the breaker
never reads the wall clock, and the OPEN -> HALF_OPEN change is dated at the exact instant it
becomes due, whenever it is first observed.

Protocol: ``ticket = breaker.try_acquire()``; ``None`` means rejected. Otherwise make the call and
report it with ``record_success(ticket)`` or ``record_failure(ticket)``. A ticket belongs to the
state period it was issued in; a result arriving after the breaker has moved on (a slow call
admitted while CLOSED finishing during HALF_OPEN) is counted as stale and changes nothing, so a
late answer can never pose as a probe. A call abandoned with no outcome gives its ticket back
with ``cancel(ticket)``, freeing a probe slot. ``call(fn)`` does all of this for a plain function.

Observations for timelines: ``state``, ``transitions`` (a list of ``(time_s, from, to)``),
and the counters ``admitted_total``, ``rejected_total``, ``successes_total``, ``failures_total``,
``stale_results_total``, ``cancelled_total``, ``opened_total``.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from typing import NamedTuple, TypeVar

from orchestration.resilience.clock import Clock

__all__ = [
    "BreakerState",
    "CircuitBreaker",
    "CircuitBreakerConfig",
    "CircuitOpen",
    "Ticket",
    "Transition",
]

T = TypeVar("T")


class BreakerState(StrEnum):
    """The three states of a circuit breaker."""

    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class Transition(NamedTuple):
    """One state change: at ``time_s`` (simulated seconds) from ``from_state`` to ``to_state``."""

    time_s: float
    from_state: BreakerState
    to_state: BreakerState


class CircuitOpen(Exception):
    """Raised by ``CircuitBreaker.call`` when the breaker rejects the call.

    Its class name, ``"CircuitOpen"``, is the error type a retry policy sees for a rejection.
    """


@dataclass(frozen=True, slots=True)
class Ticket:
    """Permission for one call, valid for the state period (``epoch``) it was issued in."""

    epoch: int
    admitted_at_s: float
    probe: bool


@dataclass(frozen=True, slots=True)
class CircuitBreakerConfig:
    """Breaker parameters.

    Attributes:
        failure_rate_threshold: fraction in (0, 1]; trip when the window's failure rate is >= it.
        window_size: how many of the most recent call outcomes the window keeps, >= 1.
        minimum_calls: outcomes needed in the window before it may trip, in [1, window_size].
        open_duration_s: how long OPEN rejects every call, simulated seconds, > 0.
        half_open_probes: trial calls admitted in HALF_OPEN, >= 1.

    Defaults against resilience4j's (``failureRateThreshold`` 50 %, count-based
    ``slidingWindowSize`` 100, ``minimumNumberOfCalls`` 100, ``waitDurationInOpenState`` 60 s,
    ``permittedNumberOfCallsInHalfOpenState`` 10): the threshold and the open duration are
    theirs; the window (20), the minimum (10) and the probes (3) are smaller on purpose. A
    breaker may trip only once ``minimum_calls`` outcomes are in its window, so at a hop's rate
    of N calls per simulated hour the first trip comes at the earliest ``minimum_calls / N``
    hours into an outage: with resilience4j's 100 a hop called a few dozen times an hour (a
    carrier API of a small retailer) would keep failing for hours, most of a fault window of the
    resilience lab, before its breaker opened. Ten probes would likewise hold a recovered hop
    half-open for ten calls. Scenarios with busier hops can raise all three.
    """

    failure_rate_threshold: float = 0.5
    window_size: int = 20
    minimum_calls: int = 10
    open_duration_s: float = 60.0
    half_open_probes: int = 3

    def __post_init__(self) -> None:
        rate = self.failure_rate_threshold
        if isinstance(rate, bool) or not isinstance(rate, int | float) or not 0 < rate <= 1:
            raise ValueError(f"failure_rate_threshold must be a fraction in (0, 1], got {rate!r}")
        for name in ("window_size", "minimum_calls", "half_open_probes"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise ValueError(f"{name} must be an int >= 1, got {value!r}")
        if self.minimum_calls > self.window_size:
            raise ValueError(
                f"minimum_calls must be <= window_size ({self.window_size}), "
                f"got {self.minimum_calls}"
            )
        duration = self.open_duration_s
        if (
            isinstance(duration, bool)
            or not isinstance(duration, int | float)
            or not math.isfinite(duration)
            or duration <= 0
        ):
            raise ValueError(f"open_duration_s must be a finite number > 0, got {duration!r}")


class CircuitBreaker:
    """A failure-rate circuit breaker on an injected clock in simulated seconds."""

    def __init__(self, config: CircuitBreakerConfig, clock: Clock) -> None:
        self.config = config
        self._clock = clock
        self._state = BreakerState.CLOSED
        self._epoch = 0
        self._window: deque[bool] = deque(maxlen=config.window_size)  # True = failure
        self._opened_at_s = -math.inf
        self._probes_admitted = 0
        self._probes_succeeded = 0
        self.transitions: list[Transition] = []
        self.admitted_total = 0
        self.rejected_total = 0
        self.successes_total = 0
        self.failures_total = 0
        self.stale_results_total = 0
        self.cancelled_total = 0
        self.opened_total = 0

    # -- observation -------------------------------------------------------------------------

    @property
    def state(self) -> BreakerState:
        """The state now (an OPEN breaker whose duration has run out reads HALF_OPEN)."""
        self._advance(self._clock())
        return self._state

    @property
    def failure_rate(self) -> float | None:
        """Failures / outcomes in the CLOSED window; None below ``minimum_calls`` outcomes."""
        if len(self._window) < self.config.minimum_calls:
            return None
        return sum(self._window) / len(self._window)

    @property
    def reopens_at_s(self) -> float | None:
        """When an OPEN breaker turns HALF_OPEN; None in the other states."""
        if self.state is BreakerState.OPEN:
            return self._opened_at_s + self.config.open_duration_s
        return None

    # -- the call protocol -------------------------------------------------------------------

    def try_acquire(self) -> Ticket | None:
        """Ask to make one call now: a ticket when admitted, None when rejected (and counted)."""
        now = self._clock()
        self._advance(now)
        if self._state is BreakerState.OPEN or (
            self._state is BreakerState.HALF_OPEN
            and self._probes_admitted >= self.config.half_open_probes
        ):
            self.rejected_total += 1
            return None
        probe = self._state is BreakerState.HALF_OPEN
        if probe:
            self._probes_admitted += 1
        self.admitted_total += 1
        return Ticket(epoch=self._epoch, admitted_at_s=now, probe=probe)

    def record_success(self, ticket: Ticket) -> None:
        """Report that the call admitted with ``ticket`` succeeded."""
        self._record(ticket, failed=False)

    def record_failure(self, ticket: Ticket) -> None:
        """Report that the call admitted with ``ticket`` failed."""
        self._record(ticket, failed=True)

    def cancel(self, ticket: Ticket) -> None:
        """Give back a ticket whose call was abandoned with no outcome (say, interrupted).

        Nothing is recorded; a probe's slot is freed so HALF_OPEN can admit another probe.
        """
        self._advance(self._clock())
        self.cancelled_total += 1
        if ticket.probe and ticket.epoch == self._epoch and self._probes_admitted > 0:
            self._probes_admitted -= 1

    def call(self, fn: Callable[[], T]) -> T:
        """Run ``fn`` through the breaker: raise ``CircuitOpen`` if rejected, record the outcome."""
        ticket = self.try_acquire()
        if ticket is None:
            raise CircuitOpen(f"circuit open: call rejected at {self._clock()} s")
        try:
            value = fn()
        except Exception:
            self.record_failure(ticket)
            raise
        self.record_success(ticket)
        return value

    # -- internals ---------------------------------------------------------------------------

    def _record(self, ticket: Ticket, *, failed: bool) -> None:
        now = self._clock()
        self._advance(now)
        if failed:
            self.failures_total += 1
        else:
            self.successes_total += 1
        if ticket.epoch != self._epoch:
            self.stale_results_total += 1
            return
        if self._state is BreakerState.CLOSED:
            self._window.append(failed)
            rate = self.failure_rate
            if rate is not None and rate >= self.config.failure_rate_threshold:
                self._open(now)
        elif self._state is BreakerState.HALF_OPEN:
            if failed:
                self._open(now)
            else:
                self._probes_succeeded += 1
                if self._probes_succeeded >= self.config.half_open_probes:
                    self._move(now, BreakerState.CLOSED)

    def _advance(self, now: float) -> None:
        if self._state is BreakerState.OPEN:
            due = self._opened_at_s + self.config.open_duration_s
            if now >= due:
                self._move(due, BreakerState.HALF_OPEN)

    def _open(self, now: float) -> None:
        self._opened_at_s = now
        self.opened_total += 1
        self._move(now, BreakerState.OPEN)

    def _move(self, at_s: float, to_state: BreakerState) -> None:
        self.transitions.append(Transition(at_s, self._state, to_state))
        self._state = to_state
        self._epoch += 1
        self._window.clear()
        self._probes_admitted = 0
        self._probes_succeeded = 0

    def __repr__(self) -> str:
        return (
            f"CircuitBreaker(state={self._state.value}, admitted={self.admitted_total}, "
            f"rejected={self.rejected_total}, opened={self.opened_total})"
        )
