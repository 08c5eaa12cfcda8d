"""Levers: what an executive turns, as the dotted overrides the scenario loader understands.

A :class:`Levers` value is what the sidebar of a page read from its widgets, in business words
(promotion uplift, a peak week, approvers per pool, approval thresholds, how often channels are
re-synced, one fault and its window, the horizon). :func:`to_overrides` turns it into
``--set``-style overrides (``demand.promo_uplift=2.5``) for
:func:`scenarios.loader.load_scenario`, emitting only what differs from the base scenario, so an
untouched sidebar reproduces the library scenario exactly (same resolved scenario, same cache
entry). Lists (seasonality windows, outages) are replaced whole, with the base scenario's own
entries kept and the lever's entry appended.

Validation is not done here: a bad combination (a high-risk threshold below the low-risk one)
comes back from the loader as a :class:`~scenarios.loader.ScenarioError` listing every problem.
Units are the scenario's: days since ``start_date``, hours, minutes, money in its currency.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from experiments.plan import yaml_text

PEAK_WINDOW = "dashboard_peak"
#: fault targets the dashboard offers, in the order an executive meets them
FAULT_TARGETS = (
    "carrier_api",
    "erp_webhook",
    "erp_api",
    "channel_sync",
    "payment_gateway",
    "middleware",
    "pos_upload",
)


@dataclass(frozen=True)
class Peak:
    """Demand x ``multiplier`` on every channel from ``first_day`` to ``last_day`` (inclusive)."""

    multiplier: float
    first_day: int
    last_day: int


@dataclass(frozen=True)
class Fault:
    """Calls to ``target`` fail with probability ``intensity`` from ``start_day`` for a while."""

    target: str
    start_day: float
    duration_h: float
    intensity: float = 1.0

    @property
    def end_day(self) -> float:
        return self.start_day + self.duration_h / 24.0

    def as_outage(self) -> dict[str, Any]:
        return {
            "target": self.target,
            "start_day": self.start_day,
            "duration_h": self.duration_h,
            "intensity": self.intensity,
        }


@dataclass(frozen=True)
class Levers:
    """The levers of a page; ``None`` (or an empty mapping) leaves the base scenario's value."""

    horizon_days: int | None = None
    promo_uplift: float | None = None
    peak: Peak | None = None
    pool_sizes: dict[str, int] = field(default_factory=dict)
    purchase_tiers: tuple[float, float] | None = None
    refund_tiers: tuple[float, float] | None = None
    channel_sync_interval_h: float | None = None
    availability_push_interval_min: float | None = None
    fault: Fault | None = None


def defaults(base: dict[str, Any]) -> Levers:
    """The levers as the base scenario (a python-mode scenario document) sets them."""
    policy = base["policy"]
    orch = base["orchestration"]
    return Levers(
        horizon_days=int(base["horizon_days"]),
        promo_uplift=float(base["demand"]["promo_uplift"]),
        peak=None,
        pool_sizes={k: int(v["size"]) for k, v in base["approvals"]["pools"].items()},
        purchase_tiers=(
            float(policy["purchase"]["low_below"]),
            float(policy["purchase"]["high_from"]),
        ),
        refund_tiers=(float(policy["refund"]["low_below"]), float(policy["refund"]["high_from"])),
        channel_sync_interval_h=float(orch["manual"]["channel_sync_interval_h"]),
        availability_push_interval_min=float(orch["integration"]["availability_push_interval_min"]),
        fault=None,
    )


def _set(out: list[str], key: str, value: Any, current: Any) -> None:
    if value is not None and value != current:
        out.append(f"{key}={yaml_text(value)}")


def _date(value: Any) -> dt.date:
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))


def to_overrides(levers: Levers, base: dict[str, Any]) -> list[str]:
    """Dotted overrides that turn ``base`` into the scenario the levers describe."""
    out: list[str] = []
    _set(out, "horizon_days", levers.horizon_days, base["horizon_days"])
    demand = base["demand"]
    _set(out, "demand.promo_uplift", levers.promo_uplift, demand["promo_uplift"])
    if levers.peak is not None and levers.peak.multiplier != 1.0:
        start = _date(base["start_date"])
        first, last = sorted((levers.peak.first_day, levers.peak.last_day))
        window = {
            "name": PEAK_WINDOW,
            "start": start + dt.timedelta(days=int(first)),
            "end": start + dt.timedelta(days=int(last)),
            "multiplier": float(levers.peak.multiplier),
        }
        kept = [_plain_window(w) for w in demand.get("seasonality", [])]
        out.append(f"demand.seasonality={yaml_text([*kept, window])}")
    # Whole objects, not single fields: a scenario file that leaves pools or tiers to the schema's
    # defaults would otherwise get a partial object (other pools dropped, a tier bound missing).
    pools = base["approvals"]["pools"]
    sizes = {k: int(v) for k, v in levers.pool_sizes.items()}
    if any(pools.get(k, {}).get("size") != v for k, v in sizes.items()):
        new = {k: {**dict(v), "size": sizes.get(k, v["size"])} for k, v in pools.items()}
        new.update({k: {"size": v} for k, v in sizes.items() if k not in pools})
        out.append(f"approvals.pools={yaml_text(new)}")
    policy = base["policy"]
    for key, tiers in (("purchase", levers.purchase_tiers), ("refund", levers.refund_tiers)):
        if tiers is None:
            continue
        cur = (policy[key]["low_below"], policy[key]["high_from"])
        if (float(tiers[0]), float(tiers[1])) != cur:
            bounds = {"low_below": float(tiers[0]), "high_from": float(tiers[1])}
            out.append(f"policy.{key}={yaml_text(bounds)}")
    orch = base["orchestration"]
    _set(
        out,
        "orchestration.manual.channel_sync_interval_h",
        levers.channel_sync_interval_h,
        orch["manual"]["channel_sync_interval_h"],
    )
    _set(
        out,
        "orchestration.integration.availability_push_interval_min",
        levers.availability_push_interval_min,
        orch["integration"]["availability_push_interval_min"],
    )
    if levers.fault is not None:
        kept = [dict(o) for o in base["faults"]["outages"]]
        out.append(f"faults.outages={yaml_text([*kept, levers.fault.as_outage()])}")
    return out


def _plain_window(w: dict[str, Any]) -> dict[str, Any]:
    """A seasonality window as YAML the loader reads back (dates as dates, no null channels)."""
    out = {k: v for k, v in w.items() if v is not None}
    out["start"], out["end"] = _date(out["start"]), _date(out["end"])
    return out


def with_model(overrides: list[str], model: str) -> list[str]:
    """``overrides`` plus the orchestration model to run."""
    return [*overrides, f"orchestration.model={model}"]
