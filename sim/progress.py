"""Run progress: how far a replication has got, for a progress bar (read only, never simulated).

The world reports a :class:`RunProgress` every :data:`EVERY_H` simulated hours from its hourly
backlog sampler (no SimPy event of its own, so reporting changes no result): the simulated hours
done of the horizon, the simulated date and the online orders placed so far. Rates per wall
second are the caller's business (the CLI's bar); simulation code never reads a wall clock.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sim.clock import HOURS_PER_DAY

#: how often (simulated hours) the world reports its progress
EVERY_H = 4


@dataclass(frozen=True, slots=True)
class RunProgress:
    """``t_h`` simulated hours done of ``horizon_h``; the run starts at ``start_date`` 00:00."""

    t_h: float
    horizon_h: float
    start_date: dt.date
    online_orders: int

    @property
    def fraction(self) -> float:
        return min(1.0, self.t_h / self.horizon_h) if self.horizon_h > 0 else 1.0

    @property
    def date(self) -> dt.date:
        """The simulated date now (the day the clock is in)."""
        return self.start_date + dt.timedelta(days=int(self.t_h // HOURS_PER_DAY))
