"""A straight execution (callbacks, `quick.py`) is the process execution (`_Run`) minus the process.

The same workload — executions queueing for few slots, a lossy and slow hop, Retry On Fail, a
node that raises, the error workflow, worker faults — runs once with straight executions and
once with every execution forced onto `_Run`'s process. Records, metrics, draws and the order
of everything that happens at one instant (node effects against an outside process's steps)
must be identical.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pytest
import simpy

from orchestration.middleware import (
    FunctionNode,
    N8nInstance,
    NodeSettings,
    QueueMode,
    Workflow,
    WorkflowSettings,
)
from orchestration.middleware import instance as instance_module
from orchestration.middleware.hops import HopBehaviour
from orchestration.middleware.nodes import ErrorTriggerNode, OnError, WaitNode
from orchestration.middleware.quick import StraightRun, runs_straight


class _Faults:
    """A worker that fails some attempts before the node and crashes after some effects."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng

    def before(self, execution: Any, node_name: str) -> bool:
        return bool(self.rng.random() < 0.1)

    def after(self, execution: Any, node_name: str) -> bool:
        return bool(self.rng.random() < 0.1)


def _simulate(straight: bool, monkeypatch: pytest.MonkeyPatch) -> dict[str, Any]:
    if not straight:
        monkeypatch.setattr(instance_module, "compile_plan", lambda workflow, counters: None)
    env = simpy.Environment()
    n8n = N8nInstance(env, np.random.default_rng(7), mode=QueueMode(workers=2, concurrency=2))
    n8n.node_fault = _Faults(np.random.default_rng(3))
    trace: list[tuple[float, str, Any]] = []

    def effect(label: str):
        def fn(item: Any) -> Any:
            trace.append((env.now, label, item))
            if label == "flaky" and item % 4 == 0:
                raise RuntimeError(f"refused {item}")
            return item

        return fn

    retry = NodeSettings(retry_on_fail=True, max_tries=3, wait_between_tries_ms=500)
    lossy = HopBehaviour(latency_s_median=2.0, latency_s_p95=9.0, failure_rate=0.2)
    on_errors = WorkflowSettings(error_workflow="wf-errors")
    n8n.add_workflow(Workflow("wf-errors", "Errors", (ErrorTriggerNode(),)))
    n8n.add_workflow(
        Workflow(
            "wf-a",
            "Two nodes",
            (
                FunctionNode("send", effect("send"), hop=lossy, settings=retry),
                FunctionNode("flaky", effect("flaky"), settings=retry),
            ),
            settings=on_errors,
        )
    )
    n8n.add_workflow(
        Workflow(
            "wf-b",
            "Carry on",
            (
                FunctionNode(
                    "flaky",
                    effect("flaky"),
                    settings=NodeSettings(on_error=OnError.CONTINUE_REGULAR_OUTPUT),
                ),
                FunctionNode(
                    "last",
                    effect("last"),
                    settings=NodeSettings(on_error=OnError.CONTINUE_ERROR_OUTPUT),
                ),
            ),
        )
    )

    def outside():  # another process stepping at the same instants as the executions
        for step in range(60):
            trace.append((env.now, "outside", step))
            if step % 4 == 0:  # an execution started between the others' events
                n8n.start("wf-b", 1000 + step)
                env.timeout(0.0).callbacks.append(
                    lambda e, s=step: trace.append((env.now, "t0", s))
                )
            yield env.timeout(0.0005 if step % 3 else 0.0)

    def load():
        for i in range(40):
            ex = n8n.start("wf-a" if i % 3 else "wf-b", i)
            n8n.completion(ex.id).callbacks.append(
                lambda e: trace.append((env.now, "done", e.value.id))
            )
            if i % 5 == 0:
                yield env.timeout(0.001)

    env.process(outside())
    env.process(load())
    env.run()
    records = [
        (
            ex.id,
            ex.workflow_id,
            ex.mode.value,
            ex.status.value,
            ex.created_h,
            ex.started_h,
            ex.stopped_h,
            ex.worker,
            ex.last_node_executed,
            ex.output_item,
            None if ex.error is None else (ex.error.message, ex.error.node),
        )
        for ex in n8n.executions
    ]
    return {
        "records": records,
        "trace": trace,
        "counters": {
            k: vars(v) if hasattr(v, "__dict__") else repr(v)
            for k, v in n8n.metrics.by_workflow.items()
        },
        "latency": n8n.metrics.execution_latency_s,
        "queue_depth_max": n8n.metrics.queue_depth_max,
        "next_draw": n8n.rng.random(),
    }


