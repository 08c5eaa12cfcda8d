"""Team workload as the dashboard shows it: per team, what a model asks of people.

Pure functions over what a run already recorded (nothing is simulated here): the per-team KPIs
of :mod:`sim.workload` (``team_<pool>_utilisation_rate``, ``_queue_mean``, ``_queue_max``,
``_fte``, ``_worked_h``, ``_labour_cost``) and the daily series' per-team columns
(``team_<pool>_queue``: tasks waiting for a person at the day's close; ``team_<pool>_worked_h``:
hours of tasks finished that day). Hours are simulated hours, money the scenario's currency.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

#: the per-team KPIs, in the order of the team table, with their column titles
TEAM_KPIS = {
    "utilisation_rate": "utilisation",
    "queue_mean": "queue (mean)",
    "queue_max": "queue (max)",
    "worked_h": "hours worked",
    "fte": "FTE",
    "labour_cost": "labour cost",
}
_DAILY = re.compile(r"^team_(?P<team>.+)_(?P<what>queue|worked_h)$")


def teams_of(kpis: Mapping[str, Any]) -> list[str]:
    """The teams a run's KPIs describe, in order."""
    head, tail = "team_", "_worked_h"
    return [k[len(head) : -len(tail)] for k in kpis if k.startswith(head) and k.endswith(tail)]


def team_table(runs: Mapping[str, Mapping[str, Any]]) -> pd.DataFrame:
    """One row per model x team: the per-team KPIs (means over replications) of each run."""
    rows = []
    for model, kpis in runs.items():
        for team in teams_of(kpis):
            row: dict[str, Any] = {"model": model, "team": team}
            for key, title in TEAM_KPIS.items():
                row[title] = kpis.get(f"team_{team}_{key}")
            rows.append(row)
    return pd.DataFrame(rows, columns=["model", "team", *TEAM_KPIS.values()])


def daily_long(frames: Sequence[pd.DataFrame]) -> pd.DataFrame:
    """The daily per-team columns of one or more runs' daily frames (each with its ``model``)
    in long form: ``model, day, date, team, queue, worked_h``, averaged over replications."""
    daily = pd.concat(list(frames), ignore_index=True) if frames else pd.DataFrame()
    cols = [c for c in daily.columns if _DAILY.match(c)]
    cols_out = ["model", "day", "date", "team", "queue", "worked_h"]
    if not cols or daily.empty:
        return pd.DataFrame(columns=cols_out)
    df = daily if "model" in daily else daily.assign(model="")
    keys = ["model", "day", *(["date"] if "date" in df else [])]
    mean = df.groupby(keys, as_index=False, sort=False)[cols].mean()
    long = mean.melt(id_vars=keys, value_vars=cols, var_name="column")
    parts = long["column"].str.extract(_DAILY)
    long = long.assign(team=parts["team"], what=parts["what"]).drop(columns="column")
    wide = long.pivot_table(index=[*keys, "team"], columns="what", values="value", sort=False)
    wide = wide.reset_index()
    wide.columns.name = None
    for c in ("queue", "worked_h", "date"):
        if c not in wide:
            wide[c] = None
    return wide[cols_out]
