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
from orchestration.records import StockRecords
from orchestration.threats import ThreatModel
from orchestration.workdesk import Task, WorkDesk
from scenarios.schema import LogNormal, Scenario, TierBounds
from sim.clock import HOURS_PER_DAY, WorkCalendar, day_of
from sim.events import (
    Command,
    Event,
    GoodsReceived,
    InvoiceReceived,
    OrderPlaced,
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
        self.env = world.env
        self.kpi = world.kpi
        self.rec = StockRecords(world)
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
        self._request_seq = 0
        self.pending_requests = 0
        self.open_exceptions = 0
        self._seq = 0
        self._po_lines: dict[str, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._receipts: dict[str, np.ndarray] = {}

    # ------------------------------------------------------------------ helpers
    def key(self, prefix: str) -> str:
        """A new document number / idempotency key, sequential per model run."""
        self._seq += 1
        return f"{prefix}-{self._seq}"

    def submit(self, cmd: Command) -> str:
        return self.w.submit(cmd)

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
        self._audit(req, req.requester, "requested")
        if not req.steps:
            self._audit(req, "policy", "auto_approved" if req.approve else "refused")
            self._decide(req, approved=req.approve, touchless=True)
            return
        self._step(req, 0, pickup)

    def _step(self, req: Request, i: int, pickup: LogNormal | None, pool: str | None = None):
        """Submit step ``i`` to its pool (or to ``pool``, when escalated there)."""
        pool = pool or req.steps[i]
        desk = self.desks[pool]
        delay = self.pickup(pickup) if pickup is not None else 0.0

        def done(person: str, _t: float) -> None:
            req.approvers = (*req.approvers, person)
            self._audit(req, person, "approved" if req.approve else "refused", req.steps[i])
            if i + 1 < len(req.steps):
                self._step(req, i + 1, pickup)
            else:
                self._decide(req, approved=req.approve, touchless=False)

        # nobody approves their own request, nobody fills two steps of one request
        task = desk.submit(done, pickup_h=delay, exclude=(req.requester, *req.approvers))
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
        yield env.timeout(deadline - env.now)
        target = esc.escalate_to.get(pool)
        if target is None or target not in self.desks or not task.cancel():
            return
        req.escalations += 1
        away = len(self.desks[pool].absent) >= self.desks[pool].size
        self._audit(req, "system", "delegated" if away else "escalated", f"{pool}->{target}")
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
        req.on_decided(approved)

    # ------------------------------------------------------------------ exceptions
    def exception(
        self,
        team: str,
        event: Event | None,
        resolve: Callable[[], None] | None = None,
        pickup_h: float = 0.0,
    ) -> None:
        """Queue an anomaly for ``team``; when worked, ``resolve()`` runs and ``event`` settles.

        ``event`` is None for anomalies found by the model itself (a review of its own records).
        """
        self.kpi.exception_raised()
        self.open_exceptions += 1
        created = self.env.now

        def done(_person: str, t: float) -> None:
            self.open_exceptions -= 1
            if resolve is not None:
                resolve()
            self.kpi.exception_resolved(created, t, auto=False)
            if event is not None:
                self.w.ack(event)

        self.desks[team].submit(done, pickup_h=pickup_h)

    def auto_resolved(self, event: Event) -> None:
        """An anomaly handled by a rule with no person involved."""
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

    def three_way_match(self, e: InvoiceReceived) -> bool:
        """Bill vs PO (price) vs receipt (quantity): True when the bill can be paid as is."""
        po = self._po_lines.pop(e.po_key, None)
        received = self._receipts.pop(e.po_key, None)
        if po is None or received is None:
            return False
        _, _, cost = po
        return bool(np.array_equal(e.unit_price, cost) and np.array_equal(e.qty, received))
