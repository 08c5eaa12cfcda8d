"""Same seed, same story: a noisy run replays identically; waiting on an execution works."""

from __future__ import annotations

import numpy as np
import simpy

from orchestration.middleware import (
    ExecutionStatus,
    FunctionNode,
    HopBehaviour,
    N8nInstance,
    NodeSettings,
    QueueMode,
    ResponseMode,
    WebhookRequest,
    WebhookTrigger,
    Workflow,
    p95,
)


def _noisy_run(seed: int):
    env = simpy.Environment()
    rng = np.random.default_rng(seed)
    instance = N8nInstance(env, rng, mode=QueueMode(workers=2, concurrency=2))
    api = HopBehaviour(latency_s_median=0.3, latency_s_p95=2.0, failure_rate=0.2)
    caller = HopBehaviour(
        latency_s_median=0.05, latency_s_p95=0.2, failure_rate=0.05, duplicate_rate=0.1
    )
    node = FunctionNode("Carrier API", lambda item: item, api, NodeSettings(retry_on_fail=True))
    trigger = WebhookTrigger("orders", "POST", response_mode=ResponseMode.LAST_NODE)
    instance.add_workflow(Workflow("wf", "Orders", (node,), active=True, trigger=trigger))
    responses = []

    def caller_process():
        for n in range(200):
            yield env.timeout(float(rng.exponential(1 / 3600)))
            request = WebhookRequest("orders", "POST", body={"n": n}, delivery_id=f"d-{n}")
            responses.append(instance.deliver_webhook(request, caller))

    env.process(caller_process())
    env.run()
    statuses = [(ex.id, ex.status, ex.delivery_id) for ex in instance.executions]
    answers = [(r.value.status, r.value.latency_s) for r in responses]
    return statuses, answers, instance.metrics


def test_a_seeded_noisy_run_is_reproducible_and_sums_up():
    first, second = _noisy_run(5), _noisy_run(5)
    assert first[0] == second[0]
    assert first[1] == second[1]
    statuses, answers, metrics = first
    counters = metrics.counters("wf")
    assert counters.executions == len(statuses)
    assert counters.successes + counters.errors == counters.executions
    assert counters.retries > 0
    assert metrics.duplicate_deliveries > 0
    assert {status for status, _ in answers} <= {0, 200, 500}
    assert p95(metrics.webhook_latency_s) is not None
    assert _noisy_run(6)[1] != first[1]


def test_completion_fires_with_the_execution_even_after_it_finished():
    env = simpy.Environment()
    instance = N8nInstance(env, np.random.default_rng(1))
    instance.add_workflow(Workflow("wf", "Quick", (FunctionNode("Id", lambda item: item),)))
    execution = instance.start("wf", {"x": 1})
    live = instance.completion(execution.id)
    env.run()
    assert live.value is execution
    late = instance.completion(execution.id)
    assert late.triggered
    assert late.value.status is ExecutionStatus.SUCCESS
    assert p95([]) is None
