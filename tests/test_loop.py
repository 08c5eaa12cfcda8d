"""The inline loop (``sim/loop.py``) processes a SimPy model exactly as ``env.run(until=...)``."""

from __future__ import annotations

import pytest
import simpy

from sim.loop import run_until
from sim.wake import Calendar


def _model(env: simpy.Environment, seen: list) -> None:
    """Processes, timeouts, a resource, a condition, an interrupt, a caught failure, wake-ups,
    and events due exactly at the horizon (not processed by either loop)."""
    res = simpy.Resource(env, capacity=1)
    cal = Calendar(env)

    def worker(i: int):
        with res.request() as req:
            yield req
            seen.append((env.now, "got", i))
            yield env.timeout(0.7)
        seen.append((env.now, "done", i))

    def failing():
        yield env.timeout(1.5)
        raise KeyError("boom")

    def watcher(p):
        try:
            yield p
        except KeyError as e:
            seen.append((env.now, "caught", str(e)))

    def sleeper():
        try:
            yield env.timeout(100)
        except simpy.Interrupt as i:
            seen.append((env.now, "interrupted", i.cause))
        yield env.all_of([env.timeout(0.25), env.timeout(0.5)])
        seen.append((env.now, "both"))

    for i in range(4):
        env.process(worker(i))
    env.process(watcher(env.process(failing())))
    s = env.process(sleeper())
    env.process(yield_then(env, 2.0, lambda: s.interrupt("wake")))
    for d in (0.5, 3.0, 10.0, 30.0, 4.0):
        cal.after(d, lambda x: seen.append((env.now, "wake", x)), d)
    env.timeout(10.0).callbacks.append(lambda _e: seen.append((env.now, "at horizon")))


def yield_then(env, delay, fn):
    yield env.timeout(delay)
    fn()


def _trace(inline: bool) -> tuple[list, float, int]:
    env, seen = simpy.Environment(), []
    _model(env, seen)
    for until in (3.0, 10.0):  # resumed, as a live twin steps it
        if inline:
            run_until(env, until)
        else:
            env.run(until=until)
    return seen, env.now, next(env._eid)


def test_the_inline_loop_is_env_run_event_for_event():
    direct = _trace(inline=False)
    assert _trace(inline=True) == direct
    assert (10.0, "at horizon") not in direct[0]
    assert direct[1] == 10.0
    assert any(e[1] == "caught" for e in direct[0])
    assert any(e[1] == "both" for e in direct[0])


def test_an_unhandled_failure_crashes_the_run_as_in_simpy():
    env = simpy.Environment()

    def failing():
        yield env.timeout(1.0)
        raise ValueError("bad input")

    env.process(failing())
    with pytest.raises(ValueError, match="bad input"):
        run_until(env, 5.0)
    with pytest.raises(ValueError, match="greater than the current"):
        run_until(env, 0.5)
