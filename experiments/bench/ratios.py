"""Machine-independent ratios: their targets, their values in a result, and the baseline check.

Only ratios are compared against a committed baseline (``benchmarks/quick_baseline.json``): a
ratio regresses when it is worse than the baseline by more than a tolerance (relative and
direction-aware, :func:`compare_ratios`).
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from experiments.bench import order_cost as oc
from experiments.bench.config import MODES, SCHEMA, BenchConfig, BenchError

DEFAULT_TOLERANCE = 0.30


class BaselineError(ValueError):
    """A baseline file that cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class RatioSpec:
    """A machine-independent ratio: which way is better, and the issue's target."""

    name: str
    higher_is_better: bool
    target: float
    label: str

    @property
    def target_text(self) -> str:
        return f"{'>=' if self.higher_is_better else '<='} {self.target:g}"

    def met(self, value: float | None) -> bool | None:
        if value is None or not math.isfinite(value):
            return None
        return value >= self.target if self.higher_is_better else value <= self.target


RATIOS: dict[str, RatioSpec] = {
    s.name: s
    for s in (
        RatioSpec(
            "twin_to_bare_baseline", True, 0.40, "baseline: twin events/s / bare SimPy events/s"
        ),
        RatioSpec(
            "twin_to_bare_peak_season",
            True,
            0.40,
            "peak_season: twin events/s / bare SimPy events/s",
        ),
        RatioSpec("per_order_time_4x_1x", False, 1.3, "time per order, 4x stores / 1x stores"),
        RatioSpec("peak_rss_360_90", False, 1.3, "peak RSS, 360-day run / 90-day run"),
        RatioSpec("speedup_2_workers", True, 1.8, "8 replications: 1-worker wall / 2-worker wall"),
        *(
            RatioSpec(
                oc.ratio_name(scn, model),
                False,
                oc.TARGET,
                f"{scn} under {model}: loop CPU per online order / CPU per bare SimPy event",
            )
            for scn in oc.SCENARIOS
            for model in oc.MODELS
        ),
    )
}


def ratios_of(cases: Mapping[str, Any]) -> dict[str, float]:
    """The machine-independent ratios of a bench's cases (only those that were measured)."""
    r: dict[str, float] = {}
    thr = cases.get("throughput")
    if thr:
        for label, run in thr["runs"].items():
            r[f"twin_to_bare_{label}"] = run["ratio_to_bare"]
    if cases.get("size_scaling"):
        r["per_order_time_4x_1x"] = cases["size_scaling"]["per_order_time_ratio"]
    if cases.get("horizon_rss"):
        r["peak_rss_360_90"] = cases["horizon_rss"]["peak_rss_ratio"]
    if cases.get("parallel"):
        r["speedup_2_workers"] = cases["parallel"]["speedup"]
    if cases.get("order_cost"):
        r.update(oc.ratios(cases["order_cost"]))
    # a ratio that could not be computed (no orders, a zero time) is left out, never NaN
    return {k: round(float(v), 4) for k, v in r.items() if math.isfinite(float(v))}


def targets(
    ratios: Mapping[str, float], cases: Mapping[str, Any], cfg: BenchConfig
) -> dict[str, dict[str, Any]]:
    """Each target of issue 7 that this run measured: value, target, met."""
    t = {
        name: {"value": v, "target": RATIOS[name].target_text, "met": RATIOS[name].met(v)}
        for name, v in ratios.items()
        if name in RATIOS
    }
    runs = (cases.get("throughput") or {}).get("runs", {})
    for label, limit in cfg.cpu_targets_s:
        if label in runs:
            cpu = runs[label]["cpu_s"]
            t[f"cpu_s_{label}"] = {
                "value": round(cpu, 2),
                "target": f"< {limit:g}",
                "met": cpu < limit,
            }
    return t


@dataclass(frozen=True)
class RatioCheck:
    """One ratio against the baseline. ``worse_by``: the relative change in the bad direction
    (0.31 = 31% worse; negative = better); ``ok`` False on a regression or a missing ratio."""

    name: str
    baseline: float | None
    current: float | None
    worse_by: float | None
    ok: bool
    message: str


