"""The world gives the garbage collector back without a collection at the end of its run.

During the run young collections are rare (``World.prepare``: ``GC_THRESHOLD``), so when the
run ends the youngest generation holds most of what the run built and kept. Restoring the
caller's threshold over them made the next allocation (in ``World.finish``) walk them all in a
young collection that finds nothing (a run makes no cycles, ``tests/test_no_cycles.py``);
``World.run`` moves them to the oldest generation first, which visits no object.
"""

from __future__ import annotations

import gc

import pytest

import sim.world
from orchestration.models import build
from scenarios.loader import load_scenario
from sim.loop import run_until
from sim.world import GC_THRESHOLD, World


@pytest.fixture
def callers_threshold():
    """The interpreter's default threshold as the caller's (another test may have left any)."""
    was = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield
    gc.set_threshold(*was)


@pytest.mark.usefixtures("callers_threshold")
def test_the_run_ends_without_walking_its_young_objects(monkeypatch):
    s = load_scenario("tiny", ["horizon_days=3"])
    world = World(s)
    world.attach(build("hybrid", s, None))
    world.prepare()
    collections: list[int] = []
    young: list[int] = []

    def loop(env, until):  # the run's loop, then what the youngest generation holds
        run_until(env, until)
        young.append(gc.get_count()[0])

    def seen(phase: str, info: dict) -> None:
        if phase == "start":
            collections.append(info["generation"])

    monkeypatch.setattr(sim.world, "run_until", loop)
    gc.callbacks.append(seen)
    try:
        world.run()
    finally:
        gc.callbacks.remove(seen)
    # more young objects than the caller's threshold lets wait (the threshold is back), fewer
    # than the run's: without the hand-back, ``finish`` would have collected them
    assert GC_THRESHOLD[0] > young[0] > gc.get_threshold()[0] == 700
    assert collections == []


@pytest.mark.usefixtures("callers_threshold")
def test_the_callers_threshold_survives_worlds_prepared_together_or_never_run():
    """The run's threshold is the run's alone: a world prepared and never run changes nothing,
    and two worlds prepared before either runs give the caller back its own threshold."""
    s = load_scenario("tiny", ["horizon_days=1"])

    def world() -> World:
        w = World(s)
        w.attach(build("hybrid", s, None))
        return w

    never_run = world()
    never_run.prepare()
    assert gc.get_threshold() == (700, 10, 10)
    first, second = world(), world()
    first.prepare()
    second.prepare()
    first.run()
    assert gc.get_threshold() == (700, 10, 10)
    second.run()
    assert gc.get_threshold() == (700, 10, 10)
