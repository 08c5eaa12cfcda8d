"""Reminders and deadline escalation of waiting approval steps, with BPMN timer semantics."""

from __future__ import annotations

import pytest

from orchestration.backoffice import Backoffice, Request
from scenarios.loader import load_scenario
from sim.world import World

NOBODY_FREE = [
    "horizon_days=10",
    "approvals.pools.buyers.size=1",
    "approvals.pools.buyers.calendar.weekdays=[0, 1, 2, 3, 4, 5, 6]",
    "approvals.pools.buyers.calendar.open_h=0",
    "approvals.pools.buyers.calendar.close_h=24",
    "approvals.pools.finance.calendar.weekdays=[0, 1, 2, 3, 4, 5, 6]",
    "approvals.pools.finance.calendar.open_h=0",
    "approvals.pools.finance.calendar.close_h=24",
    "governance.escalation.enabled=true",
    "governance.escalation.reminder_every_h=3",
    "governance.escalation.reminders=2",
    "governance.escalation.deadline_h.medium=10",
]


def _office(*extra: str):
    s = load_scenario("tiny", [*NOBODY_FREE, *extra])
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
    bo.desks["buyers"].submit(lambda p, t: None, handling_h=100.0)  # keeps the buyer busy
    return world, bo


@pytest.fixture
def office():
    """A back office whose only buyer is busy with a 100-hour task from time 0."""
    return _office("approvals.pools.finance.size=2")


def test_a_waiting_step_is_reminded_exactly_its_count_then_escalated_at_the_deadline(office):
    world, bo = office
    decided = []
    req = Request(
        "purchase",
        "medium",
        0.0,
        "planning",
        ("buyers",),
        lambda ok: decided.append((world.env.now, ok)),
    )
    bo.approvals.request(req)
    world.env.run(until=9.999)
    assert bo.approvals.reminders_sent == 2  # at 3 h and 6 h, not 9 h
    assert req.escalations == 0  # never early: the deadline is 10 h
    world.env.run(until=30.0)
    assert req.escalations == 1  # buyers -> finance at 10 h
    assert decided
    assert decided[0][0] >= 10.0
    assert req.approvers[0].startswith("finance:")


def test_a_step_taken_in_time_is_neither_reminded_nor_escalated(office):
    world, bo = office
    req = Request("purchase", "medium", 0.0, "planning", ("finance",), lambda ok: None)
    bo.approvals.request(req)
    world.env.run(until=30.0)
    assert bo.approvals.reminders_sent == 0
    assert req.escalations == 0


def test_nobody_fills_two_steps_of_one_request_even_when_escalated(office):
    """buyers escalates to finance, whose step comes next: two different finance people."""
    world, bo = office
    req = Request("purchase", "high", 0.0, "planning", ("buyers", "finance"), lambda ok: None)
    bo.approvals.request(req)
    world.env.run(until=200.0)
    assert len(req.approvers) == 2
    assert len(set(req.approvers)) == 2


def test_a_step_no_eligible_person_can_fill_waits_instead_of_breaking_sod():
    """With one finance person, who filled the escalated first step, the second step waits."""
    world, bo = _office("approvals.pools.finance.size=1")
    decided = []
    req = Request("purchase", "high", 0.0, "planning", ("buyers", "finance"), decided.append)
    bo.approvals.request(req)
    world.env.run(until=200.0)
    assert req.approvers == ("finance:0",)
    assert decided == []
    assert bo.approvals.pending == 1
