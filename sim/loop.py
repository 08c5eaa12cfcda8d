"""The simulation loop: SimPy's ``Environment.run(until=...)``, with each step written inline.

``simpy.Environment.run`` calls ``step()`` once per event: a Python call per event of the run
(three per online order before anything else happens). :func:`run_until` pops SimPy's queue and
runs the callbacks itself, exactly as ``step`` does: the same events, in the same order, at the
same times, the same ``until`` event (an ``URGENT`` event at the horizon which, once reached, is
put back at priority -1 with no callbacks, as ``step`` does when ``StopSimulation`` is raised:
so the event ids, ``sim_events`` and the queue a resumed run finds are unchanged), and a failed
event that nobody defused still crashes the run with a copy of its exception. Time is in the
environment's units (simulated hours here).

It relies on the queue layout ``simpy.Environment`` has had since SimPy 3 (``_queue`` of
``(time, priority, eid, event)``, ``_now``), like :mod:`sim.wake`; ``tests/test_loop.py``
compares it with ``env.run`` on a model of processes, timeouts, conditions and a failure.
"""

from __future__ import annotations

from heapq import heappop

import simpy
from simpy.events import URGENT, EventPriority

_STOPPED = EventPriority(-1)


def run_until(env: simpy.Environment, until: float | int) -> None:
    """Process every event before ``until`` (and none at it), then stop at ``until``; as
    ``env.run(until=until)``."""
    at = until if isinstance(until, int) else float(until)  # as ``run`` takes it
    if at <= env._now:
        raise ValueError(f"until ({at}) must be greater than the current simulation time")
    stop = simpy.Event(env)  # what ``run`` schedules: processed before anything else at ``at``
    stop._ok = True
    stop._value = None
    env.schedule(stop, URGENT, at - env._now)
    queue = env._queue
    while True:
        env._now, _, _, event = heappop(queue)  # never empty: ``stop`` is still on it
        if event is stop:  # ``step`` re-queues it (after its StopSimulation callback) and stops
            stop.callbacks = []
            env.schedule(stop, _STOPPED)
            return
        callbacks, event.callbacks = event.callbacks, None
        for callback in callbacks:
            callback(event)
        if not event._ok and not hasattr(event, "_defused"):
            # as ``step``: a failed event nobody handled crashes the run with a copy of it
            exc = type(event._value)(*event._value.args)
            exc.__cause__ = event._value
            raise exc
