"""Segregation of duties: conflicting roles, who may approve, and supplier bank-detail changes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Sequence

import numpy as np
import pytest

from orchestration.approvals import (
    CONFLICTS,
    PERMISSIONS,
    TIERS,
    Assignment,
    BankChangeGuard,
    assign,
    check_roles,
    eligible,
    pick_approver,
    required_approvers,
)
from orchestration.backoffice import Request, tier
from scenarios.schema import Policy
from sim.kpis import KpiCollector

POOLS = ("store_managers", "buyers", "finance", "customer_service", "inventory_control")


# --------------------------------------------------------------------------- roles
@pytest.mark.parametrize(("a", "b", "fraud"), CONFLICTS, ids=[f"{a}+{b}" for a, b, _ in CONFLICTS])
def test_a_role_holding_both_sides_of_a_conflict_is_rejected(a: str, b: str, fraud: str) -> None:
    """Granting one pool both sides of a pair is reported at that pool's path, naming both."""
    roles = {"finance": {"vendor.confirm"}, "buyers": {a, b, "discount.approve"}}
    problems = check_roles(roles)
    assert problems == [
        ("governance.roles.buyers", f"not both {a} and {b} (could {fraud})", f"{a} + {b}")
    ]


@pytest.mark.parametrize(("a", "b"), [(a, b) for a, b, _ in CONFLICTS])
def test_the_two_sides_in_different_roles_are_fine(a: str, b: str) -> None:
    """Creating in one pool and approving or paying in another is exactly what SoD wants."""
    assert check_roles({"buyers": [a], "finance": [b]}) == []


def test_the_four_classic_conflicts_are_all_covered() -> None:
    """Vendor create/pay, PO create/approve, customer create/refund, item maintain/adjust."""
    assert {frozenset((a, b)) for a, b, _ in CONFLICTS} == {
        frozenset(("vendor.create", "vendor.pay")),
        frozenset(("po.create", "po.approve")),
        frozenset(("customer.create", "refund.approve")),
        frozenset(("item.maintain", "inventory.adjust")),
    }


def test_a_role_holding_everything_is_reported_once_per_conflict() -> None:
    problems = check_roles({"admins": PERMISSIONS})
    assert len(problems) == len(CONFLICTS)
    assert {p[0] for p in problems} == {"governance.roles.admins"}


def test_unknown_permissions_and_pools_are_reported() -> None:
    """A misspelt permission would silently grant nothing; a role for a missing pool is a typo."""
    problems = check_roles({"buyers": ["po.aprove"], "ghosts": []}, pools=POOLS)
    assert (
        "governance.roles.buyers",
        f"a known permission {list(PERMISSIONS)}",
        "po.aprove",
    ) in problems
    assert (
        "governance.roles.ghosts",
        f"a pool of approvals.pools {sorted(POOLS)}",
        "ghosts",
    ) in problems
    assert len(problems) == 2


# --------------------------------------------------------------------------- people
def test_the_requester_and_earlier_approvers_are_not_eligible() -> None:
    """A back-office request: its requester and whoever filled a step may not fill the next."""
    req = Request("purchase", "high", 0.0, "buyers:0", ("buyers", "finance"), lambda _ok: None)
    req.approvers = ("buyers:1",)
    assert not eligible("buyers:0", req)
    assert not eligible("buyers:1", req)
    assert eligible("buyers:2", req)
    assert eligible("finance:0", req)


def test_pick_approver_takes_the_first_eligible_in_order() -> None:
    free = ["finance:1", "finance:0", "finance:2"]
    assert pick_approver(free, "finance:1", ["finance:0"]) == "finance:2"
    assert pick_approver(free, "planning") == "finance:1"
    assert pick_approver(free, "finance:1", ["finance:0", "finance:2"]) is None
    assert pick_approver([], None) is None


def test_dual_approval_from_the_configured_tier() -> None:
    assert [required_approvers(t) for t in TIERS] == [1, 1, 2]
    assert [required_approvers(t, dual_from="medium") for t in TIERS] == [1, 2, 2]


def test_too_few_steps_for_dual_approval_is_not_assignable() -> None:
    """A high-risk request with one step is reported, not approved by a single person."""
    a = assign([["finance:0", "finance:1"]], "planning", min_approvers=2)
    assert a == Assignment((), False, "needs 2 distinct approvers but has 1 step(s)")


Picker = Callable[[Iterable[str], str | None, Sequence[str]], str | None]


def naive_picker(
    free: Iterable[str], _requester: str | None, _previous: Sequence[str]
) -> str | None:
    """What a desk without SoD does: the first free person."""
    return next(iter(free), None)


def random_flows(n: int, seed: int):
    """Random approval flows: (candidates per step, requester, tier) with small pools.

    Pools have 1-6 people and only some of them are free; a flow has 1-3 steps, possibly at
    the same pool twice; the requester is often a member of one of the step pools.
    """
    gen = np.random.default_rng(seed)
    policy = Policy()
    for _ in range(n):
        sizes = {p: int(gen.integers(1, 7)) for p in POOLS}
        steps = [POOLS[int(gen.integers(len(POOLS)))] for _ in range(int(gen.integers(1, 4)))]
        if gen.random() < 0.7:
            pool = steps[int(gen.integers(len(steps)))]
            requester = f"{pool}:{int(gen.integers(sizes[pool]))}"
        else:
            requester = "planning"
        candidates = []
        for pool in steps:
            people = [f"{pool}:{i}" for i in gen.permutation(sizes[pool])]
            candidates.append(people[: int(gen.integers(1, sizes[pool] + 1))])
        value = float(gen.lognormal(np.log(20_000.0), 1.5))
        yield candidates, requester, tier(value, policy.purchase)


