"""The approval matrix as data (issue 18.1): cells, roles that route work, dual control, and
reminders that act.

Pure checks of :class:`ApprovalMatrix` (each model's proposed steps are its default matrix),
load-time rejections with their paths, a work desk whose reminded task is read early, and short
``tiny`` runs in which each lever moves the KPI a manager would expect.
"""

from __future__ import annotations

import functools
import itertools

import numpy as np
import pytest
import simpy

from experiments.runner import run_replication
from orchestration.approvals.matrix import ApprovalMatrix
from orchestration.backoffice.workdesk import WorkDesk
from scenarios.governance import AREA_PERMISSION, DEFAULT_ROLES, TIERS, Governance, Step
from scenarios.loader import ScenarioError, load_scenario
from sim.clock import WorkCalendar

#: tiny's pools
SIZES = {
    "store_managers": 3,
    "buyers": 1,
    "finance": 1,
    "customer_service": 2,
    "inventory_control": 1,
}
POOLS = tuple(SIZES)
NO_STORE_DISCOUNTS = {**DEFAULT_ROLES, "store_managers": ["customer.create", "po.create"]}


def _roles(roles: dict[str, list[str]]) -> str:
    body = ", ".join(f"{k}: [{', '.join(v)}]" for k, v in roles.items())
    return f"governance.roles={{{body}}}"


@functools.cache
def _kpis(model: str, days: int, *overrides: str) -> dict:
    s = load_scenario("tiny", [f"horizon_days={days}", f"orchestration.model={model}", *overrides])
    return run_replication(s, 0).kpis


# --------------------------------------------------------------------------- pure
@pytest.mark.parametrize("area", sorted(AREA_PERMISSION))
def test_with_no_matrix_a_model_s_proposed_steps_are_its_default_matrix(area):
    matrix = ApprovalMatrix(Governance(), SIZES)
    for tier, n in itertools.product(TIERS, range(3)):
        for proposed in itertools.product(POOLS, repeat=n):
            if all(Governance().holds(p, area) for p in proposed):
                plan = matrix.plan(area, tier, proposed)
                assert plan.steps == proposed
                assert plan.note == ""


def test_a_declared_cell_replaces_the_proposal_with_its_steps_counts_and_deadlines():
    gov = Governance(
        matrix={
            "purchase": {
                "high": [Step(role="buyers"), Step(role="finance", approvers=1, deadline_h=4.0)],
                "low": [],
            },
            "discount": {"medium": [Step(role="store_managers", approvers=2)]},
        }
    )
    m = ApprovalMatrix(gov, SIZES)
    assert m.plan("purchase", "high", ()).steps == ("buyers", "finance")
    assert m.plan("purchase", "high", ()).deadlines_h == (None, 4.0)
    assert m.plan("purchase", "low", ("buyers",)).steps == ()  # decided by rule
    assert m.plan("purchase", "medium", ("buyers",)).steps == ("buyers",)  # no cell: the model's
    assert m.plan("discount", "medium", ()).steps == ("store_managers", "store_managers")
    # bank changes are not in the matrix: their checks are the policy's
    assert m.plan("supplier_change", "high", ("buyers", "finance")).steps == ("buyers", "finance")


def test_a_step_goes_only_to_a_pool_whose_role_grants_it_up_the_escalation_line():
    m = ApprovalMatrix(Governance(roles=NO_STORE_DISCOUNTS), SIZES)
    plan = m.plan("discount", "high", ("store_managers", "finance"))
    assert plan.steps == ("buyers", "finance")  # store_managers -> buyers (escalate_to)
    assert "store_managers->buyers" in plan.note
    # nobody up the line: the first pool that holds it
    roles = {**DEFAULT_ROLES, "customer_service": []}
    gov = Governance(roles=roles, escalation={"escalate_to": {}})
    assert ApprovalMatrix(gov, SIZES).plan("refund", "low", ("customer_service",)).steps == (
        "finance",
    )


def test_dual_approval_from_adds_a_distinct_second_approver_from_its_tier_on():
    gov = Governance(dual_approval_from="medium")
    m = ApprovalMatrix(gov, SIZES)
    assert m.plan("purchase", "low", ("buyers",)).steps == ("buyers",)
    # one buyer in the pool: the second approver is up the line
    assert m.plan("purchase", "medium", ("buyers",)).steps == ("buyers", "finance")
    # three store managers: a second store manager (a different person: the desk excludes)
    assert m.plan("discount", "high", ("store_managers",)).steps == (
        "store_managers",
        "store_managers",
    )
    assert m.plan("purchase", "high", ("buyers", "finance")).steps == ("buyers", "finance")
    # one finance person and nobody up the line: another pool granted po.approve
    assert m.plan("purchase", "high", ("finance",)).steps == ("finance", "buyers")
    assert m.plan("purchase", "high", ()).steps == ()  # a rule decision stays touchless
    default = ApprovalMatrix(Governance(), SIZES)  # no dual rule: the model's single step stays
    assert default.plan("discount", "high", ("store_managers",)).steps == ("store_managers",)


# --------------------------------------------------------------------------- load
def _problems(*overrides: str) -> dict[str, str]:
    with pytest.raises(ScenarioError) as info:
        load_scenario("tiny", list(overrides))
    return {p.path: p.expected for p in info.value.problems}


def test_a_matrix_step_whose_role_cannot_approve_the_area_is_rejected_with_its_path():
    found = _problems("governance.matrix={refund: {high: [{role: buyers}]}}")
    assert "refund.approve" in found["governance.matrix.refund.high[0].role"]


