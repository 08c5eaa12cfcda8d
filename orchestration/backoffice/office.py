"""The back office every orchestration model has: records, people, and the clerical machinery.

A model *composes* a :class:`Backoffice` and decides policy; the back office supplies what does
not change between models:

- **record keeping** (:meth:`Backoffice.book`): the ERP's stock records follow the events that
  reach it (POS uploads, online orders, receipts as counted, transfers as shipped, returns);
- **people**: one :class:`~orchestration.backoffice.workdesk.WorkDesk` per approver pool;
- **approval requests** (``approvals``, :mod:`~orchestration.backoffice.requests`): a request
  walks its steps or is decided by policy (touchless); every decision is reported to the KPI
  collector, which checks segregation of duties, and sealed on the audit log when kept;
- **exceptions** (``exceptions``, :mod:`~orchestration.backoffice.exceptions`): an anomaly
  queued for a team, worked after a pickup delay, then resolved;
- **payables** (``payables``, :mod:`~orchestration.backoffice.payables`): the 3-way match,
  payments held while a supplier's bank details change, and the bank-change requests;
- **customer tickets** (``tickets``, :mod:`~orchestration.backoffice.tickets`);
- **the reconciliation scan** (``reconciliation``, :mod:`~orchestration.backoffice.
  reconciliation`): bills paid unchecked, raised to finance by a scheduled action.

Random pickup delays come from the stream ``orch.<model>.pickup``; desk handling times from
``orch.<model>.desk.<pool>``; the newer flows (tickets, bank changes) draw from
``orch.<model>.governance`` — so models never disturb the world's streams.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from orchestration.approvals.audit import AuditLog
from orchestration.backoffice.exceptions import ExceptionQueue
from orchestration.backoffice.payables import Payables
from orchestration.backoffice.reconciliation import ReconciliationScan
from orchestration.backoffice.records import StockRecords
from orchestration.backoffice.requests import ApprovalRequests
from orchestration.backoffice.tickets import TicketDesk
from orchestration.backoffice.workdesk import WorkDesk
from orchestration.port import WorldPort
from orchestration.security.threats import ThreatModel
from scenarios.schema import LogNormal, Scenario
from sim.clock import HOURS_PER_DAY, WorkCalendar, day_of
from sim.events import (
    Command,
    Event,
    GoodsReceived,
    OrderPlaced,
    PosSalesPosted,
    ReturnReceived,
    TransferShipped,
)
from sim.rng import Buffered, lognormal


class Backoffice:
    def __init__(
        self,
        world: WorldPort,
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
        self.deciding = ""  # the request whose decision callback is running (traced only)
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
        #: pickup delays served from blocks (every user of the stream draws through it)
        self.pickups = Buffered(self.gen)
        self.threats = ThreatModel(world, audit) if scenario.security.attacks_per_day else None
        self.approvals = ApprovalRequests(self, audit, escalate=escalate)
        self.exceptions = ExceptionQueue(self)
        self._seq = 0
        self.payables = Payables(self)
        self.gen_gov = world.streams.get(f"orch.{model}.governance")
        self.kpi.exception_slas(dict(scenario.governance.exception_sla_h))
        if scenario.policy.late_supplier.escalate_to:  # late-supplier escalations land here
            self.kpi.exception_team(scenario.policy.late_supplier.escalate_to)
        self.tickets = TicketDesk(self)
        self.reconciliation = ReconciliationScan(self)

    # ------------------------------------------------------------------ helpers
    def key(self, prefix: str) -> str:
        """A new document number / idempotency key, sequential per model run."""
        self._seq += 1
        return f"{prefix}-{self._seq}"

    def submit(self, cmd: Command) -> str:
        if self.w.tracing:
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
        if self.deciding:
            self.link(self.deciding, cmd.key)

    def observe(self, event: Event) -> None:
        """Trace the links the world's keys do not show: a return or a ticket about an order
        belongs to that order."""
        if self.w.tracing:
            order = getattr(event, "order_id", 0)
            if order:  # self.link written out: called for every event when tracing
                parent, child = f"order:{order}", event.correlation
                if child and parent != child:
                    self.w.trace("link", parent, child)

    def pickup(self, dist: LogNormal) -> float:
        return self.pickups.lognormal(dist.mu, dist.sigma)

    def handling(self, desk: WorkDesk) -> float:
        """A handling time for ``desk`` from the governance stream (newer flows only)."""
        return float(lognormal(self.gen_gov, desk.mu, desk.sigma))

    def pickup_gov(self, dist: LogNormal) -> float:
        """A pickup delay from the governance stream (newer flows only)."""
        return float(lognormal(self.gen_gov, dist.mu, dist.sigma))

    def chance(self, p: float) -> bool:
        """A Bernoulli draw from the governance stream (a person's check succeeds...)."""
        return bool(p > 0 and self.gen_gov.random() < p)

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
            "pending_approvals": self.approvals.pending,
            "open_exceptions": self.exceptions.open_count,
        }

    # ------------------------------------------------------------------ records
    def book(self, e: Event) -> bool:
        """Update the records for a pure record-keeping event; False if ``e`` is not one."""
        booking = self.booking(type(e))
        if booking is None:
            return False
        booking(e)
        return True

    def booking(self, cls: type) -> Callable[[Event], None] | None:
        """How the records follow an event of class ``cls``; None if it is no record-keeping
        event (decided once per class by a caller that dispatches on the class)."""
        rec = self.rec
        if issubclass(cls, OrderPlaced):
            online = rec.online_order_lines
            return lambda e: online(e.location, e.skus.tolist(), e.qty.tolist())
        if issubclass(cls, PosSalesPosted):
            return lambda e: rec.pos_posted(e.location, e.skus, e.sold, e.returned)
        if issubclass(cls, GoodsReceived):
            return self._received
        if issubclass(cls, TransferShipped):
            return lambda e: rec.shipped_out(e.source, e.skus, e.qty)
        if issubclass(cls, ReturnReceived):
            return lambda e: np.add.at(rec.on_hand[e.location], e.skus, e.qty)
        return None

    def _received(self, e: GoodsReceived) -> None:
        self.rec.received(e.reference, e.location, e.skus, e.qty)
        self.payables.received(e.reference, e.qty)
