"""A straight execution: the common workflow run as a chain of SimPy queue entries, no process.

Most executions of the twin are one Function node behind a hop (push availability, send a PO,
pay a refund, message a customer) plus the error workflow's Error Trigger. For them `_Run`'s
SimPy process is bookkeeping: a generator stack (`_main` -> `_take_slot` -> `acquire` ->
`run_nodes` -> `_run_with_retries` -> `node.run` -> `traverse`) resumed through SimPy, whose
own termination is one more event nobody waits on. `StraightRun` does the same work with the
same SimPy events in the same places:

* start: one entry at ``URGENT`` priority, where the process's ``Initialize`` was;
* slot: a place in the same FIFO pool (`resources._Pool`), granted where a
  ``simpy.Resource`` request would succeed, so queueing is unchanged;
* a Function node's attempt: the hop's three draws, then its latency (0 for an instant hop)
  where the process's timeout was, then the node function; between tries the
  ``waitBetweenTries`` wait;
* finish: the release, then :meth:`N8nInstance._finish` (the record, the counters, the `done`
  event, the error workflow) exactly as the process's ``finally`` ran them.

**Compiled once, nothing built per node.** What a run needs of its workflow is compiled into a
:class:`StraightPlan` the first time the workflow runs (:func:`compile_plan`): per node its
name, function, hop, tries, wait in hours and On Error. The run object itself is what sits on
SimPy's queue at each step — pushed as ``(time, priority, event id, run)`` exactly as
``Environment.schedule`` pushes the event it replaces (see :mod:`sim.wake`), with ``callbacks``
naming the next step — so the start, the grant, each hop and each wait build no ``Event``,
``Timeout``, ``HopDraw`` or ``Slot``. The run is on the queue at most once at a time.

So executions keep their timing, their order among other events at the same instant, their
draws (the hop's and the fault library's) and their records; the golden KPIs and event logs are
unchanged. ``tests/middleware/test_straight_runs.py`` runs the same workflows as processes and
as straight runs and compares records, metrics, draws and same-instant order.

A workflow runs straight when :func:`runs_straight` says so: no execution timeout (its watchdog
interrupts a process), no webhook response node (a `responseNode` call waits on it), and only
Function nodes and Error Triggers, each with no error branch. Anything else (Wait, IF/Switch,
imported item nodes, Odoo nodes, a timeout) runs as `_Run`'s process.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from heapq import heappush
from typing import TYPE_CHECKING, Any

import simpy
from simpy.events import NORMAL, URGENT

from .executions import Execution, ExecutionStatus
from .hops import HopBehaviour, HopConnectionError, HopFailure, HopOutcome
from .metrics import WorkflowCounters
from .nodes import ErrorTriggerNode, FunctionNode, OnError
from .runner import (
    NO_ITEMS,
    WORKER_CRASHED,
    WORKER_UNAVAILABLE,
    RunResult,
    WorkerFault,
    error_item,
    node_error,
)
from .units import SECONDS_PER_HOUR, ms_to_h
from .workflow import Workflow

if TYPE_CHECKING:
    from .instance import N8nInstance

_DELIVERED = HopOutcome.DELIVERED
_RUNNING = ExecutionStatus.RUNNING
_OUTAGE = HopOutcome.OUTAGE


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


@dataclass(frozen=True, slots=True)
class Step:
    """One node of a straight workflow, as a run needs it (compiled once)."""

    name: str
    #: None for an Error Trigger (it passes its item on, no hop)
    fn: Callable[[Any], Any] | None
    hop: HopBehaviour | None
    tries: int
    wait_h: float
    on_error: OnError


@dataclass(frozen=True, slots=True)
class StraightPlan:
    """A straight workflow compiled for its runs, valid while the workflow keeps its nodes
    and settings: the instance checks both by identity at each launch and compiles again when
    either was replaced. A node's own fields are read at compile time (nothing in the twin
    changes a node in place)."""

    workflow: Workflow
    steps: tuple[Step, ...]
    counters: WorkflowCounters


def compile_plan(workflow: Workflow, counters: WorkflowCounters) -> StraightPlan | None:
    """``workflow``'s plan if it runs straight (:func:`runs_straight`), else None."""
    if not runs_straight(workflow):
        return None
    steps = []
    for node in workflow.nodes:
        settings = node.settings
        function = type(node) is FunctionNode
        steps.append(
            Step(
                node.name,
                node.fn if function else None,  # type: ignore[union-attr]
                node.hop if function else None,  # type: ignore[union-attr]
                settings.tries,
                ms_to_h(settings.wait_ms),
                settings.on_error,
            )
        )
    return StraightPlan(workflow, tuple(steps), counters)


