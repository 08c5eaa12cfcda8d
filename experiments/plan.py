"""A sweep as data: a base scenario, fixed overrides, a grid of factors, models, replications.

A :class:`SweepSpec` comes from the command line (``--grid demand.promo_uplift=1.5,2,2.5``) or
from a sweep YAML file::

    base: tiny                    # library name, or a YAML path (relative to this file)
    set: [horizon_days=7]         # optional fixed overrides, as --set
    grid:                         # dotted scenario key -> list of values (full factorial)
      demand.promo_uplift: [1.5, 2.0, 2.5]
      orchestration.manual.po_auto_approve_below: [500, 1000]
    models: [manual]              # optional; default: the base scenario's model
    replications: 5
    plugins: []                   # optional modules / .py files that register extra models

:func:`plan_sweep` expands the grid (first key varies slowest), builds and validates the
scenario of *every* point under *every* model before anything runs, and raises one
:class:`~scenarios.loader.ScenarioError` listing every problem found. A valid plan is a list of
cells (point x model, each a run directory ``p007_manual``) and of tasks (cell x replication).
Replication ``r`` has the same streams in every cell of one point (common random numbers).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from experiments.plugins import PluginError, load_plugins, normalise
from experiments.tasks import Task, task_digest
from orchestration.models import model_names
from scenarios import safeyaml
from scenarios.loader import (
    Problem,
    ScenarioError,
    load_scenario,
    read_document,
    scenario_to_document,
)

SPEC_KEYS = {"base", "set", "grid", "models", "replications", "plugins"}


def yaml_text(value: Any) -> str:
    """``value`` as one line of YAML that parses back to an equal value (an override's value)."""
    text = yaml.safe_dump(value, default_flow_style=True, width=10**9, allow_unicode=True).strip()
    if text.endswith("\n..."):
        text = text[:-4].strip()
    elif text.endswith("..."):
        text = text[:-3].strip()
    return text


def split_values(text: str) -> list[str]:
    """Split ``v1,v2,[a, b],"x,y"`` on top-level commas (brackets and quotes kept together)."""
    parts, depth, quote, cur = [], 0, "", []
    for ch in text:
        if quote:
            quote = "" if ch == quote else quote
        elif ch in "\"'":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append("".join(cur).strip())
            cur = []
            continue
        cur.append(ch)
    parts.append("".join(cur).strip())
    return parts


def parse_grid(items: list[str]) -> tuple[tuple[str, tuple[Any, ...]], ...]:
    """``["a.b=1,2", "c=x,y"]`` -> ``(("a.b", (1, 2)), ("c", ("x", "y")))``; all problems."""
    grid: list[tuple[str, tuple[Any, ...]]] = []
    problems: list[Problem] = []
    for item in items:
        key, sep, raw = item.partition("=")
        key = key.strip()
        if not sep or not key or any(not p for p in key.split(".")):
            problems.append(Problem("--grid", key or item, "KEY=V1,V2,... with a dotted KEY", item))
            continue
        values = []
        for piece in split_values(raw):
            if not piece:
                problems.append(Problem("--grid", key, "a non-empty value", repr(raw)))
                continue
            try:
                values.append(safeyaml.load(piece))
            except (yaml.YAMLError, ValueError):
                problems.append(Problem("--grid", key, "a YAML value", repr(piece)))
        grid.append((key, tuple(values)))
    problems += _grid_problems(grid, "--grid")
    if problems:
        raise ScenarioError(problems)
    return tuple(grid)


def parse_models(text: str | None) -> tuple[str, ...]:
    """``"manual, event_driven"`` -> ``("manual", "event_driven")``."""
    if not text:
        return ()
    models = tuple(m.strip() for m in text.split(",") if m.strip())
    dup = sorted({m for m in models if models.count(m) > 1})
    if dup:
        raise ScenarioError([Problem("--models", "", "each model once", ", ".join(dup))])
    return models


def _grid_problems(grid: list[tuple[str, tuple[Any, ...]]], source: str) -> list[Problem]:
    problems = []
    keys = [k for k, _ in grid]
    for k in sorted({k for k in keys if keys.count(k) > 1}):
        problems.append(Problem(source, k, "each grid key once", f"{keys.count(k)} times"))
    for k, values in grid:
        if not values:
            problems.append(Problem(source, k, "at least one value", "none"))
        if k == "orchestration.model":
            problems.append(Problem(source, k, "models listed in --models / models:", "grid"))
    return problems


@dataclass(frozen=True)
class SweepSpec:
    """What to run; pure data, saved as ``sweep.yaml`` beside the results."""

    base: str
    overrides: tuple[str, ...] = ()
    grid: tuple[tuple[str, tuple[Any, ...]], ...] = ()
    models: tuple[str, ...] = ()
    replications: int = 1
    plugins: tuple[str, ...] = ()

    def to_document(self) -> dict[str, Any]:
        return {
            "base": self.base,
            "set": list(self.overrides),
            "grid": {k: list(v) for k, v in self.grid},
            "models": list(self.models),
            "replications": self.replications,
            "plugins": list(self.plugins),
        }

    @classmethod
    def from_file(cls, path: Path) -> SweepSpec:
        """Read a sweep YAML file; a relative ``base`` or plugin path is relative to the file."""
        source = str(path)
        doc = read_document(path)
        problems = [
            Problem(source, k, "no such key (unknown field)", k) for k in doc if k not in SPEC_KEYS
        ]
        base = doc.get("base")
        if not isinstance(base, str) or not base:
            problems.append(Problem(source, "base", "a library name or a YAML path", repr(base)))
            base = ""
        elif (path.parent / base).is_file():
            base = str(path.parent / base)
        overrides = doc.get("set") or []
        if not isinstance(overrides, list) or not all(isinstance(o, str) for o in overrides):
            problems.append(Problem(source, "set", "a list of KEY=VALUE strings", repr(overrides)))
            overrides = []
        raw_grid = doc.get("grid") or {}
        grid: list[tuple[str, tuple[Any, ...]]] = []
        if not isinstance(raw_grid, dict):
            problems.append(
                Problem(source, "grid", "a mapping: dotted key -> list", repr(raw_grid))
            )
        else:
            for k, v in raw_grid.items():
                values = v if isinstance(v, list) else [v]
                grid.append((str(k), tuple(values)))
        problems += _grid_problems(grid, source)
        models = doc.get("models") or []
        if isinstance(models, str):
            models = [models]
        if not isinstance(models, list) or not all(isinstance(m, str) for m in models):
            problems.append(Problem(source, "models", "a list of model names", repr(models)))
            models = []
        reps = doc.get("replications", 1)
        if not isinstance(reps, int) or isinstance(reps, bool) or reps < 1:
            problems.append(Problem(source, "replications", "an integer >= 1", repr(reps)))
            reps = 1
        plugins = doc.get("plugins") or []
        if not isinstance(plugins, list) or not all(isinstance(p, str) for p in plugins):
            problems.append(Problem(source, "plugins", "a list of modules or paths", repr(plugins)))
            plugins = []
        plugins = [str(path.parent / p) if (path.parent / p).is_file() else p for p in plugins]
        if problems:
            raise ScenarioError(problems)
        return cls(base, tuple(overrides), tuple(grid), tuple(models), reps, tuple(plugins))


@dataclass(frozen=True)
class Point:
    """One combination of grid values; ``params`` are the *resolved* values (after validation)."""

    index: int
    overrides: tuple[str, ...]
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Cell:
    """One point under one model: a run directory of R replications."""

    name: str
    point: Point
    model: str
    doc: dict[str, Any]


@dataclass
class Plan:
    spec: SweepSpec
    scenario: str
    points: list[Point]
    cells: list[Cell]

    @property
    def param_names(self) -> list[str]:
        return [k for k, _ in self.spec.grid]

    @property
    def models(self) -> list[str]:
        return list(dict.fromkeys(c.model for c in self.cells))

    def tasks(
        self, out_dir: Path | None = None, outputs: bool = True, capture: bool = True
    ) -> list[Task]:
        """Every (cell, replication), with Parquet outputs under ``out_dir/runs/CELL/rep_NNN``."""
        reps = self.spec.replications
        width = max(3, len(str(reps - 1)))
        tasks = []
        for cell in self.cells:
            for r in range(reps):
                out = None
                if out_dir is not None and outputs:
                    out = str(out_dir / "runs" / cell.name / f"rep_{r:03d}")
                tasks.append(
                    Task(
                        key=f"{cell.name}_r{r:0{width}d}",
                        doc=cell.doc,
                        replication=r,
                        out=out,
                        plugins=normalise(self.spec.plugins),
                        capture_errors=capture,
                        point=cell.point.index,
                        digest=task_digest(cell.doc, r),
                        run=cell.name,
                    )
                )
        return tasks


def _resolved(doc: dict[str, Any], dotted: str) -> Any:
    node: Any = doc
    for part in dotted.split("."):
        node = node[int(part)] if isinstance(node, list) else node[part]
    return node


def plan_sweep(spec: SweepSpec) -> Plan:
    """Expand and validate every point x model; raise one ScenarioError listing every problem."""
    problems: list[Problem] = []
    if spec.replications < 1:
        problems.append(Problem("--replications", "", "an integer >= 1", str(spec.replications)))
    try:
        load_plugins(spec.plugins)
    except (PluginError, ImportError) as exc:
        problems.append(Problem("--plugin", "", "an importable module or .py file", str(exc)))
    base = load_scenario(spec.base, list(spec.overrides))  # a bad base is its own report
    models = spec.models or (base.orchestration.model,)
    known = model_names()
    for m in models:
        if m not in known:
            problems.append(
                Problem("--models", "orchestration.model", f"one of {', '.join(known)}", repr(m))
            )
    keys = [k for k, _ in spec.grid]
    combos = list(itertools.product(*(v for _, v in spec.grid))) if spec.grid else [()]
    width = max(3, len(str(len(combos) - 1)))
    points: list[Point] = []
    cells: list[Cell] = []
    name = ""
    for i, combo in enumerate(combos):
        ovs = tuple(f"{k}={yaml_text(v)}" for k, v in zip(keys, combo, strict=True))
        params: dict[str, Any] = {}
        for m in models:
            try:
                extra = [*spec.overrides, *ovs, f"orchestration.model={yaml_text(m)}"]
                scenario = load_scenario(spec.base, extra)
            except ScenarioError as exc:
                problems += [_at_point(p, i, ovs) for p in exc.problems]
                continue
            resolved = scenario_to_document(scenario)
            name = scenario.name
            params = {k: _resolved(resolved, k) for k in keys}
            cells.append(Cell(f"p{i:0{width}d}_{m}", Point(i, ovs), m, resolved))
        points.append(Point(i, ovs, params))
    if problems:
        raise ScenarioError(_unique(problems))
    by_index = {p.index: p for p in points}
    cells = [Cell(c.name, by_index[c.point.index], c.model, c.doc) for c in cells]
    return Plan(spec, name, points, cells)


def _at_point(p: Problem, index: int, overrides: tuple[str, ...]) -> Problem:
    if not overrides:
        return p
    where = f"{p.source} [point {index}: {', '.join(overrides)}]"
    return Problem(where, p.path, p.expected, p.found)


def _unique(problems: list[Problem]) -> list[Problem]:
    """One line per distinct problem: a bad grid key is reported once, not once per point."""
    seen: dict[tuple[str, str, str], Problem] = {}
    for p in problems:
        seen.setdefault((p.path, p.expected, p.found), p)
    return list(seen.values())
