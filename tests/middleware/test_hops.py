"""Hop behaviour: outage windows, failures, duplicates and lognormal latency, all on an
explicitly passed random stream."""

from __future__ import annotations

import numpy as np
import pytest

from orchestration.middleware import (
    ExecutionStatus,
    FunctionNode,
    HopBehaviour,
    HopConnectionError,
    HopFailure,
    HopOutcome,
    N8nInstance,
    Workflow,
    s_to_h,
    traverse,
)


def test_outage_windows_fail_every_call_inside_and_none_outside(env, rng):
    """Calls every 6 min for 10 h across windows [2, 3) and [5.5, 6): exactly those inside fail."""
    hop = HopBehaviour(latency_s_median=0.1, latency_s_p95=0.3, outages=((2.0, 3.0), (5.5, 6.0)))
    outcomes: list[tuple[float, str]] = []

    def caller():
        for step in range(100):
            start_h = step * 0.1
            yield env.timeout(start_h - env.now)
            try:
                yield from traverse(env, hop, rng, lambda: "ok")
                outcomes.append((start_h, "ok"))
            except HopConnectionError:
                outcomes.append((start_h, "outage"))

    env.process(caller())
    env.run()
    assert len(outcomes) == 100
    for start_h, outcome in outcomes:
        inside = 2.0 <= start_h < 3.0 or 5.5 <= start_h < 6.0
        assert outcome == ("outage" if inside else "ok"), start_h
    assert sum(outcome == "outage" for _, outcome in outcomes) == 15


def test_a_node_calling_an_api_during_an_outage_fails_the_execution(env, rng):
    hop = HopBehaviour(outages=((0.0, s_to_h(60)),))
    instance = N8nInstance(env, rng)
    instance.add_workflow(Workflow("wf", "Carrier", (FunctionNode("Book", lambda i: i, hop),)))
    inside = instance.start("wf", {})
    env.run(until=s_to_h(120))
    outside = instance.start("wf", {})
    env.run()
    assert inside.status is ExecutionStatus.ERROR
    assert "ECONNREFUSED" in inside.error.message
    assert outside.status is ExecutionStatus.SUCCESS


def test_failures_happen_at_the_configured_rate_and_never_reach_the_target(env):
    rng = np.random.default_rng(7)
    hop = HopBehaviour(failure_rate=0.2)
    delivered: list[int] = []
    failures = 0

    def caller():
        nonlocal failures
        for n in range(5000):
            try:
                yield from traverse(env, hop, rng, lambda n=n: delivered.append(n))
            except HopFailure:
                failures += 1

    env.process(caller())
    env.run()
    assert failures + len(delivered) == 5000
    assert failures / 5000 == pytest.approx(0.2, abs=0.02)


def test_a_duplicated_call_is_delivered_twice_with_the_same_payload(env, rng):
    hop = HopBehaviour(duplicate_rate=1.0)
    received: list[dict] = []
    payload = {"delivery_id": "d-1", "sku": "A"}
    process = env.process(traverse(env, hop, rng, lambda: received.append(payload) or "ack"))
    env.run()
    assert process.value == "ack"
    assert received == [payload, payload]


def test_latency_median_and_p95_match_the_lognormal_parameters():
    hop = HopBehaviour(latency_s_median=0.05, latency_s_p95=0.4)
    rng = np.random.default_rng(11)
    latencies = np.array([hop.sample(rng, 0.0).latency_s for _ in range(20_000)])
    assert np.median(latencies) == pytest.approx(0.05, rel=0.05)
    assert np.percentile(latencies, 95) == pytest.approx(0.4, rel=0.08)


def test_sampling_is_reproducible_and_uses_three_draws_even_in_an_outage():
    """Same seed, same draws; an outage does not shift the stream for the calls that follow."""
    calm = HopBehaviour(latency_s_median=1.0, latency_s_p95=2.0, failure_rate=0.3)
    stormy = HopBehaviour(
        latency_s_median=1.0, latency_s_p95=2.0, failure_rate=0.3, outages=((0.0, 1.0),)
    )
    a, b = np.random.default_rng(3), np.random.default_rng(3)
    assert calm.sample(a, 0.5).outcome is not HopOutcome.OUTAGE
    assert stormy.sample(b, 0.5).outcome is HopOutcome.OUTAGE
    assert [calm.sample(a, 2.0) for _ in range(20)] == [stormy.sample(b, 2.0) for _ in range(20)]


def test_invalid_behaviour_is_refused():
    with pytest.raises(ValueError, match="start < end"):
        HopBehaviour(outages=((3.0, 2.0),))
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        HopBehaviour(failure_rate=1.5)
    with pytest.raises(ValueError, match="p95"):
        HopBehaviour(latency_s_median=1.0, latency_s_p95=0.5)
