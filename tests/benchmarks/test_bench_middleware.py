"""What one n8n execution and one work-desk task cost (issue 17, the middleware and back office).

Measured: ``pytest tests/benchmarks/test_bench_middleware.py --benchmark-enable -s`` runs
20,000 of each; the default run (``--benchmark-disable``) runs 2,000 as a smoke test. Each
case reports in ``extra_info`` its CPU microseconds and its Python function calls per item
(cProfile; deterministic, so it resolves on a shared machine what CPU time cannot).

- *n8n execution*: a one-Function-node workflow with Retry On Fail on an instant hop, queue
  mode (2 workers x 10), started every 3.6 simulated seconds, each completion observed.
- *desk task*: a desk of 10 people around the clock, lognormal handling, half the tasks with a
  pickup delay, a third excluding one person (segregation of duties), every 50th reminded and
  every 97th withdrawn.
"""

from __future__ import annotations

import cProfile
import pstats
import time
from collections.abc import Callable

import numpy as np
import simpy

from orchestration.backoffice.workdesk import WorkDesk
from orchestration.middleware import (
    FunctionNode,
    N8nInstance,
    NodeSettings,
    QueueMode,
    Workflow,
    WorkflowSettings,
)
from orchestration.middleware.nodes import ErrorTriggerNode
from sim.clock import WorkCalendar
from sim.kpis import KpiCollector


def n8n_executions(n: int) -> int:
    """Run ``n`` executions; returns how many succeeded."""
    env = simpy.Environment()
    n8n = N8nInstance(env, np.random.default_rng(1), mode=QueueMode(workers=2, concurrency=10))
    n8n.add_workflow(Workflow("wf-errors", "Errors", (ErrorTriggerNode(),)))
    retry = NodeSettings(retry_on_fail=True, max_tries=3, wait_between_tries_ms=1000)
    n8n.add_workflow(
        Workflow(
            "wf",
            "Push",
            (FunctionNode("push", lambda item: item, settings=retry),),
            settings=WorkflowSettings(error_workflow="wf-errors"),
        )
    )
    done: list[bool] = []

    def source():
        for i in range(n):
            ex = n8n.start("wf", i)
            n8n.completion(ex.id).callbacks.append(
                lambda e: done.append(e.value.status.value == "success")
            )
            yield env.timeout(0.001)

    env.process(source())
    env.run()
    return sum(done)


def desk_tasks(n: int) -> int:
    """Submit ``n`` tasks to a desk; returns how many were completed."""
    env = simpy.Environment()
    desk = WorkDesk(
        env, "desk", 10, WorkCalendar.always(), 0.0, 0.5, np.random.default_rng(0), KpiCollector()
    )
    gaps = np.random.default_rng(1).exponential(0.11, n)

    def source():
        for i in range(n):
            yield env.timeout(float(gaps[i]))
            task = desk.submit(
                lambda person, t: None,
                pickup_h=0.2 if i % 2 else 0.0,
                exclude=f"desk:{i % 10}" if i % 3 == 0 else None,
            )
            if i % 50 == 0:
                task.remind()
            if i % 97 == 0:
                task.cancel()

    env.process(source())
    env.run()
    return desk.completed


def _cost(case: Callable[[int], int], n: int) -> dict[str, float]:
    cpu = time.process_time()
    out = case(n)
    cpu = time.process_time() - cpu
    profile = cProfile.Profile()
    profile.enable()
    case(n)
    profile.disable()
    calls = pstats.Stats(profile).total_calls
    return {
        "items": n,
        "result": out,
        "cpu_us_per_item": 1e6 * cpu / n,
        "calls_per_item": calls / n,
    }


def test_n8n_execution_cost(benchmark):
    n = 2_000 if benchmark.disabled else 20_000
    cost = benchmark.pedantic(lambda: _cost(n8n_executions, n), rounds=1, iterations=1)
    benchmark.extra_info.update(cost)
    print(f"\nn8n execution: {cost}")
    assert cost["result"] == n  # an instant hop that never fails: every execution succeeds


def test_desk_task_cost(benchmark):
    n = 2_000 if benchmark.disabled else 20_000
    cost = benchmark.pedantic(lambda: _cost(desk_tasks, n), rounds=1, iterations=1)
    benchmark.extra_info.update(cost)
    print(f"\ndesk task: {cost}")
    withdrawn = len(range(0, n, 97))
    # a withdrawal takes only while the task is unstarted: at most every 97th is lost
    assert n - withdrawn <= cost["result"] < n
