"""The ``rollout`` model: a phased rollout — some process areas automated, the rest manual.

The article's advice is to automate one or two process areas first and keep the rest as they
are. ``orchestration.rollout`` (or ``orchestration.model`` given as a table) names, per area,
``manual`` or the preset whose policy the area takes::

    orchestration:
      model: {purchase: approval, refund: exception}   # everything unnamed: manual

Design. A rollout runs in the automated wiring (:class:`~orchestration.models.wiring.
AutomatedModel`: the ERP receives events as they happen, n8n carries the automated areas'
work), because an automated area needs it; its :class:`~orchestration.policies.PolicyTable` is
assembled area by area:

- an **automated area** takes its preset's policy object (``purchase: approval`` ->
  ``approval_centric``'s ``GovernedPurchase``), its approval channel (the preset's pickup) and
  what the preset schedules for that area (the PO watchdog goes with ``purchase``, the nightly
  availability repair with ``availability``);
- a **manual area** takes the manual model's decision object and its human channel, built here
  from ``orchestration.manual``: purchase — the e-mail approval over the ERP's auto-approve
  threshold, RFQs raised by the nightly requisition run (``replenishment_hour``); price
  overrides — store managers up to their limit; refunds — customer service on receipt, no
  fraud check; count variances — inventory control's approval; invoices — keyed by finance
  (``invoice_entry_h``), mismatches to the daily spreadsheet; bank changes — one clerk answers
  the e-mail, payments not held; tickets — the shared inbox; availability — the nightly file
  (``channel_sync_hour``); late suppliers — the spreadsheet, worked after the daily review. Each
  waits for its people after ``email_pickup_h``.

Limits (what a manual area does *not* reproduce of the ``manual`` model):

- the integration layer is the automated one for every area: events reach the ERP through the
  webhook connector, POs go to suppliers through n8n, and what is not an area — customer
  messages for payment failures and carrier delays, the backorder-cancel timer
  (``integration.backorder_cancel_after_days``), store transfers after the POS upload — is
  the automated wiring's. An all-manual table is therefore *not* the ``manual`` model (it is
  its decisions on real-time plumbing); compare against ``manual`` itself;
- the manual purchase area raises RFQs from the records' reorder-point breaches collected over
  the day, not from the manual model's full nightly scan of the records;
- reminders and deadline escalation (``governance.escalation``) are one switch per back
  office: on when an automated area's preset uses them (``approval_centric``, ``hybrid``),
  and then they also watch the manual areas' waiting steps;
- the back office's random streams are the rollout's own (``orch.rollout.*``): a table naming
  one preset for every area builds exactly that preset's table (a test runs it on the preset's
  streams and gets its KPIs bit for bit), but run as ``rollout`` it draws other pickup times.
"""

from __future__ import annotations

from orchestration.models import approval_centric, event_driven, exception_driven, hybrid
from orchestration.models.registry import model_params, register
from orchestration.models.wiring import AutomatedModel
from orchestration.policies import PolicyTable
from orchestration.policies.availability import NightlyFile
from orchestration.policies.bank_change import EmailClerk
from orchestration.policies.discount import StoreManagerLimit
from orchestration.policies.invoice import KeyedByFinance
from orchestration.policies.late_supplier import ExceptionFor
from orchestration.policies.purchase import EmailPurchase
from orchestration.policies.refund import InspectOnReceipt
from orchestration.policies.tickets import SharedInbox
from orchestration.policies.variance import ApproveVariance
from scenarios.schema import ROLLOUT_AREAS, ManualParams, Rollout, Scenario

#: scenario area -> the policy table's field
FIELD = {
    "purchase": "purchase",
    "discount": "discount",
    "refund": "refund",
    "inventory_adjustment": "variance",
    "invoice": "invoice",
    "bank_change": "bank_change",
    "tickets": "tickets",
    "availability": "availability",
    "supplier_delay": "late_supplier",
}

#: the presets' table builders, by mode
PRESETS = {
    "event_driven": event_driven.table,
    "approval_centric": approval_centric.table,
    "exception_driven": exception_driven.table,
    "hybrid": hybrid.table,
}

assert tuple(FIELD) == ROLLOUT_AREAS


def manual_table(s: Scenario, p: ManualParams) -> PolicyTable:
    """The manual model's decisions and human channels, as policies of the automated wiring."""
    email = p.email_pickup_h
    return PolicyTable(
        purchase=EmailPurchase(p.po_auto_approve_below, batch_hour=p.replenishment_hour),
        discount=StoreManagerLimit(p.store_manager_discount_limit),
        refund=InspectOnReceipt(check_contents=False, rule="policy.refund tier; worked on receipt"),
        variance=ApproveVariance(rule="policy.inventory_variance_value tier over tolerance"),
        invoice=KeyedByFinance(p.invoice_entry_h, p.exception_review_hour),
        bank_change=EmailClerk(),
        tickets=SharedInbox(email),
        availability=NightlyFile(p.channel_sync_hour, p.channel_sync_interval_h),
        late_supplier=ExceptionFor("buyers", review_hour=p.exception_review_hour),
        approval_pickup=email,
    )


def table(s: Scenario, rollout: Rollout) -> PolicyTable:
    """The rollout's policy table: each area from its preset's table, or the manual one."""
    sources = {"manual": manual_table(s, s.orchestration.manual)}
    for mode in set(rollout.automated().values()):
        sources[mode] = PRESETS[mode](s, model_params(mode, s))
    picked = {area: sources[getattr(rollout, area)] for area in ROLLOUT_AREAS}
    entries = {FIELD[a]: getattr(t, FIELD[a]) for a, t in picked.items()}
    purchase = picked["purchase"]
    automated = [sources[m] for m in rollout.automated().values()]
    return PolicyTable(
        **entries,
        approval_pickup=purchase.approval_pickup,
        po_watchdog_h=purchase.po_watchdog_h,
        escalate=any(t.escalate for t in automated),
        pickups={FIELD[a]: t.pickup(FIELD[a]) for a, t in picked.items()},
    )


@register(
    "rollout",
    "A phased rollout: per process area (orchestration.rollout), manual or a preset's policy; "
    "the automated wiring with the manual areas' e-mail, spreadsheet and nightly channels.",
    params=Rollout,
)
def build(scenario: Scenario, params: Rollout, audit=None) -> AutomatedModel:
    return AutomatedModel("rollout", table(scenario, params), scenario, audit)


__all__ = ["FIELD", "PRESETS", "build", "manual_table", "table"]
