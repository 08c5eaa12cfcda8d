"""Order cost (issue 17): what one online order costs, counted in bare SimPy events.

**Order cost** = (CPU seconds of the simulation loop / online orders simulated) / (CPU seconds
per event of the bare SimPy loop: 1,000 processes yielding ``env.timeout``), both measured in
the same process. It is a pure number (bare events per order) and machine-independent because
both sides run on the same core in the same session; the target is <= 15 under every model on
``baseline`` and ``peak_season``.

- The loop's CPU time is ``engine["cpu_s"]`` of :func:`experiments.runner.run_replication`:
  ``time.process_time`` around ``World.run`` after ``World.prepare`` (world construction, the
  collector's set-up and output writing excluded).
- The orders are ``online_orders_total`` (eCommerce + marketplace checkouts that placed an
  order), the unit whose path through world and model the issue is about. POS baskets are
  resolved in bulk and are not in the count, but their (small) cost is in the loop's time.
- The bare loop is measured before the first scenario and after each scenario; its best (least
  CPU per event) sample is the reference, as in the throughput case (:mod:`.cases`).

:func:`measure` runs every scenario of the configuration under every model of
:data:`MODELS`; the ratios it yields are ``order_cost_<scenario>_<model>`` (lower is better),
kept in the CI ratio baseline like the others.

:func:`world_alone` measures the world's own share: the same loop under a :class:`NullModel`
that acknowledges every event at once (no orchestration at all), in bare events per online
order and, with ``calls=True``, in Python function calls per online order (cProfile's count:
deterministic, unlike CPU time on a shared machine). :func:`measure` runs it once per scenario
(the case's ``world_alone``), against the same bare reference; it is not a CI ratio.

:func:`measure` also runs :func:`.floor.measure` (the case's ``floor``): three events per order
and nothing else, the least any design with the twin's per-event semantics pays.
"""

from __future__ import annotations

import cProfile
import pstats
import time
from collections.abc import Callable
from typing import Any

from experiments.bench import cases, floor
from experiments.bench.config import Workload
from sim.events import Event
from sim.world import World

#: the built-in orchestration models, each measured (a plugin model is not in the baseline)
MODELS = ("manual", "event_driven", "approval_centric", "exception_driven", "hybrid")
#: the scenarios whose order cost is a ratio of the baseline (the labels of ``order_cost``)
SCENARIOS = ("baseline", "peak_season")
#: issue 17's target: an online order for the cost of at most 15 bare SimPy events
TARGET = 15.0
#: the key of the result object that holds ``{scenario: {model: order cost}}``
JSON_KEY = "order_cost_bare_events"


def ratio_name(scenario: str, model: str) -> str:
    return f"order_cost_{scenario}_{model}"


def measure(cfg: Any, progress: Callable[[str], None] | None = None) -> dict[str, Any]:
    """Every ``cfg.order_cost`` workload under every model, beside the bare loop.

    Returns ``bare_us_per_event`` (the reference), the bare samples, per scenario and model
    the run's figures with ``loop_us_per_online_order`` and ``order_cost_bare_events``, and per
    scenario the world alone (``world_alone``: the same figures under :class:`NullModel`)."""
    samples: list[dict[str, Any]] = []

    def bare() -> None:
        if progress is not None:
            progress("order cost: bare SimPy timeout loop")
        samples.append(cases.bare_simpy(cfg.bare_processes, cfg.bare_events))

    cases.warm_up()
    bare()
    runs: dict[str, dict[str, Any]] = {}
    alone: dict[str, dict[str, Any]] = {}
    for label, workload in cfg.order_cost:
        for model in MODELS:
            extra = (f"orchestration.model={model}",)
            if progress is not None:
                progress(f"order cost: {workload.describe(extra)}")
            runs.setdefault(label, {})[model] = cases.twin_run(workload, extra, cfg.repeats)
        if progress is not None:
            progress(f"order cost: {workload.describe()}, the world alone")
        alone[label] = world_alone(workload, cfg.repeats, bare_us=1.0)
        bare()
    if progress is not None:
        progress("order cost: the floor (three events per order, nothing else)")
    skeleton = floor.measure(bare=max(samples, key=lambda s: s["events_per_cpu_s"]))
    bare_us = 1e6 / max(s["events_per_cpu_s"] for s in samples)
    for run in (*(r for per_model in runs.values() for r in per_model.values()), *alone.values()):
        run["order_cost_bare_events"] = run["loop_us_per_online_order"] / bare_us
    for run in alone.values():
        run["bare_us_per_event"] = bare_us
    return {
        "bare_us_per_event": bare_us,
        "bare_samples_us_per_event": [1e6 / s["events_per_cpu_s"] for s in samples],
        "runs": runs,
        "world_alone": alone,
        "floor": skeleton,
    }