def test_straight_executions_equal_process_executions(monkeypatch: pytest.MonkeyPatch) -> None:
    straight = _simulate(True, monkeypatch)
    process = _simulate(False, monkeypatch)
    assert straight["queue_depth_max"] > 0  # executions did queue for a slot
    statuses = {r[3] for r in straight["records"]}
    assert {"success", "error"} <= statuses
    assert any(r[1] == "wf-errors" for r in straight["records"])  # the error workflow ran
    assert straight == process


def test_only_linear_function_workflows_run_straight() -> None:
    assert runs_straight(Workflow("a", "A", (FunctionNode("f", lambda x: x),)))
    assert runs_straight(Workflow("e", "E", (ErrorTriggerNode(),)))
    assert not runs_straight(Workflow("w", "W", (WaitNode("wait", 5.0),)))
    timed = WorkflowSettings(execution_timeout_s=30.0)
    assert not runs_straight(Workflow("t", "T", (FunctionNode("f", lambda x: x),), settings=timed))
    branch = FunctionNode("f", lambda x: x, error_output=(FunctionNode("g", lambda x: x),))
    assert not runs_straight(Workflow("b", "B", (branch,)))


def test_a_straight_execution_has_no_process(monkeypatch: pytest.MonkeyPatch) -> None:
    env = simpy.Environment()
    n8n = N8nInstance(env, np.random.default_rng(0))
    n8n.add_workflow(Workflow("wf", "W", (FunctionNode("f", lambda x: x + 1),)))
    ex = n8n.start("wf", 1)
    assert isinstance(n8n._runs[ex.id], StraightRun)
    env.run()
    assert (ex.status.value, ex.output_item) == ("success", 2)


def _slot_trace(make_pool) -> list[tuple[float, str, int]]:
    """Jobs that request a slot, hold it 0 or a few ms, and release it, beside a process that
    steps at the same instants: who gets a slot when, in the order things happen."""
    env = simpy.Environment()
    request, release = make_pool(env)
    trace: list[tuple[float, str, int]] = []
    holds = np.random.default_rng(5).choice([0.0, 0.0, 0.001, 0.002], size=200)

    def job(i: int):
        req = request()
        yield req
        trace.append((env.now, "granted", i))
        yield env.timeout(float(holds[i]))
        release(req)
        trace.append((env.now, "released", i))

    def source():
        for i in range(200):
            env.process(job(i))
            trace.append((env.now, "tick", i))
            yield env.timeout(0.0 if i % 3 else 0.001)

    env.process(source())
    env.run()
    return trace


def test_the_slot_pool_grants_like_a_simpy_resource() -> None:
    from orchestration.middleware.resources import _Pool

    def resource(env):
        res = simpy.Resource(env, capacity=3)
        return res.request, res.release

    def pool(env):
        p = _Pool(env, 3)
        return p.request, lambda _req: p.release()

    expected = _slot_trace(resource)
    assert sum(1 for t in expected if t[1] == "granted") == 200
    assert _slot_trace(pool) == expected


def test_a_plan_is_compiled_once_and_again_when_its_workflow_changes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    compiled: list[str] = []
    compile_plan = instance_module.compile_plan

    def counting(workflow, counters):
        compiled.append(workflow.id)
        return compile_plan(workflow, counters)

    monkeypatch.setattr(instance_module, "compile_plan", counting)
    env = simpy.Environment()
    n8n = N8nInstance(env, np.random.default_rng(0))
    wf = n8n.add_workflow(Workflow("wf", "W", (FunctionNode("f", lambda x: x + 1),)))
    first = [n8n.start("wf", i) for i in range(3)]
    assert compiled == ["wf"]
    assert all(isinstance(n8n._runs[ex.id], StraightRun) for ex in first)
    wf.settings = WorkflowSettings(execution_timeout_s=30.0)  # a timeout needs the process
    timed = n8n.start("wf", 10)
    assert compiled == ["wf", "wf"]
    assert not isinstance(n8n._runs[timed.id], StraightRun)
    wf.settings = WorkflowSettings()  # no timeout again: straight again
    again = n8n.start("wf", 20)
    assert compiled == ["wf", "wf", "wf"]
    assert isinstance(n8n._runs[again.id], StraightRun)
    env.run()
    assert [ex.output_item for ex in [*first, timed, again]] == [1, 2, 3, 11, 21]
    assert n8n.metrics.counters("wf").executions == 5


def test_launch_gives_the_record_and_its_completion() -> None:
    env = simpy.Environment()
    n8n = N8nInstance(env, np.random.default_rng(0))
    n8n.add_workflow(Workflow("wf", "W", (FunctionNode("f", lambda x: x * 2),)))
    ex, done = n8n.launch("wf", 4)
    assert done is n8n.completion(ex.id)
    seen: list[tuple[float, Any]] = []
    done.callbacks.append(lambda e: seen.append((env.now, e.value.output_item)))
    env.run()
    assert seen == [(0.0, 8)]
    assert ex.mode.value == "trigger"