def sod_breaches(picker: Picker, n: int = 10_000, seed: int = 11) -> Counter[str]:
    """Assign ``n`` random flows with ``picker`` and count every SoD breach and outcome."""
    out: Counter[str] = Counter()
    kpi = KpiCollector()
    for candidates, requester, t in random_flows(n, seed):
        need = required_approvers(t)
        picked: list[str] = []
        if len(candidates) >= need:
            for cands in candidates:
                person = picker(cands, requester, picked)
                if person is None:
                    break
                picked.append(person)
        complete = len(picked) == len(candidates) >= need
        out["self_approval"] += requester in picked
        out["double_step"] += len(set(picked)) != len(picked)
        if complete:
            out["complete"] += 1
            out["dual"] += need == 2
            out["dual_short"] += need == 2 and len(set(picked)) < 2
            kpi.approval_requested("purchase")
            kpi.approval_decided(
                "purchase", 0.0, 1.0, approved=True, touchless=False, deadline_h=48.0,
                requester=requester, approvers=tuple(picked),
            )  # fmt: skip
        else:
            out["not_assignable"] += 1
            stuck = len(picked)
            if len(candidates) >= need and stuck < len(candidates):
                # honest: nobody free at the stuck step was eligible
                out["dishonest"] += any(
                    p != requester and p not in picked for p in candidates[stuck]
                )
    out["kpi_sod_violations"] = kpi.sod_violations
    return out


def test_ten_thousand_random_flows_never_breach_sod() -> None:
    """pick_approver: no self-approval, nobody on two steps, two people from the dual tier.

    Flows that cannot be staffed without a breach are reported as not assignable, and only
    when nobody free was eligible; the KPI collector's own SoD check agrees.
    """
    out = sod_breaches(pick_approver)
    assert out["self_approval"] == 0
    assert out["double_step"] == 0
    assert out["dual_short"] == 0
    assert out["dishonest"] == 0
    assert out["kpi_sod_violations"] == 0
    assert out["complete"] + out["not_assignable"] == 10_000
    # the property is not vacuous: many flows were staffed, many of them dual, some were not
    assert out["complete"] > 5_000
    assert out["dual"] > 1_000
    assert out["not_assignable"] > 500


def test_the_same_flows_staffed_naively_do_breach_sod() -> None:
    """The check above can fail: taking the first free person breaches SoD many times."""
    out = sod_breaches(naive_picker)
    assert out["self_approval"] > 100
    assert out["double_step"] > 100
    assert out["kpi_sod_violations"] > 100


def test_assign_agrees_with_the_step_by_step_walk() -> None:
    """``assign`` is the same walk: same approvers, and incomplete exactly when the walk is."""
    for candidates, requester, t in random_flows(2_000, seed=5):
        need = required_approvers(t)
        a = assign(candidates, requester, min_approvers=need)
        assert requester not in a.approvers
        assert len(set(a.approvers)) == len(a.approvers)
        if a.complete:
            assert len(a.approvers) == len(candidates) >= need
            assert all(p in c for p, c in zip(a.approvers, candidates, strict=True))
        else:
            assert a.reason


# --------------------------------------------------------------------------- bank details
def test_a_bank_change_blocks_payments_to_that_supplier_only() -> None:
    guard = BankChangeGuard()
    assert not guard.payments_blocked("acme")
    guard.request("acme", by="buyers:0", t_h=10.0)
    assert guard.payments_blocked("acme")
    assert not guard.payments_blocked("globex")


def test_the_requester_cannot_confirm_their_own_bank_change() -> None:
    """Self-confirmation is refused and changes nothing: payments stay blocked."""
    guard = BankChangeGuard()
    guard.request("acme", by="buyers:0")
    assert guard.confirm("acme", by="buyers:0") is False
    assert guard.payments_blocked("acme")
    assert guard.self_confirmations_refused == 1
    assert [c.requested_by for c in guard.pending()] == ["buyers:0"]


def test_a_different_person_confirms_and_payments_resume() -> None:
    guard = BankChangeGuard()
    guard.request("acme", by="buyers:0")
    assert guard.confirm("acme", by="finance:1") is True
    assert not guard.payments_blocked("acme")
    assert guard.confirm("acme", by="finance:1") is False  # nothing left to confirm
    assert guard.confirmed_total == 1


def test_a_newer_change_needs_a_confirmer_other_than_its_own_requester() -> None:
    """Buyer 0 asks, buyer 1 asks again: buyer 1 may not confirm, buyer 0 now may."""
    guard = BankChangeGuard()
    guard.request("acme", by="buyers:0")
    guard.request("acme", by="buyers:1")
    assert guard.confirm("acme", by="buyers:1") is False
    assert guard.payments_blocked("acme")
    assert guard.confirm("acme", by="buyers:0") is True
    assert not guard.payments_blocked("acme")
