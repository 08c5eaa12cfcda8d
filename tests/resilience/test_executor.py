"""Resilient call in SimPy: retries on simulated time, breaker, bulkhead, DLQ, idempotency."""

from __future__ import annotations

import itertools
from collections.abc import Generator
from typing import Any

import numpy as np
import pytest
import simpy
from hypothesis import given, settings
from hypothesis import strategies as st

from orchestration.resilience import (
    SECONDS_PER_HOUR,
    BreakerState,
    Bulkhead,
    CircuitBreaker,
    CircuitBreakerConfig,
    DeadLetterQueue,
    IdempotencyStore,
    Outcome,
    RetryPolicy,
    SimBulkhead,
    call_with_resilience,
    hours_to_seconds,
    seconds_to_hours,
    sim_clock_s,
)

BACKOFF = RetryPolicy(
    initial_interval_s=1.0, backoff_coefficient=2.0, maximum_interval_s=10.0, maximum_attempts=6
)


class Hop:
    """A scripted downstream call: fails with the given errors in turn, then returns ``value``."""

    def __init__(self, env: simpy.Environment, errors: list[Exception], value: object = "ok"):
        self.env = env
        self.errors = list(errors)
        self.value = value
        self.call_times_s: list[float] = []

    def __call__(self) -> object:
        self.call_times_s.append(hours_to_seconds(self.env.now))
        if self.errors:
            raise self.errors.pop(0)
        return self.value


def run(env: simpy.Environment, gen: Generator[simpy.Event, Any, Outcome[Any]]) -> Outcome[Any]:
    """Run ``gen`` as a SimPy process to the end and return its outcome."""
    proc = env.process(gen)
    env.run()
    outcome = proc.value
    assert isinstance(outcome, Outcome)
    return outcome


def test_simpy_time_unit_is_the_hour() -> None:
    """One simulated hour is 3600 simulated seconds; the conversion lives in one place."""
    assert SECONDS_PER_HOUR == 3600.0
    assert seconds_to_hours(5_400.0) == 1.5
    env = simpy.Environment(initial_time=2.0)
    assert sim_clock_s(env)() == 7_200.0


def test_exhausted_retries_wait_the_policy_delays_then_dead_letter() -> None:
    """Always failing under initial 1 s, x2, max 10 s, 6 attempts: exactly 6 calls, at 0, 1, 3,
    7, 15 and 25 s; 25 s of simulated time in waits; the failure is dead-lettered."""
    env = simpy.Environment()
    hop = Hop(env, [TimeoutError("carrier API")] * 100)
    dlq: DeadLetterQueue[Any] = DeadLetterQueue(sim_clock_s(env))
    outcome = run(env, call_with_resilience(env, hop, BACKOFF, dlq=dlq, dead_letter_item="PO-1"))
    assert len(hop.call_times_s) == 6
    assert hop.call_times_s == pytest.approx([0.0, 1.0, 3.0, 7.0, 15.0, 25.0], abs=1e-9)
    assert outcome == Outcome(
        ok=False,
        value=None,
        attempts=6,
        error="TimeoutError",
        dead_lettered=True,
        total_delay_s=25.0,
    )
    assert outcome.retries == 5
    assert env.now == pytest.approx(seconds_to_hours(25.0), rel=1e-12)
    (letter,) = dlq.letters
    assert (letter.item, letter.reason, letter.attempts) == ("PO-1", "TimeoutError", 6)
    assert letter.time_s == pytest.approx(25.0)


def test_success_after_transient_failures_returns_the_value() -> None:
    """Two failures then success: 3 attempts, 1 + 2 = 3 s of waiting, nothing dead-lettered."""
    env = simpy.Environment()
    hop = Hop(env, [ConnectionError(), ConnectionError()], value={"po": 17})
    dlq: DeadLetterQueue[Any] = DeadLetterQueue(sim_clock_s(env))
    outcome = run(env, call_with_resilience(env, hop, BACKOFF, dlq=dlq))
    assert (outcome.ok, outcome.value, outcome.attempts, outcome.error) == (
        True,
        {"po": 17},
        3,
        None,
    )
    assert outcome.total_delay_s == 3.0
    assert hours_to_seconds(env.now) == pytest.approx(3.0)
    assert len(dlq) == 0


