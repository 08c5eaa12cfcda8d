"""The ``event_driven`` model: business events trigger rules, webhooks and middleware directly.

The article's first model: the automated machinery of :mod:`orchestration.automated` with its
straight-through policies — purchase orders confirmed with no managerial gate, price overrides
up to ``auto_discount_limit`` approved by rule with no margin check, refunds paid when the
return is initiated ("refund at carrier scan", no fraud screen), count variances booked as
counted, bills paid on a 3-way match with only mismatches reaching people, and no scheduled
reconciliation. Fast; its blind spots (margin leakage, refunds on fraudulent returns, lost ERP
webhooks that leave a confirmed PO unsent) are measurable.
"""

from __future__ import annotations

from orchestration.automated import AutomatedModel
from orchestration.base import register


@register(
    "event_driven",
    "Events trigger Odoo automation rules, webhooks and n8n flows directly: real-time "
    "replenishment and availability pushes, straight-through decisions, no managerial gate.",
)
class EventDrivenModel(AutomatedModel):
    name = "event_driven"
