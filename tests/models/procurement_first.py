"""A sixth model from existing policies: event-driven, except purchase orders go to approvers.

A retailer's first rollout step: automate everything, but keep buyers (and finance for high risk
or a non-preferred supplier) on purchase orders, picked up after ``approval_pickup_h``.
Loaded as a plugin; its parameters live under ``orchestration.plugins.procurement_first``.
"""

from dataclasses import replace

from pydantic import BaseModel, ConfigDict

from orchestration.models.event_driven import table as event_driven_table
from orchestration.models.registry import model_names, register
from orchestration.models.wiring import AutomatedModel
from orchestration.policies.purchase import GovernedPurchase
from scenarios.schema import LogNormal

NAME = "procurement_first"


class Params(BaseModel):
    model_config = ConfigDict(extra="forbid")
    approval_pickup_h: LogNormal = LogNormal(median=4.0, p90=12.0)


def build(scenario, params: Params, audit=None) -> AutomatedModel:
    base = event_driven_table(scenario, scenario.orchestration.event_driven)
    table = replace(base, purchase=GovernedPurchase(), approval_pickup=params.approval_pickup_h)
    return AutomatedModel(NAME, table, scenario, audit)


if NAME not in model_names():
    register(NAME, "event-driven with approved purchase orders", params=Params)(build)
