"""Wake-ups: a function call at a later simulated time, for the cheapest entry SimPy's calendar has.

An online order's stages (its arrival, its label, its delivery) are not processes: nothing
waits on them, so each is a *wake-up* — ``fn(arg)`` called at ``now + delay`` hours. A
:class:`Wake` is pushed onto the environment's event queue exactly as
``simpy.Environment.schedule`` would push a :class:`simpy.Timeout` (same time, priority
``NORMAL`` and the next event id), so it is processed at the same instant and in the same order
as the timeout it replaces, bit for bit; it is only cheaper to make: no ``Event`` and ``Timeout``
constructors, no delay check, no closure. ``Environment.step`` needs two things of what it pops,
``callbacks`` (called with the event) and ``_ok``; a wake-up has both and nothing else.

**The calendar.** An order's later stages are due hours to weeks ahead (a delivery days later, a
return weeks later): pushed onto SimPy's heap at once, they made it hold ~13,000 entries on
``baseline`` after a few weeks (more at larger sizes), and every event of the run paid for that
depth (a pop and a push cost 2.5 us at 13,000 entries, 1.2 us at 1,500, 5.8 us at 130,000).
A :class:`Calendar` keeps a wake-up due beyond the next hour in an hourly bucket (a list) and
moves a bucket onto the heap an hour before it opens, with the time, priority and event id
given when it was scheduled: the heap orders by that triple alone, so the run is the same event
for event, and the heap holds only the next two hours' wake-ups.

This relies on ``simpy.Environment``'s queue layout (``_queue`` of ``(time, priority, eid,
event)``, ``_eid``, ``_now``), stable since SimPy 3; ``tests/test_wake.py`` pins it against a
real timeout, so an incompatible SimPy fails there, not silently in a run.
"""

from __future__ import annotations

from collections.abc import Callable
from heapq import heappush
from typing import Any

import simpy
from simpy.events import NORMAL


def _fire(wake: Wake) -> None:
    wake.fn(wake.arg)


_CALLBACKS = (_fire,)  # shared: ``step`` replaces a popped event's callbacks, never mutates them


class Wake:
    """``fn(arg)`` due on SimPy's calendar (see the module docstring)."""

    __slots__ = ("arg", "callbacks", "fn")
    _ok = True  # it never fails: ``Environment.step`` checks this after the callbacks

    def __init__(self, fn: Callable[[Any], None], arg: Any) -> None:
        self.callbacks = _CALLBACKS
        self.fn = fn
        self.arg = arg


def wake_after(env: simpy.Environment, delay: float, fn: Callable[[Any], None], arg: Any) -> None:
    """Call ``fn(arg)`` ``delay`` hours from now (``delay >= 0``), in the order a
    ``env.timeout(delay)`` made at this point would be processed."""
    heappush(env._queue, (env._now + delay, NORMAL, next(env._eid), Wake(fn, arg)))


class Calendar:
    """Wake-ups of one environment, the far ones in hourly buckets (see the module docstring).

    Invariant: every bucket up to ``_direct`` is on the heap; a wake-up due in a later bucket
    waits in ``_buckets``. The flush at hour ``k`` moves bucket ``k + 1`` onto the heap, so a
    wake-up is there at least an hour before it is due, in the order its scheduling gave it.
    """

    __slots__ = ("_buckets", "_direct", "_eid", "_env", "_queue")

    def __init__(self, env: simpy.Environment) -> None:
        self._env, self._queue, self._eid = env, env._queue, env._eid
        self._buckets: dict[int, list[tuple]] = {}
        self._direct = int(env._now) + 1
        heappush(
            self._queue, (float(self._direct), NORMAL, next(self._eid), Wake(self._flush, None))
        )

    def after(self, delay: float, fn: Callable[[Any], None], arg: Any) -> None:
        """Call ``fn(arg)`` ``delay`` hours from now (``delay >= 0``), exactly as
        :func:`wake_after` would."""
        self.schedule(delay, Wake(fn, arg))

    def schedule(self, delay: float, event: Any) -> None:
        """Put ``event`` on the calendar ``delay`` hours from now (``delay >= 0``), as
        :meth:`after` puts a :class:`Wake`: any object with ``callbacks`` (a tuple of functions
        called with the object) and ``_ok = True`` will do. A long-lived object that is due
        again and again (an online order at its label, its delivery) is its own wake-up this
        way: nothing is built per stage."""
        entry = (self._env._now + delay, NORMAL, next(self._eid), event)
        bucket = int(entry[0])
        if bucket <= self._direct:
            heappush(self._queue, entry)
        elif (waiting := self._buckets.get(bucket)) is not None:
            waiting.append(entry)
        else:
            self._buckets[bucket] = [entry]

    def timeout(self, delay: float, value: Any = None) -> simpy.Event:
        """A ``env.timeout(delay, value)`` kept on the calendar: a process may yield it, a
        callback may be appended to it, and it is processed at the same instant and in the same
        order as the timeout it replaces (the same time, priority and event id). For long waits
        (a purchase order's life, a promise's grace): on the heap they would make every event
        of the run pay for their depth."""
        event = simpy.Event(self._env)
        event._ok = True
        event._value = value
        self.schedule(delay, event)
        return event

    def _flush(self, _arg: None) -> None:
        """At hour ``_direct``: bucket ``_direct + 1`` onto the heap; the next flush in an hour."""
        self._direct += 1
        q = self._queue
        for entry in self._buckets.pop(self._direct, ()):
            heappush(q, entry)
        heappush(q, (float(self._direct), NORMAL, next(self._eid), Wake(self._flush, None)))

    def __len__(self) -> int:
        """Wake-ups waiting in buckets (not yet on the heap)."""
        return sum(map(len, self._buckets.values()))
