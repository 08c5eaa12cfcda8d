"""The node loop of one execution: run nodes in order with Retry On Fail and On Error.

`run_nodes(ctx, nodes, item)` is a SimPy sub-process. For each node it makes up to
`settings.tries` attempts, waiting exactly `settings.wait_ms` of simulated time between two
attempts (fixed delay, whole node re-run, each extra attempt counted as a retry). After the last
failed attempt the node's On Error mode decides:

* `stopWorkflow` - the execution fails with `resultData.error` (message, stack, node);
* `continueRegularOutput` - the node's input goes on to the next node, no error is recorded;
* `continueErrorOutput` - `{"error": {"message", "node"}, "json": input}` runs down the node's
  `error_output` branch, whose end is the end of the execution; no error is recorded.

A `NodeFault` on the context (fault library: a ``middleware`` outage, ``crash_after_effect``)
fails an attempt before the node runs, or after its side effect and before the worker records
the result — Retry On Fail then re-runs the node, so only an idempotent node avoids a second
effect.

Branching nodes (IF, Switch, a fan-out: :mod:`orchestration.middleware.n8n_nodes`) run the rest
of the workflow inside themselves; a failure down a branch reaches this loop as `BranchFailed`
carrying the branch's own result (its On Error already applied), which ends the execution as is,
never retried. A node that outputs no items returns `NO_ITEMS`: the branch ends there,
successfully, as in n8n.

`simpy.Interrupt` (an execution timeout) is never treated as a node error. Slots, waiting and
webhook answers are the caller's business, reached through `RunContext`.
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import numpy as np
import simpy

from .executions import Execution, ExecutionError
from .metrics import WorkflowCounters
from .nodes import Node, OnError
from .units import ms_to_h


class WorkerFault(Exception):
    """The n8n worker failed the attempt (unavailable, or crashed after the side effect)."""


class NodeFault(Protocol):
    def before(self, execution: Execution, node_name: str) -> bool: ...
    def after(self, execution: Execution, node_name: str) -> bool: ...


@dataclass
class RunContext:
    """What a running node may use: the clock, its random stream, its execution record,
    its workflow's counters, `wait(seconds)` (a sub-process) and `respond(status, body)`."""

    env: simpy.Environment
    rng: np.random.Generator
    execution: Execution
    counters: WorkflowCounters
    wait: Callable[[float], Generator[simpy.Event, Any, None]]
    respond: Callable[[int, Any], None]
    fault: NodeFault | None = None


@dataclass(frozen=True, slots=True)
class RunResult:
    ok: bool
    output: Any
    error: ExecutionError | None = None


class BranchFailed(Exception):
    """A branch under a branching node ended the execution with an error (``result``)."""

    def __init__(self, result: RunResult) -> None:
        super().__init__(result.error.message if result.error else "branch failed")
        self.result = result


#: what a node returns when it outputs no items: the nodes after it do not run
NO_ITEMS: Any = object()


@dataclass(frozen=True, slots=True)
class _Failed:
    exc: Exception


#: why a worker fault (:class:`NodeFault`) fails a node: before it runs, after its side effect
WORKER_UNAVAILABLE = "middleware worker unavailable"
WORKER_CRASHED = "worker crashed after the side effect, before recording it"


def error_item(exc: BaseException, node_name: str, item: Any) -> dict[str, Any]:
    """The item a `continueErrorOutput` node that failed on `item` passes down its error output."""
    return {"error": {"message": str(exc), "node": node_name}, "json": item}


def node_error(exc: BaseException, node_name: str | None) -> ExecutionError:
    """`resultData.error` for an exception raised in `node_name`."""
    stack = f"{type(exc).__name__}: {exc}\n    at node {node_name}"
    return ExecutionError(message=str(exc), stack=stack, node=node_name)


def _run_with_retries(ctx: RunContext, node: Node, item: Any) -> Generator[simpy.Event, Any, Any]:
    settings = node.settings
    failure: Exception | None = None
    for attempt in range(settings.tries):
        if attempt:
            ctx.counters.retries += 1
            yield ctx.env.timeout(ms_to_h(settings.wait_ms))
        try:
            fault = ctx.fault
            if fault is not None and fault.before(ctx.execution, node.name):
                raise WorkerFault(WORKER_UNAVAILABLE)
            out = yield from node.run(ctx, item)
            if fault is not None and fault.after(ctx.execution, node.name):
                raise WorkerFault(WORKER_CRASHED)
            return out
        except simpy.Interrupt:
            raise
        except BranchFailed as exc:
            return _Failed(exc)
        except Exception as exc:
            failure = exc
    assert failure is not None
    return _Failed(failure)


def run_nodes(
    ctx: RunContext, nodes: Sequence[Node], item: Any
) -> Generator[simpy.Event, Any, RunResult]:
    """Run `nodes` in order on `item`; return the outcome of the execution."""
    for node in nodes:
        ctx.execution.last_node_executed = node.name
        outcome = yield from _run_with_retries(ctx, node, item)
        if outcome is NO_ITEMS:
            return RunResult(ok=True, output=[])
        if not isinstance(outcome, _Failed):
            item = outcome
            continue
        if isinstance(outcome.exc, BranchFailed):
            return outcome.exc.result
        on_error = node.settings.on_error
        if on_error is OnError.STOP_WORKFLOW:
            return RunResult(ok=False, output=None, error=node_error(outcome.exc, node.name))
        if on_error is OnError.CONTINUE_REGULAR_OUTPUT:
            continue
        failed = error_item(outcome.exc, node.name, item)
        return (yield from run_nodes(ctx, node.error_output, failed))
    return RunResult(ok=True, output=item)
