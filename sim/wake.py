"""Wake-ups: a function call at a later simulated time, for the cheapest entry SimPy's calendar has.

An online order's stages (its arrival, its label, its delivery) are not processes: nothing
waits on them, so each is a *wake-up* — ``fn(arg)`` called at ``now + delay`` hours. A
:class:`Wake` is pushed onto the environment's event queue exactly as
``simpy.Environment.schedule`` would push a :class:`simpy.Timeout` (same time, priority
``NORMAL`` and the next event id), so it is processed at the same instant and in the same order
as the timeout it replaces, bit for bit; it is only cheaper to make: no ``Event`` and ``Timeout``
constructors, no delay check, no closure. ``Environment.step`` needs two things of what it pops,
``callbacks`` (called with the event) and ``_ok``; a wake-up has both and nothing else.

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