def test_non_retryable_error_is_dead_lettered_after_one_attempt() -> None:
    """A business error listed as non-retryable is not retried and costs no waiting."""
    env = simpy.Environment()
    policy = RetryPolicy(maximum_attempts=5, non_retryable_error_types=("ValidationError",))

    class ValidationError(Exception):
        pass

    hop = Hop(env, [ValidationError("price below margin floor")])
    dlq: DeadLetterQueue[Any] = DeadLetterQueue(sim_clock_s(env))
    outcome = run(env, call_with_resilience(env, hop, policy, dlq=dlq))
    assert len(hop.call_times_s) == 1
    assert (outcome.attempts, outcome.error, outcome.dead_lettered) == (1, "ValidationError", True)
    assert outcome.total_delay_s == 0.0
    assert env.now == 0.0
    assert dlq.letters[0].item is hop


def test_without_a_dlq_a_failure_is_reported_but_not_dead_lettered() -> None:
    """No dead-letter queue: the outcome says failed, dead_lettered False."""
    env = simpy.Environment()
    policy = RetryPolicy(maximum_attempts=2, initial_interval_s=4.0, maximum_interval_s=4.0)
    outcome = run(env, call_with_resilience(env, Hop(env, [OSError()] * 2), policy))
    assert (outcome.ok, outcome.dead_lettered, outcome.attempts) == (False, False, 2)
    assert outcome.total_delay_s == 4.0


def test_breaker_rejections_count_as_circuit_open_attempts() -> None:
    """Fail, fail (breaker opens at 1 s for 5 s), rejected at 3 s without calling the hop,
    probe at 7 s succeeds and closes the breaker: 4 attempts, 3 hop calls, 7 s of waits."""
    env = simpy.Environment()
    config = CircuitBreakerConfig(
        failure_rate_threshold=1.0,
        window_size=2,
        minimum_calls=2,
        open_duration_s=5.0,
        half_open_probes=1,
    )
    breaker = CircuitBreaker(config, sim_clock_s(env))
    hop = Hop(env, [ConnectionError(), ConnectionError()], value="shipped")
    outcome = run(env, call_with_resilience(env, hop, BACKOFF, breaker=breaker))
    assert (outcome.ok, outcome.value, outcome.attempts) == (True, "shipped", 4)
    assert outcome.total_delay_s == 1.0 + 2.0 + 4.0
    assert hop.call_times_s == pytest.approx([0.0, 1.0, 7.0])
    assert breaker.rejected_total == 1
    assert breaker.state is BreakerState.CLOSED
    closed, opened, half_open = BreakerState.CLOSED, BreakerState.OPEN, BreakerState.HALF_OPEN
    assert [(t.from_state, t.to_state) for t in breaker.transitions] == [
        (closed, opened),
        (opened, half_open),
        (half_open, closed),
    ]
    assert [t.time_s for t in breaker.transitions] == pytest.approx([1.0, 6.0, 7.0])


def test_circuit_open_can_be_made_non_retryable_to_fail_fast() -> None:
    """With CircuitOpen non-retryable, an open breaker fails the call at once, hop untouched."""
    env = simpy.Environment()
    config = CircuitBreakerConfig(window_size=1, minimum_calls=1, open_duration_s=60.0)
    breaker = CircuitBreaker(config, sim_clock_s(env))
    ticket = breaker.try_acquire()
    assert ticket is not None
    breaker.record_failure(ticket)
    hop = Hop(env, [])
    policy = RetryPolicy(maximum_attempts=3, non_retryable_error_types=("CircuitOpen",))
    outcome = run(env, call_with_resilience(env, hop, policy, breaker=breaker))
    assert (outcome.ok, outcome.error, outcome.attempts) == (False, "CircuitOpen", 1)
    assert hop.call_times_s == []


