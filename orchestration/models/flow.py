"""A flow of the automated wiring: a handler group that shares the model's machinery.

Each flow (replenishment, availability, refunds, customers) is handed the model once and keeps
the pieces it works with: the world port, the clock, the scenario and integration parameters,
the back office and its records, the KPI collector, the policy table, the integration stack,
and how to settle or fail an event.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from orchestration.models.wiring import AutomatedModel


class Flow:
    def __init__(self, model: AutomatedModel):
        self.m = model
        self.w = model.w
        self.env = model.env
        self.s = model.s
        self.p = model.p
        self.bo = model.bo
        self.rec = model.rec
        self.kpi = model.kpi
        self.table = model.table
        self.stack = model.stack
        self._settle = model._settle
        self._fail = model._fail