def costs(case: dict[str, Any]) -> dict[str, dict[str, float]]:
    """``{scenario: {model: order cost}}`` of a measured case (the result's :data:`JSON_KEY`)."""
    return {
        label: {m: run["order_cost_bare_events"] for m, run in per_model.items()}
        for label, per_model in case["runs"].items()
    }


def ratios(case: dict[str, Any]) -> dict[str, float]:
    """The case's ratios for the CI baseline: ``order_cost_<scenario>_<model>``."""
    return {
        ratio_name(label, model): value
        for label, per_model in costs(case).items()
        for model, value in per_model.items()
    }


class NullModel:
    """An orchestration model that does nothing: every event is acknowledged as it arrives.

    Under it the loop is the world alone (arrivals, checkout, acceptance, label, delivery,
    returns, tickets, the day's calendar), the floor every real model's order cost adds to."""

    def attach(self, world: World) -> None:
        self._ack = world.ack

    def on_event(self, event: Event) -> None:
        self._ack(event)

    def snapshot(self) -> dict[str, float]:
        return {}

    def finish(self) -> None:
        pass


def world_alone(
    workload: Workload, repeats: int = 1, *, calls: bool = False, bare_us: float | None = None
) -> dict[str, Any]:
    """One replication of ``workload`` under :class:`NullModel`, best (least loop CPU) of
    ``repeats``: ``loop_us_per_online_order``, ``sim_events_per_online_order`` and, against the
    bare loop (``bare_us`` per event, measured here if not given), ``order_cost_bare_events``.
    ``calls=True`` adds a run under cProfile: ``calls_per_online_order`` (all Python and C
    function calls of the loop, divided by the online orders)."""
    cases.warm_up()
    scenario = workload.load()

    def run(profile: cProfile.Profile | None) -> tuple[World, float]:
        world = World(scenario, 0)
        world.attach(NullModel())
        world.prepare()
        cpu0 = time.process_time()
        if profile is None:
            world.run()
        else:
            profile.runcall(world.run)
        return world, time.process_time() - cpu0

    best, best_cpu = None, float("inf")
    for _ in range(max(1, repeats)):
        world, cpu = run(None)
        if cpu < best_cpu:
            best, best_cpu = world, cpu
    online = max(best.kpi.online_orders_placed, 1)
    if bare_us is None:
        bare_us = 1e6 / cases.bare_simpy()["events_per_cpu_s"]
    out: dict[str, Any] = {
        "workload": workload.describe(),
        "online_orders": best.kpi.online_orders_placed,
        "sim_events": best.sim_events,
        "sim_events_per_online_order": best.sim_events / online,
        "loop_cpu_s": best_cpu,
        "loop_us_per_online_order": 1e6 * best_cpu / online,
        "bare_us_per_event": bare_us,
        "order_cost_bare_events": 1e6 * best_cpu / online / bare_us,
    }
    if calls:
        profile = cProfile.Profile()
        run(profile)
        total = pstats.Stats(profile).total_calls
        out["calls_per_online_order"] = total / online
    return out
