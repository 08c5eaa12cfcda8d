"""The wait tracker: resumes executions parked by a long Wait node.

n8n (`wait-tracker.ts`, 1.x) keeps a Wait of **65 s or more** in the database with
`status='waiting'` and `waitTill`. The tracker polls every **60 s** for executions whose
`waitTill` is within the next **70 s** and sets an exact timer for each, so in steady state an
execution resumes exactly at `waitTill` (ODOO.md §6.4's "jitter up to a poll" only appears with
no look-ahead: set `lookahead_s=0`). Newer 2.x code polls about every 5 s. All times here are
in seconds of configuration, hours on the clock.

The poller runs only while something is parked, on the grid `k * poll_interval` of the clock
(n8n polls at start-up and every interval after), so an idle tracker adds no events and
`env.run()` without `until` still ends.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import Any

import simpy

from .units import s_to_h

WAIT_IN_MEMORY_BELOW_S = 65.0
POLL_INTERVAL_S = 60.0
LOOKAHEAD_S = 70.0


class WaitTracker:
    """Polls parked executions and fires their resume events at `waitTill`."""

    def __init__(
        self,
        env: simpy.Environment,
        *,
        poll_interval_s: float = POLL_INTERVAL_S,
        lookahead_s: float = LOOKAHEAD_S,
    ) -> None:
        if poll_interval_s <= 0 or lookahead_s < 0:
            raise ValueError("poll_interval_s must be > 0 and lookahead_s >= 0")
        self.env = env
        self.poll_interval_s = poll_interval_s
        self.lookahead_s = lookahead_s
        self._parked: dict[int, tuple[float, simpy.Event]] = {}
        self.polls = 0
        self._polling = False

    def park(self, execution_id: int, wait_till_h: float) -> simpy.Event:
        """Register a waiting execution; the returned event fires when it is resumed."""
        resume = self.env.event()
        self._parked[execution_id] = (wait_till_h, resume)
        if not self._polling:
            self._polling = True
            self.env.process(self._poll_loop())
        return resume

    @property
    def parked(self) -> int:
        return len(self._parked)

    def _poll_loop(self) -> Generator[simpy.Event, Any, None]:
        interval_h = s_to_h(self.poll_interval_s)
        next_poll_h = math.ceil(self.env.now / interval_h) * interval_h
        yield self.env.timeout(max(0.0, next_poll_h - self.env.now))
        while True:
            self._poll()
            if not self._parked:
                self._polling = False
                return
            yield self.env.timeout(interval_h)

    def _poll(self) -> None:
        self.polls += 1
        horizon_h = self.env.now + s_to_h(self.lookahead_s)
        due = [
            (execution_id, wait_till_h, resume)
            for execution_id, (wait_till_h, resume) in self._parked.items()
            if wait_till_h <= horizon_h
        ]
        for execution_id, wait_till_h, resume in sorted(due, key=lambda row: row[1]):
            del self._parked[execution_id]
            timer = self.env.timeout(max(0.0, wait_till_h - self.env.now))
            timer.callbacks.append(lambda _event, resume=resume: resume.succeed())
