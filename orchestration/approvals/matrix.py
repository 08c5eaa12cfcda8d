"""The approval matrix: which steps a request walks — roles, approver counts, step deadlines.

A model's policy objects propose the steps of a request (pools, in order): that is the model's
*default matrix*. The scenario's governance then decides, in this order:

1. **Declared cells** (``governance.matrix.<area>.<tier>``) replace the proposal: each step names
   a role (a pool), how many distinct people of it approve in turn (``approvers``) and an
   optional deadline (hours waiting at the step before it is escalated); ``[]`` means decided by
   rule (touchless). Cells are checked at load (role grants the area, SoD, enough people).
2. **Roles route work** (``governance.roles``): a proposed step whose pool's role does not grant
   the area's permission (:data:`scenarios.governance.AREA_PERMISSION`) is offered instead to the
   first pool up its escalation line (``escalation.escalate_to``) that holds it, else to the
   first pool of the scenario that does.
3. **Dual control** (``governance.dual_approval_from``): from that tier on, a request decided by
   people needs two distinct approvers; one with a single step gets a second approver of the
   same role when the pool has two people or more, else of the pool up its escalation line
   (else of another pool granted the area).

Areas outside the matrix (supplier bank changes, whose fraud-detection model depends on its
checks) keep their policy's steps. Pure: no clock, no random numbers; deadlines are hours.
A plan is made once per (area, tier, proposed steps) and run, then looked up.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from scenarios.governance import AREA_PERMISSION, TIERS, Governance


@dataclass(frozen=True, slots=True)
class Plan:
    """The steps a request walks (one distinct person each) and each step's own deadline."""

    steps: tuple[str, ...]
    deadlines_h: tuple[float | None, ...]
    #: what the matrix changed against the proposal ("" = nothing), for the trace
    note: str = ""


class ApprovalMatrix:
    """Decides a request's steps from its area, tier and the model's proposed steps."""

    def __init__(self, governance: Governance, pool_sizes: Mapping[str, int]):
        self.gov = governance
        self.sizes = dict(pool_sizes)
        #: plans already made: a plan is a pure function of (area, tier, proposed steps) over
        #: the run's fixed governance and pools, so each is decided once per run
        self._plans: dict[tuple[str, str, tuple[str, ...]], Plan] = {}

    def plan(self, area: str, tier: str, proposed: tuple[str, ...]) -> Plan:
        """The steps of a request of ``area`` at ``tier`` whose model proposed ``proposed``."""
        if type(proposed) is not tuple:  # a policy may propose its steps as a list
            proposed = tuple(proposed)
        key = (area, tier, proposed)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = self._plan(area, tier, proposed)
        return plan

    def _plan(self, area: str, tier: str, proposed: tuple[str, ...]) -> Plan:
        if area not in AREA_PERMISSION:
            return Plan(proposed, (None,) * len(proposed))
        cell = self.gov.matrix.get(area, {}).get(tier)  # type: ignore[call-overload]
        notes: list[str] = []
        if cell is not None:
            steps = tuple(s.role for s in cell for _ in range(s.approvers))
            deadlines = tuple(s.deadline_h for s in cell for _ in range(s.approvers))
            notes.append(f"matrix.{area}.{tier}")
        else:
            steps = tuple(self.holder(p, area) for p in proposed)
            deadlines = (None,) * len(steps)
            moved = [f"{a}->{b}" for a, b in zip(proposed, steps, strict=True) if a != b]
            if moved:
                notes.append(f"roles re-route {', '.join(moved)}")
        dual = self.gov.dual_approval_from
        if dual is not None and len(steps) == 1 and TIERS.index(tier) >= TIERS.index(dual):
            second = self.second(steps[0], area)
            steps, deadlines = (*steps, second), (*deadlines, deadlines[0])
            notes.append(f"dual approval from {dual}: second approver at {second}")
        return Plan(steps, deadlines, "; ".join(notes))

    def holder(self, pool: str, area: str) -> str:
        """``pool`` if its role grants ``area``; else up its escalation line, else the first
        pool that does (the load check guarantees one exists)."""
        gov, seen = self.gov, {pool}
        p = pool
        while not gov.holds(p, area):
            p = gov.escalation.escalate_to.get(p, "")
            if not p or p in seen or p not in self.sizes:
                return next((q for q in self.sizes if gov.holds(q, area)), pool)
            seen.add(p)
        return p

    def second(self, pool: str, area: str) -> str:
        """Where the second approver of a dual-controlled single-step request comes from: the
        same role when it has two people or more, else up its escalation line, else any other
        pool granted the area (a one-person pool cannot give two distinct approvers)."""
        if self.sizes.get(pool, 0) >= 2:
            return pool
        up = self.gov.escalation.escalate_to.get(pool, "")
        if up in self.sizes and (found := self.holder(up, area)) != pool:
            return found
        return next((q for q in self.sizes if q != pool and self.gov.holds(q, area)), pool)
