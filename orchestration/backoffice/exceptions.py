"""Exception queues: an anomaly queued for a team, worked by a person, then resolved.

:meth:`ExceptionQueue.open` puts an anomaly on a team's desk; after the pickup delay (working
hours) a person works it, ``resolve()`` runs and the event it came from settles. Each team queue
has a resolution target (``governance.exception_sla_h``) reported by the KPI collector.
:meth:`ExceptionQueue.auto_resolved` records an anomaly handled by a rule, with no person.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from sim.events import Event

if TYPE_CHECKING:
    from orchestration.backoffice.office import Backoffice


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

        def done(person: str, t: float) -> None:
            self.open_count -= 1
            if key:
                what = f"by {person} after {t - created:.2f} h"
                self.w.trace("exception.resolved", key, what, value=t - created)
            if resolve is not None:
                resolve()
            self.kpi.exception_resolved(created, t, auto=False, team=team, token=token)
            if event is not None:
                self.w.ack(event)

        self.bo.desks[team].submit(done, pickup_h=pickup_h, handling_h=handling_h)

    def auto_resolved(self, event: Event, rule: str = "") -> None:
        """An anomaly handled by a rule with no person involved."""
        if self.w.tracing:
            self.w.trace(
                "exception.auto_resolved", event.correlation, f"{event.kind}: {rule or 'by rule'}"
            )
        self.kpi.exception_raised()
        self.kpi.exception_resolved(self.env.now, self.env.now, auto=True)
        self.w.ack(event)
