"""Team workload and labour cost: hours worked, utilisation, queue length, FTE, cost.

Concept: every human step of the orchestration layer runs on a work desk, one per team (an
approval pool, the contact centre). The desk reports facts here: it exists (people and working
calendar), a person finished a task (its handling time, in *working* hours), its queue of tasks
waiting for a free person grew or shrank. At the end of a run this turns them into per-team KPIs
and the labour cost of the model, so an executive sees what a model costs in people beside what
it does for service.

Units and choices (also in ``docs/kpis.md``):

- hours are hours of simulated time; money is the scenario's currency;
- ``capacity``: *scheduled* hours, people x the calendar's working hours over the horizon
  (vacations and absence waves are not deducted: utilisation is of the rostered team);
- ``worked_h``: handling hours of tasks finished within the horizon (a task in progress at the
  horizon, at most one per person, is not counted);
- a *level* statistic: the queue length (tasks waiting for a person, after any pickup delay) is
  time-weighted over the horizon (``queue_mean``), with its maximum;
- ``fte``: worked hours / (40 h per 7 days of horizon): how many full-time people the work is;
- labour cost is activity-based: worked hours x the pool's ``hourly_cost`` — what the model
  consumes of people's time, not the payroll of the roster.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

STANDARD_WEEK_H = 40.0
HOURS_PER_WEEK = 168.0


class Calendar(Protocol):
    def working_hours(self, t0: float, t1: float) -> float: ...


@dataclass
class _Team:
    people: int
    calendar: Calendar
    worked_h: float = 0.0
    tasks: int = 0
    waiting: int = 0
    queue_max: int = 0
    queue_area: float = 0.0  # task-hours spent waiting for a person
    last_t: float = 0.0
    worked_at_row: float = 0.0  # worked_h at the previous daily row


class Workload:
    """The teams of one run and what they did."""

    def __init__(self) -> None:
        self.teams: dict[str, _Team] = {}
        #: team -> hourly cost (scenario ``approvals.pools.<team>.hourly_cost``)
        self.hourly_cost: dict[str, float] = {}
        self.end_h = 0.0

    def team(self, name: str, people: int, calendar: Calendar) -> None:
        """A desk of ``people`` working ``calendar`` exists from time 0."""
        self.teams[name] = _Team(people, calendar)

    def queue_change(self, name: str, t: float, delta: int) -> None:
        """The team's queue of tasks waiting for a person changed by ``delta`` at ``t``."""
        team = self.teams[name]
        team.queue_area += team.waiting * (t - team.last_t)
        team.last_t = t
        team.waiting += delta
        if team.waiting > team.queue_max:
            team.queue_max = team.waiting

    def task_done(self, name: str, worked_h: float) -> None:
        team = self.teams[name]
        team.worked_h += worked_h
        team.tasks += 1

    def day_row(self) -> dict[str, float | int]:
        """The daily series' columns (at a day's close): per team, the queue length then (tasks
        waiting for a person, a level sampled at the close) and the hours worked since the
        previous row."""
        row: dict[str, float | int] = {}
        for name in sorted(self.teams):
            t = self.teams[name]
            row[f"team_{name}_queue"] = t.waiting
            row[f"team_{name}_worked_h"] = round(t.worked_h - t.worked_at_row, 4)
            t.worked_at_row = t.worked_h
        return row

    def close(self, now_h: float) -> None:
        """At the horizon: the queue's area runs to the end (idempotent)."""
        for team in self.teams.values():
            team.queue_area += team.waiting * (now_h - team.last_t)
            team.last_t = now_h
        self.end_h = now_h

    def kpis(self, orders_total: int, approvals_total: int = 0) -> dict[str, float | int | None]:
        horizon = self.end_h
        fte_h = STANDARD_WEEK_H * horizon / HOURS_PER_WEEK
        out: dict[str, float | int | None] = {}
        hours = cost = 0.0
        for name in sorted(self.teams):
            t = self.teams[name]
            capacity = t.people * t.calendar.working_hours(0.0, horizon)
            rate = self.hourly_cost.get(name, 0.0)
            hours += t.worked_h
            cost += t.worked_h * rate
            out[f"team_{name}_tasks_total"] = t.tasks
            out[f"team_{name}_worked_h"] = round(t.worked_h, 4)
            out[f"team_{name}_utilisation_rate"] = (
                None if capacity <= 0 else round(t.worked_h / capacity, 6)
            )
            out[f"team_{name}_queue_mean"] = (
                None if horizon <= 0 else round(t.queue_area / horizon, 6)
            )
            out[f"team_{name}_queue_max"] = t.queue_max
            out[f"team_{name}_fte"] = None if fte_h <= 0 else round(t.worked_h / fte_h, 4)
            out[f"team_{name}_labour_cost"] = round(t.worked_h * rate, 2)
        out["labour_worked_h"] = round(hours, 4)
        out["labour_fte"] = None if fte_h <= 0 else round(hours / fte_h, 4)
        out["labour_cost"] = round(cost, 2)
        out["labour_cost_per_order"] = (
            None if orders_total <= 0 or not self.teams else round(cost / orders_total, 6)
        )
        out["labour_cost_per_approval"] = (
            None if approvals_total <= 0 or not self.teams else round(cost / approvals_total, 6)
        )
        return out
