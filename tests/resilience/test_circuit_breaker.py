"""Circuit breaker: trips on the failure rate, rejects for its open duration, probes, recovers."""

from __future__ import annotations

import pytest

from orchestration.resilience import (
    BreakerState,
    CircuitBreaker,
    CircuitBreakerConfig,
    CircuitOpen,
    ManualClock,
    Ticket,
    Transition,
)

CLOSED, OPEN, HALF_OPEN = BreakerState.CLOSED, BreakerState.OPEN, BreakerState.HALF_OPEN
CONFIG = CircuitBreakerConfig(
    failure_rate_threshold=0.5,
    window_size=4,
    minimum_calls=4,
    open_duration_s=30.0,
    half_open_probes=2,
)


def _outcome(breaker: CircuitBreaker, *, failed: bool) -> None:
    ticket = breaker.try_acquire()
    assert ticket is not None, "the breaker rejected a call the test expected it to admit"
    if failed:
        breaker.record_failure(ticket)
    else:
        breaker.record_success(ticket)


def _tripped_at_100() -> tuple[ManualClock, CircuitBreaker]:
    """A breaker that opened at t = 100 s after S, F, S, F (failure rate 0.5)."""
    clock = ManualClock(100.0)
    breaker = CircuitBreaker(CONFIG, clock)
    for failed in (False, True, False, True):
        _outcome(breaker, failed=failed)
    assert breaker.state is OPEN
    return clock, breaker


def test_opens_when_the_failure_rate_reaches_the_threshold() -> None:
    """Two failures in the last four calls is a rate of 0.5 >= 0.5: the breaker opens."""
    clock = ManualClock(100.0)
    breaker = CircuitBreaker(CONFIG, clock)
    for failed in (False, True, False):
        _outcome(breaker, failed=failed)
    assert breaker.state is CLOSED
    assert breaker.failure_rate is None  # three outcomes, below minimum_calls
    _outcome(breaker, failed=True)
    assert breaker.state is OPEN
    assert breaker.transitions == [Transition(100.0, CLOSED, OPEN)]
    assert breaker.opened_total == 1


def test_stays_closed_below_the_threshold() -> None:
    """One failure in four calls (0.25 < 0.5) keeps the breaker closed."""
    breaker = CircuitBreaker(CONFIG, ManualClock())
    for failed in (False, False, False, True):
        _outcome(breaker, failed=failed)
    assert breaker.state is CLOSED
    assert breaker.failure_rate == 0.25


def test_cannot_trip_before_the_minimum_number_of_calls() -> None:
    """Three failures in a row do not trip a breaker that needs four outcomes first."""
    breaker = CircuitBreaker(CONFIG, ManualClock())
    for _ in range(3):
        _outcome(breaker, failed=True)
    assert breaker.state is CLOSED
    _outcome(breaker, failed=True)
    assert breaker.state is OPEN


def test_only_the_last_window_of_calls_counts() -> None:
    """Old failures slide out of the window: the rate is over the last window_size calls."""
    config = CircuitBreakerConfig(
        failure_rate_threshold=0.75, window_size=4, minimum_calls=4, open_duration_s=1.0
    )
    breaker = CircuitBreaker(config, ManualClock())
    rates = []
    for failed in (True, True, False, False, False, True, True, True):
        _outcome(breaker, failed=failed)
        rates.append(breaker.failure_rate)
    assert rates == [None, None, None, 0.5, 0.25, 0.25, 0.5, None]
    assert breaker.state is OPEN  # window S, F, F, F = 0.75 tripped it; the window is cleared


def test_rejects_every_call_for_exactly_the_open_duration() -> None:
    """Opened at 100 s for 30 s: a call at 130 s - epsilon is rejected, one at 130 s is a probe."""
    clock, breaker = _tripped_at_100()
    assert breaker.try_acquire() is None
    clock.set(130.0 - 1e-9)
    assert breaker.try_acquire() is None
    assert breaker.state is OPEN
    assert breaker.reopens_at_s == 130.0
    assert breaker.rejected_total == 2
    clock.set(130.0)
    ticket = breaker.try_acquire()
    assert ticket is not None
    assert ticket.probe
    assert breaker.state is HALF_OPEN
    assert breaker.transitions[-1] == Transition(130.0, OPEN, HALF_OPEN)


def test_half_open_is_dated_when_due_even_if_noticed_later() -> None:
    """The OPEN -> HALF_OPEN change is recorded at open + duration, not when first observed."""
    clock, breaker = _tripped_at_100()
    clock.set(500.0)
    assert breaker.state is HALF_OPEN
    assert breaker.transitions == [
        Transition(100.0, CLOSED, OPEN),
        Transition(130.0, OPEN, HALF_OPEN),
    ]


