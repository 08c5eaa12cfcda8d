"""Wake-ups (``sim/wake.py``) are processed exactly as the timeouts they replace."""

from __future__ import annotations

import simpy

from sim.wake import Calendar, wake_after

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


class _Due:
    """An object that is its own wake-up (as an online order is): ``Calendar.schedule``."""

    _ok = True

    def __init__(self, fn, i: int) -> None:
        self.callbacks, self.i = (fn,), i


def _calendar_trace(use_calendar: bool, own: bool = False) -> list[tuple[float, int]]:
    """Wake-ups from 0 to 50 hours ahead, scheduled at different times, some due on the hour
    (a flush instant) and some tied: through the calendar's buckets or as timeouts; ``own``:
    as objects scheduled themselves (``Calendar.schedule``) rather than ``Calendar.after``."""
    env, seen = simpy.Environment(), []
    cal = Calendar(env) if use_calendar else None
    delays = [0.25, 3.0, 3.0, 49.5, 1.0, 2.0, 26.75, 0.0, 7.2, 2.9999999999999996]

    def later(delay: float, i: int) -> None:
        if cal is not None and own:
            cal.schedule(delay, _Due(lambda due: note(due.i), i))
        elif cal is not None:
            cal.after(delay, note, i)
        else:
            env.timeout(delay).callbacks.append(lambda _e: note(i))

    def note(i: int) -> None:
        seen.append((env.now, i))
        if i < len(delays):  # each first-generation wake-up schedules another, from later on
            later(delays[-1 - i] + 0.5, 100 + i)

    def ticker():  # process timeouts on the hour, interleaving with the flushes
        for k in range(60):
            seen.append((env.now, 1000 + k))
            yield env.timeout(1.0)

    env.process(ticker())
    for i, d in enumerate(delays):
        later(d, i)
    env.run(until=200)
    return seen


def test_the_calendar_gives_the_order_of_timeouts_however_far_ahead():
    direct = _calendar_trace(use_calendar=False)
    assert _calendar_trace(use_calendar=True) == direct
    assert _calendar_trace(use_calendar=True, own=True) == direct
    assert len(direct) == 10 + 10 + 60


def test_far_wake_ups_wait_off_the_heap_until_the_hour_before():
    env = simpy.Environment()
    cal = Calendar(env)
    fired = []
    cal.after(30.5, fired.append, "far")
    cal.after(0.5, fired.append, "near")
    assert len(cal) == 1  # the far one is in a bucket; the heap holds the near one and a flush
    assert len(env._queue) == 2
    env.run(until=29.5)
    assert fired == ["near"]
    assert len(cal) == 0  # moved onto the heap an hour ahead
    env.run(until=31)
    assert fired == ["near", "far"]


def _waiting_trace(use_calendar: bool) -> list[tuple[float, object]]:
    """Processes that wait hours to days (as a purchase order's life does), one of them
    interrupted in a long wait and waiting again, with callbacks appended to a long timeout:
    on the calendar (``Calendar.timeout``) or as ``env.timeout``."""
    env, seen = simpy.Environment(), []
    cal = Calendar(env)
    wait = cal.timeout if use_calendar else env.timeout

    def life(name: str, waits: list[float]):
        for w in waits:
            try:
                got = yield wait(w, value=(name, w))
                seen.append((env.now, got))
            except simpy.Interrupt as exc:
                seen.append((env.now, (name, "interrupted", exc.cause)))

    def ticker():
        for k in range(80):
            seen.append((env.now, k))
            yield env.timeout(1.0)

    env.process(ticker())
    po = env.process(life("po", [2.0, 48.0, 26.75, 0.0, 3.5]))
    env.process(life("other", [1.0, 49.0, 0.5, 26.75]))

    def expedite():
        yield env.timeout(20.25)
        po.interrupt("expedite")

    env.process(expedite())
    grace = wait(50.0)
    grace.callbacks.append(lambda _e: seen.append((env.now, "grace")))
    env.run(until=120)
    return seen


def test_calendar_timeouts_are_processed_as_env_timeouts():
    direct = _waiting_trace(use_calendar=False)
    assert _waiting_trace(use_calendar=True) == direct
    assert (20.25, ("po", "interrupted", "expedite")) in direct
    assert (50.0, "grace") in direct


def test_a_calendar_timeout_waits_off_the_heap():
    env = simpy.Environment()
    cal = Calendar(env)
    got = []

    def po():
        got.append((yield cal.timeout(300.0, value="received")))

    env.process(po())
    env.run(until=1)  # the process has started and now waits
    assert [t for t, *_ in env._queue if t > 2] == []  # not on the heap: in a bucket
    assert len(cal) == 1
    env.run(until=301)
    assert got == ["received"]
