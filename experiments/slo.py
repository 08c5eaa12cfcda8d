"""Service levels: run a scenario and its fault-free twin, and check the scenario's ``slo:`` bounds.

The bounds come from :mod:`scenarios.slo`. A bound is *absolute* (``max: 0``) or *relative* to
the **fault-free twin**: the same resolved scenario, seed and replication indices with ``faults``
reset to their defaults (no outage, delivery, rate-limit, absence or cron window; no background
drop/duplicate/reorder) and no security attacks (controls unchanged). Replication ``r`` of the
scenario and of its twin draw the same streams (common random numbers), so the difference between
them is what the faults and attacks did.

Values are means over the ``slo.replications`` replications (``None`` replications ignored), with
one exception: ``backlog_drain_h``, a KPI derived here from a run and its twin, is the *worst*
replication, and ``None`` when any replication never drained.

``backlog_drain_h``: the backlog is the number of events the world emitted and the orchestration
model has not yet settled (``World.ledger`` in flight: webhooks waiting for re-delivery, events
waiting in middleware or in a person's queue), which the world samples every simulated hour
(``World.backlog_hourly``) in both runs. Recovery is the end of the last fault window
(:func:`sim.faults.fault_windows`). The backlog has drained at the first hourly sample at or
after recovery where the run's backlog exceeds the twin's by at most ``max(1, 10%`` of the
twin's``)``;
``backlog_drain_h`` is the time from recovery to that sample (hour resolution). ``None`` (which
breaks any bound on it) when the scenario has no fault window, the last window ends after the
horizon, or the backlog has not drained by the horizon.

A KPI with no value (``None``) breaks every bound on it: a service level that cannot be measured
is not met. Results carry the KPI, the condition, the limit it implies, the value, the twin's
value (relative bounds), the margin (positive = slack, negative = by how much it broke) and
whether it passed.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

from experiments.backends import IN_PROCESS, BackendSpec, run_tasks
from experiments.result import TaskResult
from experiments.tasks import Task
from scenarios.loader import Problem, ScenarioError, scenario_from_resolved, scenario_to_document
from scenarios.schema import Faults, Scenario
from scenarios.slo import Bound
from sim.faults import fault_windows as sim_fault_windows
from sim.kpis import KpiCollector

BACKLOG_DRAIN = "backlog_drain_h"
#: KPIs computed here from the run and its twin, not by the KPI collector
DERIVED_KPIS = (BACKLOG_DRAIN,)
DRAIN_TOLERANCE_SHARE = 0.10
#: the world samples its backlog every whole hour (``World.backlog_hourly``)
SAMPLE_EVERY_H = 1.0


def kpi_names() -> list[str]:
    """Every KPI a bound may name: the collector's (KPIS.md) and the derived ones."""
    ledger = {"emitted": 0, "processed": 0, "dead_lettered": 0, "in_flight": 0}
    return [*KpiCollector().kpis(ledger), *DERIVED_KPIS]


def slo_problems(scenario: Scenario, source: str) -> list[Problem]:
    """Why ``scenario`` cannot be checked: no ``slo:`` block, or bounds on unknown KPIs."""
    if scenario.slo is None:
        return [Problem(source, "slo", "an slo: block with bounds (see docs/slo.md)", "none")]
    names = kpi_names()
    return [
        Problem(source, f"slo.bounds[{i}].kpi", "a KPI name of KPIS.md (retail-twin run)", b.kpi)
        for i, b in enumerate(scenario.slo.bounds)
        if b.kpi not in names
    ]


def check_scenario(scenario: Scenario, source: str) -> None:
    """Raise :class:`ScenarioError` when ``scenario`` cannot be checked (every problem)."""
    problems = slo_problems(scenario, source)
    if problems:
        raise ScenarioError(problems)


def fault_free_twin(scenario: Scenario) -> Scenario:
    """The same scenario without faults and attacks (controls, seed and everything else kept)."""
    doc = scenario_to_document(scenario)
    doc["faults"] = Faults().model_dump(mode="json")
    doc["security"]["attacks_per_day"] = {}
    return scenario_from_resolved(doc)


def fault_windows(scenario: Scenario) -> list[tuple[float, float]]:
    """(start_h, end_h) of every fault window of the scenario (:func:`sim.faults.fault_windows`)."""
    return sorted((w.start_h, w.end_h) for w in sim_fault_windows(scenario))


def drain_hours(
    backlog: Sequence[int], twin: Sequence[int], recovery_h: float, every_h: float = SAMPLE_EVERY_H
) -> float | None:
    """Hours from ``recovery_h`` to the first sample where ``backlog`` is back to ``twin``'s."""
    first = math.ceil(recovery_h / every_h - 1e-9)
    for i in range(max(first, 0), min(len(backlog), len(twin))):
        if backlog[i] - twin[i] <= max(1.0, DRAIN_TOLERANCE_SHARE * twin[i]):
            return round(i * every_h - recovery_h, 6)
    return None


# ------------------------------------------------------------------------------------ runs
SCENARIO, TWIN = "scenario", "twin"


