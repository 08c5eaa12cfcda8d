"""The cron worker as a SimPy process: Odoo's ``cron_thread`` on the shared simulation clock.

Concept: a worker wakes every ``poll_interval_s`` seconds (Odoo's ``SLEEP_INTERVAL = 60``), runs
every ready job, and sleeps again; a ``_trigger()`` due now (``NOTIFY cron_trigger``) or a change
to the jobs wakes it at once. So an un-triggered job starts up to one poll interval after its
``nextcall``. To stay cheap over long horizons the worker sleeps straight to the first poll tick
at or after the next due job instead of waking for nothing; the ticks stay on the
``k * poll_interval`` grid, so timing is the same as a worker that polls every interval.

Units: SimPy time is HOURS; ``poll_interval_s`` is seconds. The Odoo Env must run on a
``SimClock`` over the same SimPy environment (the one place hours become datetimes).
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import Any

from orchestration.odoo.clock import SimClock
from orchestration.odoo.env import Env

_EPS = 1e-9


def start_cron_runner(simpy_env: Any, odoo_env: Env, poll_interval_s: float = 60.0) -> Any:
    """Start the cron worker process on ``simpy_env``; returns the SimPy process."""
    clock = odoo_env.clock
    if not isinstance(clock, SimClock) or clock.simpy_env is not simpy_env:
        raise TypeError("the Odoo Env must use a SimClock over the same SimPy environment")
    if poll_interval_s <= 0:
        raise ValueError("poll_interval_s must be positive")
    return simpy_env.process(_worker(simpy_env, odoo_env, clock, poll_interval_s / 3600.0))


def _worker(simpy_env: Any, odoo_env: Env, clock: SimClock, poll_h: float) -> Generator:
    cron = odoo_env.cron
    while True:
        cron.run_pending()
        wake = simpy_env.event()

        def wakeup(event: Any = wake) -> None:
            if not event.triggered:
                event.succeed()

        cron.wakeup = wakeup
        due = cron.next_due()
        if due is None:
            yield wake
        else:
            due_h = max(clock.to_sim_hours(due), simpy_env.now + _EPS)
            tick = math.ceil(due_h / poll_h - _EPS) * poll_h
            if tick <= simpy_env.now:
                tick = simpy_env.now + poll_h
            yield simpy_env.timeout(tick - simpy_env.now) | wake
        cron.wakeup = None
