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

**Two backlogs, named.** The drain above is the **business backlog** (work owed to customers
and teams). ``retail-twin check``'s ``backlog_drain_h`` measures the **event backlog**: events
the world emitted that the orchestration layer has not settled yet (``World.backlog_hourly``,
sampled every hour), drained when back within ``max(1, 10%)`` of the twin's, worst replication
(:func:`experiments.slo.drain_hours`). :func:`event_drain_h` computes that same number from
the two run directories, so the page shows both under their own names; :data:`OWNERS` says who
owes each part of the business backlog.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from experiments.slo import drain_hours

WITH_FAULT, WITHOUT_FAULT = "with fault", "without fault"
BACKLOG = ("backorders_open", "queue_depth", "open_exceptions")
#: who owes each part of the business backlog
OWNERS = {
    "backorders_open": "open backorders: customers' orders waiting for stock (owed by "
    "fulfilment and replenishment)",
    "queue_depth": "items waiting in the model's queues: approvals and tasks at the work "
    "desks, executions in the middleware (owed by the people and integrations behind them)",
    "open_exceptions": "open exceptions: anomalies waiting in the team queues (owed by buyers, "
    "customer service, finance, inventory control, store managers)",
}
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
    #: day of the largest excess business backlog, and its parts by owner (:data:`OWNERS`)
    peak_day: int | None = None
    owed_at_peak: tuple[tuple[str, float], ...] = ()


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
    peak = m.loc[m["excess"].idxmax()] if len(m) and m["excess"].max() > 0 else None
    owed = tuple(
        (c, round(float(peak[c] - peak[f"{c}_twin"]), 2)) for c in BACKLOG if c in m
    ) if peak is not None else ()  # fmt: skip
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
        peak_day=None if peak is None else int(peak["day"]),
        owed_at_peak=owed,
    )


def event_drain_h(with_fault: pd.DataFrame, twin: pd.DataFrame, recovery_h: float) -> float | None:
    """``check``'s ``backlog_drain_h`` from two hourly event backlogs (``backlog.parquet``:
    replication, hour, events_in_flight): hours from ``recovery_h`` until the events in flight
    are back to the twin's, the worst replication; None when one never drained or there is no
    hourly series."""
    if with_fault.empty or twin.empty:
        return None
    drains = []
    for rep, g in with_fault.groupby("replication"):
        t = twin[twin["replication"] == rep]
        if t.empty:
            return None
        a = g.sort_values("hour")["events_in_flight"].tolist()
        b = t.sort_values("hour")["events_in_flight"].tolist()
        drains.append(drain_hours(a, b, recovery_h))
    if not drains or any(d is None for d in drains):
        return None
    return max(d for d in drains if d is not None)


def timeline(with_fault: pd.DataFrame, twin: pd.DataFrame, series: tuple[str, ...]) -> pd.DataFrame:
    """Long frame for the timeline: ``variant`` (with fault / without fault), day, series."""
    a = mean_by_day(with_fault, series).assign(variant=WITH_FAULT)
    b = mean_by_day(twin, series).assign(variant=WITHOUT_FAULT)
    return pd.concat([a, b], ignore_index=True)