def _tasks(index: int, scenario: Scenario) -> list[Task]:
    """The runs checking ``scenario``: its replications, and its twin's when a bound needs it.

    They go through the same execution path as ``run`` and ``sweep`` (in-process, a process pool
    or Dask), so the KPIs and the hourly backlog are those of a plain run."""
    assert scenario.slo is not None
    variants = [(SCENARIO, scenario)]
    if needs_twin(scenario):
        variants.append((TWIN, fault_free_twin(scenario)))
    return [
        Task(key=f"{index}-{variant}-{r}", doc=doc, replication=r, point=index, run=variant)
        for variant, s in variants
        for doc in [scenario_to_document(s)]
        for r in range(scenario.slo.replications)
    ]


# ------------------------------------------------------------------------------ evaluation
@dataclass(frozen=True)
class Result:
    """One condition of one bound, checked."""

    kpi: str
    bound: str  # the condition, e.g. "<= 0" or ">= 0.999 x twin"
    value: float | None
    reference: float | None  # the twin's value (relative conditions)
    limit: float | None  # the value the condition allows at most / at least
    margin: float | None  # slack (>= 0) or how much it broke by (< 0)
    passed: bool
    message: str
    description: str = ""

    @property
    def name(self) -> str:
        return f"{self.kpi} {self.bound}"


def _fmt(v: float | None) -> str:
    if v is None:
        return "none"
    return f"{v:.6g}"


def _conditions(b: Bound) -> list[tuple[str, str, float, bool]]:
    """(label, kind, number, relative) of each condition; kind is ``min`` or ``max``."""
    out = []
    if b.min is not None:
        out.append((f">= {_fmt(b.min)}", "min", b.min, False))
    if b.max is not None:
        out.append((f"<= {_fmt(b.max)}", "max", b.max, False))
    r = b.relative
    if r is not None:
        if r.ratio_min is not None:
            out.append((f">= {_fmt(r.ratio_min)} x twin", "ratio_min", r.ratio_min, True))
        if r.ratio_max is not None:
            out.append((f"<= {_fmt(r.ratio_max)} x twin", "ratio_max", r.ratio_max, True))
        if r.delta_min is not None:
            out.append((f">= twin {r.delta_min:+.6g}", "delta_min", r.delta_min, True))
        if r.delta_max is not None:
            out.append((f"<= twin {r.delta_max:+.6g}", "delta_max", r.delta_max, True))
    return out


def evaluate(bound: Bound, value: float | None, reference: float | None = None) -> list[Result]:
    """Check every condition of ``bound`` against ``value`` (and the twin's ``reference``)."""
    results = []
    for label, kind, x, relative in _conditions(bound):
        ref = reference if relative else None
        row = {"kpi": bound.kpi, "bound": label, "value": value, "reference": ref}
        row["description"] = bound.description
        if value is None or (relative and reference is None):
            where = "this run" if value is None else "the fault-free twin"
            msg = f"{bound.kpi} has no value in {where}"
            results.append(Result(**row, limit=None, margin=None, passed=False, message=msg))
            continue
        if kind in ("min", "max"):
            limit = x
        elif kind in ("ratio_min", "ratio_max"):
            limit = x * reference
        else:
            limit = reference + x
        upper = kind in ("max", "ratio_max", "delta_max")
        margin = (limit - value) if upper else (value - limit)
        passed = margin >= -1e-12 * max(1.0, abs(limit))
        twin = f" (twin {_fmt(reference)})" if relative else ""
        if passed:
            msg = f"{bound.kpi} = {_fmt(value)} {label}{twin}: holds with margin {_fmt(margin)}"
        else:
            side = "above the maximum" if upper else "below the minimum"
            msg = (
                f"{bound.kpi} = {_fmt(value)}, {side} {_fmt(limit)} ({label}{twin}) "
                f"by {_fmt(-margin)}"
            )
        results.append(Result(**row, limit=limit, margin=margin, passed=passed, message=msg))
    return results


@dataclass
class ScenarioCheck:
    """The checked service levels of one scenario."""

    name: str
    source: str
    model: str
    seed: int
    replications: int
    results: list[Result] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    wall_s: float = 0.0

    @property
    def passed(self) -> bool:
        return not self.errors and all(r.passed for r in self.results)

    @property
    def breaches(self) -> list[Result]:
        return [r for r in self.results if not r.passed]


def _mean(values: list[Any]) -> float | None:
    vals = [float(v) for v in values if v is not None]
    return sum(vals) / len(vals) if vals else None


def _summarise(
    scenario: Scenario, runs: list[TaskResult], twins: list[TaskResult]
) -> dict[str, float | None]:
    names = list(runs[0].kpis) if runs else []
    values: dict[str, float | None] = {n: _mean([r.kpis.get(n) for r in runs]) for n in names}
    windows = fault_windows(scenario)
    recovery = max(end for _s, end in windows) if windows else None
    drains: list[float | None] = []
    if recovery is not None and recovery <= scenario.horizon_days * 24.0 and twins:
        by_rep = {t.replication: t for t in twins}
        for r in runs:
            t = by_rep.get(r.replication)
            drains.append(None if t is None else drain_hours(r.backlog, t.backlog, recovery))
    ok = bool(drains) and all(d is not None for d in drains)
    values[BACKLOG_DRAIN] = max(d for d in drains if d is not None) if ok else None
    return values


