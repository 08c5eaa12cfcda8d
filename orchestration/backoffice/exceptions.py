"""Exception queues: an anomaly queued for a team, worked by a person, then resolved.

:meth:`ExceptionQueue.open` puts an anomaly on a team's desk; after the pickup delay (working
hours) a person works it, ``resolve()`` runs and the event it came from settles. Each team queue
has a resolution target (``governance.exception_sla_h``) reported by the KPI collector.
An exception opened with an :class:`Escalate` that no one has picked up ``after_h`` elapsed
hours later is withdrawn from its team and put on the desk of the team it escalates to (the
KPI collector moves it between the team tallies), and ``on_escalate()`` runs.
:meth:`ExceptionQueue.auto_resolved` records an anomaly handled by a rule, with no person.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sim.events import Event

if TYPE_CHECKING:
    from orchestration.backoffice.office import Backoffice


@dataclass(frozen=True, slots=True)
class Escalate:
    """Move an exception still unpicked ``after_h`` elapsed hours after it opened to team
    ``to``; ``on_escalate()`` runs then (whoever must hear of it is told)."""

    after_h: float
    to: str
    on_escalate: Callable[[], None] | None = None


class ExceptionQueue:
    def __init__(self, bo: Backoffice):
        self.bo = bo
        self.w = bo.w
        self.env = bo.env
        self.kpi = bo.kpi
        self.open_count = 0

    def open(
        self,
        team: str,
        event: Event | None,
        resolve: Callable[[], None] | None = None,
        pickup_h: float = 0.0,
        reason: str = "",
        handling_h: float | None = None,
        escalate: Escalate | None = None,
    ) -> None:
        """Queue an anomaly for ``team``; when worked, ``resolve()`` runs and ``event`` settles.

        ``event`` is None for anomalies found by the model itself (a review of its own records).
        """
        created = self.env.now
        token = self.kpi.exception_raised(team, created)
        self.open_count += 1
        key = ""
        if self.w.tracing:
            key = event.correlation if event is not None else self.bo.subject
            what = event.kind if event is not None else "review"
            self.w.trace(
                "exception.opened",
                key,
                f"{what}: {reason or 'anomaly'}; routed to team {team}, pickup after "
                f"{pickup_h:.2f} working h",
            )

        held = [team, token]  # the team holding it and its KPI token (changed by escalation)

        def done(person: str, t: float) -> None:
            self.open_count -= 1
            if key:
                what = f"by {person} after {t - created:.2f} h"
                self.w.trace("exception.resolved", key, what, value=t - created)
            if resolve is not None:
                resolve()
            self.kpi.exception_resolved(created, t, auto=False, team=held[0], token=held[1])
            if event is not None:
                self.w.ack(event)

        task = self.bo.desks[team].submit(done, pickup_h=pickup_h, handling_h=handling_h)
        if escalate is None:
            return

        def escalated(_ev: object) -> None:
            if not task.cancel():  # a person has it already (or it is done)
                return
            held[1] = self.kpi.exception_escalated(team, held[1], escalate.to)
            held[0] = escalate.to
            if key:
                self.w.trace(
                    "exception.escalated",
                    key,
                    f"unpicked after {escalate.after_h:g} h: {team} -> {escalate.to}",
                )
            if escalate.on_escalate is not None:
                escalate.on_escalate()
            self.bo.desks[escalate.to].submit(done)

        self.env.timeout(escalate.after_h).callbacks.append(escalated)

    def auto_resolved(self, event: Event, rule: str = "") -> None:
        """An anomaly handled by a rule with no person involved."""
        if self.w.tracing:
            self.w.trace(
                "exception.auto_resolved", event.correlation, f"{event.kind}: {rule or 'by rule'}"
            )
        self.kpi.exception_raised()
        self.kpi.exception_resolved(self.env.now, self.env.now, auto=True)
        self.w.ack(event)