def test_half_open_admits_exactly_the_configured_probes_and_closes_when_all_succeed() -> None:
    """Two probes are admitted, a third call is rejected; two successes close the breaker."""
    clock, breaker = _tripped_at_100()
    clock.set(130.0)
    first, second = breaker.try_acquire(), breaker.try_acquire()
    assert first is not None
    assert second is not None
    rejected_before = breaker.rejected_total
    assert breaker.try_acquire() is None
    assert breaker.rejected_total == rejected_before + 1
    clock.set(131.0)
    breaker.record_success(first)
    assert breaker.state is HALF_OPEN  # one probe still out
    clock.set(132.0)
    breaker.record_success(second)
    assert breaker.state is CLOSED
    assert breaker.transitions == [
        Transition(100.0, CLOSED, OPEN),
        Transition(130.0, OPEN, HALF_OPEN),
        Transition(132.0, HALF_OPEN, CLOSED),
    ]


def test_a_closed_breaker_starts_with_an_empty_window() -> None:
    """After recovering, old failures are forgotten: one new failure does not re-trip it."""
    clock, breaker = _tripped_at_100()
    clock.set(130.0)
    _outcome(breaker, failed=False)
    _outcome(breaker, failed=False)
    assert breaker.state is CLOSED
    _outcome(breaker, failed=True)
    assert breaker.state is CLOSED
    assert breaker.failure_rate is None


def test_a_probe_failure_reopens_for_another_full_duration() -> None:
    """A failed probe re-opens the breaker at once, and it rejects for another 30 s."""
    clock, breaker = _tripped_at_100()
    clock.set(140.0)
    _outcome(breaker, failed=True)
    assert breaker.state is OPEN
    assert breaker.opened_total == 2
    clock.set(170.0 - 1e-9)
    assert breaker.try_acquire() is None
    clock.set(170.0)
    assert breaker.try_acquire() is not None
    assert [t.to_state for t in breaker.transitions] == [OPEN, HALF_OPEN, OPEN, HALF_OPEN]
    assert breaker.transitions[2] == Transition(140.0, HALF_OPEN, OPEN)


def test_a_late_result_from_before_the_trip_is_not_taken_for_a_probe() -> None:
    """A slow call admitted while CLOSED and answering in HALF_OPEN changes nothing."""
    clock = ManualClock(100.0)
    breaker = CircuitBreaker(CONFIG, clock)
    slow = breaker.try_acquire()
    assert slow is not None
    for _ in range(4):
        _outcome(breaker, failed=True)
    clock.set(130.0)
    breaker.record_success(slow)
    assert breaker.stale_results_total == 1
    assert breaker.state is HALF_OPEN
    assert breaker.try_acquire() is not None
    assert breaker.try_acquire() is not None  # both probe slots still free


def test_cancelled_probe_frees_its_slot() -> None:
    """A probe abandoned without an outcome gives its slot back to HALF_OPEN."""
    clock, breaker = _tripped_at_100()
    clock.set(130.0)
    probes = [breaker.try_acquire(), breaker.try_acquire()]
    assert breaker.try_acquire() is None
    abandoned = probes[0]
    assert isinstance(abandoned, Ticket)
    breaker.cancel(abandoned)
    assert breaker.try_acquire() is not None
    assert breaker.cancelled_total == 1


def test_call_wraps_a_function_and_raises_circuit_open_when_rejecting() -> None:
    """call(fn) returns fn's value, records fn's exceptions as failures, and raises CircuitOpen."""
    breaker = CircuitBreaker(CONFIG, ManualClock())
    assert breaker.call(lambda: 42) == 42

    def down() -> int:
        raise ConnectionError("carrier API down")

    for _ in range(3):
        with pytest.raises(ConnectionError):
            breaker.call(down)
    assert breaker.state is OPEN
    with pytest.raises(CircuitOpen):
        breaker.call(lambda: 42)
    assert (breaker.successes_total, breaker.failures_total, breaker.rejected_total) == (1, 3, 1)
    assert breaker.admitted_total == 4


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"failure_rate_threshold": 0.0}, "failure_rate_threshold"),
        ({"failure_rate_threshold": 1.5}, "failure_rate_threshold"),
        ({"window_size": 0}, "window_size"),
        ({"window_size": 5, "minimum_calls": 6}, "minimum_calls"),
        ({"half_open_probes": 0}, "half_open_probes"),
        ({"open_duration_s": 0.0}, "open_duration_s"),
        ({"open_duration_s": float("inf")}, "open_duration_s"),
    ],
)
def test_invalid_config_is_refused_naming_the_field(fields: dict[str, object], named: str) -> None:
    """A bad breaker parameter raises ValueError whose message names the field."""
    with pytest.raises(ValueError, match=named):
        CircuitBreakerConfig(**fields)  # type: ignore[arg-type]
