"""Retry On Fail: n8n's clamping of maxTries and waitBetweenTries, and fixed waits on the clock."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from orchestration.middleware import (
    ExecutionStatus,
    FunctionNode,
    N8nInstance,
    NodeSettings,
    OnError,
    Workflow,
    effective_max_tries,
    effective_wait_ms,
    h_to_s,
)


def test_max_tries_below_two_is_clamped_to_two_and_above_five_to_five():
    """maxTries 1 becomes 2, 9 becomes 5, a missing or zero maxTries becomes 3."""
    assert effective_max_tries(True, 1) == 2
    assert effective_max_tries(True, 9) == 5
    assert effective_max_tries(True, None) == 3
    assert effective_max_tries(True, 0) == 3
    assert effective_max_tries(True, 4) == 4


def test_without_retry_on_fail_a_node_is_tried_once_whatever_max_tries_says():
    assert effective_max_tries(False, 5) == 1
    assert NodeSettings(max_tries=5).tries == 1


def test_wait_between_tries_zero_becomes_1000_ms_and_9000_becomes_5000_ms():
    """`waitBetweenTries || 1000`: 0 is falsy so it becomes 1000 ms; the cap is 5000 ms."""
    assert effective_wait_ms(0) == 1000.0
    assert effective_wait_ms(None) == 1000.0
    assert effective_wait_ms(9000) == 5000.0
    assert effective_wait_ms(250) == 250.0
    assert effective_wait_ms(-10) == 0.0


@given(st.one_of(st.none(), st.integers(min_value=-1000, max_value=1000)))
def test_effective_max_tries_is_always_between_two_and_five(max_tries):
    """Whatever is stored, a retrying node makes 2 to 5 tries; in range it is kept as is."""
    tries = effective_max_tries(True, max_tries)
    assert 2 <= tries <= 5
    if max_tries is not None and 2 <= max_tries <= 5:
        assert tries == max_tries


@given(st.one_of(st.none(), st.floats(min_value=-1e6, max_value=1e6, allow_nan=False)))
def test_effective_wait_is_always_within_0_and_5000_ms(wait_ms):
    """The wait is in [0, 5000] ms, and a falsy value (0, missing) is exactly 1000 ms."""
    effective = effective_wait_ms(wait_ms)
    assert 0.0 <= effective <= 5000.0
    if not wait_ms:
        assert effective == 1000.0
    elif 0 < wait_ms <= 5000:
        assert effective == wait_ms


def test_n8n_json_keys_and_legacy_continue_on_fail_are_read():
    settings = NodeSettings.from_n8n(
        {"retryOnFail": True, "maxTries": 9, "waitBetweenTries": 0, "continueOnFail": True}
    )
    assert settings.tries == 5
    assert settings.wait_ms == 1000.0
    assert settings.on_error is OnError.CONTINUE_REGULAR_OUTPUT
    assert NodeSettings.from_n8n({}).on_error is OnError.STOP_WORKFLOW


def _always_failing_run(env, rng, settings):
    attempts: list[float] = []

    def flaky(item):
        attempts.append(env.now)
        raise RuntimeError("503 from carrier API")

    instance = N8nInstance(env, rng)
    instance.add_workflow(
        Workflow("wf", "Carrier booking", (FunctionNode("Book", flaky, settings=settings),))
    )
    execution = instance.start("wf", {"order": 1})
    env.run()
    return instance, execution, attempts


@pytest.mark.parametrize(
    ("stored_wait_ms", "expected_wait_s"), [(0, 1.0), (9000, 5.0), (None, 1.0), (2500, 2.5)]
)
def test_simulated_time_between_tries_equals_the_effective_wait(
    env, rng, stored_wait_ms, expected_wait_s
):
    """Fixed delay, no backoff: every gap between tries is exactly the clamped wait."""
    settings = NodeSettings(retry_on_fail=True, max_tries=4, wait_between_tries_ms=stored_wait_ms)
    _, execution, attempts = _always_failing_run(env, rng, settings)
    assert len(attempts) == 4
    gaps_s = [h_to_s(b - a) for a, b in itertools.pairwise(attempts)]
    assert gaps_s == pytest.approx([expected_wait_s] * 3, abs=1e-9)
    assert execution.status is ExecutionStatus.ERROR


def test_clamped_tries_are_what_the_engine_makes_and_retries_are_counted(env, rng):
    """maxTries 1 with retry on: 2 tries, 1 retry counted; maxTries 9: 5 tries."""
    instance, _, attempts = _always_failing_run(
        env, rng, NodeSettings(retry_on_fail=True, max_tries=1)
    )
    assert len(attempts) == 2
    assert instance.metrics.counters("wf").retries == 1

    env2 = type(env)()
    instance2, _, attempts2 = _always_failing_run(
        env2, rng, NodeSettings(retry_on_fail=True, max_tries=9)
    )
    assert len(attempts2) == 5
    assert instance2.metrics.counters("wf").retries == 4


def test_a_node_that_succeeds_on_the_second_try_lets_the_workflow_succeed(env, rng):
    calls = []

    def second_time_lucky(item):
        calls.append(env.now)
        if len(calls) == 1:
            raise RuntimeError("timeout")
        return {**item, "booked": True}

    instance = N8nInstance(env, rng)
    node = FunctionNode("Book", second_time_lucky, settings=NodeSettings(retry_on_fail=True))
    instance.add_workflow(Workflow("wf", "Booking", (node,)))
    execution = instance.start("wf", {"order": 7})
    env.run()
    assert execution.status is ExecutionStatus.SUCCESS
    assert execution.output_item == {"order": 7, "booked": True}
    assert h_to_s(execution.stopped_h - execution.started_h) == pytest.approx(1.0, abs=1e-9)
