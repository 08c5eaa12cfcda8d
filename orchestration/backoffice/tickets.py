"""Customer tickets worked by people: a number of consecutive tasks, then the ticket is resolved.

A ticket routed by a model's ticket policy takes ``tasks`` pieces of work (0: resolved by a rule
at once), the first after a pickup delay (working hours). Tickets go to the ``contact_centre``
pool, or to ``customer_service`` in a scenario without one; a ticket still open at the horizon
stays in flight (counted pending).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sim.events import Event

if TYPE_CHECKING:
    from orchestration.backoffice.office import Backoffice


class TicketDesk:
    def __init__(self, bo: Backoffice):
        self.bo = bo
        self.w = bo.w
        self.env = bo.env
        self.kpi = bo.kpi

    def work(
        self,
        e: Event,
        tasks: int,
        pickup_h: float = 0.0,
        *,
        team: str = "",
        first_done: Callable[[str], None] | None = None,
        settle: Callable[[Event], None] | None = None,
    ) -> None:
        """Work ticket ``e``: ``tasks`` consecutive pieces of work by ``team``, the first after
        ``pickup_h`` working hours; ``first_done(person)`` hears who did the first. Then the
        ticket is resolved and ``e`` settles (``settle``, default ``ack``)."""
        created = e.t
        bo = self.bo
        team = team or ("contact_centre" if "contact_centre" in bo.desks else "customer_service")

        def resolved(t: float) -> None:
            self.kpi.ticket_resolved(created, t, auto=tasks == 0)
            (settle or self.w.ack)(e)

        if tasks <= 0:
            resolved(self.env.now)
            return
        self.kpi.ticket_work(tasks)
        desk = bo.desks[team]

        def step(k: int, pickup: float) -> None:
            def done(person: str, t: float) -> None:
                nonlocal step
                if k == 0 and first_done is not None:
                    first_done(person)
                if k + 1 < tasks:
                    step(k + 1, 0.0)
                else:
                    step = None  # the last piece: ``step`` held itself (a cycle for the GC)
                    resolved(t)

            desk.submit(done, pickup_h=pickup, handling_h=bo.handling(desk))

        step(0, pickup_h)
