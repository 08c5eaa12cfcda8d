"""Retry policy: the waits and attempt counts are exactly what the policy configures."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from orchestration.resilience import RetryPolicy, n8n_retry_policy

BACKOFF = RetryPolicy(
    initial_interval_s=1.0, backoff_coefficient=2.0, maximum_interval_s=10.0, maximum_attempts=6
)


def test_backoff_schedule_doubles_and_caps_at_the_maximum_interval() -> None:
    """Initial 1 s, coefficient 2, max 10 s, 6 attempts: waits of 1, 2, 4, 8, 10 seconds."""
    assert list(BACKOFF.delay_schedule()) == [1.0, 2.0, 4.0, 8.0, 10.0]
    assert [BACKOFF.delay_before_attempt(n) for n in range(2, 7)] == [1.0, 2.0, 4.0, 8.0, 10.0]


def test_first_attempt_is_immediate() -> None:
    """Attempt 1 is the original call and waits nothing."""
    assert BACKOFF.delay_before_attempt(1) == 0.0


def test_six_attempts_means_five_retries_then_stop() -> None:
    """maximum_attempts counts the first call: retry after attempts 1-5, give up after the 6th."""
    decisions = [BACKOFF.should_retry(attempt, "TimeoutError") for attempt in range(1, 8)]
    assert decisions == [True, True, True, True, True, False, False]


def test_zero_maximum_attempts_retries_forever_with_capped_waits() -> None:
    """maximum_attempts=0 is unlimited: the schedule never ends and every wait is capped."""
    policy = RetryPolicy(initial_interval_s=0.5, backoff_coefficient=3.0, maximum_interval_s=60.0)
    assert policy.should_retry(10_000, "TimeoutError")
    first_hundred = list(itertools.islice(policy.delay_schedule(), 100))
    assert first_hundred[:4] == [0.5, 1.5, 4.5, 13.5]
    assert first_hundred[-1] == 60.0
    assert len(first_hundred) == 100


def test_a_very_late_attempt_is_capped_instead_of_overflowing() -> None:
    """The raw exponential would overflow a float; the wait is simply the cap."""
    policy = RetryPolicy(backoff_coefficient=10.0, maximum_interval_s=300.0)
    assert policy.delay_before_attempt(5_000) == 300.0


def test_non_retryable_error_stops_at_the_first_attempt() -> None:
    """An error type listed as non-retryable is never retried, whatever attempts remain."""
    policy = RetryPolicy(maximum_attempts=0, non_retryable_error_types=("ValidationError",))
    assert not policy.should_retry(1, "ValidationError")
    assert policy.should_retry(1, "TimeoutError")


def test_coefficient_one_gives_fixed_waits() -> None:
    """A backoff coefficient of 1 waits the initial interval every time."""
    policy = RetryPolicy(initial_interval_s=2.0, backoff_coefficient=1.0, maximum_attempts=4)
    assert list(policy.delay_schedule()) == [2.0, 2.0, 2.0]


@pytest.mark.parametrize(
    ("fields", "named"),
    [
        ({"initial_interval_s": -1.0}, "initial_interval_s"),
        ({"initial_interval_s": math.nan}, "initial_interval_s"),
        ({"backoff_coefficient": 0.5}, "backoff_coefficient"),
        ({"initial_interval_s": 5.0, "maximum_interval_s": 4.0}, "maximum_interval_s"),
        ({"maximum_interval_s": math.inf}, "maximum_interval_s"),
        ({"maximum_attempts": -1}, "maximum_attempts"),
        ({"maximum_attempts": 2.5}, "maximum_attempts"),
        ({"non_retryable_error_types": "ValueError"}, "non_retryable_error_types"),
        ({"non_retryable_error_types": ("",)}, "non_retryable_error_types"),
        ({"jitter": 1.5}, "jitter"),
        ({"jitter": -0.1}, "jitter"),
    ],
)
def test_invalid_policy_is_refused_naming_the_field(fields: dict[str, object], named: str) -> None:
    """A bad value raises ValueError whose message names the offending field."""
    with pytest.raises(ValueError, match=named):
        RetryPolicy(**fields)  # type: ignore[arg-type]


def test_attempt_numbers_start_at_one() -> None:
    """Attempt 0 does not exist."""
    with pytest.raises(ValueError, match="attempt"):
        BACKOFF.should_retry(0, "TimeoutError")
    with pytest.raises(ValueError, match="attempt"):
        BACKOFF.delay_before_attempt(0)


def test_jitter_needs_an_explicit_generator() -> None:
    """With jitter on, a wait cannot be drawn without a numpy Generator (no global random)."""
    policy = RetryPolicy(jitter=0.2)
    with pytest.raises(ValueError, match="rng"):
        policy.delay_before_attempt(2)


def test_jitter_spreads_waits_within_bounds_reproducibly() -> None:
    """Jittered waits stay within +-jitter of the exact wait, under the cap, and repeat per seed."""
    policy = RetryPolicy(
        initial_interval_s=4.0, backoff_coefficient=2.0, maximum_interval_s=20.0, jitter=0.25
    )
    draws = [policy.delay_before_attempt(3, np.random.default_rng(seed)) for seed in range(200)]
    assert all(6.0 <= d <= 10.0 for d in draws)
    assert len(set(draws)) > 150
    capped = [policy.delay_before_attempt(9, np.random.default_rng(s)) for s in range(50)]
    assert all(15.0 <= d <= 20.0 for d in capped)
    again = [policy.delay_before_attempt(3, np.random.default_rng(seed)) for seed in range(200)]
    assert draws == again


@given(
    initial=st.floats(min_value=0.0, max_value=1_000.0),
    coefficient=st.floats(min_value=1.0, max_value=10.0),
    cap_factor=st.floats(min_value=1.0, max_value=1_000.0),
    attempts=st.integers(min_value=1, max_value=60),
)
def test_schedule_is_non_decreasing_capped_and_as_long_as_the_retries(
    initial: float, coefficient: float, cap_factor: float, attempts: int
) -> None:
    """For any policy: maximum_attempts - 1 waits, never decreasing, none above the cap."""
    cap = initial * cap_factor
    policy = RetryPolicy(
        initial_interval_s=initial,
        backoff_coefficient=coefficient,
        maximum_interval_s=cap,
        maximum_attempts=attempts,
    )
    schedule = list(policy.delay_schedule())
    assert len(schedule) == attempts - 1
    assert all(a <= b for a, b in itertools.pairwise(schedule))
    assert all(0.0 <= d <= cap for d in schedule)
    if schedule:
        assert schedule[0] == initial


def test_n8n_defaults_are_three_tries_one_second_apart() -> None:
    """n8n Retry On Fail with default settings: 3 tries, fixed 1 s waits."""
    policy = n8n_retry_policy()
    assert policy.maximum_attempts == 3
    assert list(policy.delay_schedule()) == [1.0, 1.0]


@pytest.mark.parametrize(
    ("tries", "wait_ms", "expected_tries", "expected_wait_s"),
    [
        (10, 9_000, 5, 5.0),  # clamped to 5 tries and 5000 ms
        (1, 300, 2, 0.3),  # at least 2 tries
        (0, 0, 3, 1.0),  # JavaScript `||`: 0 tries -> 3, 0 ms -> 1000 ms
        (None, None, 3, 1.0),
        (4, -20, 4, 0.0),  # a negative wait is truthy in JS and clamps to 0
    ],
)
def test_n8n_engine_clamps_node_settings(
    tries: int | None, wait_ms: float | None, expected_tries: int, expected_wait_s: float
) -> None:
    """The engine clamps tries to [2, 5] and the wait to [0, 5000] ms, with `||` defaults."""
    policy = n8n_retry_policy(tries, wait_ms)
    assert policy.maximum_attempts == expected_tries
    assert list(policy.delay_schedule()) == [expected_wait_s] * (expected_tries - 1)


def test_n8n_without_retry_on_fail_tries_once() -> None:
    """Retry On Fail off: a single try."""
    policy = n8n_retry_policy(retry_on_fail=False)
    assert not policy.should_retry(1, "Error")
    assert list(policy.delay_schedule()) == []
