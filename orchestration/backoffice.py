"""The back office every orchestration model has: ERP records, people, requests and exceptions.

A model *composes* a :class:`Backoffice` and decides policy; the back office supplies the
machinery that does not change between models:

- **record keeping** (:meth:`Backoffice.book`): the ERP's stock records follow the events that
  reach it (POS uploads, online orders, receipts as counted, transfers as shipped, returns);
- **people**: one :class:`~orchestration.workdesk.WorkDesk` per approver pool of the scenario;
- **approval requests** (:meth:`Backoffice.request`): a request walks its steps, one desk per
  step (a different person each time), or is decided by policy with no human step (touchless);
  every decision is reported to the KPI collector, which checks segregation of duties;
- **exceptions** (:meth:`Backoffice.exception`): an anomaly queued for a team, worked after a
  pickup delay, then resolved (and its event settled);
- **3-way matching** of vendor bills against the PO and the recorded receipt.

Random pickup delays come from the stream ``orch.<model>.pickup``; desk handling times from
``orch.<model>.desk.<pool>``, so models never disturb the world's streams.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from orchestration.approvals.audit import AuditLog
from orchestration.approvals.sod import BankChangeGuard, HeldPayments
from orchestration.records import StockRecords
from orchestration.threats import ThreatModel
from orchestration.workdesk import Task, WorkDesk
from scenarios.schema import LogNormal, Scenario, TierBounds
from sim.clock import HOURS_PER_DAY, WorkCalendar, day_of
from sim.events import (
    Command,
    DecideBankChange,
    Event,
    GoodsReceived,
    InvoiceReceived,
    OrderPlaced,
    PayInvoice,
    PosSalesPosted,
    ReturnReceived,
    TransferShipped,
)
from sim.rng import lognormal
from sim.world import World


def tier(value: float, bounds: TierBounds) -> str:
    """Risk tier of a request by value: low below ``low_below``, high from ``high_from``."""
    if value < bounds.low_below:
        return "low"
    return "high" if value >= bounds.high_from else "medium"


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


class Backoffice:
    def __init__(
        self,
        world: World,
        scenario: Scenario,
        model: str,
        audit: AuditLog | None = None,
        *,
        escalate: bool = False,
    ):
        self.w = world
        self.s = scenario
        self.model = model
        self.env = world.env
        self.kpi = world.kpi
        self.rec = StockRecords(world)
        #: the business object being handled, for requests/exceptions opened by a policy hook
        #: that does not see the event (traced only)
        self.subject = ""
        self._deciding = ""  # the request whose decision callback is running (traced only)
        wd = scenario.start_date.weekday()
        self.desks: dict[str, WorkDesk] = {}
        for name, pool in scenario.approvals.pools.items():
            cal = WorkCalendar(
                frozenset(pool.calendar.weekdays), pool.calendar.open_h, pool.calendar.close_h, wd
            )
            h = pool.handling_min
            self.desks[name] = WorkDesk(
                world.env,
                name,
                pool.size,
                cal,
                h.mu - np.log(60.0),  # minutes -> hours
                h.sigma,
                world.streams.get(f"orch.{model}.desk.{name}"),
                world.kpi,
            )
        self.gen = world.streams.get(f"orch.{model}.pickup")
        self.audit = audit  # the hash-chained audit log of decisions, when the run keeps one
        self.threats = ThreatModel(world) if scenario.security.attacks_per_day else None
        #: reminders and deadline escalation of waiting approval steps (governance engines only)
        esc = scenario.governance.escalation
        self.escalation = esc if escalate and esc.enabled else None
        self.reminders_sent = 0
        if scenario.governance.vacations:
            world.env.process(self._vacations())
        if world.faults.has_absences:
            world.env.process(self._absence_waves())
        self._request_seq = 0
        self.pending_requests = 0
        self.open_exceptions = 0
        self._seq = 0
        self._po_lines: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._receipts: dict[str, np.ndarray] = {}
        self.last_payable: float | None = None
        #: supplier bank changes: the dual-control guard and the payments it holds
        self.bank = BankChangeGuard()
        self.held = HeldPayments()
        self.gen_gov = world.streams.get(f"orch.{model}.governance")
        self.kpi.exception_slas(dict(scenario.governance.exception_sla_h))

    # ------------------------------------------------------------------ helpers
    def key(self, prefix: str) -> str:
        """A new document number / idempotency key, sequential per model run."""
        self._seq += 1
        return f"{prefix}-{self._seq}"

    def submit(self, cmd: Command) -> str:
        if self.w.log.enabled:
            self._link_command(cmd)
        return self.w.submit(cmd)

    def link(self, parent: str, child: str) -> None:
        """Trace that ``child`` (a key) belongs to ``parent`` (see experiments/replay.py)."""
        if parent and child and parent != child:
            self.w.trace("link", parent, child)

    def _link_command(self, cmd: Command) -> None:
        order = getattr(cmd, "order_id", None)
        if order is not None:
            self.link(f"order:{order}", cmd.key)
        ret = getattr(cmd, "return_id", None)
        if ret is not None:
            self.link(f"return:{ret}", cmd.key)
        disc = getattr(cmd, "request_id", None)
        if disc is not None:
            self.link(f"discount:{disc}", cmd.key)
        po = getattr(cmd, "po_key", None)
        if po is not None:
            self.link(po, cmd.key)
        if self._deciding:
            self.link(self._deciding, cmd.key)

    def observe(self, event: Event) -> None:
        """Trace the links the world's keys do not show: a return or a ticket about an order
        belongs to that order."""
        if self.w.log.enabled:
            order = getattr(event, "order_id", 0)
            if order:
                self.link(f"order:{order}", event.correlation)

    def pickup(self, dist: LogNormal) -> float:
        return float(lognormal(self.gen, dist.mu, dist.sigma))

    def next_review(self, desk: WorkDesk, hour: float) -> float:
        """Hours from now until ``hour`` o'clock on the desk's next working day (or today)."""
        cal, now = desk.calendar, self.env.now
        day = day_of(now)
        for d in range(day, day + 9):
            t = d * HOURS_PER_DAY + hour
            if t >= now and cal.next_open(t) == t:
                return t - now
        return 0.0

    def snapshot(self) -> dict[str, float]:
        return {
            "queue_depth": sum(d.in_system for d in self.desks.values()),
            "pending_approvals": self.pending_requests,
            "open_exceptions": self.open_exceptions,
        }

    # ------------------------------------------------------------------ approvals
    def request(self, req: Request, pickup: LogNormal | None = None) -> None:
        """Open a request; with no steps it is decided by policy at once (touchless)."""
        self.kpi.approval_requested(req.kind)
        self.pending_requests += 1
        self._request_seq += 1
        req.id = f"{req.kind}-{self._request_seq}"
        if not req.subject:
            req.subject = self.subject
        self._audit(req, req.requester, "requested")
        if self.w.log.enabled:
            self.link(req.subject, req.id)
            steps = " > ".join(req.steps) if req.steps else "none (decided by policy)"
            self.w.trace(
                "approval.requested",
                req.id,
                f"{req.kind} for {req.subject or '-'}: tier {req.tier} by "
                f"{self.model}.{req.rule or req.kind}; requester {req.requester}; steps {steps}",
            )
        if not req.steps:
            self._audit(req, "policy", "auto_approved" if req.approve else "refused")
            if self.w.log.enabled:
                verdict = "auto-approved" if req.approve else "refused"
                self.w.trace("approval.decision", req.id, f"{verdict} by policy (touchless)")
            self._decide(req, approved=req.approve, touchless=True)
            return
        self._step(req, 0, pickup)

    def _step(self, req: Request, i: int, pickup: LogNormal | None, pool: str | None = None):
        """Submit step ``i`` to its pool (or to ``pool``, when escalated there)."""
        pool = pool or req.steps[i]
        desk = self.desks[pool]
        gen = self.gen_gov if req.own_stream else self.gen
        delay = float(lognormal(gen, pickup.mu, pickup.sigma)) if pickup is not None else 0.0
        handling = self.handling(desk) if req.own_stream else None
        n = len(req.steps)
        note = None
        if self.w.log.enabled:
            self.w.trace(
                "approval.assigned",
                req.id,
                f"step {i + 1}/{n} ({req.steps[i]}) to desk {pool}, pickup after {delay:.2f} "
                "working h",
            )

            def note(what: str, who: str) -> None:
                self.w.trace(f"approval.{what}", req.id, f"step {i + 1}/{n} at {pool}: {who}")

        def done(person: str, _t: float) -> None:
            req.approvers = (*req.approvers, person)
            self._audit(req, person, "approved" if req.approve else "refused", req.steps[i])
            if self.w.log.enabled:
                verdict = "approved" if req.approve else "refused"
                self.w.trace(
                    "approval.decision", req.id, f"{verdict} by {person}, step {i + 1} of {n}"
                )
            if i + 1 < len(req.steps):
                self._step(req, i + 1, pickup)
            else:
                self._decide(req, approved=req.approve, touchless=False)

        # nobody approves their own request, nobody fills two steps of one request
        task = desk.submit(
            done,
            pickup_h=delay,
            handling_h=handling,
            exclude=(req.requester, *req.approvers),
            note=note,
        )
        if self.escalation is not None:
            self.env.process(self._watch(req, i, pool, task))

    def _watch(self, req: Request, i: int, pool: str, task: Task):
        """BPMN-style timers on a waiting step: reminders, then escalation at the deadline.

        Timers are absolute from the moment the step was submitted: a reminder or the
        escalation never fires early, and the reminder cycle fires its count exactly (fewer
        only if the step is taken or escalated first).
        """
        esc, env = self.escalation, self.env
        start = env.now
        deadline = start + esc.deadline_h[req.tier]
        for k in range(1, esc.reminders + 1):
            at = start + k * esc.reminder_every_h
            if at >= deadline:
                break
            yield env.timeout(at - env.now)
            if task.started or task.cancelled:
                return
            self.reminders_sent += 1
            self._audit(req, "system", "reminded", pool)
            self.w.trace("approval.reminder", req.id, f"reminder {k} at {pool}")
        yield env.timeout(deadline - env.now)
        target = esc.escalate_to.get(pool)
        if target is None or target not in self.desks or not task.cancel():
            return
        req.escalations += 1
        away = len(self.desks[pool].absent) >= self.desks[pool].size
        self._audit(req, "system", "delegated" if away else "escalated", f"{pool}->{target}")
        if self.w.log.enabled:
            what = "delegation" if away else "escalation"
            why = "whole pool away" if away else f"deadline {esc.deadline_h[req.tier]} h"
            self.w.trace(f"approval.{what}", req.id, f"{pool} -> {target} ({why})")
        self._step(req, i, None, target)

    def _vacations(self):
        """Each day, take the scenario's absent share of every pool out of its desk."""
        gov, env = self.s.governance, self.env
        for day in range(self.s.horizon_days):
            if day * HOURS_PER_DAY > env.now:
                yield env.timeout(day * HOURS_PER_DAY - env.now)
            for name, desk in self.desks.items():
                n = gov.people_absent(name, desk.size, day)
                desk.set_absent(desk.people[:n])

    def _absence_waves(self):
        """Fault library: an approver absence wave takes a share of a pool away for a window."""
        env, plan = self.env, self.w.faults
        for t in plan.absence_changes():
            if t > env.now:
                yield env.timeout(t - env.now)
            for name, desk in self.desks.items():
                n = min(desk.size, int(plan.absent_share(name, env.now) * desk.size + 0.5))
                if n or desk.wave:
                    desk.set_absent_wave(desk.people[desk.size - n :])
                    self.w.trace("approver_absence", f"pool:{name}", f"{n}/{desk.size} away")

    def _audit(self, req: Request, actor: str, action: str, reason: str = "") -> None:
        if self.audit is not None:
            self.audit.append(self.env.now, req.id, req.kind, req.tier, actor, action, reason)

    def _decide(self, req: Request, *, approved: bool, touchless: bool) -> None:
        self.pending_requests -= 1
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
        if not self.w.log.enabled:
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
        prev, self._deciding = self._deciding, req.id
        try:
            req.on_decided(approved)
        finally:
            self._deciding = prev

    # ------------------------------------------------------------------ exceptions
    def exception(
        self,
        team: str,
        event: Event | None,
        resolve: Callable[[], None] | None = None,
        pickup_h: float = 0.0,
        reason: str = "",
        handling_h: float | None = None,
    ) -> None:
        """Queue an anomaly for ``team``; when worked, ``resolve()`` runs and ``event`` settles.

        ``event`` is None for anomalies found by the model itself (a review of its own records).
        """
        created = self.env.now
        token = self.kpi.exception_raised(team, created)
        self.open_exceptions += 1
        key = ""
        if self.w.log.enabled:
            key = event.correlation if event is not None else self.subject
            what = event.kind if event is not None else "review"
            self.w.trace(
                "exception.opened",
                key,
                f"{what}: {reason or 'anomaly'}; routed to team {team}, pickup after "
                f"{pickup_h:.2f} working h",
            )

        def done(person: str, t: float) -> None:
            self.open_exceptions -= 1
            if key:
                what = f"by {person} after {t - created:.2f} h"
                self.w.trace("exception.resolved", key, what, value=t - created)
            if resolve is not None:
                resolve()
            self.kpi.exception_resolved(created, t, auto=False, team=team, token=token)
            if event is not None:
                self.w.ack(event)

        self.desks[team].submit(done, pickup_h=pickup_h, handling_h=handling_h)

    def auto_resolved(self, event: Event, rule: str = "") -> None:
        """An anomaly handled by a rule with no person involved."""
        if self.w.log.enabled:
            self.w.trace(
                "exception.auto_resolved", event.correlation, f"{event.kind}: {rule or 'by rule'}"
            )
        self.kpi.exception_raised()
        self.kpi.exception_resolved(self.env.now, self.env.now, auto=True)
        self.w.ack(event)

    # ------------------------------------------------------------------ records
    def book(self, e: Event) -> bool:
        """Update the records for a pure record-keeping event; False if ``e`` is not one."""
        rec = self.rec
        if isinstance(e, OrderPlaced):
            rec.online_order(e.location, e.skus, e.qty)
        elif isinstance(e, PosSalesPosted):
            rec.pos_posted(e.location, e.skus, e.sold, e.returned)
        elif isinstance(e, GoodsReceived):
            rec.received(e.reference, e.location, e.skus, e.qty)
            if e.reference in self._po_lines:
                self._receipts[e.reference] = e.qty
        elif isinstance(e, TransferShipped):
            rec.shipped_out(e.source, e.skus, e.qty)
        elif isinstance(e, ReturnReceived):
            np.add.at(rec.on_hand[e.location], e.skus, e.qty)
        else:
            return False
        return True

    def purchase_ordered(self, key: str, skus: np.ndarray, qty: np.ndarray, cost: np.ndarray):
        """Remember a PO's lines for the 3-way match of its bill."""
        self._po_lines[key] = (skus, qty, cost)

    # ------------------------------------------------------------------ supplier payments
    def handling(self, desk: WorkDesk) -> float:
        """A handling time for ``desk`` from the governance stream (newer flows only)."""
        return float(lognormal(self.gen_gov, desk.mu, desk.sigma))

    def pickup_gov(self, dist: LogNormal) -> float:
        """A pickup delay from the governance stream (newer flows only)."""
        return float(lognormal(self.gen_gov, dist.mu, dist.sigma))

    def chance(self, p: float) -> bool:
        """A Bernoulli draw from the governance stream (a person's check succeeds...)."""
        return bool(p > 0 and self.gen_gov.random() < p)

    def supplier_name(self, supplier: int) -> str:
        return self.s.network.suppliers[supplier].name

    def pay_invoice(self, e: InvoiceReceived) -> None:
        """Pay a bill approved for payment — or hold it while the supplier's bank details are
        being changed (dual control): it is paid, into the confirmed account, on release."""
        name = self.supplier_name(e.supplier)
        if self.bank.payments_blocked(name):
            self.held.hold(name, e, self.env.now)
            self.kpi.payment_held()
            self.w.trace("payment.held", e.correlation, f"bank change of {name} pending")
            return
        self._pay(e)

    def _pay(self, e: InvoiceReceived) -> None:
        self.submit(
            PayInvoice(
                key=f"pay:{e.invoice_id}",
                need=f"invoice:{e.invoice_id}",
                invoice_id=e.invoice_id,
                supplier=e.supplier,
                amount=e.amount,
            )
        )

    def bank_change(
        self,
        e: Event,
        steps: tuple[str, ...],
        approve: bool,
        pickup: LogNormal | None = None,
        *,
        hold: bool = True,
        rule: str = "",
        settle: Callable[[Event], None] | None = None,
    ) -> None:
        """A supplier bank-detail change (vendor master, high risk) through its approval steps.

        With ``hold`` (dual control) payments to the supplier wait from the request until a
        person other than the requester confirms it, or until it is rejected; then the vendor
        master is updated (``DecideBankChange``) and the held payments go out — into the new
        account. ``approve`` is what the people on the steps will decide (their checks, drawn by
        the model). Without ``hold`` (e-mail) payments keep flowing to the old account meanwhile.
        """
        name, cid = self.supplier_name(e.supplier), str(e.change_id)
        requester = f"supplier:{name}"
        if hold:
            self.bank.request(name, by=requester, t_h=self.env.now, change=cid)

        def decided(approved: bool) -> None:
            self.submit(
                DecideBankChange(
                    key=f"bankchange:{cid}",
                    need=f"bankchange:{cid}",
                    change_id=e.change_id,
                    approved=approved,
                )
            )
            if hold:
                if approved:
                    confirmer = req.approvers[-1] if req.approvers else "policy"
                    self.bank.confirm(name, by=confirmer, change=cid)
                else:
                    self.bank.reject(name, change=cid)
                if not self.bank.payments_blocked(name):
                    for bill, held_h in self.held.release(name, self.env.now):
                        self.kpi.payment_released(held_h)
                        self._pay(bill)
            (settle or self.w.ack)(e)

        req = Request(
            "supplier_change",
            "high",
            self.env.now,
            requester,
            steps,
            decided,
            approve=approve,
            subject=e.correlation,
            rule=rule or "vendor master change: high risk",
            own_stream=True,
        )
        self.request(req, pickup=pickup)

    # ------------------------------------------------------------------ tickets
    def ticket(
        self,
        e: Event,
        tasks: int,
        pickup_h: float = 0.0,
        *,
        team: str = "",
        first_done: Callable[[str], None] | None = None,
        settle: Callable[[Event], None] | None = None,
    ) -> None:
        """Work a customer ticket: ``tasks`` consecutive pieces of work by ``team`` (0: resolved
        by a rule at once), the first after ``pickup_h`` working hours; ``first_done(person)``
        hears who did the first. Then the ticket is resolved and ``e`` settles; a ticket still
        open at the horizon stays in flight (counted pending). By default tickets go to the
        ``contact_centre`` pool, or to ``customer_service`` in a scenario without one."""
        created = e.t
        team = team or ("contact_centre" if "contact_centre" in self.desks else "customer_service")

        def resolved(t: float) -> None:
            self.kpi.ticket_resolved(created, t, auto=tasks == 0)
            (settle or self.w.ack)(e)

        if tasks <= 0:
            resolved(self.env.now)
            return
        self.kpi.ticket_touches += tasks
        desk = self.desks[team]

        def step(k: int, pickup: float) -> None:
            def done(person: str, t: float) -> None:
                if k == 0 and first_done is not None:
                    first_done(person)
                if k + 1 < tasks:
                    step(k + 1, 0.0)
                else:
                    resolved(t)

            desk.submit(done, pickup_h=pickup, handling_h=self.handling(desk))

        step(0, pickup_h)

    def three_way_match(self, e: InvoiceReceived) -> bool:
        """Bill vs PO (price) vs receipt (quantity): True when the bill can be paid as is."""
        po = self._po_lines.pop(e.po_key, None)
        received = self._receipts.pop(e.po_key, None)
        #: what the bill should have been (received qty x PO price), for a bill paid unchecked
        self.last_payable = None if po is None or received is None else float(received @ po[2])
        if po is None or received is None:
            return False
        _, _, cost = po
        return bool(np.array_equal(e.unit_price, cost) and np.array_equal(e.qty, received))
