"""Ticket policies: how a customer ticket is routed, and so how many pieces of human work it takes.

A :class:`TicketCase` is a ticket's id and topic (``wismo``, ``damage``, ``return``, ``payment``,
``question``). A policy answers a :class:`TicketRoute`: how many consecutive tasks a person does
(0: resolved by a rule at once), and who hears who did the first (a misrouted ticket's agent
re-routes it: a recorded override).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from orchestration.policies.context import PolicyContext
from orchestration.triage import AUTO, TICKETS, Case, TriageRouter
from scenarios.schema import LogNormal


@dataclass(frozen=True, slots=True)
class TicketCase:
    case_id: str
    topic: str


@dataclass(frozen=True)
class TicketRoute:
    tasks: int
    on_first_done: Callable[[str], None] | None = None


class PeopleRoute:
    """People read, route and work every ticket (no classifier): one task each."""

    router: TriageRouter | None = None

    def route(self, case: TicketCase) -> TicketRoute:
        return TicketRoute(1)


@dataclass(frozen=True)
class SharedInbox:
    """Manual: customer e-mails sit in the shared inbox ``pickup`` working hours (a lognormal,
    the governance stream), then an agent reads and answers each (one task)."""

    pickup: LogNormal
    router: TriageRouter | None = None

    def route(self, case: TicketCase) -> TicketRoute:
        return TicketRoute(1)


class TriagedTickets:
    """The ticket classifier routes: a confident WISMO is answered by the tracking rule, other
    confident tickets go straight to their queue (a misroute costs a forward), the rest to
    manual review (a person routes it, then it is worked). At threshold 0 it stands for keyword
    rules: every ticket auto-routed, no confidence gate."""

    def __init__(self, threshold: float):
        self.threshold = threshold
        self.router: TriageRouter | None = None
        self._ctx: PolicyContext | None = None

    def initialise(self, ctx: PolicyContext) -> None:
        self._ctx = ctx

    def route(self, case: TicketCase) -> TicketRoute:
        ctx = self._ctx
        if self.router is None:
            self.router = ctx.preset(TICKETS).router(
                ctx.stream("triage.tickets"), threshold=self.threshold, clock=ctx.now
            )
        router = self.router
        d = router.route(Case(case.case_id, case.topic))
        if ctx.tracing:
            ctx.trace(
                "triage.decision",
                case.case_id,
                f"class {d.predicted_class}, confidence {d.confidence:.3f}, threshold "
                f"{d.threshold:g}, rule {d.rule} -> queue {d.queue}",
                value=d.confidence,
            )
        right = router.routes[case.topic]
        wismo = case.topic == "wismo"
        if d.rule != AUTO:  # manual review: a person routes it (and answers a WISMO at once)
            return TicketRoute(1 if wismo else 2)
        if d.queue == right:  # a WISMO is answered by the tracking rule, no person
            return TicketRoute(0 if wismo else 1)

        def overridden(person: str) -> None:  # the agent in the wrong queue sends it on
            d2 = router.override(case.case_id, by=person, queue=right, reason="misrouted by triage")
            ctx.trace("triage.override", case.case_id, d2.explain())
            ctx.trace("triage.override", case.case_id, f"{person} re-routes to {right}")

        return TicketRoute(2, overridden)
