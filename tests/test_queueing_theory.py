"""The approval desk agrees with queueing theory where theory exists (Erlang C, Little's law).

One desk, Poisson arrivals (rate lambda per hour), exponential handling (rate mu), c people
working 24/7, FIFO: an M/M/c queue. Erlang C gives the mean wait in queue,

    Wq = C(c, a) / (c mu - lambda),  a = lambda / mu,

and Little's law ties the mean number waiting to it, Lq = lambda Wq (Lq is measured at arrival
instants, which by PASTA see the time average). Replications are independent numpy streams;
the first customers of each are a warm-up and are not counted.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
import simpy

from orchestration.backoffice.workdesk import WorkDesk
from sim.clock import WorkCalendar


def erlang_c_wait(lam: float, mu: float, c: int) -> float:
    a = lam / mu
    rho = a / c
    top = a**c / math.factorial(c) / (1 - rho)
    prob_wait = top / (sum(a**k / math.factorial(k) for k in range(c)) + top)
    return prob_wait / (c * mu - lam)


def simulate(lam: float, mu: float, c: int, customers: int, warmup: int, seed: int):
    """Mean wait in queue and mean queue length seen on arrival, after the warm-up."""
    gen = np.random.default_rng(seed)
    env = simpy.Environment()
    desk = WorkDesk(env, "desk", c, WorkCalendar.always(), 0.0, 0.0, gen)
    arrivals = np.cumsum(gen.exponential(1 / lam, customers))
    handling = gen.exponential(1 / mu, customers)
    waits = np.zeros(customers)
    seen = np.zeros(customers)

    def source():
        for i in range(customers):
            yield env.timeout(arrivals[i] - env.now)
            seen[i] = desk.queue_length + max(0, desk.in_system - c - desk.queue_length)
            t0 = env.now

            def done(_person, t, i=i, t0=t0):
                waits[i] = t - t0 - handling[i]

            desk.submit(done, handling_h=float(handling[i]))

    env.process(source())
    env.run()
    return waits[warmup:].mean(), seen[warmup:].mean()


@pytest.mark.parametrize(
    ("lam", "mu", "c", "customers", "reps"),
    [(40.0, 5.0, 10, 60_000, 8), (2.0, 1.0, 3, 60_000, 8)],
    ids=["lambda40-mu5-c10", "lambda2-mu1-c3"],
)
def test_mean_wait_matches_erlang_c_within_two_percent(lam, mu, c, customers, reps):
    theory = erlang_c_wait(lam, mu, c)
    results = [simulate(lam, mu, c, customers, 5_000, seed) for seed in range(reps)]
    wq = np.array([r[0] for r in results])
    lq = np.array([r[1] for r in results])
    mean = wq.mean()
    half = 2.365 * wq.std(ddof=1) / math.sqrt(reps)
    assert abs(mean - theory) / theory < 0.02, (mean, theory, half)
    # Little's law on the same queue: Lq = lambda Wq
    assert abs(lq.mean() - lam * mean) / (lam * mean) < 0.01, (lq.mean(), lam * mean)
