"""Recovery from a fault, read off two daily time series: the run with the fault and its twin.

The twin is the same scenario, seed and model without the injected fault, so replication ``r`` of
both sees the same customers, lead times and other faults (common random numbers): the
difference between the two series is what the fault did. Definitions (simulated time, days):

- **backlog** of a day: ``backorders_open + queue_depth + open_exceptions`` at the day's close
  (the work the business owes, whichever desk or queue holds it);
- **excess backlog**: backlog with the fault minus backlog of the twin, mean over replications;
- **recovery**: the moment the fault window ends (``start_day + duration_h / 24``);
- **drained**: the first day closing at or after recovery whose excess backlog is within the
  tolerance (``max(1, 10%`` of the twin's backlog that day``)``); the **drain time** is the
  time from recovery to that day's close (0 when the fault left no visible backlog); ``None``
  when the backlog has not drained by the end of the horizon;
- **orders at risk**: online orders placed from the day the fault starts to the day the backlog
  drained (to the end of the horizon if it never did) — the customers whose orders met the
  fault or the queue it left behind; plus the extra oversold orders and the extra open
  backorders at their peak, against the twin.

A daily row is observed at 23:00 of its day (``sim.world``), so day ``d`` closes at ``d + 23/24``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

WITH_FAULT, WITHOUT_FAULT = "with fault", "without fault"
BACKLOG = ("backorders_open", "queue_depth", "open_exceptions")
DAY_CLOSE = 23.0 / 24.0
TOLERANCE_SHARE = 0.10


@dataclass(frozen=True)
class Recovery:
    fault_start_day: float
    recovery_day: float
    peak_excess_backlog: float
    drained_day: int | None
    drain_days: float | None
    orders_in_window: int
    orders_at_risk: int
    extra_oversold_orders: float
    extra_backorders_peak: float


def mean_by_day(daily: pd.DataFrame, columns: tuple[str, ...] | list[str]) -> pd.DataFrame:
    """The mean over replications of ``columns``, one row per day (sorted)."""
    cols = [c for c in columns if c in daily]
    if daily.empty:
        return pd.DataFrame(columns=["day", *cols])
    return daily.groupby("day", as_index=False)[cols].mean(numeric_only=True).sort_values("day")


def backlog(daily: pd.DataFrame) -> pd.Series:
    """Per row, the backlog of the day (missing series count as 0)."""
    total = pd.Series(0.0, index=daily.index)
    for c in BACKLOG:
        if c in daily:
            total = total + daily[c].fillna(0).astype(float)
    return total


def recovery(
    with_fault: pd.DataFrame, twin: pd.DataFrame, start_day: float, duration_h: float
) -> Recovery:
    """Drain time and orders at risk of a fault from ``start_day`` lasting ``duration_h``."""
    cols = [*BACKLOG, "online_orders", "oversold_orders"]
    a = mean_by_day(with_fault.assign(backlog=backlog(with_fault)), [*cols, "backlog"])
    b = mean_by_day(twin.assign(backlog=backlog(twin)), [*cols, "backlog"])
    m = a.merge(b, on="day", suffixes=("", "_twin"), how="left").fillna(0.0)
    m["excess"] = m["backlog"] - m["backlog_twin"]
    m["tolerance"] = (TOLERANCE_SHARE * m["backlog_twin"]).clip(lower=1.0)
    end = start_day + duration_h / 24.0
    after = m[m["day"] + DAY_CLOSE >= end]
    first = math.floor(start_day)
    since = m[m["day"] >= first]
    if not (since["excess"] > since["tolerance"]).any():  # no visible backlog at all
        drained_day: int | None = min(math.floor(end), int(m["day"].max())) if len(m) else None
        drain_days: float | None = 0.0
    else:
        drained = after[after["excess"] <= after["tolerance"]]
        drained_day = int(drained["day"].iloc[0]) if not drained.empty else None
        drain_days = None if drained_day is None else max(0.0, drained_day + DAY_CLOSE - end)
    last = drained_day if drained_day is not None else int(m["day"].max()) if len(m) else first
    window = m[(m["day"] >= first) & (m["day"] <= math.floor(end))]
    at_risk = m[(m["day"] >= first) & (m["day"] <= max(last, math.floor(end)))]
    extra_bo = m["backorders_open"] - m["backorders_open_twin"]
    return Recovery(
        fault_start_day=start_day,
        recovery_day=end,
        peak_excess_backlog=float(max(0.0, m["excess"].max())) if len(m) else 0.0,
        drained_day=drained_day,
        drain_days=None if drain_days is None else round(drain_days, 2),
        orders_in_window=round(float(window["online_orders"].sum())),
        orders_at_risk=round(float(at_risk["online_orders"].sum())),
        extra_oversold_orders=round(
            float(m["oversold_orders"].sum() - m["oversold_orders_twin"].sum()), 2
        ),
        extra_backorders_peak=round(float(max(0.0, extra_bo.max())) if len(m) else 0.0, 2),
    )


def timeline(with_fault: pd.DataFrame, twin: pd.DataFrame, series: tuple[str, ...]) -> pd.DataFrame:
    """Long frame for the timeline: ``variant`` (with fault / without fault), day, series."""
    a = mean_by_day(with_fault, series).assign(variant=WITH_FAULT)
    b = mean_by_day(twin, series).assign(variant=WITHOUT_FAULT)
    return pd.concat([a, b], ignore_index=True)
