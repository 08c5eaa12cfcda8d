"""Governance of approvals as scenario data: roles, the approval matrix, vacations, escalation.

Concept: who may do what (``roles``: approver pool -> permission names; a step of an approval
request is offered only to a pool whose role grants its area, ``AREA_PERMISSION``), who approves
which request (``matrix``: area -> tier -> ordered steps, each a role, a count of distinct
approvers and an optional deadline; an undeclared cell is the model's own routing, its default
matrix), which requests need two distinct approvers (``dual_approval_from``: the lowest risk
tier that does, unset = as the matrix says), when part of a pool is away (``vacations``), and
what happens to a request left waiting at a step (``escalation``). The controls that act on
this data live in ``orchestration.approvals`` (``matrix``: the steps a request walks); the role
table and the matrix are checked at load (``problems``: SoD conflicts, a matrix step whose role
may not approve the area or also creates what it approves, more approvers than people).
The defaults are SoD-clean for the default pools (``store_managers``, ``buyers``,
``finance``, ``customer_service``, ``inventory_control``), give every pool that approves
something in the models the permission it needs, and send no one on vacation, so adding
governance to a scenario changes nothing until its data says so.

Units: ``start_day`` and ``days`` are whole days since the scenario's ``start_date``;
``absent_share`` is the fraction of a pool's people away, in (0, 1]; ``reminder_every_h`` and
``deadline_h`` are simulated hours a request has waited *at one step* (``policy.deadline_h`` is
the end-to-end target of the whole request, a different thing); ``exception_sla_h`` is the
resolution target of each team's exception queue, in elapsed hours; ``bank_change_checks`` are
the probabilities that a person's check catches a fraudulent supplier bank change. Like the
rest of the scenario, models are strict (unknown keys rejected, no coercion) and frozen. This
module imports nothing else of RetailTwin.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from scenarios.bounds import Positive

Name = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")]
Tier = Literal["low", "medium", "high"]
TIERS: tuple[Tier, ...] = ("low", "medium", "high")

#: Permission names, the same as ``orchestration.approvals.sod.PERMISSIONS``.
Permission = Literal[
    "vendor.create",
    "vendor.pay",
    "vendor.confirm",
    "po.create",
    "po.approve",
    "customer.create",
    "refund.approve",
    "item.maintain",
    "inventory.adjust",
    "discount.approve",
]

Problem = tuple[str, str, str]  # (dotted path, expected, found)


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


#: SoD-clean defaults: creators (store managers, buyers, inventory control) never approve what
#: they create; finance pays and approves but creates nothing.
DEFAULT_ROLES: dict[str, list[Permission]] = {
    "store_managers": ["discount.approve", "customer.create", "po.create"],
    "buyers": ["vendor.create", "item.maintain", "po.approve", "discount.approve"],
    "finance": [
        "vendor.pay",
        "vendor.confirm",
        "po.approve",
        "refund.approve",
        "inventory.adjust",
        "discount.approve",
    ],
    "customer_service": ["refund.approve"],
    "inventory_control": ["inventory.adjust", "po.create"],
}


class Vacation(_Spec):
    """A window of ``days`` days from ``start_day`` in which ``absent_share`` of a pool is away."""

    start_day: Annotated[int, Field(ge=0, le=1_000)]
    days: Annotated[int, Field(ge=1, le=1_000)]
    absent_share: Annotated[float, Field(gt=0.0, le=1.0)]

    def covers(self, day: int) -> bool:
        return self.start_day <= day < self.start_day + self.days


class Escalation(_Spec):
    """Reminders, then escalation, for a request left waiting at one step.

    Every ``reminder_every_h`` hours at a step the approver is reminded, at most ``reminders``
    times; after ``deadline_h[tier]`` hours at the step the request moves to the pool named by
    ``escalate_to[pool]`` (a pool with no entry only gets reminders).
    """

    enabled: bool = False  # off by default: see the README on escalation storms
    reminder_every_h: Positive = 8.0
    reminders: Annotated[int, Field(ge=0, le=100)] = 2
    deadline_h: dict[Tier, Positive] = {"low": 2.0, "medium": 24.0, "high": 72.0}
    escalate_to: dict[Name, Name] = {
        "store_managers": "buyers",
        "buyers": "finance",
        "customer_service": "finance",
        "inventory_control": "finance",
    }


#: Pairs of permissions no single role may hold (segregation of duties), with the fraud each
#: pair would allow. ``orchestration.approvals.sod`` enforces the same pairs at run time.
ROLE_CONFLICTS: tuple[tuple[str, str, str], ...] = (
    ("vendor.create", "vendor.pay", "create a fictitious vendor and pay it"),
    ("po.create", "po.approve", "raise a purchase order and approve it oneself"),
    ("customer.create", "refund.approve", "create a fictitious customer and refund it"),
    ("item.maintain", "inventory.adjust", "change an item and write off the difference"),
)


#: Resolution targets per team queue, in elapsed (not working) hours from the moment an
#: exception is raised. Sources and assumptions: customer service — Gorgias merchants resolve in
#: a median 8.3 h and retail email answers take 12-36 h (RETAIL_PARAMS section 8), so one day;
#: buyers chasing a late supplier confirmation — one day (assumption); finance on invoice
#: exceptions — three days against an 8-17 day invoice cycle (section 7; assumption);
#: inventory control on count variances — three days (assumption); store managers — 4 h, the
#: same shift (assumption).
DEFAULT_EXCEPTION_SLA_H: dict[str, float] = {
    "customer_service": 24.0,
    "buyers": 24.0,
    "finance": 72.0,
    "inventory_control": 72.0,
    "store_managers": 4.0,
}


class BankChangeChecks(_Spec):
    """How well people catch a fraudulent supplier bank change (probabilities per check).

    ``callback_detection``: a verifier who calls the supplier back on the number already on file
    (not the one in the request) exposes an impersonation; ``review_detection``: an independent
    second reviewer of the evidence does; ``email_detection``: a clerk who only answers the email
    thread (which the fraudster controls) does. ASSUMPTIONS — no source in RETAIL_PARAMS; the
    order (call-back >> e-mail) is what payment-fraud guidance recommends.
    """

    callback_detection: Annotated[float, Field(ge=0.0, le=1.0)] = 0.9
    review_detection: Annotated[float, Field(ge=0.0, le=1.0)] = 0.5
    email_detection: Annotated[float, Field(ge=0.0, le=1.0)] = 0.3


#: The process areas of the approval matrix (the ``kind`` of an approval request) and the
#: permission a role needs to fill a step of each (``orchestration.approvals.sod`` uses the same).
AREA_PERMISSION: dict[str, Permission] = {
    "purchase": "po.approve",
    "discount": "discount.approve",
    "refund": "refund.approve",
    "inventory_adjustment": "inventory.adjust",
}
#: The permission that *creates* what an area approves: a matrix step whose role holds it would
#: let one role raise a thing and approve it (segregation of duties), so it is rejected at load.
AREA_CREATES: dict[str, Permission] = {
    "purchase": "po.create",
    "refund": "customer.create",
    "inventory_adjustment": "item.maintain",
}
Area = Literal["purchase", "discount", "refund", "inventory_adjustment"]


class Step(_Spec):
    """One step of the approval matrix: ``approvers`` distinct people of ``role`` (a pool whose
    role grants the area's permission) approve in turn; with ``deadline_h`` the step is
    escalated (``escalation.escalate_to``) after that many hours waiting, in every model."""

    role: Name
    approvers: Annotated[int, Field(ge=1, le=3)] = 1
    deadline_h: Positive | None = None


#: area -> tier -> ordered steps; ``[]`` means decided by rule (touchless)
Matrix = dict[Area, dict[Tier, list[Step]]]


class Governance(_Spec):
    """Roles, the approval matrix, dual approval, vacations and escalation of a scenario."""

    roles: dict[Name, list[Permission]] = DEFAULT_ROLES
    #: the approval matrix: a declared (area, tier) cell replaces the model's own routing of
    #: that cell (its default matrix, the policy objects) in every model
    matrix: Matrix = {}
    #: from this tier on a request decided by people needs two distinct approvers (None: as the
    #: matrix says — each model's default matrix has dual approval where it always had)
    dual_approval_from: Literal["medium", "high"] | None = None
    vacations: dict[Name, list[Vacation]] = {}
    escalation: Escalation = Escalation()
    #: resolution target of each team's exception queue, hours (see DEFAULT_EXCEPTION_SLA_H)
    exception_sla_h: dict[Name, Positive] = DEFAULT_EXCEPTION_SLA_H
    bank_change_checks: BankChangeChecks = BankChangeChecks()

    def absent_share(self, pool: str, day: int) -> float:
        """Share of ``pool`` away on ``day`` (the largest of the windows covering it)."""
        return max(
            (v.absent_share for v in self.vacations.get(pool, ()) if v.covers(day)), default=0.0
        )

    def people_absent(self, pool: str, size: int, day: int) -> int:
        """Whole people of a pool of ``size`` away on ``day`` (share rounded half up)."""
        return min(size, int(self.absent_share(pool, day) * size + 0.5))

    def problems(self, pools: Collection[str]) -> list[Problem]:
        """Names that do not match the scenario's approver ``pools``, and missing tiers.

        Roles holding both sides of a conflicting pair (``ROLE_CONFLICTS``) are rejected here,
        at load, so a scenario can never run with such a role.
        """
        known = f"a pool of approvals.pools {sorted(pools)}"
        out: list[Problem] = [
            (f"governance.vacations.{p}", known, p) for p in self.vacations if p not in pools
        ]
        out += [
            (f"governance.exception_sla_h.{p}", known, p)
            for p in self.exception_sla_h
            if p not in pools
        ]
        for pool, granted in self.roles.items():
            for a, b, fraud in ROLE_CONFLICTS:
                if a in granted and b in granted:
                    out.append(
                        (
                            f"governance.roles.{pool}",
                            f"not both {a} and {b} (could {fraud})",
                            f"{a} + {b}",
                        )
                    )
        out += self._matrix_problems(pools)
        esc = self.escalation
        missing = [t for t in TIERS if t not in esc.deadline_h]
        if missing:
            out.append(
                (
                    "governance.escalation.deadline_h",
                    f"a deadline for {list(TIERS)}",
                    str(sorted(esc.deadline_h)),
                )
            )
        for src, dst in esc.escalate_to.items():
            path = f"governance.escalation.escalate_to.{src}"
            if src not in pools:
                out.append((path, known, src))
            if dst not in pools:
                out.append((path, known, dst))
            elif dst == src:
                out.append((path, "a pool other than the one escalating", dst))
        return out

    def holds(self, pool: str, area: str) -> bool:
        """Whether ``pool``'s role grants filling a step of ``area`` requests."""
        return AREA_PERMISSION[area] in self.roles.get(pool, ())

    def _matrix_problems(self, pools: Collection[str]) -> list[Problem]:
        """Every area needs a role that may approve it; every matrix step a pool whose role
        grants the area's permission and does not also create what it approves (SoD)."""
        out: list[Problem] = []
        for area, perm in AREA_PERMISSION.items():
            if not any(self.holds(p, area) for p in pools):
                out.append(("governance.roles", f"a pool granted {perm} ({area} steps)", "none"))
        for area, tiers in self.matrix.items():
            perm, creates = AREA_PERMISSION[area], AREA_CREATES.get(area)
            for t, steps in tiers.items():
                for i, step in enumerate(steps):
                    path = f"governance.matrix.{area}.{t}[{i}].role"
                    granted = self.roles.get(step.role, [])
                    if step.role not in pools:
                        out.append((path, f"a pool of approvals.pools {sorted(pools)}", step.role))
                    elif perm not in granted:
                        out.append((path, f"a role granted {perm}", f"{step.role}: {granted}"))
                    elif creates is not None and creates in granted:
                        out.append(
                            (path, f"a role that does not also hold {creates} (SoD)", step.role)
                        )
                    elif isinstance(pools, Mapping) and step.approvers > pools[step.role]:
                        out.append(
                            (
                                f"governance.matrix.{area}.{t}[{i}].approvers",
                                f"at most the {pools[step.role]} people of {step.role}",
                                str(step.approvers),
                            )
                        )
        return out