class StraightRun:
    """One live execution of a straight workflow: a small state machine on SimPy's queue."""

    __slots__ = (
        "_duplicated",
        "_failure",
        "_index",
        "_item",
        "_outcome",
        "_try",
        "callbacks",
        "counters",
        "done",
        "env",
        "execution",
        "holds_slot",
        "owner",
        "steps",
        "worker",
        "workflow",
    )
    _ok = True  # as a queue entry it never fails (see the module docstring)

    def __init__(
        self,
        owner: N8nInstance,
        plan: StraightPlan,
        execution: Execution,
    ) -> None:
        env = owner.env
        self.owner = owner
        self.env = env
        self.workflow = plan.workflow
        self.steps = plan.steps
        self.execution = execution
        self.counters = plan.counters
        self.done = simpy.Event(env)
        self.holds_slot = False
        self.worker: int | None = None
        self._item: Any = execution.input_item
        self._index = 0
        self._try = 0
        self._failure: Exception | None = None
        self._outcome = _DELIVERED
        self._duplicated = False
        self.callbacks = _START  # where the process's Initialize was: URGENT, now
        heappush(env._queue, (env._now, URGENT, next(env._eid), self))

    # -- slot ----------------------------------------------------------------------------------
    def _start(self) -> None:
        slots = self.owner.slots
        if slots.limited[self.execution.mode]:
            slots.wait(self)
        else:
            self._running()

    def succeed(self) -> None:
        """The pool grants this run a slot: on the queue where the request's success would be."""
        self.callbacks = _GRANTED
        env = self.env
        heappush(env._queue, (env._now, NORMAL, next(env._eid), self))

    def _granted(self) -> None:
        self.holds_slot = True
        self.worker = self.owner.slots.take_worker()
        self._running()

    def _running(self) -> None:
        execution = self.execution
        execution.status = _RUNNING
        execution.worker = self.worker
        if execution.started_h is None:
            execution.started_h = self.env._now
        self._next_node()

    # -- nodes ---------------------------------------------------------------------------------
    def _next_node(self) -> None:
        steps = self.steps
        if self._index == len(steps):
            self._finish(RunResult(ok=True, output=self._item))
            return
        self.execution.last_node_executed = steps[self._index].name
        self._try = 0
        self._failure = None
        self._attempt()

    def _attempt(self) -> None:
        step = self.steps[self._index]
        fault = self.owner.node_fault
        if fault is not None and fault.before(self.execution, step.name):
            self._failed(WorkerFault(WORKER_UNAVAILABLE))
            return
        hop = step.hop
        if hop is None:  # an Error Trigger
            self._succeeded(self._item)
            return
        env = self.env
        latency_s, self._outcome, self._duplicated = hop.draw(self.owner.rng, env._now)
        self.callbacks = _ARRIVED  # where the hop's latency timeout was
        # s_to_h inline: the same division
        heappush(
            env._queue, (env._now + latency_s / SECONDS_PER_HOUR, NORMAL, next(env._eid), self)
        )

    def _arrived(self) -> None:
        step = self.steps[self._index]
        outcome = self._outcome
        if outcome is not _DELIVERED:
            if outcome is _OUTAGE:
                self._failed(HopConnectionError(f"{step.name}: connect ECONNREFUSED (outage)"))
            else:
                self._failed(HopFailure(f"{step.name}: request lost"))
            return
        item, fn = self._item, step.fn
        assert fn is not None
        try:
            out = fn(item)
            if self._duplicated:
                fn(item)
        except Exception as exc:  # a node error, as in _run_with_retries
            self._failed(exc)
            return
        self._succeeded(out)

    def _succeeded(self, out: Any) -> None:
        fault = self.owner.node_fault
        if fault is not None and fault.after(self.execution, self.steps[self._index].name):
            self._failed(WorkerFault(WORKER_CRASHED))
            return
        if out is NO_ITEMS:
            self._finish(RunResult(ok=True, output=[]))
            return
        self._item = out
        index = self._index = self._index + 1
        if index == len(self.steps):  # the last node: as _next_node's end, one call fewer
            self._finish(RunResult(ok=True, output=out))
            return
        self._next_node()

    def _failed(self, exc: Exception) -> None:
        step = self.steps[self._index]
        self._failure = exc
        self._try += 1
        if self._try < step.tries:
            self.counters.retries += 1
            self.callbacks = _ATTEMPT  # where the waitBetweenTries timeout was
            env = self.env
            heappush(env._queue, (env._now + step.wait_h, NORMAL, next(env._eid), self))
            return
        on_error = step.on_error
        if on_error is OnError.STOP_WORKFLOW:
            self._finish(RunResult(ok=False, output=None, error=node_error(exc, step.name)))
        elif on_error is OnError.CONTINUE_REGULAR_OUTPUT:
            self._index += 1
            self._next_node()
        else:  # continueErrorOutput with no error branch: the error item ends the execution
            self._finish(RunResult(ok=True, output=error_item(exc, step.name, self._item)))

    def _finish(self, result: RunResult) -> None:
        if self.holds_slot:  # the run is off SimPy's queue: it carries the release's offer
            self.owner.slots.give_back(self.worker, self)
            self.holds_slot = False
        self.owner._finish(self, result, canceled=False)


# a run's next step, as the ``callbacks`` of its queue entry: SimPy calls each with the entry
# (the run itself), so the methods serve unbound, with no wrapper
_START = (StraightRun._start,)
_GRANTED = (StraightRun._granted,)
_ATTEMPT = (StraightRun._attempt,)
_ARRIVED = (StraightRun._arrived,)
