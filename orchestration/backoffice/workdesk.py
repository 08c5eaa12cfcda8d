"""A work desk: a pool of people working one FIFO queue inside their calendar.

This is the one building block behind every human step — an approver answering emails, a
customer-service agent working the exception spreadsheet, an AP clerk keying invoices. A task
may first wait a *pickup* delay in working hours (the email sitting unread; the spreadsheet
until the next review), then queues for a free person, who works ``handling`` working hours on
it (lognormal). Outside the calendar nobody starts or continues work, so a task picked at 16:55
on Friday finishes on Monday. With a 24/7 calendar and exponential handling, a desk is an M/M/c
queue, which is how it is validated against Erlang C.

People are identified as ``"<desk>:<i>"`` and held in a pool with a SimPy ``FilterStore``'s
semantics: a task names the people it may *not* be given to (its requester, whoever filled an
earlier step of the same request), and waits for an eligible person rather than take an
ineligible one — segregation of duties is preventive. People on vacation are taken out of the
eligible set for the day.

``submit`` returns a :class:`Task` handle: until a person has started it, the task can be
withdrawn (``cancel``), which is how a request is escalated to another desk; while it is still
unread, a reminder (``remind``) ends its pickup delay at the next working moment.

A task is a chain of SimPy callbacks rather than a process (:class:`Task`): the same events
in the same places, without a generator to resume and a process end event per task.

Workload: the desk reports to the KPI collector's :class:`sim.workload.Workload` that it exists
(people, calendar), when its queue of tasks waiting for a person grows or shrinks, and the
handling hours of every finished task; hours worked, utilisation, queue length over time, FTE
and labour cost per team come from there.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from heapq import heappush

import numpy as np
import simpy
from simpy.core import NORMAL, URGENT
from simpy.events import PENDING

from sim.clock import WorkCalendar
from sim.kpis import KpiCollector
from sim.rng import Buffered

Done = Callable[[str, float], None]


#: where a task is: not yet begun, in its pickup delay, queued for a person, being worked, over
_NEW, _PICKUP, _QUEUED, _WORKING, _OVER = range(5)


class Task:
    """A submitted piece of work; ``started`` once a person has taken it.

    A task lives as a chain of SimPy callbacks, not a process: the same events a process took
    (its start at URGENT priority, the pickup timeout, the person's get, the handling timeout,
    the person's put) in the same places, minus the process and its end event. A reminder or a
    withdrawal is delivered like a process interrupt: one URGENT event scheduled when asked.

    The task is its own queue entry for its start and, while a person works it, for its
    handling wake-up, pushed as ``(time, priority, event id, task)`` exactly as the event it
    replaces (see :mod:`sim.wake`): no event object per task for them. It is on SimPy's queue
    as itself at most once (its start is over before anyone takes it); its pickup delay,
    which a reminder or a withdrawal can cut short, stays a separate wake-up."""

    _ok = True  # as its own queue entry it never fails

    __slots__ = (
        "_banned",
        "_desk",
        "_done",
        "_get",
        "_handling_h",
        "_note",
        "_person",
        "_pickup_h",
        "_queued",
        "_state",
        "_wait",
        "callbacks",
        "cancelled",
        "started",
        "unread",
    )

    def __init__(
        self,
        desk: WorkDesk,
        done: Done,
        pickup_h: float,
        handling_h: float,
        banned: frozenset[str],
        note: Callable[[str, str], None] | None,
    ) -> None:
        """A task submitted to ``desk`` now: its start is scheduled at once (URGENT)."""
        self.started = False
        self.cancelled = False
        self.unread = False  # still in its pickup delay (the email not yet opened)
        self._desk = desk
        self._done = done
        self._pickup_h = pickup_h
        self._handling_h = handling_h
        self._banned = banned
        self._note = note
        self._queued = False
        self._get: simpy.Event | None = None
        self._wait: simpy.Event | None = None
        self._state = _NEW
        # the task is its own start on SimPy's queue: where a process's Initialize would be
        self.callbacks = _START
        env = desk.env
        heappush(env._queue, (env._now, URGENT, next(env._eid), self))

    def remind(self) -> bool:
        """A reminder: an unread task is read at the next working moment instead of at the end
        of its pickup delay; True if it was still unread. A task already read and queued for a
        free person is not hastened (the reminder does not free anybody)."""
        if not self.unread or self.cancelled or self._state == _OVER:
            return False
        self.unread = False
        _urgent(self._desk.env, self._reminded)  # type: ignore[union-attr]
        return True

    def cancel(self) -> bool:
        """Withdraw the task if nobody has started it; True if it was withdrawn."""
        if self.started or self.cancelled or self._state == _OVER:
            return False
        self.cancelled = True
        _urgent(self._desk.env, self._withdrawn)  # type: ignore[union-attr]
        return True

    # -- the life of a task ----------------------------------------------------------------
    def _start(self) -> None:
        desk = self._desk
        if self._pickup_h > 0:
            self.unread = True
            self._state = _PICKUP
            now = desk.env._now
            self._sleep(desk.calendar.add_working(now, self._pickup_h) - now)
        else:
            self._queue()

    def _sleep(self, delay_h: float) -> None:
        self._wait = _Wake(self._desk.env, delay_h, self._read)  # type: ignore[union-attr]

    def _reminded(self, _event: simpy.Event) -> None:
        if self._state != _PICKUP:  # over meanwhile: the interrupt of a dead process
            return
        self._wait.callbacks.remove(self._read)  # type: ignore[union-attr]
        now = self._desk.env._now  # type: ignore[union-attr]
        self._sleep(self._desk.calendar.add_working(now, 0.0) - now)  # type: ignore[union-attr]

    def _read(self, _event: simpy.Event) -> None:
        self.unread = False
        self._queue()

    def _queue(self) -> None:
        desk = self._desk
        banned, env = self._banned, desk.env
        get = desk.store.get(lambda p: p not in banned and p not in desk.absent)
        if desk.kpi is not None:
            desk.kpi.queue_depth(len(desk.store.get_queue))
        triggered = get._value is not PENDING  # get.triggered, one call fewer
        queued = desk.load is not None and not triggered
        if queued:
            desk.load.queue_change(desk.name, env._now, +1)  # type: ignore[union-attr]
        note = self._note
        if note is not None and not triggered:
            free = [p for p in desk.store.items if p not in desk.absent]
            if free and all(p in banned for p in free):
                note("sod_wait", f"free {', '.join(free)} excluded (requester/earlier step)")
        self._queued = queued
        self._get = get
        self._state = _QUEUED
        get.callbacks.append(self._take)  # type: ignore[union-attr]

    def _take(self, get: simpy.Event) -> None:
        desk = self._desk
        env = desk.env
        now = env._now
        if self._queued:
            desk.load.queue_change(desk.name, now, -1)  # type: ignore[union-attr]
        person = get._value
        self.started = True
        self._state = _WORKING
        if self._note is not None:
            self._note("started", person)
        finish = desk.calendar.add_working(now, self._handling_h)
        # the task is its own handling wake-up: where ``env.timeout(finish - now)`` would be
        self._person = person
        self.callbacks = _FINISH
        heappush(env._queue, (now + (finish - now), NORMAL, next(env._eid), self))

    def _finish(self) -> None:
        desk = self._desk
        person = self._person
        desk.store.put(person)
        desk.in_system -= 1
        desk.completed += 1
        if desk.load is not None:
            desk.load.task_done(desk.name, self._handling_h)
        self._state = _OVER
        done, self._done, self._note, self._get = self._done, None, None, None
        done(person, desk.env._now)  # unlinked first: a callback that holds its task is no cycle

    def _withdrawn(self, _event: simpy.Event) -> None:
        desk = self._desk
        state = self._state
        if state == _OVER:  # over meanwhile: the interrupt of a dead process
            return
        if state == _PICKUP:
            self._wait.callbacks.remove(self._read)  # type: ignore[union-attr]
        elif state == _QUEUED:
            get = self._get
            assert get is not None
            get.callbacks.remove(self._take)  # type: ignore[union-attr]
            if self._queued:
                desk.load.queue_change(desk.name, desk.env.now, -1)  # type: ignore[union-attr]
            if not get.triggered:
                get.cancel()  # type: ignore[attr-defined]
            elif get.ok:
                desk.store.put(get.value)  # got a person in the same instant: give back
        else:  # pragma: no cover - a started task is never withdrawn (cancel refuses it)
            raise RuntimeError("a started task cannot be withdrawn")
        self._state = _OVER
        self._done = self._note = self._get = None  # never called now: no cycle through them
        desk.in_system -= 1


def _urgent(env: simpy.Environment, callback: Callable[[simpy.Event], None]) -> None:
    """Run ``callback`` at the next URGENT slot of now: where a process's start or an
    interrupt would be delivered."""
    _Wake(env, 0, callback, None, URGENT)


class _Wake(simpy.Event):
    """An event that runs its one ``callback`` ``delay`` hours from now with ``value``: what
    ``env.timeout(delay, value)`` plus ``callbacks.append`` did (or, at URGENT, an event
    triggered now), scheduled the same way, in one call."""

    def __init__(
        self,
        env: simpy.Environment,
        delay: float,
        callback: Callable[[simpy.Event], None],
        value: object = None,
        priority: int = NORMAL,
    ) -> None:
        if delay < 0:
            raise ValueError(f"Negative delay {delay}")
        self.env = env
        self.callbacks = [callback]
        self._value = value
        self._ok = True
        # as ``env.schedule(self, priority, delay)``, one call fewer
        heappush(env._queue, (env._now + delay, priority, next(env._eid), self))


class _Get(simpy.Event):
    """A task waiting for a person it may take (``accept``)."""

    def __init__(self, people: _People, accept: Callable[[str], bool]) -> None:
        self.env = people.env  # as ``Event.__init__``, one call fewer
        self.callbacks = []
        self.people = people
        self.accept = accept

    def cancel(self) -> None:
        """Stop waiting (a withdrawn task), unless a person was already given."""
        if not self.triggered:
            self.people.get_queue.remove(self)


class _People:
    """The desk's free people and the tasks waiting for one: SimPy's ``FilterStore`` semantics
    (a new request and every person put back are offered to the waiting tasks in order; a put
    is an event whose processing makes that offer), without its generic put queue.

    A ``FilterStore`` offers to *all* waiting tasks in turn, so a desk with a long queue pays
    for the whole queue on every put — quadratic when work piles up (a contact centre at peak).
    No waiting task can take an absent person, so once nobody present is free the rest of the
    queue cannot be served and the scan stops there: the same tasks get the same people in the
    same order, at O(1) per put."""

    def __init__(self, env: simpy.Environment, absent: Callable[[], set[str]]):
        self.env = env
        self.items: list[str] = []
        self.get_queue: list[_Get] = []
        self._absent = absent

    def get(self, accept: Callable[[str], bool]) -> _Get:
        request = _Get(self, accept)
        if self.get_queue:  # older tasks wait: the free people are offered to them first
            self.get_queue.append(request)
            self.offer()
            return request
        for person in self.items:  # nobody waits: the offer is to this task alone
            if accept(person):
                self.items.remove(person)
                request._ok = True  # request.succeed(person), written out: scheduled now
                request._value = person
                env = self.env
                heappush(env._queue, (env._now, NORMAL, next(env._eid), request))
                return request
        self.get_queue.append(request)
        return request

    def put(self, person: str) -> None:
        self.items.append(person)
        _Wake(self.env, 0, self.offer)

    def offer(self, _event: simpy.Event | None = None) -> None:
        """Offer the free people to the waiting tasks, oldest first."""
        queue, items = self.get_queue, self.items
        if not queue:  # a person put back with nobody waiting (the usual case)
            return
        absent = self._absent()  # nobody comes or goes while the offer is made
        env = self.env
        idx = 0
        while idx < len(queue):  # every waiting request is untriggered (a granted one leaves)
            request = queue[idx]
            for person in items:
                if request.accept(person):
                    items.remove(person)
                    # request.succeed(person) written out: scheduled now, at NORMAL
                    request._ok = True
                    request._value = person
                    heappush(env._queue, (env._now, NORMAL, next(env._eid), request))
                    queue.pop(idx)
                    break
            else:  # nobody here for this one: the next may take someone else
                idx += 1
            if not (any(p not in absent for p in items) if absent else items):
                break


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
        #: handling times served from blocks of the desk's own stream (its only user: the same
        #: numbers as one ``lognormal`` draw per task)
        self._handling = Buffered(gen)
        self.kpi = kpi
        self.people = [f"{name}:{i}" for i in range(size)]
        self.store = _People(env, lambda: self.absent)
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
        self.store.offer()  # re-run the waiting tasks' filters against the new set

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
            handling_h = self._handling.lognormal(self.mu, self.sigma)
        if exclude is None:
            banned: frozenset[str] = frozenset()
        elif isinstance(exclude, str):
            banned = frozenset((exclude,))
        else:
            banned = frozenset(exclude)
        self.in_system += 1
        return Task(self, done, pickup_h, handling_h, banned, note)


#: a task's one callback on SimPy's queue at its start and at its handling's end (called with
#: the task itself)
_START = (Task._start,)
_FINISH = (Task._finish,)