def test_a_duplicate_key_is_answered_from_the_store_without_calling() -> None:
    """The second call with the same idempotency key returns the first result; the hop runs once."""
    env = simpy.Environment()
    store: IdempotencyStore[Any] = IdempotencyStore()
    hop = Hop(env, [], value="PO-0001")
    results: list[Outcome[Any]] = []

    def twice() -> Generator[simpy.Event, Any, None]:
        for _ in range(2):
            outcome = yield from call_with_resilience(
                env, hop, BACKOFF, idempotency_key="need-42", store=store
            )
            results.append(outcome)

    env.process(twice())
    env.run()
    assert len(hop.call_times_s) == 1
    assert [(r.ok, r.value, r.attempts, r.duplicate) for r in results] == [
        (True, "PO-0001", 1, False),
        (True, "PO-0001", 0, True),
    ]
    assert store.duplicates_suppressed_total == 1


def test_a_failed_call_leaves_its_key_free_for_a_later_try() -> None:
    """Nothing is recorded under the key when every attempt failed."""
    env = simpy.Environment()
    store: IdempotencyStore[Any] = IdempotencyStore()
    policy = RetryPolicy(maximum_attempts=1)
    outcome = run(
        env,
        call_with_resilience(env, Hop(env, [OSError()]), policy, idempotency_key="k", store=store),
    )
    assert not outcome.ok
    assert "k" not in store


def test_key_and_store_go_together() -> None:
    """An idempotency key without a store (or the reverse) is a configuration error."""
    env = simpy.Environment()
    with pytest.raises(ValueError, match="idempotency_key"):
        run(env, call_with_resilience(env, Hop(env, []), BACKOFF, idempotency_key="k"))


def test_a_full_bulkhead_fails_the_attempt_as_bulkhead_full() -> None:
    """With the only slot held elsewhere, every attempt is rejected with BulkheadFull."""
    env = simpy.Environment()
    bulkhead = Bulkhead(max_concurrent=1)
    assert bulkhead.try_acquire()
    policy = RetryPolicy(maximum_attempts=3, initial_interval_s=1.0, maximum_interval_s=1.0)
    hop = Hop(env, [])
    outcome = run(env, call_with_resilience(env, hop, policy, bulkhead=bulkhead))
    assert (outcome.ok, outcome.error, outcome.attempts) == (False, "BulkheadFull", 3)
    assert hop.call_times_s == []
    assert bulkhead.rejected_total == 3
    assert bulkhead.in_use == 1  # the outside holder's slot, untouched


def test_a_bulkhead_slot_is_held_for_the_attempt_only() -> None:
    """After a successful call through a bulkhead, its slot is free again."""
    env = simpy.Environment()
    bulkhead = Bulkhead(max_concurrent=1)
    outcome = run(env, call_with_resilience(env, Hop(env, [OSError()]), BACKOFF, bulkhead=bulkhead))
    assert outcome.ok
    assert (bulkhead.in_use, bulkhead.admitted_total) == (0, 2)


def test_a_hop_with_latency_holds_a_sim_bulkhead_slot_while_in_flight() -> None:
    """Two 0.5 h calls through one SimPy slot: the second waits its turn and ends at 1 h.
    Waiting in line is not a retry delay."""
    env = simpy.Environment()
    bulkhead = SimBulkhead(env, max_concurrent=1)
    ended: list[float] = []

    def slow_hop() -> Generator[simpy.Event, Any, str]:
        yield env.timeout(0.5)
        return "done"

    def caller() -> Generator[simpy.Event, Any, None]:
        outcome = yield from call_with_resilience(env, slow_hop, BACKOFF, bulkhead=bulkhead)
        assert (outcome.ok, outcome.value, outcome.total_delay_s) == (True, "done", 0.0)
        ended.append(env.now)

    env.process(caller())
    env.process(caller())
    env.run()
    assert ended == [0.5, 1.0]
    assert bulkhead.wait_total_h == 0.5


