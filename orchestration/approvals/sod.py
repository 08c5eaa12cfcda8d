"""Segregation of duties (SoD): the preventive controls, as small pure checks.

Three controls, from the coarsest to the finest:

1. **Roles** (:func:`check_roles`): a pool of people (a role) is granted permissions; no role may
   hold both sides of a conflicting pair (:data:`CONFLICTS`) — whoever creates a vendor does not
   pay it, whoever raises a purchase order does not approve it, whoever creates a customer does
   not approve its refunds, whoever maintains the item master does not adjust the stock.
   Checked once, when a scenario is loaded; problems are ``(path, expected, found)`` like
   :func:`scenarios.schema.semantic_problems`.
2. **People** (:func:`eligible`, :func:`pick_approver`, :func:`assign`): a person (``"<pool>:<i>"``)
   may fill a step of a request only if they did not raise it and filled no other step of it.
   When nobody free is eligible the answer is ``None`` ("not assignable now"), never a
   violating pick; the caller waits, escalates or reports it.
3. **Supplier bank details** (:class:`BankChangeGuard`): a change of a supplier's bank account
   blocks payments to that supplier until a *different* person confirms it (or it is
   rejected); :class:`HeldPayments` keeps the payments that wait meanwhile.

Tiers are ``low`` < ``medium`` < ``high``; from the dual-approval tier on, a request needs two
distinct approvers (:func:`required_approvers`). Nothing here draws random numbers or reads a
clock; times passed in are simulated hours.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from orchestration.approvals.audit import TIERS
from scenarios.governance import ROLE_CONFLICTS

if TYPE_CHECKING:
    from scenarios.governance import Governance

__all__ = [
    "APPROVE_PERMISSION",
    "CONFLICTS",
    "CUSTOMER_CREATE",
    "DISCOUNT_APPROVE",
    "INVENTORY_ADJUST",
    "ITEM_MAINTAIN",
    "PERMISSIONS",
    "PO_APPROVE",
    "PO_CREATE",
    "REFUND_APPROVE",
    "VENDOR_CONFIRM",
    "VENDOR_CREATE",
    "VENDOR_PAY",
    "Assignment",
    "BankChangeGuard",
    "HeldPayments",
    "Parties",
    "PendingBankChange",
    "Problem",
    "assign",
    "can_approve",
    "check_escalation",
    "check_governance",
    "check_roles",
    "eligible",
    "pick_approver",
    "required_approvers",
]

VENDOR_CREATE = "vendor.create"  # create or maintain a supplier, including its bank details
VENDOR_PAY = "vendor.pay"  # release payments to suppliers
VENDOR_CONFIRM = "vendor.confirm"  # confirm a supplier master change (bank details)
PO_CREATE = "po.create"  # raise a purchase order / replenishment request
PO_APPROVE = "po.approve"  # approve a purchase order
CUSTOMER_CREATE = "customer.create"  # create a customer account
REFUND_APPROVE = "refund.approve"  # approve a refund
ITEM_MAINTAIN = "item.maintain"  # maintain the item master (costs, units)
INVENTORY_ADJUST = "inventory.adjust"  # approve a stock adjustment or write-off
DISCOUNT_APPROVE = "discount.approve"  # approve a price override

PERMISSIONS = (
    VENDOR_CREATE,
    VENDOR_PAY,
    VENDOR_CONFIRM,
    PO_CREATE,
    PO_APPROVE,
    CUSTOMER_CREATE,
    REFUND_APPROVE,
    ITEM_MAINTAIN,
    INVENTORY_ADJUST,
    DISCOUNT_APPROVE,
)

#: Pairs no single role may hold, with the fraud each pair would allow (the scenario layer
#: rejects such roles at load with the same table).
CONFLICTS: tuple[tuple[str, str, str], ...] = ROLE_CONFLICTS

#: The permission a pool needs to fill a step of each kind of approval request.
APPROVE_PERMISSION: dict[str, str] = {
    "purchase": PO_APPROVE,
    "discount": DISCOUNT_APPROVE,
    "refund": REFUND_APPROVE,
    "inventory_adjustment": INVENTORY_ADJUST,
    "supplier_change": VENDOR_CONFIRM,
}

Problem = tuple[str, str, str]  # (dotted path, expected, found)


# --------------------------------------------------------------------------- roles
def check_roles(
    roles: Mapping[str, Iterable[str]],
    pools: Collection[str] | None = None,
    prefix: str = "governance.roles",
) -> list[Problem]:
    """Every SoD problem of a role table (pool -> permissions), as (path, expected, found).

    A role holding both sides of a conflicting pair, an unknown permission name, and (when
    ``pools`` is given) a role for a pool the scenario does not have are all reported.
    """
    problems: list[Problem] = []
    for pool, granted in roles.items():
        path = f"{prefix}.{pool}"
        perms = set(granted)
        if pools is not None and pool not in pools:
            problems.append((path, f"a pool of approvals.pools {sorted(pools)}", pool))
        problems.extend(
            (path, f"a known permission {list(PERMISSIONS)}", p)
            for p in sorted(perms - set(PERMISSIONS))
        )
        for a, b, fraud in CONFLICTS:
            if a in perms and b in perms:
                problems.append((path, f"not both {a} and {b} (could {fraud})", f"{a} + {b}"))
    return problems


def check_escalation(
    roles: Mapping[str, Iterable[str]],
    escalate_to: Mapping[str, str],
    prefix: str = "governance.escalation.escalate_to",
) -> list[Problem]:
    """Escalation targets that could not decide what they are escalated.

    A request escalated from ``pool`` lands with ``escalate_to[pool]``, so that pool must hold
    every approval permission (:data:`APPROVE_PERMISSION`) that ``pool`` holds.
    """
    approvals = set(APPROVE_PERMISSION.values())
    problems: list[Problem] = []
    for src, dst in escalate_to.items():
        needed = approvals & set(roles.get(src, ()))
        lacking = sorted(needed - set(roles.get(dst, ())))
        if lacking:
            problems.append(
                (f"{prefix}.{src}", f"{dst} holds {sorted(needed)}", f"{dst} lacks {lacking}")
            )
    return problems


def check_governance(governance: Governance, pools: Collection[str]) -> list[Problem]:
    """Every problem of a scenario's governance against its approver ``pools``, SoD included."""
    found = [
        *governance.problems(pools),
        *check_roles(governance.roles, pools),
        *check_escalation(governance.roles, governance.escalation.escalate_to),
    ]
    return list(dict.fromkeys(found))  # conflicts are found by both checks: report each once


