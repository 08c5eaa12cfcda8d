"""What the dashboard shows, read back from disk: a run, an exploration, a comparison, a fault.

Plain frozen records of pandas frames and summary objects, built by :mod:`dashboards.service`
from run and sweep directories and drawn by the pages; nothing here reads or runs anything.
KPI values are in the units of KPIS.md; money in the scenario's ``currency``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from dashboards import levers as lv
from dashboards.recovery import Recovery


@dataclass(frozen=True)
class RunData:
    """One run directory read back: summary, per-replication KPIs, daily series, approvals."""

    run_dir: str
    model: str
    summary: dict[str, Any]
    scenario: dict[str, Any]
    replications: pd.DataFrame
    daily: pd.DataFrame
    approvals: pd.DataFrame
    #: events in flight every hour of every replication (empty for older run directories)
    backlog: pd.DataFrame = field(default_factory=pd.DataFrame)

    @property
    def currency(self) -> str:
        return str(self.scenario.get("currency", "USD"))

    @property
    def n(self) -> int:
        return int(self.summary.get("replications", 1))


@dataclass(frozen=True)
class Exploration:
    """A model's run on a scenario, the ``manual`` run of the same scenario and their deltas."""

    scenario: str
    model: str
    overrides: tuple[str, ...]
    run: RunData
    reference: RunData | None
    #: long comparison table (model x KPI), as :mod:`experiments.sweep` writes it
    summary: pd.DataFrame

    @property
    def daily(self) -> pd.DataFrame:
        frames = [self.run.daily] + ([self.reference.daily] if self.reference else [])
        return pd.concat(frames, ignore_index=True)

    @property
    def approvals(self) -> pd.DataFrame:
        frames = [self.run.approvals] + ([self.reference.approvals] if self.reference else [])
        return pd.concat(frames, ignore_index=True)


@dataclass(frozen=True)
class Comparison:
    """Several models on one scenario with common random numbers (a one-point sweep)."""

    scenario: str
    models: tuple[str, ...]
    replications: int
    sweep_dir: str
    reference: str
    #: one row per model x KPI: mean, interval, paired difference vs the reference
    summary: pd.DataFrame
    #: one row per model x replication: every KPI
    results: pd.DataFrame


@dataclass(frozen=True)
class ResilienceRun:
    """A run with an injected fault, its twin without it, and how the business recovered."""

    scenario: str
    model: str
    fault: lv.Fault
    with_fault: RunData
    twin: RunData
    recovery: Recovery
    timeline: pd.DataFrame
    #: long table: "with fault" against "without fault" (paired)
    summary: pd.DataFrame
    #: ``check``'s backlog_drain_h on these two runs (the event backlog), None if not drained
    event_drain_h: float | None = None
