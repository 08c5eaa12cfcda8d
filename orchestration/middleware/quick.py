"""A straight execution: the common workflow run as a chain of SimPy callbacks, no process.

Most executions of the twin are one Function node behind a hop (push availability, send a PO,
pay a refund, message a customer) plus the error workflow's Error Trigger. For them `_Run`'s
SimPy process is bookkeeping: a generator stack (`_main` -> `_take_slot` -> `acquire` ->
`run_nodes` -> `_run_with_retries` -> `node.run` -> `traverse`) resumed through SimPy, whose
own termination is one more event nobody waits on. `StraightRun` does the same work with the
same SimPy events in the same places:

* start: one event at ``URGENT`` priority, where the process's ``Initialize`` was;
* slot: the same ``simpy.Resource`` request (and release), so queueing is unchanged;
* a Function node's attempt: the hop's three draws, then its latency timeout (0 for an instant
  hop), then the node function; between tries the ``waitBetweenTries`` timeout;
* finish: the release, then :meth:`N8nInstance._finish` (the record, the counters, the `done`
  event, the error workflow) exactly as the process's ``finally`` ran them.

Only the process's own end event is gone. So executions keep their timing, their order among
other events at the same instant, their draws (the hop's and the fault library's) and their
records; the golden KPIs and event logs are unchanged.

A workflow runs straight when :func:`runs_straight` says so: no execution timeout (its watchdog
interrupts a process), no webhook response node (a `responseNode` call waits on it), and only
Function nodes and Error Triggers, each with no error branch. Anything else (Wait, IF/Switch,
imported item nodes, Odoo nodes, a timeout) runs as `_Run`'s process.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import simpy
from simpy.core import URGENT

from .executions import Execution, ExecutionStatus
from .hops import HopConnectionError, HopDraw, HopFailure, HopOutcome
from .metrics import WorkflowCounters
from .nodes import ErrorTriggerNode, FunctionNode, OnError
from .resources import UNLIMITED, Slot
from .runner import (
    NO_ITEMS,
    WORKER_CRASHED,
    WORKER_UNAVAILABLE,
    RunResult,
    WorkerFault,
    error_item,
    node_error,
)
from .units import ms_to_h, s_to_h
from .workflow import Workflow

if TYPE_CHECKING:
    from .instance import N8nInstance


def runs_straight(workflow: Workflow) -> bool:
    """Can every execution of ``workflow`` run as a :class:`StraightRun`? (decided once)"""
    if workflow.settings.effective_timeout_s is not None:
        return False
    for node in workflow.nodes:
        if type(node) not in (FunctionNode, ErrorTriggerNode):
            return False
        if node.error_output:
            return False
    return True


class StraightRun:
    """One live execution of a straight workflow: a small state machine on SimPy callbacks."""

    __slots__ = (
        "_draw",
        "_failure",
        "_index",
        "_item",
        "_try",
        "counters",
        "done",
        "env",
        "execution",
        "owner",
        "slot",
        "workflow",
    )

    def __init__(
        self,
        owner: N8nInstance,
        workflow: Workflow,
        execution: Execution,
        counters: WorkflowCounters,
    ) -> None:
        env = owner.env
        self.owner = owner
        self.env = env
        self.workflow = workflow
        self.execution = execution
        self.counters = counters
        self.done = simpy.Event(env)
        self.slot: Slot | None = None
        self._item: Any = execution.input_item
        self._index = 0
        self._try = 0
        self._failure: Exception | None = None
        self._draw: HopDraw | None = None
        start = simpy.Event(env)  # where the process's Initialize was: URGENT, now
        start._ok = True
        start._value = None
        start.callbacks.append(self._start)
        env.schedule(start, URGENT)

    # -- slot ----------------------------------------------------------------------------------
    def _start(self, _event: simpy.Event) -> None:
        slots = self.owner.slots
        if not slots.is_limited(self.execution.mode):
            self.slot = UNLIMITED
            self._running()
            return
        slots.request().callbacks.append(self._granted)

    def _granted(self, request: simpy.Event) -> None:
        self.slot = self.owner.slots.granted(request)
        self._running()

    def _running(self) -> None:
        execution = self.execution
        execution.status = ExecutionStatus.RUNNING
        execution.worker = self.slot.worker if self.slot is not None else None
        if execution.started_h is None:
            execution.started_h = self.env.now
        self._next_node()

    # -- nodes ---------------------------------------------------------------------------------
    def _next_node(self) -> None:
        nodes = self.workflow.nodes
        if self._index == len(nodes):
            self._finish(RunResult(ok=True, output=self._item))
            return
        self.execution.last_node_executed = nodes[self._index].name
        self._try = 0
        self._failure = None
        self._attempt()

    def _attempt(self, _event: simpy.Event | None = None) -> None:
        node = self.workflow.nodes[self._index]
        fault = self.owner.node_fault
        if fault is not None and fault.before(self.execution, node.name):
            self._failed(WorkerFault(WORKER_UNAVAILABLE))
            return
        if type(node) is ErrorTriggerNode:
            self._succeeded(self._item)
            return
        env = self.env
        draw = node.hop.sample(self.owner.rng, env.now)
        self._draw = draw
        env.timeout(s_to_h(draw.latency_s)).callbacks.append(self._arrived)

    def _arrived(self, _event: simpy.Event) -> None:
        node = self.workflow.nodes[self._index]
        draw = self._draw
        assert draw is not None
        if draw.outcome is HopOutcome.OUTAGE:
            self._failed(HopConnectionError(f"{node.name}: connect ECONNREFUSED (outage)"))
            return
        if draw.outcome is HopOutcome.FAILED:
            self._failed(HopFailure(f"{node.name}: request lost"))
            return
        item = self._item
        try:
            out = node.fn(item)
            if draw.duplicated:
                node.fn(item)
        except Exception as exc:  # a node error, as in _run_with_retries
            self._failed(exc)
            return
        self._succeeded(out)

    def _succeeded(self, out: Any) -> None:
        fault = self.owner.node_fault
        node = self.workflow.nodes[self._index]
        if fault is not None and fault.after(self.execution, node.name):
            self._failed(WorkerFault(WORKER_CRASHED))
            return
        if out is NO_ITEMS:
            self._finish(RunResult(ok=True, output=[]))
            return
        self._item = out
        self._index += 1
        self._next_node()

    def _failed(self, exc: Exception) -> None:
        node = self.workflow.nodes[self._index]
        settings = node.settings
        self._failure = exc
        self._try += 1
        if self._try < settings.tries:
            self.counters.retries += 1
            self.env.timeout(ms_to_h(settings.wait_ms)).callbacks.append(self._attempt)
            return
        on_error = settings.on_error
        if on_error is OnError.STOP_WORKFLOW:
            self._finish(RunResult(ok=False, output=None, error=node_error(exc, node.name)))
        elif on_error is OnError.CONTINUE_REGULAR_OUTPUT:
            self._index += 1
            self._next_node()
        else:  # continueErrorOutput with no error branch: the error item ends the execution
            self._finish(RunResult(ok=True, output=error_item(exc, node.name, self._item)))

    def _finish(self, result: RunResult) -> None:
        if self.slot is not None:
            self.owner.slots.release(self.slot)
            self.slot = None
        self.owner._finish(self, result, canceled=False)
