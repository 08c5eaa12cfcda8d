"""Wake-ups (``sim/wake.py``) are processed exactly as the timeouts they replace."""

from __future__ import annotations

import simpy

from sim.wake import wake_after

# delays with ties (0.5 twice, 0.0) and a float sum that is not exact (0.1 + 0.2)
DELAYS = [0.5, 0.1, 0.5, 0.0, 2.0, 0.30000000000000004, 0.2]


def _trace(use_wake: bool) -> list[tuple[float, int]]:
    env, seen = simpy.Environment(), []

    def note(i: int) -> None:
        seen.append((env.now, i))
        if i < 3:  # a callback schedules more, from a non-zero time
            later = 10 + i
            if use_wake:
                wake_after(env, 0.1 + 0.2, note, later)
            else:
                env.timeout(0.1 + 0.2).callbacks.append(lambda _e, j=later: note(j))

    def ticker():  # a process's timeouts interleave with them
        for k in range(4):
            seen.append((env.now, 100 + k))
            yield env.timeout(0.5)

    env.process(ticker())
    for i, d in enumerate(DELAYS):
        if use_wake:
            wake_after(env, d, note, i)
        else:
            env.timeout(d).callbacks.append(lambda _e, i=i: note(i))
    env.run()
    return seen


def test_wakes_are_processed_at_the_times_and_in_the_order_of_timeouts():
    assert _trace(use_wake=True) == _trace(use_wake=False)
    assert len(_trace(use_wake=True)) == len(DELAYS) + 3 + 4


def test_a_wake_counts_as_one_simpy_event():
    env = simpy.Environment()
    wake_after(env, 1.0, lambda _: None, None)
    env.timeout(1.0)
    env.run()
    assert next(env._eid) == 2
    assert env.now == 1.0
