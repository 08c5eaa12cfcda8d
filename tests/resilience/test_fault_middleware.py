"""n8n workers under the fault library: a crash after the side effect re-runs the node."""

from __future__ import annotations

import numpy as np
import simpy

from orchestration.middleware import FunctionNode, N8nInstance, NodeSettings, Workflow
from orchestration.middleware.executions import ExecutionStatus
from orchestration.middleware.throttle import RetryAfterGate


class CrashOnce:
    """Crash after the first attempt's effect of every execution; never fail before."""

    def __init__(self) -> None:
        self.seen: set[int] = set()

    def before(self, execution, node_name):
        return False

    def after(self, execution, node_name):
        if execution.id in self.seen:
            return False
        self.seen.add(execution.id)
        return True


def _run(fault, key_of):
    env = simpy.Environment()
    n8n = N8nInstance(env, np.random.default_rng(1))
    n8n.node_fault = fault
    applied: list[str] = []
    done: set[str] = set()

    def pay(item):
        key = key_of(item, len(applied))
        if key not in done:  # the target system applies a key once
            done.add(key)
            applied.append(key)
        return item

    settings = NodeSettings(retry_on_fail=True, max_tries=3, wait_between_tries_ms=1000)
    n8n.add_workflow(Workflow("wf", "Refund", (FunctionNode("Pay", pay, settings=settings),)))
    ex = n8n.start("wf", {"refund": 7})
    env.run()
    return ex, applied


def test_a_crash_after_the_effect_retries_and_an_idempotency_key_keeps_one_effect():
    ex, applied = _run(CrashOnce(), lambda item, _n: f"refund:{item['refund']}")
    assert ex.status is ExecutionStatus.SUCCESS
    assert applied == ["refund:7"]


def test_without_an_idempotency_key_the_retry_doubles_the_effect():
    ex, applied = _run(CrashOnce(), lambda item, n: f"refund:{item['refund']}/{n}")
    assert ex.status is ExecutionStatus.SUCCESS
    assert applied == ["refund:7/0", "refund:7/1"]


def test_no_fault_no_retry():
    ex, applied = _run(None, lambda item, n: f"refund:{item['refund']}/{n}")
    assert applied == ["refund:7/0"]
    assert ex.status is ExecutionStatus.SUCCESS


def test_retry_after_gate_holds_pushes_until_retry_after_and_merges_them():
    gate = RetryAfterGate()
    gate.limited("marketplace", np.array([1, 2]), now=1.0, retry_after_h=0.5)
    assert gate.admit("marketplace", np.array([3]), now=1.2) is None  # cooling down
    assert gate.admit("ecommerce", np.array([3]), now=1.2).tolist() == [3]
    assert gate.admit("marketplace", np.array([2, 4]), now=1.5).tolist() == [1, 2, 3, 4]
    assert not gate.held
    assert (gate.limited_total, gate.deferred_total) == (1, 1)
