"""An n8n deployment on the SimPy clock: workflows, webhook entry, executions, error workflows.

`N8nInstance` is the middleware as the rest of the twin sees it. It

* holds the workflows (`add_workflow`, `activate`, `deactivate`, `listen_test`);
* answers webhook calls (`deliver_webhook(request, hop)` -> a SimPy process whose value is a
  `WebhookResponse`), crossing the caller -> n8n hop first (latency, lost calls, outages, and
  duplicates: a duplicated call is handled twice, same payload, same `delivery_id`);
* starts executions (`start` for triggers/schedules, `retry` for n8n's retry of a failed one):
  a workflow of Function nodes without timeout runs as a chain of callbacks (`quick.py`, the
  same events and draws without a process); any other execution is a process that waits for a
  slot (`resources.py`), runs its nodes (`runner.py`), may park on a long Wait
  (`wait_tracker.py`), may be cancelled by the workflow's timeout; a failed one starts the
  error workflow (`error_workflows.py`);
* keeps the execution records (`executions`) and the metrics (`metrics`).

Times on records are simulated hours; latencies in metrics and responses are seconds. The
execution timeout runs per running stretch: it is disarmed while an execution is `waiting`
and re-armed when it resumes. A timed-out execution is `canceled` with the error "The execution
was cancelled because it timed out" and, being non-manual with an error, starts the error
workflow [M: recalled from n8n 1.x, not re-read]. Pruning runs lazily on the hourly grid, at
the first execution finishing after each full hour, so `env.run()` with no `until` still ends.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from heapq import heappush
from typing import Any

import numpy as np
import simpy
from simpy.events import NORMAL

from .error_workflows import error_payload, error_workflow_target
from .executions import (
    PRUNE_INTERVAL_H,
    Execution,
    ExecutionError,
    ExecutionMode,
    ExecutionStatus,
    ExecutionStore,
)
from .hops import INSTANT, HopBehaviour, HopOutcome
from .metrics import MiddlewareMetrics
from .quick import StraightPlan, StraightRun, compile_plan
from .resources import ExecutionSlots, QueueMode, RegularMode, Slot
from .runner import RunContext, RunResult, run_nodes
from .units import SECONDS_PER_HOUR, h_to_s, s_to_h
from .wait_tracker import LOOKAHEAD_S, POLL_INTERVAL_S, WAIT_IN_MEMORY_BELOW_S, WaitTracker
from .webhook import (
    ERROR_IN_WORKFLOW,
    Reply,
    ResponseMode,
    WebhookRequest,
    WebhookResponse,
    check_auth,
    last_node_reply,
    not_registered,
    on_received_reply,
    webhook_item,
    wrong_method,
)
from .workflow import Workflow, WorkflowSettings

TIMEOUT_MESSAGE = "The execution was cancelled because it timed out"


class _Run:
    """One live execution: its process, held slot, timeout watchdog and webhook answer."""

    def __init__(
        self,
        owner: N8nInstance,
        workflow: Workflow,
        execution: Execution,
        respond_event: simpy.Event | None,
    ) -> None:
        self.owner = owner
        self.env = owner.env
        self.workflow = workflow
        self.execution = execution
        self.respond_event = respond_event
        self.done = self.env.event()
        self.slot: Slot | None = None
        self._watch_token = 0
        self.counters = owner.metrics.counters(workflow.id)
        self.ctx = RunContext(
            env=self.env,
            rng=owner.rng,
            execution=execution,
            counters=self.counters,
            wait=self.wait,
            respond=self.respond,
            fault=owner.node_fault,
        )
        self.process = self.env.process(self._main(execution.input_item))

    def _arm_timeout(self) -> None:
        self._watch_token += 1
        timeout_s = self.workflow.settings.effective_timeout_s
        if timeout_s is None:
            return
        token = self._watch_token
        timer = self.env.timeout(s_to_h(timeout_s))
        timer.callbacks.append(lambda _event: self._on_timeout(token))

    def _on_timeout(self, token: int) -> None:
        if token == self._watch_token and self.process.is_alive:
            self.process.interrupt("timeout")

    def _take_slot(self) -> Generator[simpy.Event, Any, None]:
        self.slot = yield from self.owner.slots.acquire(self.execution.mode)
        self.execution.status = ExecutionStatus.RUNNING
        self.execution.worker = self.slot.worker
        self._arm_timeout()

    def _give_slot(self) -> None:
        if self.slot is not None:
            self.owner.slots.release(self.slot)
            self.slot = None

    def wait(self, seconds: float) -> Generator[simpy.Event, Any, None]:
        """Wait node: in memory below 65 s, else park as `waiting` without a slot."""
        if seconds < WAIT_IN_MEMORY_BELOW_S:
            yield self.env.timeout(s_to_h(seconds))
            return
        execution = self.execution
        execution.status = ExecutionStatus.WAITING
        execution.wait_till_h = self.env.now + s_to_h(seconds)
        self._watch_token += 1
        self._give_slot()
        yield self.owner.wait_tracker.park(execution.id, execution.wait_till_h)
        execution.wait_till_h = None
        yield from self._take_slot()

    def respond(self, status: int, body: Any) -> None:
        """Respond to Webhook node: the first answer wins, later ones are ignored."""
        if self.respond_event is not None and not self.respond_event.triggered:
            self.respond_event.succeed(Reply(status, body))

    def _main(self, item: Any) -> Generator[simpy.Event, Any, None]:
        canceled = False
        result = RunResult(ok=False, output=None)
        try:
            yield from self._take_slot()
            if self.execution.started_h is None:
                self.execution.started_h = self.env.now
            result = yield from run_nodes(self.ctx, self.workflow.nodes, item)
        except simpy.Interrupt:
            canceled = True
        finally:
            self._give_slot()
        self.owner._finish(self, result, canceled=canceled)


class N8nInstance:
    """One n8n deployment (main + workers) on a SimPy environment."""

    def __init__(
        self,
        env: simpy.Environment,
        rng: np.random.Generator,
        *,
        mode: RegularMode | QueueMode | None = None,
        base_url: str = "http://localhost:5678",
        executions: ExecutionStore | None = None,
        wait_poll_interval_s: float = POLL_INTERVAL_S,
        wait_lookahead_s: float = LOOKAHEAD_S,
        prune: bool = True,
    ) -> None:
        self.env = env
        self.rng = rng
        #: fault library hook (middleware outage, crash after effect); None = no faults
        self.node_fault = None
        self.base_url = base_url
        self.metrics = MiddlewareMetrics()
        self.executions = executions if executions is not None else ExecutionStore()
        self.slots = ExecutionSlots(env, mode or RegularMode(), self.metrics)
        self.wait_tracker = WaitTracker(
            env, poll_interval_s=wait_poll_interval_s, lookahead_s=wait_lookahead_s
        )
        self.prune = prune
        self._next_prune_h = PRUNE_INTERVAL_H
        self._workflows: dict[str, Workflow] = {}
        self._listening: set[str] = set()
        self._runs: dict[int, _Run | StraightRun] = {}
        #: per workflow id: (the workflow, its nodes, its settings) when its plan was compiled,
        #: and the plan (None: its executions are processes)
        self._plans: dict[str, tuple[Workflow, tuple, WorkflowSettings, StraightPlan | None]] = {}

    # -- workflows -------------------------------------------------------------------------
    def add_workflow(self, workflow: Workflow) -> Workflow:
        if workflow.id in self._workflows:
            raise ValueError(f"workflow id {workflow.id!r} already registered")
        self._workflows[workflow.id] = workflow
        if workflow.active:
            workflow.active = False
            self.activate(workflow.id)
        return workflow

    def workflow(self, workflow_id: str) -> Workflow:
        return self._workflows[workflow_id]

    def activate(self, workflow_id: str) -> None:
        """Turn the production URL on; refuses a path+method another active workflow holds."""
        workflow = self._workflows[workflow_id]
        trigger = workflow.trigger
        if trigger is not None:
            for other in self._workflows.values():
                if (
                    other is not workflow
                    and other.active
                    and other.trigger is not None
                    and other.trigger.path == trigger.path
                    and other.trigger.http_method.upper() == trigger.http_method.upper()
                ):
                    raise ValueError(f"webhook {trigger.http_method} {trigger.path} is taken")
        workflow.active = True

    def deactivate(self, workflow_id: str) -> None:
        self._workflows[workflow_id].active = False

    def listen_test(self, workflow_id: str) -> None:
        """'Listen for test event' in the editor: the test URL answers one call."""
        self._listening.add(workflow_id)

    # -- executions ------------------------------------------------------------------------
    def start(
        self,
        workflow_id: str,
        item: Any = None,
        *,
        mode: ExecutionMode = ExecutionMode.TRIGGER,
        retry_of: int | None = None,
        delivery_id: str | None = None,
    ) -> Execution:
        """Create an execution (status `new`) and start its process; returns the record."""
        return self._launch(
            self._workflows[workflow_id], item, mode, retry_of=retry_of, delivery_id=delivery_id
        ).execution

    def launch(self, workflow_id: str, item: Any = None) -> tuple[Execution, simpy.Event]:
        """:meth:`start` in mode `trigger`, returning the record and its :meth:`completion`
        event together (the integration stack's way: one call, no lookup by id)."""
        run = self._launch(self._workflows[workflow_id], item, ExecutionMode.TRIGGER)
        return run.execution, run.done

    def retry(self, execution_id: int) -> Execution:
        """n8n's "Retry" of a failed execution: same input, mode `retry`, `retryOf` set."""
        original = self.executions[execution_id]
        if original.status not in (ExecutionStatus.ERROR, ExecutionStatus.CANCELED):
            raise ValueError(f"execution {execution_id} did not fail")
        return self.start(
            original.workflow_id,
            original.input_item,
            mode=ExecutionMode.RETRY,
            retry_of=original.id,
            delivery_id=original.delivery_id,
        )

    def completion(self, execution_id: int) -> simpy.Event:
        """Event that fires with the `Execution` when it finishes (already fired if it has)."""
        run = self._runs.get(execution_id)
        if run is not None:
            return run.done
        return self.env.event().succeed(self.executions[execution_id])

    def _launch(
        self,
        workflow: Workflow,
        item: Any,
        mode: ExecutionMode,
        *,
        retry_of: int | None = None,
        delivery_id: str | None = None,
        respond_event: simpy.Event | None = None,
    ) -> _Run | StraightRun:
        execution = self.executions.create(
            workflow.id,
            mode,
            self.env._now,
            retry_of=retry_of,
            delivery_id=delivery_id,
            input_item=item,
        )
        known = self._plans.get(workflow.id)
        if (
            known is None
            or known[0] is not workflow
            or known[1] is not workflow.nodes
            or known[2] is not workflow.settings
        ):  # first launch, or the workflow's nodes or settings were replaced since
            plan = compile_plan(workflow, self.metrics.counters(workflow.id))
            known = self._plans[workflow.id] = (workflow, workflow.nodes, workflow.settings, plan)
        plan = known[3]
        run: _Run | StraightRun
        if respond_event is None and plan is not None:
            plan.counters.executions += 1
            run = StraightRun(self, plan, execution)
        else:
            self.metrics.counters(workflow.id).executions += 1
            run = _Run(self, workflow, execution, respond_event)
        self._runs[execution.id] = run
        return run

    def _finish(self, run: _Run | StraightRun, result: RunResult, *, canceled: bool) -> None:
        execution, workflow = run.execution, run.workflow
        counters = run.counters
        now = self.env._now
        execution.stopped_h = now
        if canceled:
            execution.status = ExecutionStatus.CANCELED
            execution.error = ExecutionError(
                TIMEOUT_MESSAGE, f"TimeoutExecutionCancelledError: {TIMEOUT_MESSAGE}", None
            )
            counters.canceled += 1
        elif result.ok:
            execution.status = ExecutionStatus.SUCCESS
            execution.output_item = result.output
            counters.successes += 1
        else:
            execution.status = ExecutionStatus.ERROR
            execution.error = result.error
            counters.errors += 1
        # h_to_s inline: the same product
        self.metrics.execution_latency_s.append((now - execution.created_h) * SECONDS_PER_HOUR)
        del self._runs[execution.id]
        done = run.done  # done.succeed(execution) written out: fresh, scheduled now at NORMAL
        done._ok = True
        done._value = execution
        env = self.env
        heappush(env._queue, (now, NORMAL, next(env._eid), done))
        if execution.error is not None:  # else no error workflow to start
            target = error_workflow_target(workflow, execution)
            if target is not None and target in self._workflows:
                counters.error_workflow_runs += 1
                payload = error_payload(workflow, execution, self.base_url)
                self.start(target, payload, mode=ExecutionMode.ERROR)
        if self.prune and now >= self._next_prune_h:
            self.executions.prune(now)
            hours = math.floor(now / PRUNE_INTERVAL_H) + 1
            self._next_prune_h = hours * PRUNE_INTERVAL_H

    # -- webhooks --------------------------------------------------------------------------
    def deliver_webhook(
        self,
        request: WebhookRequest,
        hop: HopBehaviour = INSTANT,
        rng: np.random.Generator | None = None,
    ) -> simpy.Process:
        """Send `request` over the caller -> n8n `hop`; the process's value is the response."""
        return self.env.process(self._deliver(request, hop, rng or self.rng))

    def _deliver(
        self, request: WebhookRequest, hop: HopBehaviour, rng: np.random.Generator
    ) -> Generator[simpy.Event, Any, WebhookResponse]:
        sent_h = self.env.now
        draw = hop.sample(rng, sent_h)
        yield self.env.timeout(s_to_h(draw.latency_s))
        if draw.outcome is not HopOutcome.DELIVERED:
            error = "ECONNREFUSED" if draw.outcome is HopOutcome.OUTAGE else "request lost"
            latency_s = h_to_s(self.env.now - sent_h)
            return WebhookResponse(0, None, latency_s, delivery_id=request.delivery_id, error=error)
        first = self.env.process(self._handle(request))
        if draw.duplicated:
            self.metrics.duplicate_deliveries += 1
            self.env.process(self._handle(request))
        reply, execution_id = yield first
        latency_s = h_to_s(self.env.now - sent_h)
        self.metrics.webhook_latency_s.append(latency_s)
        return WebhookResponse(
            reply.status, reply.body, latency_s, execution_id, request.delivery_id, reply.headers
        )

    def _route(self, request: WebhookRequest) -> Workflow | Reply:
        candidates = [
            wf
            for wf in self._workflows.values()
            if wf.trigger is not None
            and wf.trigger.path == request.path
            and ((wf.id in self._listening) if request.test else wf.active)
        ]
        if not candidates:
            return not_registered(request.method, request.path, test=request.test)
        for wf in candidates:
            assert wf.trigger is not None
            if wf.trigger.http_method.upper() == request.method.upper():
                if request.test:
                    self._listening.discard(wf.id)
                return wf
        expected = candidates[0].trigger.http_method if candidates[0].trigger else "GET"
        return wrong_method(request.method, expected)

    def _handle(
        self, request: WebhookRequest
    ) -> Generator[simpy.Event, Any, tuple[Reply, int | None]]:
        routed = self._route(request)
        if isinstance(routed, Reply):
            return routed, None
        trigger = routed.trigger
        assert trigger is not None
        denied = check_auth(trigger, request.headers)
        if denied is not None:
            return denied, None
        mode = ExecutionMode.MANUAL if request.test else ExecutionMode.WEBHOOK
        waits_for_node = trigger.response_mode is ResponseMode.RESPONSE_NODE
        respond_event = self.env.event() if waits_for_node else None
        run = self._launch(
            routed,
            webhook_item(request),
            mode,
            delivery_id=request.delivery_id,
            respond_event=respond_event,
        )
        execution = run.execution
        if trigger.response_mode is ResponseMode.ON_RECEIVED:
            return on_received_reply(trigger), execution.id
        if respond_event is not None:
            yield respond_event | run.done
            if respond_event.triggered:
                return respond_event.value, execution.id
        else:
            yield run.done
        if execution.status is not ExecutionStatus.SUCCESS:
            return Reply(500, dict(ERROR_IN_WORKFLOW)), execution.id
        if respond_event is not None:
            return Reply(trigger.response_code, None), execution.id
        return last_node_reply(trigger, execution.output_item), execution.id