def test_an_interrupt_is_not_a_hop_failure_and_frees_the_slot() -> None:
    """Interrupting a caller mid-call propagates the interrupt and releases the bulkhead slot."""
    env = simpy.Environment()
    bulkhead = Bulkhead(max_concurrent=1)
    seen: list[str] = []

    def slow_hop() -> Generator[simpy.Event, Any, str]:
        yield env.timeout(2.0)
        return "never"

    def caller() -> Generator[simpy.Event, Any, None]:
        try:
            yield from call_with_resilience(env, slow_hop, BACKOFF, bulkhead=bulkhead)
        except simpy.Interrupt as interrupt:
            seen.append(str(interrupt.cause))

    proc = env.process(caller())

    def interrupter() -> Generator[simpy.Event, Any, None]:
        yield env.timeout(1.0)
        proc.interrupt("cancelled")

    env.process(interrupter())
    env.run()
    assert seen == ["cancelled"]
    assert bulkhead.in_use == 0


def test_jittered_waits_come_from_the_given_generator() -> None:
    """With jitter, the waits are the policy's draws from the passed Generator, reproducibly."""
    policy = RetryPolicy(
        initial_interval_s=1.0,
        backoff_coefficient=2.0,
        maximum_interval_s=10.0,
        maximum_attempts=4,
        jitter=0.5,
    )
    expected_rng = np.random.default_rng(7)
    expected = sum(policy.delay_before_attempt(n, expected_rng) for n in (2, 3, 4))
    env = simpy.Environment()
    rng = np.random.default_rng(7)
    outcome = run(env, call_with_resilience(env, Hop(env, [OSError()] * 9), policy, rng=rng))
    assert outcome.total_delay_s == expected
    assert outcome.total_delay_s != 1.0 + 2.0 + 4.0
    assert hours_to_seconds(env.now) == pytest.approx(expected)


def test_jitter_without_a_generator_is_refused() -> None:
    """A jittered retry cannot silently fall back to global randomness."""
    env = simpy.Environment()
    policy = RetryPolicy(maximum_attempts=2, jitter=0.1)
    with pytest.raises(ValueError, match="rng"):
        run(env, call_with_resilience(env, Hop(env, [OSError()]), policy))


@settings(max_examples=60, deadline=None)
@given(
    initial=st.floats(min_value=0.0, max_value=600.0),
    coefficient=st.floats(min_value=1.0, max_value=4.0),
    cap_factor=st.floats(min_value=1.0, max_value=100.0),
    attempts=st.integers(min_value=1, max_value=12),
    failures=st.integers(min_value=0, max_value=15),
)
def test_elapsed_simulated_time_equals_the_sum_of_policy_delays(
    initial: float, coefficient: float, cap_factor: float, attempts: int, failures: int
) -> None:
    """For any policy and any number of failures: calls = min(failures + 1, attempts), and the
    simulated time elapsed equals the sum of the policy's first (calls - 1) delays."""
    policy = RetryPolicy(
        initial_interval_s=initial,
        backoff_coefficient=coefficient,
        maximum_interval_s=initial * cap_factor,
        maximum_attempts=attempts,
    )
    env = simpy.Environment()
    hop = Hop(env, [TimeoutError()] * failures)
    outcome = run(env, call_with_resilience(env, hop, policy))
    calls = min(failures + 1, attempts)
    expected_s = sum(itertools.islice(policy.delay_schedule(), calls - 1))
    assert len(hop.call_times_s) == outcome.attempts == calls
    assert outcome.ok is (failures < attempts)
    assert outcome.total_delay_s == pytest.approx(expected_s)
    assert hours_to_seconds(env.now) == pytest.approx(expected_s, rel=1e-9, abs=1e-9)
