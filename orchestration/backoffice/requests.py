"""Approval requests: a request walks its steps, one work desk per step, to its decision.

A :class:`Request` is opened by a model's policy (:meth:`ApprovalRequests.request`). With no
steps it is decided by policy at once (touchless); otherwise each step is submitted to its pool's
desk after a pickup delay (working hours), to a person other than the requester and other than
whoever filled an earlier step (segregation of duties, preventive). As in Odoo's Approvals
app, one refusal ends the request: later steps are not offered. The decision is reported to
the KPI collector (cycle time, SLA against the tier's deadline, SoD check) and every step is
sealed on the hash-chained audit log when the run keeps one. In the governance models a waiting
step gets reminders and is escalated at its tier's deadline (BPMN timer semantics); vacations
and approver absence waves take people out of their desks. Times are simulated hours.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from orchestration.approvals.audit import AuditLog
from orchestration.approvals.matrix import ApprovalMatrix
from orchestration.backoffice.workdesk import Task
from orchestration.policies.route import tier
from scenarios.governance import AREA_PERMISSION
from scenarios.schema import LogNormal
from sim.clock import HOURS_PER_DAY
from sim.rng import lognormal

if TYPE_CHECKING:
    from orchestration.backoffice.office import Backoffice

__all__ = ["ApprovalRequests", "Request", "tier"]


@dataclass(slots=True)
class Request:
    """One approval request on its way through one or more desks."""

    kind: str
    tier: str
    created: float
    requester: str
    steps: tuple[str, ...]
    on_decided: Callable[[bool], None]
    approve: bool = True  # the decision the people on the steps will take
    approvers: tuple[str, ...] = ()
    id: str = ""  # given when the request is opened
    escalations: int = 0
    #: the business object's key (``return:8``, a PO name, ``discount:3``...): replay links it
    subject: str = ""
    #: the policy rule that set the tier and the steps (traced; ``model.<rule>``)
    rule: str = ""
    #: draw pickup and handling times from ``orch.<model>.governance`` (flows added later, so
    #: the desks' own streams and the results of the older flows stay as they were)
    own_stream: bool = False
    #: each step's own deadline from the approval matrix, hours waiting (None: the tier's)
    deadlines_h: tuple[float | None, ...] = ()


class ApprovalRequests:
    def __init__(self, bo: Backoffice, audit: AuditLog | None, *, escalate: bool = False):
        self.bo = bo
        self.w = bo.w
        self.s = bo.s
        self.env = bo.env
        self.kpi = bo.kpi
        self.model = bo.model
        self.audit = audit  # the hash-chained audit log of decisions, when the run keeps one
        #: reminders and deadline escalation of waiting approval steps (governance engines only)
        esc = self.s.governance.escalation
        self.escalation = esc if escalate and esc.enabled else None
        self.reminders_sent = 0
        if self.s.governance.vacations:
            self.env.process(self._vacations())
        if self.w.faults.has_absences:
            self.env.process(self._absence_waves())
        self._request_seq = 0
        self.pending = 0
        #: steps submitted to a desk and not yet finished or withdrawn
        self.waiting: dict[Task, Request] = {}
        #: the scenario's approval matrix over the model's proposed steps (roles, dual control)
        self.matrix = ApprovalMatrix(
            self.s.governance, {name: d.size for name, d in bo.desks.items()}
        )

    def request(self, req: Request, pickup: LogNormal | None = None) -> None:
        """Open a request; with no steps it is decided by policy at once (touchless)."""
        self.kpi.approval_requested(req.kind)
        self.pending += 1
        self._request_seq += 1
        req.id = f"{req.kind}-{self._request_seq}"
        if not req.subject:
            req.subject = self.bo.subject
        plan = self.matrix.plan(req.kind, req.tier, req.steps)
        req.steps, req.deadlines_h = plan.steps, plan.deadlines_h
        if self.audit is not None:  # the hash-chained log, when the run keeps one
            self._audit(req, req.requester, "requested")
        if self.w.tracing:
            self.bo.link(req.subject, req.id)
            if plan.note:
                self.w.trace("approval.matrix", req.id, plan.note)
            steps = " > ".join(req.steps) if req.steps else "none (decided by policy)"
            self.w.trace(
                "approval.requested",
                req.id,
                f"{req.kind} for {req.subject or '-'}: tier {req.tier} by "
                f"{self.model}.{req.rule or req.kind}; requester {req.requester}; steps {steps}",
            )
        if not req.steps:
            if self.audit is not None:
                self._audit(req, "policy", "auto_approved" if req.approve else "refused")
            if self.w.tracing:
                verdict = "auto-approved" if req.approve else "refused"
                self.w.trace("approval.decision", req.id, f"{verdict} by policy (touchless)")
            self._decide(req, approved=req.approve, touchless=True)
            return
        self._step(req, 0, pickup)

    def _step(self, req: Request, i: int, pickup: LogNormal | None, pool: str | None = None):
        """Submit step ``i`` to its pool (or to ``pool``, when escalated there)."""
        pool = pool or req.steps[i]
        desk = self.bo.desks[pool]
        if pickup is None:
            delay = 0.0
        elif req.own_stream:
            delay = float(lognormal(self.bo.gen_gov, pickup.mu, pickup.sigma))
        else:
            delay = self.bo.pickups.lognormal(pickup.mu, pickup.sigma)
        handling = self.bo.handling(desk) if req.own_stream else None
        n = len(req.steps)
        note = None
        if self.w.tracing:
            self.w.trace(
                "approval.assigned",
                req.id,
                f"step {i + 1}/{n} ({req.steps[i]}) to desk {pool}, pickup after {delay:.2f} "
                "working h",
            )

            def note(what: str, who: str) -> None:
                self.w.trace(f"approval.{what}", req.id, f"step {i + 1}/{n} at {pool}: {who}")

        def done(person: str, _t: float) -> None:
            self.waiting.pop(task, None)
            req.approvers = (*req.approvers, person)
            if self.audit is not None:
                self._audit(req, person, "approved" if req.approve else "refused", req.steps[i])
            if self.w.tracing:
                verdict = "approved" if req.approve else "refused"
                self.w.trace(
                    "approval.decision", req.id, f"{verdict} by {person}, step {i + 1} of {n}"
                )
            if req.approve and i + 1 < len(req.steps):
                self._step(req, i + 1, pickup)
            else:  # the last step approved, or any step refused: one refusal ends the request
                self._decide(req, approved=req.approve, touchless=False)

        # nobody approves their own request, nobody fills two steps of one request
        task = desk.submit(
            done,
            pickup_h=delay,
            handling_h=handling,
            exclude=(req.requester, *req.approvers),
            note=note,
        )
        self.waiting[task] = req
        if self.escalation is not None or req.deadlines_h[i] is not None:
            self.env.process(self._watch(req, i, pool, task))

    def _watch(self, req: Request, i: int, pool: str, task: Task):
        """BPMN-style timers on a waiting step: reminders, then escalation at the deadline.

        The deadline is the step's own (approval matrix) or its tier's (``escalation``);
        reminders run only where escalation is enabled. A reminder acts: an approver who has
        not yet opened the task (its pickup delay) opens it at the next working moment.
        Timers are absolute from the moment the step was submitted: a reminder or the
        escalation never fires early, and the reminder cycle fires its count exactly (fewer
        only if the step is taken or escalated first).
        """
        esc, env = self.s.governance.escalation, self.env
        start = env.now
        own = req.deadlines_h[i]
        limit = own if own is not None else esc.deadline_h[req.tier]
        deadline = start + limit
        reminders = esc.reminders if self.escalation is not None else 0
        for k in range(1, reminders + 1):
            at = start + k * esc.reminder_every_h
            if at >= deadline:
                break
            yield env.timeout(at - env.now)
            if task.started or task.cancelled:
                return
            self.reminders_sent += 1
            self.kpi.approval_reminded(req.kind)
            read = task.remind()
            self._audit(req, "system", "reminded", pool)
            if self.w.tracing:
                what = ": opened at the next working moment" if read else ""
                self.w.trace("approval.reminder", req.id, f"reminder {k} at {pool}{what}")
        yield env.timeout(deadline - env.now)
        target = esc.escalate_to.get(pool)
        if target in self.bo.desks and req.kind in AREA_PERMISSION:
            target = self.matrix.holder(target, req.kind)  # roles: up to one granted the area
        if target is None or target == pool or target not in self.bo.desks or not task.cancel():
            return
        self.waiting.pop(task, None)
        req.escalations += 1
        away = len(self.bo.desks[pool].absent) >= self.bo.desks[pool].size
        self._audit(req, "system", "delegated" if away else "escalated", f"{pool}->{target}")
        if self.w.tracing:
            what = "delegation" if away else "escalation"
            why = "whole pool away" if away else f"deadline {limit} h"
            self.w.trace(f"approval.{what}", req.id, f"{pool} -> {target} ({why})")
        self._step(req, i, None, target)

    def remind_overdue(self, _odoo_env: object = None) -> int:
        """The overdue-approval reminder (a scenario's scheduled action): every step still
        waiting for a person, of a request older than its tier's target (``policy.deadline_h``),
        is reminded; an unread one is opened at the next working moment. Returns how many were
        reminded."""
        now, target = self.env.now, self.s.policy.deadline_h
        sent = 0
        for task, req in list(self.waiting.items()):
            if task.started or task.cancelled or now - req.created <= target[req.tier]:
                continue
            sent += 1
            self.reminders_sent += 1
            self.kpi.approval_reminded(req.kind)
            read = task.remind()
            self._audit(req, "system", "reminded", "overdue")
            if self.w.tracing:
                what = "opened at the next working moment" if read else "already read"
                self.w.trace("approval.reminder", req.id, f"overdue-approval reminder: {what}")
        return sent

    def _vacations(self):
        """Each day, take the scenario's absent share of every pool out of its desk."""
        gov, env = self.s.governance, self.env
        for day in range(self.s.horizon_days):
            if day * HOURS_PER_DAY > env.now:
                yield env.timeout(day * HOURS_PER_DAY - env.now)
            for name, desk in self.bo.desks.items():
                n = gov.people_absent(name, desk.size, day)
                desk.set_absent(desk.people[:n])

    def _absence_waves(self):
        """Fault library: an approver absence wave takes a share of a pool away for a window."""
        env, plan = self.env, self.w.faults
        for t in plan.absence_changes():
            if t > env.now:
                yield env.timeout(t - env.now)
            for name, desk in self.bo.desks.items():
                n = min(desk.size, int(plan.absent_share(name, env.now) * desk.size + 0.5))
                if n or desk.wave:
                    desk.set_absent_wave(desk.people[desk.size - n :])
                    self.w.trace("approver_absence", f"pool:{name}", f"{n}/{desk.size} away")

    def _audit(self, req: Request, actor: str, action: str, reason: str = "") -> None:
        if self.audit is not None:
            self.audit.append(self.env.now, req.id, req.kind, req.tier, actor, action, reason)

    def _decide(self, req: Request, *, approved: bool, touchless: bool) -> None:
        self.pending -= 1
        self.kpi.approval_decided(
            req.kind,
            req.created,
            self.env.now,
            approved=approved,
            touchless=touchless,
            deadline_h=self.s.policy.deadline_h[req.tier],
            requester=req.requester,
            approvers=req.approvers,
            escalations=req.escalations,
        )
        if not self.w.tracing:
            req.on_decided(approved)
            return
        by = ", ".join(req.approvers) or "policy"
        self.w.trace(
            "approval.closed",
            req.id,
            f"{'approved' if approved else 'refused'} ({by}) after "
            f"{self.env.now - req.created:.2f} h, {req.escalations} escalation(s)",
            value=self.env.now - req.created,
        )
        prev, self.bo.deciding = self.bo.deciding, req.id
        try:
            req.on_decided(approved)
        finally:
            self.bo.deciding = prev
