"""A work desk: a pool of people working one FIFO queue inside their calendar.

This is the one building block behind every human step — an approver answering emails, a
customer-service agent working the exception spreadsheet, an AP clerk keying invoices. A task
may first wait a *pickup* delay in working hours (the email sitting unread; the spreadsheet
until the next review), then queues for a free person, who works ``handling`` working hours on
it (lognormal). Outside the calendar nobody starts or continues work, so a task picked at 16:55
on Friday finishes on Monday. With a 24/7 calendar and exponential handling, a desk is an M/M/c
queue, which is how it is validated against Erlang C.

People are identified as ``"<desk>:<i>"`` so decisions can be audited (segregation of duties).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import simpy

from sim.clock import WorkCalendar
from sim.kpis import KpiCollector
from sim.rng import lognormal

Done = Callable[[str, float], None]


class WorkDesk:
    def __init__(
        self,
        env: simpy.Environment,
        name: str,
        size: int,
        calendar: WorkCalendar,
        handling_mu: float,
        handling_sigma: float,
        gen: np.random.Generator,
        kpi: KpiCollector | None = None,
    ):
        self.env = env
        self.name = name
        self.calendar = calendar
        self.mu = handling_mu
        self.sigma = handling_sigma
        self.gen = gen
        self.kpi = kpi
        self.resource = simpy.Resource(env, capacity=size)
        self._free = [f"{name}:{i}" for i in range(size - 1, -1, -1)]
        self.in_system = 0
        self.completed = 0

    @property
    def queue_length(self) -> int:
        return len(self.resource.queue)

    def submit(
        self,
        done: Done,
        pickup_h: float = 0.0,
        handling_h: float | None = None,
        exclude: str | None = None,
    ) -> None:
        """Queue a task; ``done(person, time)`` is called when a person has finished it."""
        if handling_h is None:
            handling_h = float(lognormal(self.gen, self.mu, self.sigma))
        self.in_system += 1
        self.env.process(self._work(done, pickup_h, handling_h, exclude))

    def _work(self, done: Done, pickup_h: float, handling_h: float, exclude: str | None):
        env, cal = self.env, self.calendar
        if pickup_h > 0:
            yield env.timeout(cal.add_working(env.now, pickup_h) - env.now)
        with self.resource.request() as req:
            if self.kpi is not None:
                self.kpi.queue_depth(len(self.resource.queue))
            yield req
            person = self._take(exclude)
            finish = cal.add_working(env.now, handling_h)
            yield env.timeout(finish - env.now)
            self._free.append(person)
        self.in_system -= 1
        self.completed += 1
        done(person, env.now)

    def _take(self, exclude: str | None) -> str:
        for i in range(len(self._free) - 1, -1, -1):
            if self._free[i] != exclude:
                return self._free.pop(i)
        return self._free.pop()  # pragma: no cover - a pool of one cannot exclude its only member
