"""The back office's per-item fast paths decide what the general paths decided.

Each replaces a general computation for speed (issue 17): a triage router routing one case with
the classifier's scalar draws, an approval matrix that plans once per (area, tier, proposal),
and policies answering with routes made once. Each test compares the fast path with the general
one over every input it can see.
"""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from orchestration.approvals.matrix import ApprovalMatrix
from orchestration.policies.discount import (
    DepthLimitRule,
    DiscountCase,
    MarginFloorGate,
    MarginFloorRule,
)
from orchestration.policies.refund import InspectOnReceipt, PayAtScan, RefundCase
from orchestration.policies.route import Route
from orchestration.triage import PRESETS, Case, refund_rules
from scenarios.governance import AREA_PERMISSION, TIERS, Governance, Step

SIZES = {"store_managers": 3, "buyers": 1, "finance": 1, "customer_service": 2}


@pytest.mark.parametrize("preset", PRESETS.values(), ids=list(PRESETS))
def test_routing_one_case_decides_and_counts_what_a_batch_of_one_does(preset) -> None:
    """``route`` (scalar draws) against ``route_many([case])`` (the batch path) on twin routers:
    the same decisions, case after case, the same counters, the same generator state after."""
    rules = refund_rules(amount_limit=400.0, fraud_signal_limit=0.6)
    feats = np.random.default_rng(3)
    cases = []
    for i in range(2_000):
        features = {"amount": float(feats.uniform(0, 600)), "fraud_signal": float(feats.random())}
        cases.append(
            Case(f"c{i % 1_900}", preset.classes[i % 1_900 % len(preset.classes)], features)
        )
    fast = preset.router(np.random.default_rng(5), threshold=0.7, rules=rules, clock=lambda: 1.5)
    slow = preset.router(np.random.default_rng(5), threshold=0.7, rules=rules, clock=lambda: 1.5)
    got = [fast.route(c) for c in cases]  # the last 100 ids are routed again: no new draw
    assert got == [slow.route_many([c])[0] for c in cases]
    assert fast.counts() == slow.counts()
    assert fast.counts()["total"] == 1_900
    assert fast.classifier.rng.random() == slow.classifier.rng.random()
    with pytest.raises(ValueError, match="already triaged"):
        fast.route(Case("c0", "not-" + cases[0].true_class))


def test_a_case_still_rejects_what_it_rejected() -> None:
    with pytest.raises(TypeError, match="case_id"):
        Case(True, "standard")
    with pytest.raises(ValueError, match="true_class"):
        Case(1, "")
    with pytest.raises(TypeError, match="feature 'amount'"):
        Case(1, "standard", {"amount": "12"})
    assert Case(1, "standard", {"amount": 12, "flag": np.float64(0.5)}).features == {
        "amount": 12.0,
        "flag": 0.5,
    }


def test_a_plan_is_made_once_and_is_the_plan_the_matrix_makes() -> None:
    gov = Governance(
        matrix={"purchase": {"high": [Step(role="buyers"), Step(role="finance", deadline_h=4.0)]}},
        dual_approval_from="medium",
    )
    matrix = ApprovalMatrix(gov, SIZES)
    for area in (*sorted(AREA_PERMISSION), "bank_change"):
        for tier, n in itertools.product(TIERS, range(3)):
            for proposed in itertools.product(SIZES, repeat=n):
                plan = matrix.plan(area, tier, proposed)
                assert plan == ApprovalMatrix(gov, SIZES)._plan(area, tier, proposed)
                assert matrix.plan(area, tier, list(proposed)) is plan


def test_refund_policies_answer_what_their_rules_say() -> None:
    for tier, received, back in itertools.product(TIERS, (False, True), (False, True)):
        case = RefundCase(1, 50.0, tier, 0.1, "return:1", received, back)
        want_scan = (
            Route(rule="refund_at_initiation")
            if not received
            else Route(("customer_service",), back, rule="refund_on_receipt")
        )
        assert PayAtScan().decide(case) == want_scan
        for finance, check in itertools.product((False, True), (False, True)):
            policy = InspectOnReceipt(finance_when_high=finance, check_contents=check, rule="r")
            steps = ("customer_service", "finance") if finance and tier == "high" else None
            want = (
                None
                if not received
                else Route(steps or ("customer_service",), back if check else True, rule="r")
            )
            assert policy.decide(case) == want


def test_discount_policies_answer_what_their_rules_say() -> None:
    for tier, depth, cost in itertools.product(TIERS, (0.05, 0.2, 0.5), (40.0, 70.0, 95.0)):
        case = DiscountCase(depth, tier, 100.0, cost, 0.1)
        ok = case.keeps_floor
        assert DepthLimitRule(0.2).decide(case) == Route(
            approve=depth <= 0.2, rule="discount_policy"
        )
        assert MarginFloorRule().decide(case) == Route(approve=ok, rule="discount_policy")
        if tier == "low" and ok:
            want = Route(approve=True, rule="discount_policy")
        elif tier == "high":
            want = Route(("store_managers", "finance"), ok, rule="discount_policy")
        else:
            want = Route(("store_managers",), ok, rule="discount_policy")
        assert MarginFloorGate().decide(case) == want
