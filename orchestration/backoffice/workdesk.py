"""A work desk: a pool of people working one FIFO queue inside their calendar.

This is the one building block behind every human step — an approver answering emails, a
customer-service agent working the exception spreadsheet, an AP clerk keying invoices. A task
may first wait a *pickup* delay in working hours (the email sitting unread; the spreadsheet
until the next review), then queues for a free person, who works ``handling`` working hours on
it (lognormal). Outside the calendar nobody starts or continues work, so a task picked at 16:55
on Friday finishes on Monday. With a 24/7 calendar and exponential handling, a desk is an M/M/c
queue, which is how it is validated against Erlang C.

People are identified as ``"<desk>:<i>"`` and held in a SimPy ``FilterStore``: a task names the
people it may *not* be given to (its requester, whoever filled an earlier step of the same
request), and waits for an eligible person rather than take an ineligible one — segregation of
duties is preventive. People on vacation are taken out of the eligible set for the day.

``submit`` returns a :class:`Task` handle: until a person has started it, the task can be
withdrawn (``cancel``), which is how a request is escalated to another desk; while it is still
unread, a reminder (``remind``) ends its pickup delay at the next working moment.

Workload: the desk reports to the KPI collector's :class:`sim.workload.Workload` that it exists
(people, calendar), when its queue of tasks waiting for a person grows or shrinks, and the
handling hours of every finished task; hours worked, utilisation, queue length over time, FTE
and labour cost per team come from there.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

import numpy as np
import simpy

from sim.clock import WorkCalendar
from sim.kpis import KpiCollector
from sim.rng import lognormal

Done = Callable[[str, float], None]


class Task:
    """A submitted piece of work; ``started`` once a person has taken it."""

    __slots__ = ("cancelled", "proc", "started", "unread")

    def __init__(self) -> None:
        self.started = False
        self.cancelled = False
        self.unread = False  # still in its pickup delay (the email not yet opened)
        self.proc: simpy.Process | None = None

    def remind(self) -> bool:
        """A reminder: an unread task is read at the next working moment instead of at the end
        of its pickup delay; True if it was still unread. A task already read and queued for a
        free person is not hastened (the reminder does not free anybody)."""
        if not self.unread or self.cancelled or self.proc is None or not self.proc.is_alive:
            return False
        self.unread = False
        self.proc.interrupt("reminded")
        return True

    def cancel(self) -> bool:
        """Withdraw the task if nobody has started it; True if it was withdrawn."""
        if self.started or self.cancelled or self.proc is None or not self.proc.is_alive:
            return False
        self.cancelled = True
        self.proc.interrupt("withdrawn")
        return True


class _People(simpy.FilterStore):
    """The desk's free people. SimPy's ``FilterStore`` offers every put, and every new request,
    to *all* waiting tasks in turn, so a desk with a long queue pays for the whole queue on every
    put — quadratic when work piles up (a contact centre at peak). No waiting task can take an
    absent person, so once nobody present is free the rest of the queue cannot be served and the
    scan stops here: the same tasks get the same people in the same order, at O(1) per put."""

    def __init__(self, env: simpy.Environment, capacity: int, absent: Callable[[], set[str]]):
        super().__init__(env, capacity=capacity)
        self._absent = absent

    def _do_get(self, event) -> bool:  # type: ignore[override]
        super()._do_get(event)
        absent = self._absent()
        return any(p not in absent for p in self.items)


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
        self.size = size
        self.calendar = calendar
        self.mu = handling_mu
        self.sigma = handling_sigma
        self.gen = gen
        self.kpi = kpi
        self.people = [f"{name}:{i}" for i in range(size)]
        self.store = _People(env, size, lambda: self.absent)
        self.store.items.extend(self.people)
        self.absent: set[str] = set()
        self.vacation: set[str] = set()
        self.wave: set[str] = set()  # an approver absence wave (fault library)
        self.in_system = 0
        self.completed = 0
        self.load = kpi.workload if kpi is not None else None
        if self.load is not None:
            self.load.team(name, size, calendar)

    @property
    def queue_length(self) -> int:
        return len(self.store.get_queue)

    def set_absent(self, people: Collection[str]) -> None:
        """Who is away (vacation, sickness) from now on; they take no new task."""
        self.vacation = set(people)
        self.absent = self.vacation | self.wave

    def set_absent_wave(self, people: Collection[str]) -> None:
        """Who is away in an absence wave, on top of vacations; whoever is back is offered the
        waiting tasks at once."""
        self.wave = set(people)
        self.absent = self.vacation | self.wave
        self.store._trigger_get(None)  # re-run the waiting gets' filters against the new set

    def submit(
        self,
        done: Done,
        pickup_h: float = 0.0,
        handling_h: float | None = None,
        exclude: str | Collection[str] | None = None,
        note: Callable[[str, str], None] | None = None,
    ) -> Task:
        """Queue a task; ``done(person, time)`` is called when a person has finished it.

        ``note(what, who)``, when given, hears ``("sod_wait", ...)`` when the task waits because
        the only free people are excluded from it, and ``("started", person)`` (for tracing).
        """
        if handling_h is None:
            handling_h = float(lognormal(self.gen, self.mu, self.sigma))
        if exclude is None:
            banned: frozenset[str] = frozenset()
        elif isinstance(exclude, str):
            banned = frozenset((exclude,))
        else:
            banned = frozenset(exclude)
        self.in_system += 1
        task = Task()
        task.proc = self.env.process(self._work(task, done, pickup_h, handling_h, banned, note))
        return task

    def _work(
        self,
        task: Task,
        done: Done,
        pickup_h: float,
        handling_h: float,
        banned: frozenset[str],
        note: Callable[[str, str], None] | None = None,
    ):
        env, cal = self.env, self.calendar
        try:
            if pickup_h > 0:
                task.unread = True
                try:
                    yield env.timeout(cal.add_working(env.now, pickup_h) - env.now)
                except simpy.Interrupt as why:
                    if why.cause != "reminded":
                        raise
                    yield env.timeout(cal.add_working(env.now, 0.0) - env.now)
                task.unread = False
            get = self.store.get(lambda p: p not in banned and p not in self.absent)
            if self.kpi is not None:
                self.kpi.queue_depth(len(self.store.get_queue))
            queued = self.load is not None and not get.triggered
            if queued:
                self.load.queue_change(self.name, env.now, +1)
            if note is not None and not get.triggered:
                free = [p for p in self.store.items if p not in self.absent]
                if free and all(p in banned for p in free):
                    note("sod_wait", f"free {', '.join(free)} excluded (requester/earlier step)")
            try:
                person = yield get
            except simpy.Interrupt:
                if queued:
                    self.load.queue_change(self.name, env.now, -1)
                if not get.triggered:
                    get.cancel()
                elif get.ok:
                    self.store.put(get.value)  # got a person in the same instant: give back
                raise
            if queued:
                self.load.queue_change(self.name, env.now, -1)
        except simpy.Interrupt:
            self.in_system -= 1
            return
        task.started = True
        if note is not None:
            note("started", person)
        finish = cal.add_working(env.now, handling_h)
        yield env.timeout(finish - env.now)
        self.store.put(person)
        self.in_system -= 1
        self.completed += 1
        if self.load is not None:
            self.load.task_done(self.name, handling_h)
        done(person, env.now)