def test_a_matrix_step_whose_role_also_creates_the_thing_is_rejected_sod():
    roles = {**DEFAULT_ROLES, "inventory_control": ["inventory.adjust", "po.create", "po.approve"]}
    found = _problems(
        _roles(roles), "governance.matrix={purchase: {low: [{role: inventory_control}]}}"
    )
    assert "po.create" in found["governance.matrix.purchase.low[0].role"]


def test_more_approvers_than_people_unknown_pools_and_unroutable_areas_are_rejected():
    found = _problems(
        "governance.matrix={purchase: {high: [{role: buyers, approvers: 2}, {role: cfo}]}}"
    )
    assert "1 people of buyers" in found["governance.matrix.purchase.high[0].approvers"]
    assert "approvals.pools" in found["governance.matrix.purchase.high[1].role"]
    roles = {k: [p for p in v if p != "refund.approve"] for k, v in DEFAULT_ROLES.items()}
    assert "refund.approve" in _problems(_roles(roles))["governance.roles"]


# --------------------------------------------------------------------------- reminders
def _desk(env, calendar: WorkCalendar) -> WorkDesk:
    return WorkDesk(env, "buyers", 1, calendar, 0.0, 0.1, np.random.default_rng(0))


def test_a_reminder_opens_an_unread_task_at_once_on_a_24_7_desk():
    env = simpy.Environment()
    desk = _desk(env, WorkCalendar.always())
    done: list[float] = []
    task = desk.submit(lambda _p, t: done.append(t), pickup_h=10.0, handling_h=1.0)
    env.run(until=2.0)
    assert task.remind() is True
    assert task.remind() is False  # already read
    env.run()
    assert done == [3.0]  # read at 2 h, handled 1 h (not 10 + 1)


def test_a_reminder_at_night_is_read_when_the_office_opens_and_never_delays():
    env = simpy.Environment()
    desk = _desk(env, WorkCalendar(frozenset(range(7)), 9.0, 17.0, 0))
    done: list[float] = []
    # submitted at 16:00 with 4 working hours of pickup: unread until 12:00 the next day
    env.run(until=16.0)
    task = desk.submit(lambda _p, t: done.append(t), pickup_h=4.0, handling_h=1.0)
    env.run(until=20.0)
    assert task.remind()
    env.run()
    assert done == [24.0 + 10.0]  # read at 09:00, done at 10:00 (not 13:00)


# --------------------------------------------------------------------------- runs
def test_roles_route_work_from_one_team_to_another():
    before = _kpis("hybrid", 7)
    after = _kpis("hybrid", 7, _roles(NO_STORE_DISCOUNTS))
    assert after["team_buyers_tasks_total"] > before["team_buyers_tasks_total"]
    assert after["team_store_managers_tasks_total"] < before["team_store_managers_tasks_total"]
    assert after["approval_cycle_time_p95_h"] > before["approval_cycle_time_p95_h"]


def test_dual_approval_from_moves_the_dual_approval_count():
    base = _kpis("hybrid", 7)
    assert _kpis("hybrid", 7, "governance.dual_approval_from=high") == base  # hybrid's default
    medium = _kpis("hybrid", 7, "governance.dual_approval_from=medium")
    assert medium["dual_approvals_total"] > base["dual_approvals_total"]
    assert medium["sod_violations_total"] == 0


def test_reminders_shorten_the_approval_cycle():
    esc = "governance.escalation.enabled=true"
    with_reminders = _kpis("hybrid", 21, esc)
    without = _kpis("hybrid", 21, esc, "governance.escalation.reminders=0")
    assert with_reminders["approval_reminders_total"] > 0 == without["approval_reminders_total"]
    assert with_reminders["approval_cycle_time_mean_h"] < without["approval_cycle_time_mean_h"]


def test_an_overdue_approval_reminder_declared_as_a_scheduled_action_runs_and_acts():
    """The scenario's ir.cron job reminds overdue steps hourly: unread ones are opened early."""
    job = (
        "automation.scheduled_actions=[{name: overdue, callable: overdue_approval_reminders, "
        "interval_number: 1, interval_type: hours}]"
    )
    before = _kpis("approval_centric", 14)
    after = _kpis("approval_centric", 14, job)
    assert after["odoo_scheduled_action_runs_total"] >= 14 * 24 - 1
    assert before["approval_reminders_total"] == 0 < after["approval_reminders_total"]
    assert after["approval_cycle_time_mean_h"] < before["approval_cycle_time_mean_h"]
    assert after["approval_cycle_time_p95_h"] < before["approval_cycle_time_p95_h"]


def test_an_escalated_step_goes_up_the_line_to_a_pool_granted_its_area():
    """Discounts escalate store managers -> buyers; buyers without discount.approve pass it on
    to finance rather than take work their role does not grant."""
    from orchestration.backoffice import Backoffice, Request
    from sim.world import World

    roles = {**DEFAULT_ROLES, "buyers": ["vendor.create", "item.maintain", "po.approve"]}
    s = load_scenario(
        "tiny",
        [
            "horizon_days=5",
            _roles(roles),
            "governance.escalation.enabled=true",
            "governance.escalation.deadline_h.medium=2",
        ],
    )
    world = World(s)

    class Idle:
        def attach(self, w): ...
        def on_event(self, e):
            world.ack(e)

        def snapshot(self):
            return {}

        def finish(self): ...

    world.attach(Idle())
    bo = Backoffice(world, s, "test", escalate=True)
    for _ in range(3):  # every store manager busy for 100 h
        bo.desks["store_managers"].submit(lambda p, t: None, handling_h=100.0)
    req = Request("discount", "medium", 0.0, "pos", ("store_managers",), lambda ok: None)
    bo.approvals.request(req)
    world.env.run(until=100.0)
    assert req.escalations == 1
    assert req.approvers[0].startswith("finance:")