def needs_twin(scenario: Scenario) -> bool:
    """Whether a bound of ``scenario`` compares with the fault-free twin."""
    bounds = scenario.slo.bounds if scenario.slo is not None else []
    return any(b.needs_twin or b.kpi == BACKLOG_DRAIN for b in bounds)


def planned_runs(scenario: Scenario) -> int:
    """How many simulations checking ``scenario`` takes (its replications, twice with a twin)."""
    reps = scenario.slo.replications if scenario.slo is not None else 0
    return reps * (2 if needs_twin(scenario) else 1)


def run_checks(
    scenarios: Sequence[tuple[Scenario, str]],
    backend: BackendSpec = IN_PROCESS,
    on_done: Callable[[TaskResult], None] | None = None,
) -> list[ScenarioCheck]:
    """Run every scenario (and its twin when a bound needs it) and check its bounds.

    ``scenarios`` are (scenario, source) pairs already accepted by :func:`check_scenario`.
    """
    tasks: list[Task] = []
    for i, (s, source) in enumerate(scenarios):
        if s.slo is None:
            raise ScenarioError(slo_problems(s, source))
        tasks += _tasks(i, s)
    variant = {t.key: t.run for t in tasks}
    outcomes: dict[int, list[TaskResult]] = {i: [] for i in range(len(scenarios))}
    for res in run_tasks(tasks, backend):
        outcomes[res.point].append(res)
        if on_done is not None:
            on_done(res)
    checks = []
    for i, (s, source) in enumerate(scenarios):
        got = sorted(outcomes[i], key=lambda r: (variant[r.key], r.replication))
        assert s.slo is not None
        check = ScenarioCheck(
            s.name, source, s.orchestration.model, s.seed, s.slo.replications,
            wall_s=round(sum(float(r.engine.get("wall_s", 0.0)) for r in got), 3),
        )  # fmt: skip
        check.errors = [
            f"{variant[r.key]} replication {r.replication}: {r.error}" for r in got if not r.ok
        ]
        if not check.errors:
            runs = [r for r in got if variant[r.key] == SCENARIO]
            twins = [r for r in got if variant[r.key] == TWIN]
            values = _summarise(s, runs, twins)
            refs = _summarise(fault_free_twin(s), twins, []) if twins else {}
            for b in s.slo.bounds:
                check.results += evaluate(b, values.get(b.kpi), refs.get(b.kpi))
        checks.append(check)
    return checks


def checks_record(checks: Sequence[ScenarioCheck]) -> dict[str, Any]:
    """The checks as a JSON-ready object (what ``check --save`` writes; the report reads it)."""
    return {
        "checks": [
            {**asdict(c), "passed": c.passed, "results": [asdict(r) for r in c.results]}
            for c in checks
        ]
    }


# ------------------------------------------------------------------------------------ JUnit
def junit_xml(checks: Sequence[ScenarioCheck]):
    """JUnit XML of ``checks``: one testsuite per scenario, one testcase per checked condition,
    a ``<failure>`` on a breach and an ``<error>`` when a run of the scenario crashed."""
    import xml.etree.ElementTree as ET

    root = ET.Element("testsuites", name="retail-twin check")
    totals = {"tests": 0, "failures": 0, "errors": 0}
    wall = 0.0
    for c in checks:
        failures = len(c.breaches)
        tests = len(c.results) + (1 if c.errors else 0)
        suite = ET.SubElement(
            root,
            "testsuite",
            name=c.name,
            tests=str(tests),
            failures=str(failures),
            errors=str(1 if c.errors else 0),
            skipped="0",
            time=f"{c.wall_s:.3f}",
        )
        props = ET.SubElement(suite, "properties")
        for key, val in (
            ("source", c.source),
            ("model", c.model),
            ("seed", c.seed),
            ("replications", c.replications),
        ):
            ET.SubElement(props, "property", name=key, value=str(val))
        for r in c.results:
            case = ET.SubElement(suite, "testcase", classname=f"slo.{c.name}", name=r.name)
            case.set("time", "0")
            if not r.passed:
                fail = ET.SubElement(case, "failure", message=r.message, type="SloBreach")
                fail.text = (
                    f"kpi={r.kpi} bound={r.bound!r} value={_fmt(r.value)} "
                    f"twin={_fmt(r.reference)} limit={_fmt(r.limit)} margin={_fmt(r.margin)}"
                    + (f"\n{r.description}" if r.description else "")
                )
        if c.errors:
            case = ET.SubElement(suite, "testcase", classname=f"slo.{c.name}", name="run")
            err = ET.SubElement(case, "error", message=c.errors[0], type="RunError")
            err.text = "\n".join(c.errors)
        totals["tests"] += tests
        totals["failures"] += failures
        totals["errors"] += 1 if c.errors else 0
        wall += c.wall_s
    for key, val in totals.items():
        root.set(key, str(val))
    root.set("time", f"{wall:.3f}")
    ET.indent(root)
    return ET.ElementTree(root)
