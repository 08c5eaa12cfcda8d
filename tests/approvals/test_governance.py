"""Governance as scenario data: strict, SoD-clean by default, and checked against the pools."""

from __future__ import annotations

import typing

import pytest
from pydantic import ValidationError

from orchestration.approvals import (
    APPROVE_PERMISSION,
    KINDS,
    PERMISSIONS,
    can_approve,
    check_escalation,
    check_governance,
    check_roles,
)
from scenarios.governance import Escalation, Governance, Permission, Vacation
from scenarios.loader import load_scenario
from scenarios.schema import Approvals

DEFAULT_POOLS = tuple(Approvals().pools)

#: The desks each model sends a request of each kind to (orchestration/manual.py), plus the
#: confirmation of a supplier bank change.
MODEL_STEPS = {
    "purchase": ("buyers", "finance"),
    "refund": ("customer_service", "finance"),
    "inventory_adjustment": ("inventory_control", "finance"),
    "discount": ("store_managers",),
    "supplier_change": ("finance",),
}


def test_the_default_governance_is_clean_for_the_default_and_library_pools() -> None:
    """No conflicting role, no unknown name, escalation targets able to decide."""
    assert check_governance(Governance(), DEFAULT_POOLS) == []
    assert check_roles(Governance().roles) == []
    tiny = load_scenario("tiny")
    assert check_governance(Governance(), list(tiny.approvals.pools)) == []


def test_every_pool_the_models_route_to_may_approve_what_it_gets() -> None:
    roles = Governance().roles
    assert set(APPROVE_PERMISSION) == set(KINDS)
    for kind, pools in MODEL_STEPS.items():
        for pool in pools:
            assert can_approve(roles, pool, kind), (kind, pool)
    assert not can_approve(roles, "store_managers", "refund")
    assert not can_approve(roles, "nobody", "refund")


def test_permission_names_are_the_same_in_the_schema_and_the_controls() -> None:
    assert set(typing.get_args(Permission)) == set(PERMISSIONS)


def test_a_conflicting_role_in_a_scenario_is_reported_with_its_path() -> None:
    """Giving the buyers, who approve purchase orders, the right to raise them too."""
    roles = Governance().roles
    gov = Governance(roles={**roles, "buyers": [*roles["buyers"], "po.create"]})
    problems = check_governance(gov, DEFAULT_POOLS)
    assert problems == [
        (
            "governance.roles.buyers",
            "not both po.create and po.approve"
            " (could raise a purchase order and approve it oneself)",
            "po.create + po.approve",
        )
    ]


def test_governance_data_is_strict_and_frozen() -> None:
    """Unknown keys and permission names are refused at load; no string-to-number coercion."""
    with pytest.raises(ValidationError):
        Governance.model_validate({"roles": {"buyers": ["po.aprove"]}})
    with pytest.raises(ValidationError):
        Governance.model_validate({"approvers": {}})
    with pytest.raises(ValidationError):
        Vacation.model_validate({"start_day": "3", "days": 5, "absent_share": 0.5})
    with pytest.raises(ValidationError):
        Vacation(start_day=3, days=0, absent_share=0.5)
    with pytest.raises(ValidationError):
        Vacation(start_day=3, days=5, absent_share=1.5)
    with pytest.raises(ValidationError):
        Escalation(reminder_every_h=0.0)
    gov = Governance()
    with pytest.raises(ValidationError):
        gov.dual_approval_from = "low"  # type: ignore[misc]


def test_names_must_match_the_scenario_pools() -> None:
    """Vacations and escalations for pools that do not exist, or escalating to oneself."""
    gov = Governance(
        vacations={"finanse": [Vacation(start_day=0, days=3, absent_share=0.5)]},
        escalation=Escalation(escalate_to={"buyers": "buyers", "finance": "cfo"}),
    )
    found = {(path, got) for path, _expected, got in gov.problems(DEFAULT_POOLS)}
    assert found == {
        ("governance.vacations.finanse", "finanse"),
        ("governance.escalation.escalate_to.buyers", "buyers"),
        ("governance.escalation.escalate_to.finance", "cfo"),
    }


def test_a_missing_escalation_deadline_tier_is_reported() -> None:
    gov = Governance(escalation=Escalation(deadline_h={"high": 10.0}))
    paths = [p[0] for p in gov.problems(DEFAULT_POOLS)]
    assert paths == ["governance.escalation.deadline_h"]


def test_escalation_must_land_with_a_pool_that_can_decide() -> None:
    """Discounts escalated from store managers need buyers who may approve discounts."""
    roles = {**Governance().roles, "buyers": ["vendor.create", "item.maintain", "po.approve"]}
    problems = check_escalation(roles, Escalation().escalate_to)
    assert len(problems) == 1
    path, _expected, found = problems[0]
    assert path == "governance.escalation.escalate_to.store_managers"
    assert "discount.approve" in found


def test_vacation_windows_say_who_is_away() -> None:
    """A window covers [start_day, start_day + days); overlapping windows take the largest."""
    gov = Governance(
        vacations={
            "finance": [
                Vacation(start_day=10, days=5, absent_share=0.5),
                Vacation(start_day=12, days=1, absent_share=1.0),
            ]
        }
    )
    assert [gov.absent_share("finance", d) for d in (9, 10, 12, 14, 15)] == [
        0.0,
        0.5,
        1.0,
        0.5,
        0.0,
    ]
    assert gov.absent_share("buyers", 12) == 0.0
    assert [gov.people_absent("finance", 3, d) for d in (9, 10, 12)] == [0, 2, 3]
    assert gov.people_absent("finance", 2, 10) == 1


def test_governance_round_trips_through_json_like_a_recorded_scenario() -> None:
    """What is written beside a run's results loads back to the same governance."""
    gov = Governance(
        dual_approval_from="medium",
        vacations={"finance": [Vacation(start_day=1, days=2, absent_share=0.5)]},
    )
    assert Governance.model_validate_json(gov.model_dump_json()) == gov
