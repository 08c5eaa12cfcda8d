"""A run makes no reference cycles: what it drops, reference counting frees at once.

The world keeps the cyclic garbage collector for what is left (``World.prepare``: young
collections are rare and the world built before the run is frozen); a cycle per approval task
or ticket, as the work desks once made (a task holding its ``done`` callback, which held the
task), would be garbage only a collection finds: millions of objects over a
``peak_season_xl`` run, and the collections that find them are most of the garbage collector's
cost. This test runs with the collector off and looks for what it would have had to find.
"""

from __future__ import annotations

import collections
import gc

import pytest

from experiments.runner import run_replication
from orchestration.models import build
from scenarios.loader import load_scenario
from sim.world import GC_THRESHOLD, World


@pytest.mark.parametrize(
    ("scenario", "model", "days"),
    [("peak_season", "hybrid", 4), ("supplier_delay", "approval_centric", 8)],
)
def test_a_run_leaves_no_cyclic_garbage(scenario, model, days):
    s = load_scenario(scenario, [f"orchestration.model={model}", f"horizon_days={days}"])
    assert s.orchestration.model == model
    run_replication(load_scenario("tiny", ["horizon_days=1"]))  # imports and caches warm
    gc.collect()
    was = gc.isenabled()
    gc.disable()
    try:
        world = World(s)
        world.attach(build(model, s, None))
        world.run()
        # the world is still alive: what is unreachable now, the run dropped in cycles
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        garbage = collections.Counter(type(o).__name__ for o in gc.garbage)
        kpis = world.kpi.kpis(world.ledger.totals())
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        if was:
            gc.enable()
    assert kpis["approvals_total"] > 100  # the back office worked: tasks were made
    assert sum(garbage.values()) == 0, garbage.most_common(10)


def test_the_run_collects_rarely_and_gives_the_collector_back_as_it_found_it():
    before = gc.get_threshold()
    seen: set[tuple[int, ...]] = set()
    s = load_scenario("tiny", ["horizon_days=1"])
    run_replication(s, progress=lambda p: p.fraction < 1 and seen.add(gc.get_threshold()))
    assert seen == {GC_THRESHOLD}  # during the run (the hourly reports), as prepare set it
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0  # the world built before the run is unfrozen again
