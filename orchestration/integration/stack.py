"""The integration stack of the automated models: inbound connector, mocked Odoo, n8n workflows.

How a retailer wires its systems, whatever its governance: inbound webhooks (orders, payment
failures, carrier updates, returns, till requests) reach the ERP through the at-least-once
:class:`~orchestration.integration.connector.InboundConnector`; purchase orders live in the
mocked Odoo (:class:`~orchestration.integration.erp.OdooErp`), whose confirmation fires an
automation rule posting to n8n (lossy: 1 s timeout, no retry); outbound work (send a PO to the
supplier, push availability, pay a refund, message a customer) runs as n8n workflows with Retry
On Fail, whose node functions issue the world's commands through :meth:`IntegrationStack.command`.
The workflows are built in Python, or imported from an n8n export
(``orchestration.integration.n8n_workflows``, :mod:`orchestration.integration.n8n_flows`).
A failed command is a node error (``CommandFailed``); a workflow that still fails is counted as
dead-lettered in the integration KPIs.

Two resilience blocks sit on that outbound path, configured per scenario
(``orchestration.integration``): a **circuit breaker** per target (``breakers``: payment
gateway, channel sync, customer messages, supplier EDI) that, once the target keeps failing,
rejects calls without making them (a node error too) until it half-opens; and the **dead-letter
queue** (``dead_letters``) where failed work (a refund payment, a customer message) is parked,
counted and — when ``redrive_every_h`` is set — re-driven to its target, its event staying in
flight until a redrive delivers it or the redrives run out. Without configuration neither
changes anything: no breaker, and failed work dead-lettered at once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from orchestration.backoffice import Backoffice
from orchestration.integration.connector import InboundConnector
from orchestration.integration.erp import OdooErp
from orchestration.integration.n8n_flows import install_exports
from orchestration.middleware import (
    FunctionNode,
    N8nInstance,
    NodeSettings,
    QueueMode,
    WebhookRequest,
    WebhookTrigger,
    Workflow,
    WorkflowSettings,
)
from orchestration.middleware.executions import ExecutionStatus
from orchestration.middleware.faults import MiddlewareFaults
from orchestration.middleware.nodes import ErrorTriggerNode
from orchestration.middleware.throttle import RetryAfterGate
from orchestration.port import WorldPort
from orchestration.resilience import (
    CircuitBreaker,
    CircuitBreakerConfig,
    DeadLetter,
    DeadLetterQueue,
    sim_clock_s,
)
from scenarios.schema import IntegrationParams
from sim.events import (
    Command,
    CreatePurchaseOrder,
    Event,
    IssueRefund,
    NotifyCustomer,
    UpdateChannelAvailability,
)
from sim.world import CommandResult


class CommandFailed(Exception):
    """The target system refused or did not answer a command (n8n sees a node error)."""


#: the integration target each outbound command reaches (``orchestration.integration.breakers``)
TARGETS: dict[type, str] = {
    IssueRefund: "payment_gateway",
    UpdateChannelAvailability: "channel_sync",
    NotifyCustomer: "customer_messages",
    CreatePurchaseOrder: "supplier_edi",
}


@dataclass(frozen=True, slots=True)
class Letter:
    """Failed outbound work: the event it serves, the workflow and its input, how to settle."""

    event: Event
    workflow: str
    item: Any
    settle: Callable[[Event], None]
    fail: Callable[[Event], None]


#: n8n workflows started by the flows (id, name); "wf-po" is started by Odoo's webhook
WORKFLOWS = (
    ("wf-availability", "Push availability"),
    ("wf-refund", "Refund at carrier scan"),
    ("wf-notify", "Customer message"),
)


class IntegrationStack:
    def __init__(
        self,
        world: WorldPort,
        model: str,
        p: IntegrationParams,
        bo: Backoffice,
        handler: Callable[[Event], None],
    ):
        self.w = world
        self._tracing = world.tracing  # fixed per run
        self.p = p
        self.bo = bo
        self.kpi = world.kpi
        streams = world.streams
        self.connector = InboundConnector(
            world,
            handler,
            p.connector_retry,
            streams.get(f"orch.{model}.inbound"),
            dedupe=p.idempotency,
        )
        self.n8n = N8nInstance(
            world.env,
            streams.get(f"orch.{model}.n8n"),
            mode=QueueMode(workers=p.n8n_workers, concurrency=p.n8n_concurrency),
        )
        self.erp = OdooErp(
            world,
            self._odoo_post,
            streams.get(f"orch.{model}.odoo"),
            double_validation_amount=None,
            callables={
                "overdue_approval_reminders": bo.approvals.remind_overdue,
                "reconciliation_scan": bo.reconciliation.run,
            },
        )
        clock = sim_clock_s(world.env)
        self.breakers = {
            target: CircuitBreaker(
                CircuitBreakerConfig(
                    failure_rate_threshold=b.failure_rate_threshold,
                    window_size=b.window_size,
                    minimum_calls=b.minimum_calls,
                    open_duration_s=b.open_duration_s,
                    half_open_probes=b.half_open_probes,
                ),
                clock,
            )
            for target, b in p.breakers.items()
        }
        self.dlq: DeadLetterQueue[Letter] = DeadLetterQueue(clock)
        self.nodes: dict[str, Callable[[Any], Any]] = {}

    def install(self, nodes: dict[str, Callable[[Any], Any]]) -> None:
        """Install the workflows, ``nodes`` giving each one's node function by workflow id."""
        self.nodes = nodes
        if self.p.n8n_workflows is not None:  # a team's n8n export, or the shipped copy
            install_exports(self.n8n, self.p, nodes)
        else:
            self._install_builtin(nodes)
        self.gate = RetryAfterGate()  # 429 + Retry-After on availability pushes
        w = self.w
        if MiddlewareFaults.wanted(w):  # fault library: n8n worker outage / crash
            self.n8n.node_fault = MiddlewareFaults(w)
        if w.tracing:
            self.erp.env.automation.on_fire = self._rule_fired
        if self.p.dead_letters.redrive_every_h is not None:
            w.env.process(self._redrive())

    def _install_builtin(self, nodes: dict[str, Callable[[Any], Any]]) -> None:
        n8n, settings = self.n8n, self._settings()
        wf = WorkflowSettings(error_workflow="wf-errors")
        n8n.add_workflow(Workflow("wf-errors", "Integration errors", (ErrorTriggerNode(),)))
        n8n.add_workflow(
            Workflow(
                "wf-po",
                "PO to supplier",
                (FunctionNode("Send order to supplier", nodes["wf-po"], settings=settings),),
                active=True,
                trigger=WebhookTrigger("po-confirmed", "POST"),
                settings=wf,
            )
        )
        for wid, name in WORKFLOWS:
            n8n.add_workflow(
                Workflow(
                    wid, name, (FunctionNode(name, nodes[wid], settings=settings),), settings=wf
                )
            )

    def _settings(self) -> NodeSettings:
        return NodeSettings(
            retry_on_fail=True,
            max_tries=self.p.retry_max_tries,
            wait_between_tries_ms=self.p.retry_wait_ms,
        )

    # ------------------------------------------------------------------ calls
    def command(self, cmd: Command) -> str:
        """Issue ``cmd`` from an n8n node; a failure raises (Retry On Fail takes over). Behind an
        open circuit breaker the call is not made at all: it fails at once."""
        breaker = self.breakers.get(TARGETS.get(type(cmd), "")) if self.breakers else None
        ticket = None
        if breaker is not None:
            ticket = breaker.try_acquire()
            if ticket is None:
                self.w.trace("breaker.rejected", cmd.key, f"{cmd.kind}: circuit open")
                raise CommandFailed(f"{cmd.kind}: circuit open")
        # the back office's submit only adds the trace's links: without a log, the world's own
        # (looked up per call: a live twin's spy may replace it)
        res = self.bo.submit(cmd) if self._tracing else self.w.submit(cmd)
        failed = res == CommandResult.FAILED
        if ticket is not None:
            (breaker.record_failure if failed else breaker.record_success)(ticket)
        if failed:
            self.w.trace("n8n.node_error", cmd.key, f"{cmd.kind} failed: Retry On Fail")
            raise CommandFailed(cmd.kind)
        return res

    # ------------------------------------------------------------------ dead letters
    def dead_letter(
        self,
        event: Event,
        workflow: str,
        item: Any,
        settle: Callable[[Event], None],
        fail: Callable[[Event], None],
    ) -> None:
        """``workflow`` failed on ``item`` after its retries: park it in the dead-letter queue.
        Without redrive the event is dead-lettered at once; with it, it stays in flight."""
        self.dlq.add(Letter(event, workflow, item, settle, fail), workflow, self.p.retry_max_tries)
        self.w.trace("dead_letter.parked", event.correlation, f"{workflow} failed: parked")
        if self.p.dead_letters.redrive_every_h is None:
            fail(event)

    def _redrive(self):
        """Scheduled: re-drive every parked letter to its target; give up after the limit."""
        env, dl = self.w.env, self.p.dead_letters

        def deliver(letter: Letter) -> None:
            self.nodes[letter.workflow](letter.item)  # a node error raises: kept for next time
            self.w.trace("dead_letter.redriven", letter.event.correlation, letter.workflow)
            letter.settle(letter.event)

        while True:
            yield env.timeout(dl.redrive_every_h)
            if len(self.dlq):
                self.dlq.redrive(deliver)
                for gone in self.dlq.expire(self.p.retry_max_tries + dl.max_redrives):
                    letter: DeadLetter[Letter] = gone
                    self.w.trace("dead_letter.expired", letter.item.event.correlation, "")
                    letter.item.fail(letter.item.event)

    def run(
        self,
        workflow: str,
        item: Any,
        on_done: Callable[[bool], None] | None = None,
        key: str = "",
    ) -> None:
        """Start an n8n execution; ``on_done(success)`` when it finishes; ``key`` is the
        business object it is about (traced)."""
        ex, done = self.n8n.launch(workflow, item)
        w = self.w
        if key and w.tracing:
            w.trace("n8n.execution", key, f"{workflow} execution {ex.id} started")

        def finished(_e) -> None:
            ok = ex.status is ExecutionStatus.SUCCESS
            if key and w.tracing:
                error = f": {ex.error.message}" if ex.error is not None else ""
                w.trace(
                    "n8n.execution", key, f"{workflow} execution {ex.id} {ex.status.value}{error}"
                )
            self.kpi.integration_call(dead_lettered=not ok)
            if on_done is not None:
                on_done(ok)

        done.callbacks.append(finished)

    def _rule_fired(self, rule, record) -> None:
        """Odoo base.automation fired ``rule`` on ``record`` (traced when the log is on)."""
        key = str(getattr(record, "name", "") or f"{record._name}:{record.id}")
        actions = ", ".join(f"{a.name} ({a.state})" for a in rule.actions)
        self.w.trace("odoo.automation", key, f"rule '{rule.name}' fired: {actions}")

    def _odoo_post(self, url: str, payload: dict[str, Any]) -> None:
        """Odoo's outbound webhook reached n8n's production URL."""
        path = url.rsplit("/", 1)[-1]
        if self.w.tracing:
            key = str(payload.get("name", ""))
            self.w.trace("odoo.webhook", key, f"Send Webhook Notification reached n8n /{path}")
        self.n8n.deliver_webhook(
            WebhookRequest(path, "POST", body=payload, delivery_id=str(payload.get("_id")))
        )

    def finish(self) -> None:
        self.kpi.queue_depth(self.n8n.metrics.queue_depth_max)
        self.kpi.command_duplicate_suppressed(self.connector.duplicates_suppressed)
        self.connector.finish()
        self.kpi.breakers_reported(
            sum(b.opened_total for b in self.breakers.values()),
            sum(b.rejected_total for b in self.breakers.values()),
        )
        dlq = self.dlq
        self.kpi.dead_letter_queue_reported(
            dlq.dead_lettered_total, dlq.redriven_total, dlq.expired_total, len(dlq)
        )
