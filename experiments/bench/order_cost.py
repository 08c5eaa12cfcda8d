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
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from experiments.bench import cases

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

    Returns ``bare_us_per_event`` (the reference), the bare samples, and per scenario and model
    the run's figures with ``loop_us_per_online_order`` and ``order_cost_bare_events``."""
    samples: list[dict[str, Any]] = []

    def bare() -> None:
        if progress is not None:
            progress("order cost: bare SimPy timeout loop")
        samples.append(cases.bare_simpy(cfg.bare_processes, cfg.bare_events))

    cases.warm_up()
    bare()
    runs: dict[str, dict[str, Any]] = {}
    for label, workload in cfg.order_cost:
        for model in MODELS:
            extra = (f"orchestration.model={model}",)
            if progress is not None:
                progress(f"order cost: {workload.describe(extra)}")
            runs.setdefault(label, {})[model] = cases.twin_run(workload, extra, cfg.repeats)
        bare()
    bare_us = 1e6 / max(s["events_per_cpu_s"] for s in samples)
    for per_model in runs.values():
        for run in per_model.values():
            run["order_cost_bare_events"] = run["loop_us_per_online_order"] / bare_us
    return {
        "bare_us_per_event": bare_us,
        "bare_samples_us_per_event": [1e6 / s["events_per_cpu_s"] for s in samples],
        "runs": runs,
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