def load_baseline(path: Path) -> dict[str, Any]:
    """Read a baseline file (the JSON of ``retail-twin bench --json``, or any object with
    ``mode`` and ``ratios``); raise :class:`BaselineError` naming the file and the problem."""
    try:
        doc = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise BaselineError(f"{path}: baseline file not found") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"{path}: cannot read the baseline file: {exc}") from None
    except json.JSONDecodeError as exc:
        raise BaselineError(f"{path}: not valid JSON: {exc}") from None
    if not isinstance(doc, dict):
        raise BaselineError(f"{path}: expected a JSON object, found {type(doc).__name__}")
    ratios = doc.get("ratios")
    if not isinstance(ratios, dict) or not ratios:
        raise BaselineError(f"{path}: ratios: expected a non-empty object of ratio -> number")
    for name, value in ratios.items():
        if name not in RATIOS:
            raise BaselineError(
                f"{path}: ratios.{name}: unknown ratio (known: {', '.join(RATIOS)})"
            )
        if (
            isinstance(value, bool)
            or not isinstance(value, int | float)
            or not math.isfinite(value)
            or value <= 0
        ):
            raise BaselineError(
                f"{path}: ratios.{name}: expected a positive number, found {value!r}"
            )
    mode = doc.get("mode")
    if mode not in MODES:
        raise BaselineError(f"{path}: mode: expected one of {', '.join(MODES)}, found {mode!r}")
    return doc


def compare_ratios(
    current: Mapping[str, Any], baseline: Mapping[str, Any], tolerance: float = DEFAULT_TOLERANCE
) -> list[RatioCheck]:
    """Check every known ratio of ``current`` against ``baseline`` (two ``name -> value`` maps).

    A ratio regresses when it is worse than the baseline by more than ``tolerance`` (relative,
    direction-aware: lower is worse for throughput ratios and speed-up, higher is worse for the
    per-order-time and RSS ratios). A ratio in one map but not the other is an error too.
    """
    if not (tolerance >= 0 and math.isfinite(tolerance)):
        raise ValueError(f"tolerance: expected a number >= 0, found {tolerance!r}")
    checks = []
    for name in [n for n in RATIOS if n in baseline or n in current]:
        spec = RATIOS[name]
        base, cur = baseline.get(name), current.get(name)
        if base is None:
            checks.append(
                RatioCheck(
                    name,
                    None,
                    cur,
                    None,
                    False,
                    f"{name}: measured but not in the baseline (refresh the baseline)",
                )
            )
            continue
        if cur is None or not math.isfinite(cur):
            checks.append(
                RatioCheck(
                    name,
                    base,
                    None,
                    None,
                    False,
                    f"{name}: in the baseline ({base:g}) but missing from this run",
                )
            )
            continue
        worse = (base - cur) / base if spec.higher_is_better else (cur - base) / base
        ok = worse <= tolerance + 1e-9
        direction = "higher" if spec.higher_is_better else "lower"
        if ok:
            msg = f"{name}: {cur:g} vs baseline {base:g} ({-worse:+.1%}, {direction} is better)"
        else:
            msg = (
                f"{name} regressed by {worse:.1%} (more than {tolerance:.0%}): {cur:g} vs "
                f"baseline {base:g}, {direction} is better — {spec.label}"
            )
        checks.append(RatioCheck(name, base, cur, worse, ok, msg))
    return checks


def baseline_document(results: list[Mapping[str, Any]], note: str = "") -> dict[str, Any]:
    """A conservative baseline from several bench results of one mode: for each ratio the worst
    value measured (lowest when higher is better, highest otherwise), with the spread."""
    modes = {r["mode"] for r in results}
    if len(modes) != 1:
        raise BenchError(f"baseline from mixed modes {sorted(modes)}")
    ratios, spread = {}, {}
    for name, spec in RATIOS.items():
        vals = [r["ratios"][name] for r in results if name in r.get("ratios", {})]
        if not vals:
            continue
        ratios[name] = min(vals) if spec.higher_is_better else max(vals)
        spread[name] = {"min": min(vals), "max": max(vals), "runs": vals}
    return {
        "schema": SCHEMA,
        "mode": modes.pop(),
        "note": note,
        "ratios": ratios,
        "spread": spread,
        "machine": results[-1].get("machine", {}),
    }
