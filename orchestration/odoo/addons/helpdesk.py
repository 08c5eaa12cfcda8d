"""Helpdesk tickets (Enterprise ``helpdesk``; field list [M], ODOO.md §5.2, §8 item 17).

A ticket moves through ``stage_id`` (``helpdesk.stage``, ordered by sequence; a folded stage is
closing), has a ``priority`` '0' Low .. '3' Urgent, tags, an assignee (``user_id``) and is a
``mail.thread``, so ``on_stage_set``, ``on_priority_set``, ``on_tag_set``, ``on_user_set`` and the
message triggers apply. Reaching a folded stage sets ``close_date``.
Simplifications: no SLA policies (``sla_deadline`` is a plain datetime), no teams' assignment.
"""

from __future__ import annotations

from typing import Any

from orchestration.odoo.addons.base import MailThread
from orchestration.odoo.fields import Field
from orchestration.odoo.models import Model


class HelpdeskTeam(Model):
    _name = "helpdesk.team"
    name = Field("char", required=True)
    active = Field("boolean", default=True)


class HelpdeskStage(Model):
    _name = "helpdesk.stage"
    _order = "sequence, id"
    name = Field("char", required=True)
    sequence = Field("integer", default=1)
    fold = Field("boolean")


class HelpdeskTag(Model):
    _name = "helpdesk.tag"
    name = Field("char", required=True)


class HelpdeskTicket(MailThread):
    _name = "helpdesk.ticket"
    name = Field("char", required=True)
    ticket_ref = Field("char")
    team_id = Field("many2one", comodel="helpdesk.team")
    user_id = Field("many2one", comodel="res.users")
    partner_id = Field("many2one", comodel="res.partner")
    partner_email = Field("char")
    stage_id = Field("many2one", comodel="helpdesk.stage")
    priority = Field(
        "selection",
        selection=[
            ("0", "Low priority"),
            ("1", "Medium priority"),
            ("2", "High priority"),
            ("3", "Urgent"),
        ],
        default="0",
    )
    tag_ids = Field("many2many", comodel="helpdesk.tag")
    description = Field("text")
    sla_deadline = Field("datetime")
    assign_date = Field("datetime")
    close_date = Field("datetime")
    active = Field("boolean", default=True)
    res_model = Field("char", string="Related document model")
    res_id = Field("integer", string="Related document id")

    def _create(self, vals_list: list[dict[str, Any]]) -> Model:
        first_stage = self.env["helpdesk.stage"].search([], limit=1)
        for vals in vals_list:
            vals.setdefault("ticket_ref", self.env.next_sequence("helpdesk.ticket", "", 5))
            if not vals.get("stage_id") and first_stage:
                vals["stage_id"] = first_stage.id
            if vals.get("user_id"):
                vals.setdefault("assign_date", self.env.now())
        return super()._create(vals_list)

    def _write(self, vals: dict[str, Any]) -> None:
        vals = dict(vals)
        if vals.get("stage_id"):
            folded = self.env["helpdesk.stage"].browse(vals["stage_id"]).fold
            vals.setdefault("close_date", self.env.now() if folded else False)
        if vals.get("user_id"):
            vals.setdefault("assign_date", self.env.now())
        super()._write(vals)
