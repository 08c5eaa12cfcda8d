"""Automation configuration as plain data: rules, server actions and scheduled actions.

Concept: what an Odoo administrator clicks together in Settings > Technical (``base.automation``,
``ir.actions.server``, ``ir.cron``), written as a scenario's data. This module only describes the
shape; ``orchestration.odoo.config`` checks names against the mocked Odoo's registry (models,
fields, triggers, domain operators) and builds the live rules. It imports nothing of ours.

Units: ``delay.number`` in ``delay.unit`` (minutes/hour/day/month, Odoo's ``trg_date_range_type``;
negative = before the date); ``interval_number`` in ``interval_type``. Domains are Odoo domain
lists (``[["state", "=", "sale"]]``, prefix ``"&"``, ``"|"``, ``"!"``). Code actions and scheduled
actions name a callable registered with the config builder (no Python in scenario files).
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field

from scenarios.bounds import SignedInt


class _Spec(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class DelaySpec(_Spec):
    """``trg_date_range`` + ``trg_date_range_type``."""

    number: SignedInt = 0
    unit: Literal["minutes", "hour", "day", "month"] = "hour"


class ObjectWriteActionSpec(_Spec):
    """Update Record: write ``values`` on the triggering record."""

    state: Literal["object_write"]
    name: str = "Update Record"
    values: dict[str, Any]


class ObjectCreateActionSpec(_Spec):
    """Create Record: create a ``model`` record; ``link_field`` links it to the trigger record."""

    state: Literal["object_create"]
    name: str = "Create Record"
    model: str
    values: dict[str, Any] = Field(default_factory=dict)
    link_field: str = ""


class WebhookActionSpec(_Spec):
    """Send Webhook Notification: POST ``{_action,_id,_model,id,<fields>}`` after commit."""

    state: Literal["webhook"]
    name: str = "Send Webhook Notification"
    url: str
    fields: list[str] = Field(default_factory=list)


class CodeActionSpec(_Spec):
    """Execute Code: run the registered callable ``fn(env, records)``."""

    state: Literal["code"]
    name: str = "Execute Code"
    callable: str


class MultiActionSpec(_Spec):
    """Execute Existing Actions: children in sequence."""

    state: Literal["multi"]
    name: str = "Multi Actions"
    children: list[ServerActionSpec]


ServerActionSpec = Annotated[
    ObjectWriteActionSpec
    | ObjectCreateActionSpec
    | WebhookActionSpec
    | CodeActionSpec
    | MultiActionSpec,
    Field(discriminator="state"),
]
MultiActionSpec.model_rebuild()


class AutomationRuleSpec(_Spec):
    """One ``base.automation`` rule. ``trigger_value``: the state/priority value, or the
    stage/tag id, of the "… is set" triggers."""

    name: str
    model: str
    trigger: str
    trigger_fields: list[str] = Field(default_factory=list)
    trigger_value: str | SignedInt | None = None
    filter_pre_domain: list[Any] = Field(default_factory=list)
    filter_domain: list[Any] = Field(default_factory=list)
    trg_date_field: str = ""
    delay: DelaySpec = Field(default_factory=DelaySpec)
    actions: list[ServerActionSpec] = Field(default_factory=list)
    active: bool = True


class ScheduledActionSpec(_Spec):
    """One ``ir.cron`` job running a registered callable ``fn(env)``."""

    name: str
    callable: str
    interval_number: SignedInt = 1
    interval_type: Literal["minutes", "hours", "days", "weeks", "months"] = "months"
    priority: SignedInt = 5
    active: bool = True
    first_call_after_minutes: SignedInt = 0


class AutomationConfig(_Spec):
    """Everything automated in one mocked Odoo."""

    rules: list[AutomationRuleSpec] = Field(default_factory=list)
    scheduled_actions: list[ScheduledActionSpec] = Field(default_factory=list)