def can_approve(roles: Mapping[str, Iterable[str]], pool: str, kind: str) -> bool:
    """Whether people of ``pool`` may fill a step of a ``kind`` approval request."""
    return APPROVE_PERMISSION[kind] in set(roles.get(pool, ()))


def required_approvers(tier: str, dual_from: str = "high") -> int:
    """Distinct approvers a request of ``tier`` needs: two from the dual-approval tier on."""
    return 2 if TIERS.index(tier) >= TIERS.index(dual_from) else 1


# --------------------------------------------------------------------------- people
class Parties(Protocol):
    """What SoD needs to know of a request: who raised it and who has approved it so far."""

    @property
    def requester(self) -> str | None: ...

    @property
    def approvers(self) -> tuple[str, ...]: ...


def eligible(person: str, request: Parties) -> bool:
    """May ``person`` fill the next step? Not if they raised it or already filled a step."""
    return person != request.requester and person not in request.approvers


def pick_approver(
    free_people: Iterable[str],
    requester: str | None,
    previous_approvers: Collection[str] = (),
) -> str | None:
    """The first free person (in the order given) eligible for the next step, or None.

    Never the requester, never someone who already filled a step of the same request; None
    means "nobody free may take it now" and the caller must wait or escalate.
    """
    for person in free_people:
        if person != requester and person not in previous_approvers:
            return person
    return None


@dataclass(frozen=True, slots=True)
class Assignment:
    """The people picked for a request's steps, or why the request could not be assigned."""

    approvers: tuple[str, ...]
    complete: bool
    reason: str = ""


