"""A policy table: one policy object per process area — what makes one model differ from another.

The four automated models share one wiring (:mod:`orchestration.models.wiring`) and differ only
in their table; ``hybrid``'s table takes its entries from the others'. Besides the nine area
policies a table carries the model's approval channel (how long before an approver opens a
task, in working hours) and its scheduled checks.

A phased rollout (:mod:`orchestration.models.rollout`) fills some areas with the manual model's
policies; those carry their human channel as attributes the wiring reads where it has a choice
to make: ``batch_hour`` (purchase: RFQs raised by a nightly run), ``pushes`` (availability:
pushed changes or a nightly file), ``entry_h``/``review_hour`` (invoices keyed by hand,
mismatches to the daily spreadsheet), ``by_email`` (bank changes), ``pickup`` (tickets: the
shared inbox), ``review_hour`` (late suppliers), and ``pickups`` below (per-area approval pickup).
The presets' policies leave them unset, so the presets run as they always did.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from typing import Any, Protocol

from orchestration.policies.availability import PushOnChange
from orchestration.policies.bank_change import BankChangeCase
from orchestration.policies.context import PolicyContext
from orchestration.policies.discount import DiscountCase
from orchestration.policies.invoice import InvoiceCase, InvoiceRoute
from orchestration.policies.late_supplier import LateSupplierCase
from orchestration.policies.purchase import PurchaseCase
from orchestration.policies.refund import RefundCase
from orchestration.policies.route import Route
from orchestration.policies.tickets import TicketCase, TicketRoute
from orchestration.policies.variance import VarianceCase
from scenarios.schema import LogNormal


class PurchasePolicy(Protocol):
    def steps(self, case: PurchaseCase) -> tuple[str, ...]: ...


class DiscountPolicy(Protocol):
    def decide(self, case: DiscountCase) -> Route: ...


class RefundPolicy(Protocol):
    def decide(self, case: RefundCase) -> Route | None: ...


class VariancePolicy(Protocol):
    def decide(self, case: VarianceCase) -> Route: ...


class InvoicePolicy(Protocol):
    def route(self, case: InvoiceCase) -> InvoiceRoute: ...


class BankChangePolicy(Protocol):
    def steps(self, case: BankChangeCase) -> tuple[str, ...]: ...


class TicketPolicy(Protocol):
    def route(self, case: TicketCase) -> TicketRoute: ...


class LateSupplierPolicy(Protocol):
    def decide(self, case: LateSupplierCase) -> Route: ...


@dataclass(frozen=True)
class PolicyTable:
    purchase: PurchasePolicy
    discount: DiscountPolicy
    refund: RefundPolicy
    variance: VariancePolicy
    invoice: InvoicePolicy
    bank_change: BankChangePolicy
    tickets: TicketPolicy
    availability: PushOnChange
    late_supplier: LateSupplierPolicy
    #: how long before an approver opens a task (working hours); None: at once
    approval_pickup: LogNormal | None = None
    #: scheduled check: a confirmed PO not sent to its supplier after this long is re-sent
    po_watchdog_h: float | None = None
    #: reminders and deadline escalation on waiting approval steps (``governance.escalation``)
    escalate: bool = False
    #: per area (a field name above), an approval channel other than ``approval_pickup``: a
    #: phased rollout keeps the manual areas on e-mail pickup (None: at once)
    pickups: Mapping[str, LogNormal | None] = field(default_factory=dict)

    def pickup(self, area: str) -> LogNormal | None:
        """How long before an approver opens a task of ``area`` (working hours)."""
        return self.pickups.get(area, self.approval_pickup)

    def initialise(self, ctx: PolicyContext) -> None:
        """Hand the run's context to every policy that asks for it (once, at attach)."""
        for f in fields(self):
            if f.name == "pickups":
                continue
            policy: Any = getattr(self, f.name)
            init = getattr(policy, "initialise", None)
            if init is not None:
                init(ctx)

    def routers(self) -> dict[str, Any]:
        """The triage routers the policies used, by item type (for the triage KPIs)."""
        out = {}
        for kind, policy in (
            ("tickets", self.tickets),
            ("refunds", self.refund),
            ("invoices", self.invoice),
        ):
            router = getattr(getattr(policy, "triage", policy), "router", None)
            if router is not None:
                out[kind] = router
        return out
