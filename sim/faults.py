"""The fault plan: when integration targets are down and when suppliers run late.

Outage windows come from ``faults.outages`` (start day, duration in hours, intensity = the
probability that a call inside the window fails). Supplier delay episodes add days to deliveries
*due* inside their date window. Queries are pure functions of time; the randomness of "does this
call fail" is drawn by the caller from its own stream, so faults stay paired across models.
"""

from __future__ import annotations

from dataclasses import dataclass

from scenarios.schema import Scenario
from sim.clock import HOURS_PER_DAY, day_index


@dataclass(frozen=True, slots=True)
class Window:
    target: str
    start_h: float
    end_h: float
    intensity: float


class FaultPlan:
    def __init__(self, s: Scenario, supplier_names: tuple[str, ...]):
        self.windows = tuple(
            Window(
                o.target,
                o.start_day * HOURS_PER_DAY,
                o.start_day * HOURS_PER_DAY + o.duration_h,
                o.intensity,
            )
            for o in s.faults.outages
        )
        self._delays = [
            (
                day_index(s.start_date, d.start),
                day_index(s.start_date, d.end),
                {supplier_names.index(n) for n in d.suppliers} or set(range(len(supplier_names))),
                d.extra_days,
            )
            for d in s.faults.supplier_delays
        ]
        self.integration = s.faults.integration

    def failure_prob(self, target: str, t: float) -> float:
        """Probability that a call to ``target`` at time ``t`` fails because of an outage."""
        p = 0.0
        for w in self.windows:
            if w.target == target and w.start_h <= t < w.end_h:
                p = max(p, w.intensity)
        return p

    def outage_end(self, target: str, t: float) -> float | None:
        """End of the full-intensity outage of ``target`` covering ``t``, else None."""
        ends = [
            w.end_h
            for w in self.windows
            if w.target == target and w.start_h <= t < w.end_h and w.intensity >= 1.0
        ]
        return max(ends) if ends else None

    def supplier_extra_days(self, supplier: int, due_day: int) -> float:
        extra = 0.0
        for a, b, who, days in self._delays:
            if a <= due_day <= b and supplier in who:
                extra = max(extra, days)
        return extra
