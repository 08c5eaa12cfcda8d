"""Run a scenario once and print its Jepsen-style accounting (nothing lost, nothing doubled).

    python -m experiments.accounting jepsen_mixed [--set key=value ...] [--replication R]

Prints the counts of :class:`orchestration.resilience.accounting.Accounting`, the SimPy event
count of the run and its wall time, and exits 1 when ``conservation_ok`` is false. The scenario
must use an automated model (its inbound connector is what is accounted).
"""

from __future__ import annotations

import argparse
import sys
import time
from typing import Any

from orchestration.models import build
from orchestration.resilience.accounting import Accounting, account
from scenarios.loader import load_scenario
from sim.world import World


def run_accounting(
    scenario_name: str, overrides: list[str] | None = None, replication: int = 0
) -> tuple[Accounting, dict[str, Any]]:
    """Simulate one replication and account for its inbound events; (accounting, engine)."""
    scenario = load_scenario(scenario_name, overrides)
    model = build(scenario.orchestration.model, scenario)
    world = World(scenario, replication)
    world.attach(model)
    stack = getattr(model, "stack", None)
    connector = getattr(stack, "connector", None)
    if connector is None:
        raise ValueError(
            f"{scenario_name}: orchestration.model {scenario.orchestration.model!r} has no "
            "inbound connector to account for (use an automated model, e.g. event_driven)"
        )
    started = time.perf_counter()  # wall clock: engine statistics only
    world.run()
    wall = time.perf_counter() - started
    engine = {"sim_events": world.sim_events, "wall_s": round(wall, 1)}
    return account(world, connector), engine


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m experiments.accounting")
    ap.add_argument("scenario", nargs="?", default="jepsen_mixed")
    ap.add_argument("--set", dest="overrides", action="append", default=[])
    ap.add_argument("--replication", type=int, default=0)
    a = ap.parse_args(argv)
    acc, engine = run_accounting(a.scenario, a.overrides, a.replication)
    for line in acc.lines():
        print(line)
    print(f"{'sim_events':28s} {engine['sim_events']}")
    print(f"{'wall_s':28s} {engine['wall_s']}")
    return 0 if acc.conservation_ok else 1


if __name__ == "__main__":
    sys.exit(main())
