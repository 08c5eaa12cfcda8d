"""Service levels a scenario must hold: the ``slo:`` block, as pure validated data.

A scenario may declare bounds on any KPI of the metric contract (``shared/KPIS.md``), either
*absolute* or *relative* to its fault-free twin — the same resolved scenario and seed with
``faults`` reset to their defaults and no security attacks, replication ``r`` of both drawing
the same streams (common random numbers)::

    slo:
      replications: 1                 # optional, default 1
      bounds:
        - {kpi: duplicate_effects_total, max: 0}            # value <= 0
        - {kpi: fill_rate, min: 0.9}                        # value >= 0.9
        - {kpi: fill_rate, relative: {ratio_min: 0.999}}    # value >= 0.999 x twin's value
        - {kpi: oversell_rate, relative: {delta_max: 0.001}}  # value <= twin's value + 0.001
        - {kpi: backlog_drain_h, max: 6, description: "backlog drained within 6 h of recovery"}

A bound holds one or more conditions (``min``, ``max`` and the four ``relative`` forms); each
condition is checked and reported on its own. Which KPI names exist is known to the simulation,
not to this package (scenarios import nothing of RetailTwin), so names are checked when the
service levels are evaluated (:mod:`experiments.slo`), with the file and the path of the bound.
This module imports nothing else of RetailTwin.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, model_validator

from scenarios.bounds import Finite, NonNegative

Name = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")]


class Strict(BaseModel):
    """The configuration of :class:`scenarios.schema.Strict` (a test keeps them equal).

    Not imported from there: ``scenarios.schema`` imports this module for the ``slo`` field of
    ``Scenario``, so importing back would be a cycle (the same choice as ``scenarios.governance``).
    """

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


class Relative(Strict):
    """Conditions against the fault-free twin's value ``ref`` of the same KPI."""

    ratio_min: NonNegative | None = Field(None, description="value >= ratio_min x ref")
    ratio_max: NonNegative | None = Field(None, description="value <= ratio_max x ref")
    delta_min: Finite | None = Field(None, description="value >= ref + delta_min (KPI units)")
    delta_max: Finite | None = Field(None, description="value <= ref + delta_max (KPI units)")

    @model_validator(mode="after")
    def _some(self) -> Relative:
        if all(v is None for v in (self.ratio_min, self.ratio_max, self.delta_min, self.delta_max)):
            raise ValueError("at least one of ratio_min, ratio_max, delta_min, delta_max")
        return self


class Bound(Strict):
    """Bounds on one KPI: absolute ``min``/``max`` and/or ``relative`` to the fault-free twin."""

    kpi: Name
    min: Finite | None = Field(None, description="value >= min")
    max: Finite | None = Field(None, description="value <= max")
    relative: Relative | None = None
    description: str = ""

    @model_validator(mode="after")
    def _some(self) -> Bound:
        if self.min is None and self.max is None and self.relative is None:
            raise ValueError("at least one of min, max, relative")
        if self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min ({self.min}) <= max ({self.max})")
        return self

    @property
    def needs_twin(self) -> bool:
        return self.relative is not None


class Slo(Strict):
    """The service levels of a scenario: bounds on KPIs, checked by ``retail-twin check``."""

    replications: Annotated[int, Field(ge=1, le=100)] = 1
    bounds: Annotated[list[Bound], Field(min_length=1)]
