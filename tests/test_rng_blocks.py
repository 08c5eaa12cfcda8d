"""Draws served from blocks give the numbers the per-call draws gave, bit for bit.

The back office's desks and pickup delays take their lognormals through
:meth:`sim.rng.Buffered.lognormal` (blocks of standard normals) instead of one
``gen.lognormal`` call each; these tests pin that the two are the same stream of numbers.
"""

from __future__ import annotations

import numpy as np
import simpy

from orchestration.backoffice.workdesk import WorkDesk
from sim.clock import WorkCalendar
from sim.rng import Buffered, lognormal


def test_buffered_lognormal_is_the_per_call_lognormal_for_any_parameters():
    params = np.random.default_rng(1)
    mus = params.normal(0.0, 2.0, 10_000).tolist()
    sigmas = params.uniform(0.01, 2.5, 10_000).tolist()
    sigmas[::97] = [0.0] * len(sigmas[::97])  # sigma 0: the median, and no draw taken
    per_call = np.random.default_rng(7)
    blocks = Buffered(np.random.default_rng(7), block=256)  # several block boundaries
    want = [float(lognormal(per_call, m, s)) for m, s in zip(mus, sigmas, strict=True)]
    got = [blocks.lognormal(m, s) for m, s in zip(mus, sigmas, strict=True)]
    assert got == want


def test_a_desk_draws_the_handling_times_of_one_lognormal_call_per_task():
    env = simpy.Environment()
    mu, sigma = float(np.log(0.5)), 0.9
    desk = WorkDesk(env, "d", 3, WorkCalendar.always(), mu, sigma, np.random.default_rng(11))
    taken: list[float] = []
    for _ in range(5000):
        task = desk.submit(lambda _p, _t: None)
        taken.append(task._handling_h)
    ref = np.random.default_rng(11)
    assert taken == [float(lognormal(ref, mu, sigma)) for _ in range(5000)]
    # a given handling time takes no draw from the desk's stream
    desk.submit(lambda _p, _t: None, handling_h=1.0)
    assert desk.submit(lambda _p, _t: None)._handling_h == float(lognormal(ref, mu, sigma))