def assign(
    step_candidates: Sequence[Iterable[str]],
    requester: str | None,
    min_approvers: int = 1,
) -> Assignment:
    """Fill the steps in order, each from its candidates with :func:`pick_approver`.

    Steps are filled as they happen, so an earlier pick is never revisited. A request whose
    policy needs more distinct approvers than it has steps, or a step with nobody eligible, is
    reported as not assignable (``complete`` False) with the approvers picked so far.
    """
    if len(step_candidates) < min_approvers:
        return Assignment(
            (),
            False,
            f"needs {min_approvers} distinct approvers but has {len(step_candidates)} step(s)",
        )
    picked: list[str] = []
    for i, candidates in enumerate(step_candidates):
        person = pick_approver(candidates, requester, picked)
        if person is None:
            return Assignment(tuple(picked), False, f"nobody eligible for step {i}")
        picked.append(person)
    return Assignment(tuple(picked), True)


# --------------------------------------------------------------------------- bank details
@dataclass(frozen=True, slots=True)
class PendingBankChange:
    """A supplier bank-detail change waiting for confirmation by somebody else."""

    supplier: str
    requested_by: str
    t_h: float
    change: str = ""


class BankChangeGuard:
    """Payments to a supplier stop while a change of its bank details is unconfirmed.

    ``request`` records the change (a newer request with the same ``change`` key — by default
    the empty key — replaces an unconfirmed one, and then needs a confirmer other than *its*
    requester); ``confirm`` by anyone but the requester releases it; the requester's own
    confirmation is refused and changes nothing; ``reject`` drops it (the change is not made).
    Payments to a supplier are blocked while *any* change of it is pending: several changes
    with distinct keys each need their own confirmation or rejection.
    """

    def __init__(self) -> None:
        self._pending: dict[str, dict[str, PendingBankChange]] = {}
        self.requested_total = 0
        self.confirmed_total = 0
        self.rejected_total = 0
        self.self_confirmations_refused = 0

    def request(self, supplier: str, by: str, t_h: float = 0.0, change: str = "") -> None:
        self._pending.setdefault(supplier, {})[change] = PendingBankChange(
            supplier, by, t_h, change
        )
        self.requested_total += 1

    def confirm(self, supplier: str, by: str, change: str = "") -> bool:
        """True when ``by`` confirmed the pending change; False if none or ``by`` requested it."""
        pending = self._pending.get(supplier, {})
        found = pending.get(change)
        if found is None:
            return False
        if by == found.requested_by:
            self.self_confirmations_refused += 1
            return False
        self._drop(supplier, change)
        self.confirmed_total += 1
        return True

    def reject(self, supplier: str, change: str = "") -> bool:
        """Drop a pending change without making it; True if there was one."""
        if change not in self._pending.get(supplier, {}):
            return False
        self._drop(supplier, change)
        self.rejected_total += 1
        return True

    def _drop(self, supplier: str, change: str) -> None:
        pending = self._pending[supplier]
        del pending[change]
        if not pending:
            del self._pending[supplier]

    def payments_blocked(self, supplier: str) -> bool:
        return supplier in self._pending

    def pending(self) -> tuple[PendingBankChange, ...]:
        return tuple(c for changes in self._pending.values() for c in changes.values())


class HeldPayments:
    """Supplier payments that wait while the supplier's bank details are being changed.

    ``hold`` parks a payment (any object) with the simulated hour it was due; ``release`` hands
    back, in due order, every payment held for a supplier with the hours each waited. Pure:
    times are passed in, nothing is paid here.
    """

    def __init__(self) -> None:
        self._held: dict[str, list[tuple[float, object]]] = {}

    def hold(self, supplier: str, payment: object, t_h: float) -> None:
        self._held.setdefault(supplier, []).append((t_h, payment))

    def release(self, supplier: str, t_h: float) -> list[tuple[object, float]]:
        return [(p, t_h - due) for due, p in self._held.pop(supplier, [])]

    def count(self, supplier: str | None = None) -> int:
        if supplier is not None:
            return len(self._held.get(supplier, ()))
        return sum(len(v) for v in self._held.values())
