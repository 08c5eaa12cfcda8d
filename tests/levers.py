"""The scenario's levers: every leaf of the scenario JSON Schema and what it is declared to move.

Concept: a field a user can set must change what the world or a model does, visibly, or be
rejected at load; never accepted and ignored (the "no dead levers" rule). This module is the
register ``tests/test_levers.py`` enforces:

- ``schema_leaves()`` walks ``Scenario.model_json_schema()`` to its leaves, as dotted paths
  (``[]`` a list item, ``*`` a key of a free-keyed mapping such as ``approvals.pools.*``);
- ``CASES``: a *sensitivity case* per lever — a small scenario (``tiny`` for a few days under
  one model, with base overrides), the override that pulls the lever, and the KPI that must move
  with its direction (``up``, ``down``, or ``moves`` where the sign depends on the draw);
- ``INERT``: the short, reviewed list of fields that by nature change no KPI (names, labels,
  descriptions, the seed, the service-level bounds ``retail-twin check`` reads), each with why;
- ``REJECTED``: fields the schema describes but the twin rejects at load whatever their value
  (with the override that must be reported, naming the field).

Every leaf is in exactly one list; there is no "uncovered" list any more (issue 18).

The README's lever table is generated from this register:
``.venv/bin/python -m tests.levers`` rewrites it (``--check`` only compares, exit 1 when stale);
``tests/test_levers.py`` fails when it is out of date.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from experiments.plugins import load_plugin
from scenarios.schema import Scenario

Direction = Literal["up", "down", "moves"]


def schema_leaves() -> set[str]:
    """Every leaf path of the scenario JSON Schema."""
    schema = Scenario.model_json_schema()
    defs = schema.get("$defs", {})
    out: set[str] = set()

    def walk(node: dict[str, Any], path: str, seen: tuple[str, ...]) -> None:
        if "$ref" in node:
            name = node["$ref"].rsplit("/", 1)[-1]
            if name in seen:  # a recursive definition (multi actions): its leaves are known
                return
            walk(defs[name], path, (*seen, name))
            return
        for key in ("anyOf", "oneOf", "allOf"):
            if key in node:
                subs = [s for s in node[key] if s.get("type") != "null"]
                for sub in subs:
                    walk(sub, path, seen)
                if subs:
                    return
        if "properties" in node:
            for name, sub in node["properties"].items():
                walk(sub, f"{path}.{name}" if path else name, seen)
            return
        if node.get("type") == "array" and isinstance(node.get("items"), dict):
            items = node["items"]
            if "$ref" in items or "properties" in items or "anyOf" in items or "oneOf" in items:
                walk(items, f"{path}[]", seen)
                return
        pattern = node.get("patternProperties") or {}
        extra = node.get("additionalProperties")
        sub = next(iter(pattern.values()), None) or (extra if isinstance(extra, dict) else None)
        if sub is not None:
            walk(sub, f"{path}.*", seen)
            return
        out.add(path)

    walk(schema, "", ())
    return out


@dataclass(frozen=True)
class Lever:
    """A sensitivity case: pulling ``overrides`` on ``scenario`` moves ``kpi`` in ``direction``."""

    path: str
    overrides: tuple[str, ...]
    kpi: str
    direction: Direction
    model: str = "manual"
    days: int = 7
    base: tuple[str, ...] = field(default=())
    scenario: str = "tiny"
    why: str = ""

    @property
    def id(self) -> str:
        return self.path


def L(
    path: str,
    override: str | tuple[str, ...],
    kpi: str,
    direction: Direction,
    model: str = "manual",
    days: int = 7,
    base: tuple[str, ...] = (),
    why: str = "",
) -> Lever:
    overrides = (override,) if isinstance(override, str) else override
    return Lever(path, overrides, kpi, direction, model, days, base, why=why)


# the fault windows and lists tiny does not have, declared for both runs of a case
OUTAGE = "faults.outages=[{target: carrier_api, start_day: 1, duration_h: 48, intensity: 1.0}]"
BANK = ("network.bank_changes.per_month=60.0", "network.bank_changes.fraud_share=0.5")
ESC = ("governance.escalation.enabled=true",)
DROP = ("faults.integration.drop_rate=0.3",)

ABSENCE = "faults.approver_absences=[{pool: buyers, start_day: 0, duration_h: 168, intensity: 1.0}]"
RATE_LIMIT = (
    "faults.rate_limits=[{channel: ecommerce, start_day: 1, duration_h: 48, intensity: 0.9, "
    "retry_after_s: 600}]"
)
CRON_LAG = "faults.cron_lags=[{job: all, start_day: 0, duration_h: 168, lag_h: 12.0}]"
DELIVERY = "faults.deliveries=[{kind: drop, start_day: 1, duration_h: 48, intensity: 0.5}]"
SEASON = "demand.seasonality=[{name: s, start: 2025-09-02, end: 2025-09-05, multiplier: 3.0}]"
VACATION = "governance.vacations={buyers: [{absent_share: 1.0, start_day: 0, days: 7}]}"
SUPPLIER_DELAY = (
    "faults.supplier_delays=[{suppliers: [alpha, beta], start: 2025-09-01, end: 2025-09-21, "
    "extra_days: 5}]"
)

# --- l18: what the cases of the schema's last 73 leaves need (import files, n8n, automation)
ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().with_name("levers_data")  # written by levers_data/make_data.py
INT = "orchestration.integration."
#: a plugin model (``orchestration.plugins.*`` are its parameters), registered on import
PLUGIN = "procurement_first"
load_plugin(str(Path(__file__).resolve().parent / "models" / f"{PLUGIN}.py"))
#: tiny's suppliers split the generated catalogue; an imported one names each SKU's supplier
SKU_SHARES_DEFAULT = ("network.suppliers.0.sku_share=1.0", "network.suppliers.1.sku_share=1.0")
#: the shipped n8n export with a Code node before the PO goes to its supplier
PO_CODE = (f"{INT}n8n_workflows={DATA / 'po_code.json'}", f"{INT}n8n_node_profiles={{code: {{}}}}")
HTTP = (f"{INT}n8n_workflows=builtin", f"{INT}n8n_node_profiles={{httpRequest: {{}}}}")
SLOW_HTTP = (
    f"{INT}n8n_workflows=builtin",
    f"{INT}n8n_node_profiles={{httpRequest: {{latency_s_median: 60.0, latency_s_p95: 60.0}}}}",
)
SYNC_FLAKY = "faults.outages=[{target: channel_sync, start_day: 1, duration_h: 72, intensity: 0.6}]"
BREAKER = f"{INT}breakers={{channel_sync: {{window_size: 10, minimum_calls: 5}}}}"
REFUND_OUTAGE = (
    "faults.outages=[{target: payment_gateway, start_day: 0, duration_h: 120, intensity: 0.8}]",
    "demand.returns.online_return_days={median: 1.0, p90: 2.0}",
)
REDRIVE = (*REFUND_OUTAGE, f"{INT}dead_letters.redrive_every_h=6.0")
MARKET_HEAVY = "channels.mix={pos: 0.5, ecommerce: 0.1, marketplace: 0.4}"
TWO_CARRIERS = (
    "network.carriers=[{name: post, share: 0.5}, "
    "{name: slow, share: 0.5, transit_days: {median: 8, p90: 12}}]"
)
BANK_FRAUD = ("network.bank_changes.per_month=60.0", "network.bank_changes.fraud_share=0.9")
VARIANCES = ("inventory.cycle_count_interval_days=3", "inventory.receipt_count_error_prob=0.5")
ESCALATING = ("governance.escalation.enabled=true",)
#: a 429 on ecommerce's availability API all week, FC stock short: the stale feed oversells
RATE_LIMITED_WEEK = (
    "faults.rate_limits=[{channel: ecommerce, start_day: 0, duration_h: 168, intensity: 1.0, "
    "retry_after_s: 3600}]",
    "inventory.initial_cover_days_dc=3",
)
#: a channel-sync outage ending 3.6 s after an hourly availability push: a 5 s wait between
#: tries outlasts it (n8n caps the wait at 5 s, so this is the scale the lever acts on)
OUTAGE_TAIL = (
    "faults.outages=[{target: channel_sync, start_day: 0, duration_h: 24.001, intensity: 1.0}]",
    f"{INT}availability_push_interval_min=60.0",
    f"{INT}retry_wait_ms=0.0",
)


def auto(rules: tuple[dict, ...] = (), jobs: tuple[dict, ...] = ()) -> str:
    """The override declaring ``automation:`` rules and scheduled actions."""
    return "automation=" + json.dumps({"rules": list(rules), "scheduled_actions": list(jobs)})


#: "Send Webhook Notification" to an outside system: every run of it is an integration call
HOOK = {"state": "webhook", "url": "http://audit.example/po", "fields": ["name"]}
#: the same, to n8n's PO webhook: the PO flow sends the order to its supplier (an event)
PO_HOOK = {**HOOK, "url": "http://n8n:5678/webhook/po-confirmed"}


def rule(**kw: Any) -> dict:
    """A rule on purchase orders sending ``HOOK``, fields as in ``kw``."""
    return {
        "name": "Audit PO",
        "model": "purchase.order",
        "trigger": "on_create_or_write",
        "actions": [HOOK],
        **kw,
    }


def multi(*children: dict) -> dict:
    return {"state": "multi", "children": list(children)}


#: hybrid's drafts wait for a buyer: a time rule marks those still draft an hour after creation
STALE = {
    "name": "Stale RFQ",
    "model": "purchase.order",
    "trigger": "on_time_created",
    "delay": {"number": 1, "unit": "hour"},
    "filter_domain": [["state", "=", "draft"]],
    "actions": [{"state": "object_write", "values": {"partner_ref": "STALE"}}],
}
#: ... and a rule hears the mark: what the time rule writes decides whether it fires
HEARS_STALE = rule(
    trigger="on_write",
    trigger_fields=["partner_ref"],
    filter_domain=[["partner_ref", "=", "STALE"]],
)
#: a confirmed PO creates a record (Create Record); a rule on the PO hears its buyer change
USER = {"name": "Rule user", "login": "rule"}
PICKING = {
    "origin": "RULE",
    "picking_type_code": "incoming",
    "location_id": 1,
    "location_dest_id": 1,
}


def on_confirmed(action: dict) -> dict:
    return {
        "name": "On confirmed",
        "model": "purchase.order",
        "trigger": "on_state_set",
        "trigger_value": "purchase",
        "actions": [action],
    }


def create(model: str, values: dict, link_field: str = "") -> dict:
    return {"state": "object_create", "model": model, "values": values, "link_field": link_field}


HEARS_PICKING = {
    "name": "Rule receipt",
    "model": "stock.picking",
    "trigger": "on_create",
    "filter_domain": [["origin", "=", "RULE"]],
    "actions": [HOOK],
}
HEARS_BUYER = rule(trigger="on_write", trigger_fields=["user_id"])
#: confirmations lost on the webhook hop; the po_watchdog scheduled action posts them again
LOSSY = ("faults.integration.drop_rate=0.3",)
#: a time rule cancelling confirmed POs at each 4-hourly run of Odoo's automation job
CANCEL_CONFIRMED = {
    "name": "Cancel confirmed",
    "model": "purchase.order",
    "trigger": "on_time",
    "trg_date_field": "date_approve",
    "delay": {"number": 0, "unit": "hour"},
    "filter_domain": [["state", "=", "purchase"]],
    "actions": [{"state": "object_write", "values": {"state": "cancel"}}],
}
WATCHDOG = {"name": "PO watchdog", "callable": "po_watchdog", "interval_number": 4,
            "interval_type": "hours"}  # fmt: skip


#: default roles, except that store managers may not approve price overrides (issue 18)
ROLES_NO_STORE_DISCOUNTS = (
    "governance.roles={store_managers: [customer.create, po.create], buyers: [vendor.create, "
    "item.maintain, po.approve, discount.approve], finance: [vendor.pay, vendor.confirm, "
    "po.approve, refund.approve, inventory.adjust, discount.approve], customer_service: "
    "[refund.approve], inventory_control: [inventory.adjust, po.create]}"
)

CASES: list[Lever] = [
    # the run itself
    L("horizon_days", "horizon_days=10", "orders_total", "up"),
    L("start_date", "start_date=2025-11-20", "orders_total", "moves"),
    L("orchestration.model", "orchestration.model=event_driven", "touchless_rate", "up"),
    # catalogue
    L("catalogue.skus", "catalogue.skus=80", "lost_revenue", "up"),
    L("catalogue.case_pack", "catalogue.case_pack=24", "labour_cost", "moves"),
    L(
        "catalogue.gross_margin",
        "catalogue.gross_margin=0.6",
        "touchless_rate",
        "up",
        why="cheaper goods: more POs under manual's auto-approval limit",
    ),
    L("catalogue.gross_margin_sd", "catalogue.gross_margin_sd=0.2", "touchless_rate", "moves"),
    L("catalogue.popularity_exponent", "catalogue.popularity_exponent=1.5", "revenue", "moves"),
    L("catalogue.price.median", "catalogue.price.median=60.0", "revenue", "up"),
    L("catalogue.price.p90", "catalogue.price.p90=200.0", "revenue", "up"),
    # channels
    L(
        "channels.ecommerce.feed_latency_min",
        "channels.ecommerce.feed_latency_min=240.0",
        "lost_revenue",
        "up",
        model="event_driven",
        days=21,
    ),
    L("channels.ecommerce.promise_days", "channels.ecommerce.promise_days=1", "otif_rate", "down"),
    L(
        "channels.marketplace.promise_days",
        "channels.marketplace.promise_days=1",
        "otif_rate",
        "down",
    ),
    L(
        "channels.ecommerce.safety_stock_units",
        "channels.ecommerce.safety_stock_units=5",
        "fill_rate",
        "down",
    ),
    L(
        "channels.marketplace.safety_stock_units",
        "channels.marketplace.safety_stock_units=5",
        "lost_revenue",
        "up",
    ),
    # demand
    L("demand.day_noise_cv", "demand.day_noise_cv=0.5", "orders_total", "moves"),
    L("demand.discount_depth.median", "demand.discount_depth.median=0.3", "lost_revenue", "up"),
    L("demand.discount_depth.p90", "demand.discount_depth.p90=0.5", "lost_revenue", "up"),
    L(
        "demand.discount_requests_per_store_day",
        "demand.discount_requests_per_store_day=10.0",
        "approvals_total",
        "up",
    ),
    L(
        "demand.lines_per_online_order_mean",
        "demand.lines_per_online_order_mean=4.0",
        "orders_total",
        "moves",
    ),
    L("demand.payments.decline_rate", "demand.payments.decline_rate=0.3", "exceptions_total", "up"),
    L(
        "demand.payments.notice_patience_h",
        "demand.payments.notice_patience_h=0.1",
        "lost_revenue",
        "moves",
        days=21,
    ),
    L(
        "demand.payments.retry_success_prob",
        "demand.payments.retry_success_prob=0.2",
        "fill_rate",
        "moves",
    ),
    L("demand.pos_units_per_basket", "demand.pos_units_per_basket=6.0", "orders_total", "down"),
    L("demand.promo_uplift", "demand.promo_uplift=4.0", "lost_revenue", "up"),
    L("demand.promotions[].discount", "demand.promotions.0.discount=0.5", "revenue", "moves"),
    L("demand.promotions[].end", "demand.promotions.0.end=2025-09-06", "orders_total", "moves"),
    L("demand.promotions[].sku_share", "demand.promotions.0.sku_share=0.8", "orders_total", "up"),
    L("demand.promotions[].start", "demand.promotions.0.start=2025-09-03", "orders_total", "moves"),
    L("demand.promotions[].uplift", "demand.promotions.0.uplift=5.0", "lost_revenue", "up"),
    L(
        "demand.returns.fraud_share",
        "demand.returns.fraud_share=0.5",
        "refund_losses",
        "up",
        days=21,
    ),
    L(
        "demand.returns.online_rate",
        "demand.returns.online_rate=0.5",
        "approvals_total",
        "up",
        days=21,
    ),
    L(
        "demand.returns.online_return_days.median",
        "demand.returns.online_return_days.median=1.0",
        "tickets_total",
        "moves",
    ),
    L(
        "demand.returns.online_return_days.p90",
        "demand.returns.online_return_days.p90=30.0",
        "tickets_total",
        "moves",
        days=21,
    ),
    L(
        "demand.returns.inspection_days.median",
        "demand.returns.inspection_days.median=5.0",
        "oversell_rate",
        "moves",
        days=21,
        why="returned stock back on the shelf later",
    ),
    L(
        "demand.returns.inspection_days.p90",
        "demand.returns.inspection_days.p90=30.0",
        "oversell_rate",
        "moves",
        days=21,
    ),
    L("demand.returns.store_rate", "demand.returns.store_rate=0.3", "revenue", "down"),
    L("demand.store_units_per_day", "demand.store_units_per_day=200", "orders_total", "up"),
    L(
        "demand.tickets.damaged_per_delivery",
        "demand.tickets.damaged_per_delivery=0.3",
        "tickets_total",
        "up",
    ),
    L(
        "demand.tickets.other_per_order",
        "demand.tickets.other_per_order=0.3",
        "tickets_total",
        "up",
    ),
    L(
        "demand.tickets.payment_issue",
        "demand.tickets.payment_issue=0.9",
        "tickets_total",
        "up",
        days=21,
    ),
    L(
        "demand.tickets.return_query",
        "demand.tickets.return_query=0.9",
        "tickets_total",
        "up",
        days=21,
    ),
    L("demand.tickets.wismo_if_late", "demand.tickets.wismo_if_late=0.9", "tickets_total", "up"),
    L("demand.units_per_line_mean", "demand.units_per_line_mean=3.0", "lost_revenue", "up"),
    L(
        "demand.weekly_profile",
        "demand.weekly_profile=[3.0,1.0,1.0,1.0,1.0,1.0,1.0]",
        "lost_revenue",
        "moves",
    ),
    # inventory
    L(
        "inventory.cycle_count_interval_days",
        "inventory.cycle_count_interval_days=3",
        "approvals_total",
        "up",
    ),
    L(
        "inventory.dc_policy.order_up_to_days",
        "inventory.dc_policy.order_up_to_days=40",
        "touchless_rate",
        "down",
        why="bigger POs: fewer under the auto-approval limit",
    ),
    L(
        "inventory.dc_policy.reorder_point_days",
        "inventory.dc_policy.reorder_point_days=2",
        "approvals_total",
        "down",
    ),
    L("inventory.initial_cover_days_dc", "inventory.initial_cover_days_dc=3", "fill_rate", "down"),
    L(
        "inventory.initial_cover_days_store",
        "inventory.initial_cover_days_store=2",
        "fill_rate",
        "down",
    ),
    L(
        "inventory.receipt_count_error_prob",
        "inventory.receipt_count_error_prob=0.5",
        "exceptions_total",
        "up",
        days=21,
    ),
    L(
        "inventory.receipt_count_error_units.median",
        "inventory.receipt_count_error_units.median=10.0",
        "approvals_total",
        "moves",
        days=21,
    ),
    L(
        "inventory.shrink_share_of_sales",
        "inventory.shrink_share_of_sales=0.2",
        "stockout_rate",
        "up",
    ),
    L(
        "inventory.store_min_presentation_units",
        "inventory.store_min_presentation_units=10",
        "stockout_rate",
        "down",
    ),
    L(
        "inventory.store_policy.order_up_to_days",
        "inventory.store_policy.order_up_to_days=30",
        "stockout_rate",
        "moves",
    ),
    L(
        "inventory.store_policy.reorder_point_days",
        "inventory.store_policy.reorder_point_days=1",
        "stockout_rate",
        "up",
    ),
    # network
    L(
        "network.bank_changes.per_month",
        "network.bank_changes.per_month=60.0",
        "approvals_total",
        "up",
    ),
    L(
        "network.bank_changes.fraud_share",
        "network.bank_changes.fraud_share=0.9",
        "bank_fraud_attempts_total",
        "up",
        base=("network.bank_changes.per_month=60.0",),
    ),
    L(
        "governance.bank_change_checks.email_detection",
        "governance.bank_change_checks.email_detection=1.0",
        "bank_fraud_blocked_total",
        "up",
        base=BANK,
    ),
    L(
        "network.carriers[].late_extra_days.median",
        "network.carriers.0.late_extra_days.median=5.0",
        "otif_rate",
        "down",
    ),
    L(
        "network.carriers[].late_extra_days.p90",
        "network.carriers.0.late_extra_days.p90=20.0",
        "tickets_total",
        "moves",
        days=21,
    ),
    L(
        "network.carriers[].on_time_prob",
        "network.carriers.0.on_time_prob=0.2",
        "otif_rate",
        "down",
    ),
    L(
        "network.carriers[].transit_days.median",
        "network.carriers.0.transit_days.median=5.0",
        "otif_rate",
        "down",
    ),
    L(
        "network.carriers[].transit_days.p90",
        "network.carriers.0.transit_days.p90=15.0",
        "otif_rate",
        "down",
        days=21,
    ),
    L(
        "network.dc_to_store_transit_days",
        "network.dc_to_store_transit_days=4",
        "stockout_rate",
        "up",
    ),
    L(
        "network.store_delivery_weekdays",
        "network.store_delivery_weekdays=[0]",
        "stockout_rate",
        "up",
    ),
    L("network.stores.close_h", "network.stores.close_h=14", "lost_revenue", "moves"),
    L("network.stores.count", "network.stores.count=6", "orders_total", "up"),
    L("network.stores.size_sigma", "network.stores.size_sigma=1.0", "orders_total", "moves"),
    L(
        "network.suppliers[].confirmation_h.median",
        "network.suppliers.0.confirmation_h.median=60.0",
        "exceptions_total",
        "up",
    ),
    L(
        "network.suppliers[].confirmation_h.p90",
        "network.suppliers.0.confirmation_h.p90=200.0",
        "exceptions_total",
        "up",
        days=21,
    ),
    L(
        "network.suppliers[].in_full_prob",
        "network.suppliers.0.in_full_prob=0.2",
        "fill_rate",
        "down",
        days=21,
    ),
    L(
        "network.suppliers[].invoice_delay_days.median",
        "network.suppliers.0.invoice_delay_days.median=1.0",
        "labour_cost",
        "moves",
        days=21,
    ),
    L(
        "network.suppliers[].invoice_delay_days.p90",
        "network.suppliers.0.invoice_delay_days.p90=3.0",
        "labour_cost",
        "moves",
        days=21,
    ),
    L(
        "network.suppliers[].invoice_price_mismatch_prob",
        "network.suppliers.0.invoice_price_mismatch_prob=0.9",
        "exceptions_total",
        "up",
        days=21,
    ),
    L(
        "network.suppliers[].late_extra_days.median",
        "network.suppliers.0.late_extra_days.median=6.0",
        "fill_rate",
        "down",
        days=21,
    ),
    L(
        "network.suppliers[].late_extra_days.p90",
        "network.suppliers.0.late_extra_days.p90=20.0",
        "fill_rate",
        "down",
        days=21,
    ),
    L(
        "network.suppliers[].lead_time_days.median",
        "network.suppliers.0.lead_time_days.median=1.0",
        "stockout_rate",
        "down",
    ),
    L(
        "network.suppliers[].lead_time_days.p90",
        "network.suppliers.0.lead_time_days.p90=20.0",
        "fill_rate",
        "down",
        days=21,
    ),
    L(
        "network.suppliers[].on_time_prob",
        "network.suppliers.0.on_time_prob=0.1",
        "supplier_delays_total",
        "up",
    ),
    L(
        "network.suppliers[].preferred",
        "network.suppliers.0.preferred=false",
        "touchless_rate",
        "down",
        model="hybrid",
        days=21,
        why="purchases from a non-preferred vendor need a buyer",
    ),
    L(
        "network.suppliers[].sku_share",
        "network.suppliers.0.sku_share=0.2",
        "approvals_total",
        "moves",
    ),
    L(
        "network.warehouses[].handling_h.median",
        "network.warehouses.1.handling_h.median=20.0",
        "otif_rate",
        "down",
    ),
    L(
        "network.warehouses[].handling_h.p90",
        "network.warehouses.1.handling_h.p90=60.0",
        "otif_rate",
        "down",
        days=21,
    ),
    L(
        "network.warehouses[].serves_online",
        ("network.warehouses.1.serves_online=false", "network.warehouses.0.serves_online=true"),
        "oversell_rate",
        "moves",
        days=21,
    ),
    # approval pools (any pool; the buyers and store managers here)
    L(
        "approvals.pools.*.size",
        "approvals.pools.buyers.size=5",
        "team_buyers_utilisation_rate",
        "down",
    ),
    L(
        "approvals.pools.*.calendar.open_h",
        "approvals.pools.buyers.calendar.open_h=6.0",
        "approval_cycle_time_mean_h",
        "moves",
    ),
    L(
        "approvals.pools.*.calendar.close_h",
        "approvals.pools.buyers.calendar.close_h=23.0",
        "approval_cycle_time_mean_h",
        "moves",
    ),
    L(
        "approvals.pools.*.calendar.weekdays",
        "approvals.pools.buyers.calendar.weekdays=[0,1,2,3,4,5,6]",
        "approval_cycle_time_p95_h",
        "moves",
    ),
    L(
        "approvals.pools.*.handling_min.median",
        "approvals.pools.store_managers.handling_min.median=30.0",
        "labour_cost",
        "up",
    ),
    L(
        "approvals.pools.*.hourly_cost",
        "approvals.pools.buyers.hourly_cost=70.0",
        "labour_cost",
        "up",
    ),
    # the manual model
    L(
        "orchestration.manual.channel_sync_interval_h",
        "orchestration.manual.channel_sync_interval_h=4.0",
        "integration_calls_total",
        "up",
    ),
    L(
        "orchestration.manual.email_pickup_h.median",
        "orchestration.manual.email_pickup_h.median=30.0",
        "pending_approvals_at_end",
        "up",
    ),
    L(
        "orchestration.manual.email_pickup_h.p90",
        "orchestration.manual.email_pickup_h.p90=100.0",
        "approval_cycle_time_mean_h",
        "up",
    ),
    L(
        "orchestration.manual.exception_review_hour",
        "orchestration.manual.exception_review_hour=15",
        "exception_resolution_p95_h",
        "moves",
    ),
    L(
        "orchestration.manual.po_auto_approve_below",
        "orchestration.manual.po_auto_approve_below=100000.0",
        "touchless_rate",
        "up",
    ),
    L(
        "orchestration.manual.replenishment_hour",
        "orchestration.manual.replenishment_hour=12",
        "approvals_total",
        "moves",
    ),
    L(
        "orchestration.manual.store_manager_discount_limit",
        "orchestration.manual.store_manager_discount_limit=0.05",
        "lost_revenue",
        "up",
    ),
    # policy
    L("policy.margin_floor", "policy.margin_floor=0.6", "margin_leakage", "up"),
    L(
        "policy.purchase.low_below",
        "policy.purchase.low_below=100.0",
        "touchless_rate",
        "down",
        model="hybrid",
    ),
    L(
        "policy.inventory_variance_value.low_below",
        "policy.inventory_variance_value.low_below=1.0",
        "exceptions_total",
        "up",
        model="hybrid",
    ),
    L(
        "policy.discount_depth.low_below",
        "policy.discount_depth.low_below=0.01",
        "touchless_rate",
        "down",
        model="hybrid",
    ),
    # governance
    L(
        "governance.escalation.enabled",
        "governance.escalation.enabled=true",
        "approval_cycle_time_p95_h",
        "down",
        model="hybrid",
    ),
    # the event-driven wiring (event_driven)
    L(
        "orchestration.event_driven.auto_discount_limit",
        "orchestration.event_driven.auto_discount_limit=0.05",
        "lost_revenue",
        "up",
        model="event_driven",
    ),
    L(
        "orchestration.integration.availability_push_interval_min",
        "orchestration.integration.availability_push_interval_min=240.0",
        "integration_calls_total",
        "down",
        model="event_driven",
    ),
    L(
        "orchestration.integration.rfq_merge_window_h",
        "orchestration.integration.rfq_merge_window_h=24.0",
        "approvals_total",
        "down",
        model="event_driven",
    ),
    L(
        "orchestration.integration.connector_retry.maximum_attempts",
        "orchestration.integration.connector_retry.maximum_attempts=1",
        "lost_revenue",
        "up",
        model="event_driven",
        base=DROP,
    ),
    L(
        "orchestration.integration.connector_retry.initial_interval_s",
        "orchestration.integration.connector_retry.initial_interval_s=3600.0",
        "lost_revenue",
        "up",
        model="event_driven",
        base=DROP,
    ),
    L(
        "orchestration.integration.connector_retry.backoff_coefficient",
        "orchestration.integration.connector_retry.backoff_coefficient=4.0",
        "integration_calls_total",
        "moves",
        model="event_driven",
        base=DROP,
    ),
    L(
        "orchestration.integration.connector_retry.maximum_interval_s",
        "orchestration.integration.connector_retry.maximum_interval_s=60.0",
        "revenue",
        "moves",
        model="event_driven",
        base=DROP,
    ),
    L(
        "orchestration.integration.idempotency",
        "orchestration.integration.idempotency=false",
        "approvals_total",
        "up",
        model="event_driven",
        base=("faults.integration.duplicate_rate=0.3",),
    ),
    L(
        "faults.integration.drop_rate",
        "faults.integration.drop_rate=0.3",
        "integration_retries_total",
        "up",
        model="event_driven",
    ),
    L(
        "faults.rate_limits[].intensity",
        "faults.rate_limits.0.intensity=0.1",
        "rate_limited_calls_total",
        "down",
        model="event_driven",
        base=(
            "faults.rate_limits=[{channel: ecommerce, start_day: 1, duration_h: 48, "
            "intensity: 0.9, retry_after_s: 600}]",
        ),
    ),
    # the exception-driven and hybrid models
    L(
        "orchestration.exception_driven.ticket_triage_threshold",
        "orchestration.exception_driven.ticket_triage_threshold=0.99",
        "labour_cost",
        "up",
        model="exception_driven",
    ),
    L(
        "orchestration.hybrid.ticket_triage_threshold",
        "orchestration.hybrid.ticket_triage_threshold=0.99",
        "labour_cost",
        "up",
        model="hybrid",
    ),
    L(
        "orchestration.hybrid.approval_pickup_h.median",
        "orchestration.hybrid.approval_pickup_h.median=20.0",
        "approval_cycle_time_p95_h",
        "moves",
        model="hybrid",
    ),
    L(
        "orchestration.approval_centric.approval_pickup_h.median",
        "orchestration.approval_centric.approval_pickup_h.median=20.0",
        "approval_cycle_time_p95_h",
        "up",
        model="approval_centric",
    ),
    L(
        "orchestration.approval_centric.approval_pickup_h.p90",
        "orchestration.approval_centric.approval_pickup_h.p90=60.0",
        "approval_cycle_time_p95_h",
        "moves",
        model="approval_centric",
    ),
    # faults
    L(
        "faults.outages[].target",
        "faults.outages.0.target=payment_gateway",
        "exceptions_total",
        "moves",
        base=(OUTAGE,),
    ),
    L(
        "faults.approver_absences[].intensity",
        "faults.approver_absences.0.intensity=0.0",
        "labour_cost",
        "moves",
        base=(
            "faults.approver_absences=[{pool: buyers, start_day: 0, duration_h: 168, "
            "intensity: 1.0}]",
        ),
    ),
    L(
        "faults.cron_lags[].lag_h",
        "faults.cron_lags.0.lag_h=1.0",
        "approvals_total",
        "moves",
        base=(CRON_LAG,),
    ),
    L(
        "faults.supplier_delays[].extra_days",
        "faults.supplier_delays.0.extra_days=1",
        "fill_rate",
        "up",
        days=21,
        base=(SUPPLIER_DELAY,),
    ),
    # more governance, policy and model levers
    L("policy.deadline_h.*", "policy.deadline_h.low=0.01", "approval_sla_breach_rate", "up"),
    L(
        "approvals.pools.*.handling_min.p90",
        "approvals.pools.store_managers.handling_min.p90=60.0",
        "labour_cost",
        "up",
    ),
    L(
        "governance.exception_sla_h.*",
        "governance.exception_sla_h.customer_service=0.5",
        "exceptions_customer_service_sla_breached_total",
        "up",
    ),
    L(
        "governance.vacations.*[].days",
        "governance.vacations.buyers.0.days=2",
        "labour_cost",
        "moves",
        base=(VACATION,),
    ),
    L(
        "governance.bank_change_checks.callback_detection",
        "governance.bank_change_checks.callback_detection=0.0",
        "bank_fraud_blocked_total",
        "down",
        model="exception_driven",
        base=BANK,
    ),
    L(
        "security.controls.*",
        "security.controls.signature_check=false",
        "security_losses",
        "up",
        model="event_driven",
        base=("security.attacks_per_day.forged_refund=5.0",),
    ),
    L(
        "orchestration.exception_driven.fraud_signal_threshold",
        "orchestration.exception_driven.fraud_signal_threshold=0.9",
        "manual_review_rate",
        "moves",
        model="exception_driven",
        days=21,
    ),
    L(
        "orchestration.exception_driven.invoice_price_tolerance",
        "orchestration.exception_driven.invoice_price_tolerance=0.2",
        "labour_cost",
        "down",
        model="exception_driven",
        days=21,
    ),
    L(
        "orchestration.exception_driven.invoice_triage_threshold",
        "orchestration.exception_driven.invoice_triage_threshold=0.99",
        "manual_review_rate",
        "up",
        model="exception_driven",
        days=21,
    ),
    L(
        "orchestration.exception_driven.po_watchdog_h",
        "orchestration.exception_driven.po_watchdog_h=1.0",
        "fill_rate",
        "moves",
        model="exception_driven",
        days=21,
        base=DROP,
    ),
    L(
        "orchestration.exception_driven.refund_triage_threshold",
        "orchestration.exception_driven.refund_triage_threshold=0.99",
        "touchless_rate",
        "down",
        model="exception_driven",
        days=21,
    ),
    L(
        "orchestration.hybrid.fraud_signal_threshold",
        "orchestration.hybrid.fraud_signal_threshold=0.9",
        "manual_review_rate",
        "moves",
        model="hybrid",
        days=21,
    ),
    L(
        "orchestration.hybrid.invoice_price_tolerance",
        "orchestration.hybrid.invoice_price_tolerance=0.2",
        "labour_cost",
        "down",
        model="hybrid",
        days=21,
    ),
    L(
        "orchestration.hybrid.invoice_triage_threshold",
        "orchestration.hybrid.invoice_triage_threshold=0.99",
        "manual_review_rate",
        "up",
        model="hybrid",
        days=21,
    ),
    L(
        "orchestration.hybrid.po_watchdog_h",
        "orchestration.hybrid.po_watchdog_h=1.0",
        "oversell_rate",
        "moves",
        model="hybrid",
        days=21,
        base=DROP,
    ),
    L(
        "orchestration.hybrid.refund_triage_threshold",
        "orchestration.hybrid.refund_triage_threshold=0.99",
        "touchless_rate",
        "down",
        model="hybrid",
        days=21,
    ),
    L(
        "orchestration.hybrid.approval_pickup_h.p90",
        "orchestration.hybrid.approval_pickup_h.p90=60.0",
        "approval_cycle_time_p95_h",
        "up",
        model="hybrid",
        days=21,
    ),
    L(
        "policy.refund.low_below",
        "policy.refund.low_below=1.0",
        "touchless_rate",
        "down",
        model="hybrid",
        days=21,
    ),
    L(
        "policy.discount_depth.high_from",
        "policy.discount_depth.high_from=0.16",
        "labour_cost",
        "up",
        model="hybrid",
        days=21,
    ),
    L(
        "network.suppliers[].short_fill_min",
        "network.suppliers.0.short_fill_min=0.1",
        "fill_rate",
        "down",
        days=21,
        base=("network.suppliers.0.in_full_prob=0.2",),
    ),
    # found by the probes of issue 18 (tiny, 7 days)
    L(
        "network.stores.open_h",
        "network.stores.open_h=5",
        "lost_revenue",
        "up",
        model="approval_centric",
        why="till requests before the approvers' day wait, customers walk",
    ),
    L(
        "faults.outages[].intensity",
        "faults.outages.0.intensity=0.2",
        "exceptions_total",
        "down",
        base=(OUTAGE,),
    ),
    L(
        "faults.outages[].duration_h",
        "faults.outages.0.duration_h=4",
        "exceptions_total",
        "down",
        base=(OUTAGE,),
    ),
    L(
        "faults.outages[].start_day",
        "faults.outages.0.start_day=5",
        "exceptions_total",
        "moves",
        base=(OUTAGE,),
    ),
    L(
        "faults.integration.latency_s.median",
        "faults.integration.latency_s.median=5.0",
        "webhook_latency_p95_s",
        "up",
        model="event_driven",
    ),
    L(
        "faults.integration.latency_s.p90",
        "faults.integration.latency_s.p90=10.0",
        "webhook_latency_p95_s",
        "up",
        model="event_driven",
    ),
    L(
        "faults.integration.reorder_rate",
        "faults.integration.reorder_rate=0.3",
        "lost_revenue",
        "up",
        model="event_driven",
    ),
    L(
        "faults.integration.reorder_hold_s.median",
        "faults.integration.reorder_hold_s.median=600.0",
        "webhook_latency_p95_s",
        "moves",
        model="event_driven",
        base=("faults.integration.reorder_rate=0.3",),
    ),
    L(
        "faults.integration.crash_after_effect_rate",
        "faults.integration.crash_after_effect_rate=0.3",
        "integration_retries_total",
        "up",
        model="event_driven",
    ),
    L(
        "faults.integration.duplicate_rate",
        "faults.integration.duplicate_rate=0.3",
        "approvals_total",
        "up",
        model="event_driven",
        base=("orchestration.integration.idempotency=false",),
        why="with idempotency on, duplicates are absorbed: the case shows them without it",
    ),
    L(
        "faults.approver_absences[].duration_h",
        "faults.approver_absences.0.duration_h=10",
        "labour_cost",
        "moves",
        base=(ABSENCE,),
    ),
    L(
        "faults.approver_absences[].start_day",
        "faults.approver_absences.0.start_day=5",
        "labour_cost",
        "moves",
        base=(ABSENCE,),
    ),
    L(
        "faults.approver_absences[].pool",
        "faults.approver_absences.0.pool=store_managers",
        "lost_revenue",
        "up",
        base=(ABSENCE,),
    ),
    L(
        "faults.cron_lags[].duration_h",
        "faults.cron_lags.0.duration_h=10",
        "approvals_total",
        "moves",
        base=(CRON_LAG,),
    ),
    L(
        "faults.cron_lags[].start_day",
        "faults.cron_lags.0.start_day=5",
        "approvals_total",
        "moves",
        base=(CRON_LAG,),
    ),
    L(
        "faults.cron_lags[].job",
        "faults.cron_lags.0.job=channel_sync",
        "approvals_total",
        "moves",
        base=(CRON_LAG,),
    ),
    L(
        "faults.deliveries[].intensity",
        "faults.deliveries.0.intensity=0.1",
        "lost_revenue",
        "down",
        model="event_driven",
        base=(DELIVERY,),
    ),
    L(
        "faults.deliveries[].duration_h",
        "faults.deliveries.0.duration_h=4",
        "lost_revenue",
        "down",
        model="event_driven",
        base=(DELIVERY,),
    ),
    L(
        "faults.deliveries[].start_day",
        "faults.deliveries.0.start_day=4",
        "lost_revenue",
        "moves",
        model="event_driven",
        base=(DELIVERY,),
    ),
    L(
        "faults.deliveries[].kind",
        "faults.deliveries.0.kind=duplicate",
        "lost_revenue",
        "moves",
        model="event_driven",
        base=(DELIVERY,),
    ),
    L(
        "faults.rate_limits[].duration_h",
        "faults.rate_limits.0.duration_h=4",
        "rate_limited_calls_total",
        "down",
        model="event_driven",
        base=(RATE_LIMIT,),
    ),
    L(
        "faults.rate_limits[].retry_after_s",
        "faults.rate_limits.0.retry_after_s=3600",
        "rate_limited_calls_total",
        "moves",
        model="event_driven",
        base=(RATE_LIMIT,),
    ),
    L(
        "faults.rate_limits[].start_day",
        "faults.rate_limits.0.start_day=5",
        "rate_limited_calls_total",
        "moves",
        model="event_driven",
        base=(RATE_LIMIT,),
    ),
    L(
        "demand.seasonality[].multiplier",
        "demand.seasonality.0.multiplier=1.5",
        "orders_total",
        "down",
        base=(SEASON,),
    ),
    L(
        "demand.seasonality[].end",
        "demand.seasonality.0.end=2025-09-03",
        "orders_total",
        "down",
        base=(SEASON,),
    ),
    L(
        "demand.seasonality[].start",
        "demand.seasonality.0.start=2025-09-04",
        "orders_total",
        "down",
        base=(SEASON,),
    ),
    L(
        "demand.seasonality[].channels",
        "demand.seasonality.0.channels=[pos]",
        "orders_total",
        "down",
        base=(SEASON,),
    ),
    L(
        "demand.payments.abandon",
        (
            "demand.payments.abandon=0.9",
            "demand.payments.retry_other_card=0.05",
            "demand.payments.retry_after_notice=0.05",
        ),
        "fill_rate",
        "moves",
    ),
    L(
        "demand.payments.retry_other_card",
        (
            "demand.payments.abandon=0.9",
            "demand.payments.retry_other_card=0.05",
            "demand.payments.retry_after_notice=0.05",
        ),
        "fill_rate",
        "moves",
    ),
    L(
        "demand.payments.retry_after_notice",
        (
            "demand.payments.abandon=0.9",
            "demand.payments.retry_other_card=0.05",
            "demand.payments.retry_after_notice=0.05",
        ),
        "fill_rate",
        "moves",
    ),
    L(
        "policy.late_supplier.expedite_cost_share",
        "policy.late_supplier.expedite_cost_share=0.2",
        "expedite_cost",
        "up",
        model="exception_driven",
        days=21,
        base=(SUPPLIER_DELAY,),
    ),
    L(
        "policy.late_supplier.expedite_days",
        "policy.late_supplier.expedite_days=10.0",
        "supplier_delays_total",
        "down",
        model="exception_driven",
        days=21,
        base=(SUPPLIER_DELAY,),
        why="expedited POs arrive before their promise",
    ),
    L(
        "triage.tickets.confusion",
        "triage.tickets={confusion: [[0,1,0,0,0],[0,0,1,0,0],[0,0,0,1,0],[0,0,0,0,1],[1,0,0,0,0]]}",
        "triage_tickets_misroute_rate",
        "up",
        model="exception_driven",
        days=14,
    ),
    L(
        "triage.refunds.confusion",
        "triage.refunds={confusion: [[0,1,0],[0,0,1],[1,0,0]]}",
        "triage_refunds_misroute_rate",
        "up",
        model="exception_driven",
        days=21,
    ),
    L(
        "triage.invoices.confusion",
        "triage.invoices={confusion: [[0,1,0,0],[0,0,1,0],[0,0,0,1],[1,0,0,0]]}",
        "triage_invoices_misroute_rate",
        "up",
        model="exception_driven",
        days=21,
    ),
    # security
    L(
        "security.attacks_per_day.*",
        "security.attacks_per_day.forged_refund=5.0",
        "security_attempts_total",
        "up",
    ),
    # --- l18 ---
    # imported tables (the files `retail-twin import` writes; tests/levers_data/make_data.py)
    L(
        "catalogue.file",
        f"catalogue.file={DATA / 'catalogue.parquet'}",
        "touchless_rate",
        "down",
        base=SKU_SHARES_DEFAULT,
        why="an imported catalogue of dearer goods: no PO stays under manual's auto-approval limit",
    ),
    L(
        "network.stores.file",
        f"network.stores.file={DATA / 'stores.parquet'}",
        "orders_total",
        "up",
        why="imported stores: one big store and two small ones instead of tiny's three",
    ),
    # channels and the world
    L(
        "channels.marketplace.feed_latency_min",
        "channels.marketplace.feed_latency_min=600.0",
        "oversell_rate",
        "up",
        model="event_driven",
        base=(MARKET_HEAVY, "inventory.initial_cover_days_dc=3"),
    ),
    L(
        "channels.mix.*",
        "channels.mix={pos: 0.5, ecommerce: 0.3, marketplace: 0.2}",
        "online_orders_total",
        "up",
        why="the shares must sum to 1, so the case sets the whole mix",
    ),
    L(
        "inventory.receipt_count_error_units.p90",
        "inventory.receipt_count_error_units.p90=40.0",
        "lost_revenue",
        "up",
        days=21,
        base=("inventory.receipt_count_error_prob=0.5",),
    ),
    L(
        "network.bank_changes.discovery_days",
        "network.bank_changes.discovery_days=1.0",
        "bank_fraud_losses",
        "down",
        days=21,
        base=BANK_FRAUD,
        why="a diverted account found sooner stops receiving payments sooner",
    ),
    L(
        "network.carriers[].share",
        "network.carriers.1.share=3.0",
        "otif_rate",
        "down",
        base=(TWO_CARRIERS,),
        why="more parcels with the slow second carrier",
    ),
    L(
        "faults.supplier_delays[].end",
        "faults.supplier_delays.0.end=2025-09-02",
        "fill_rate",
        "up",
        days=21,
        base=(SUPPLIER_DELAY,),
    ),
    L(
        "faults.supplier_delays[].start",
        "faults.supplier_delays.0.start=2025-09-15",
        "fill_rate",
        "up",
        days=21,
        base=(SUPPLIER_DELAY,),
    ),
    L(
        "faults.supplier_delays[].suppliers",
        "faults.supplier_delays.0.suppliers=[beta]",
        "fill_rate",
        "up",
        days=21,
        base=(SUPPLIER_DELAY,),
    ),
    L(
        "faults.rate_limits[].channel",
        "faults.rate_limits.0.channel=marketplace",
        "fill_rate",
        "up",
        model="event_driven",
        base=RATE_LIMITED_WEEK,
        why="the week's 429s hit the small marketplace instead of ecommerce",
    ),
    L(
        "faults.integration.reorder_hold_s.p90",
        "faults.integration.reorder_hold_s.p90=6000.0",
        "discount_requests_timed_out_total",
        "up",
        model="event_driven",
        base=("faults.integration.reorder_rate=0.5",),
    ),
    # the manual model
    L(
        "orchestration.manual.invoice_entry_h.median",
        "orchestration.manual.invoice_entry_h.median=60.0",
        "supplier_payments_total",
        "down",
        days=21,
    ),
    L(
        "orchestration.manual.invoice_entry_h.p90",
        "orchestration.manual.invoice_entry_h.p90=200.0",
        "invoices_total",
        "down",
        days=21,
    ),
    L(
        "orchestration.manual.channel_sync_hour",
        "orchestration.manual.channel_sync_hour=14.0",
        "oversell_rate",
        "up",
        days=21,
        why="the nightly file at 14:00 is staler when the evening's online orders come",
    ),
    L(
        "orchestration.manual.backorder_cancel_after_days",
        "orchestration.manual.backorder_cancel_after_days=1.0",
        "online_orders_cancelled_total",
        "up",
        days=21,
    ),
    # policy and governance
    L(
        "orchestration.integration.backorder_cancel_after_days",
        "orchestration.integration.backorder_cancel_after_days=0.5",
        "online_orders_cancelled_total",
        "up",
        model="event_driven",
        days=21,
        base=(SUPPLIER_DELAY,),
    ),
    L(
        "policy.purchase.high_from",
        "policy.purchase.high_from=6000.0",
        "approval_cycle_time_p95_h",
        "up",
        model="hybrid",
        days=14,
        why="more POs are high risk: a buyer and finance",
    ),
    L(
        "policy.refund.high_from",
        "policy.refund.high_from=100.0",
        "manual_review_rate",
        "up",
        model="exception_driven",
        days=21,
        why="refunds from 100 are policy exceptions, not auto-routed",
    ),
    L(
        "policy.inventory_variance_value.high_from",
        "policy.inventory_variance_value.high_from=50.0",
        "team_finance_tasks_total",
        "up",
        base=VARIANCES,
        why="high-value count variances need finance beside inventory control",
    ),
    L(
        "governance.escalation.deadline_h.*",
        "governance.escalation.deadline_h={low: 0.1, medium: 0.1, high: 0.1}",
        "escalations_total",
        "up",
        model="hybrid",
        days=14,
        base=ESCALATING,
    ),
    L(
        "governance.escalation.escalate_to.*",
        "governance.escalation.escalate_to={buyers: finance}",
        "team_finance_tasks_total",
        "down",
        model="hybrid",
        days=21,
        base=ESCALATING,
        why="only buyers escalate now: the other pools' overdue requests stay with them",
    ),
    L(
        "governance.vacations.*[].absent_share",
        "governance.vacations.buyers.0.absent_share=0.25",
        "team_buyers_tasks_total",
        "up",
        base=("approvals.pools.buyers.size=4", VACATION),
        why="one of four buyers away instead of all four",
    ),
    L(
        "governance.vacations.*[].start_day",
        "governance.vacations.buyers.0.start_day=4",
        "team_buyers_queue_max",
        "up",
        model="hybrid",
        base=("governance.vacations={buyers: [{absent_share: 1.0, start_day: 0, days: 3}]}",),
        why="the buyer is away in the busier end of the week",
    ),
    L(
        "governance.bank_change_checks.review_detection",
        "governance.bank_change_checks.review_detection=1.0",
        "bank_fraud_losses",
        "down",
        model="approval_centric",
        days=21,
        base=BANK,
    ),
    L(
        "security.tolerance_s",
        "security.tolerance_s=10.0",
        "security_losses",
        "down",
        model="event_driven",
        base=(
            "security.attacks_per_day.replayed_webhook=20.0",
            "security.controls.replay_protection=false",
        ),
        why="without replay protection the timestamp window alone stops replays (1-290 s late)",
    ),
    # the automated models' n8n: workers, retries, imported flows and their nodes
    L(
        "orchestration.integration.n8n_workers",
        "orchestration.integration.n8n_workers=1",
        "queue_depth_max",
        "up",
        model="event_driven",
        base=(f"{INT}n8n_concurrency=1",),
    ),
    L(
        "orchestration.integration.n8n_concurrency",
        "orchestration.integration.n8n_concurrency=1",
        "queue_depth_max",
        "up",
        model="event_driven",
        base=(f"{INT}n8n_workers=1",),
    ),
    L(
        "orchestration.integration.retry_max_tries",
        "orchestration.integration.retry_max_tries=1",
        "dead_letters_total",
        "up",
        model="event_driven",
        base=(
            "faults.outages=[{target: channel_sync, start_day: 1, duration_h: 48, intensity: 0.5}]",
        ),
    ),
    L(
        "orchestration.integration.retry_wait_ms",
        "orchestration.integration.retry_wait_ms=5000.0",
        "dead_letters_total",
        "down",
        model="event_driven",
        days=2,
        base=OUTAGE_TAIL,
        why="a 5 s wait between tries outlasts an outage that ends 3.6 s after a push",
    ),
    L(
        "orchestration.integration.n8n_workflows",
        f"{INT}n8n_workflows={DATA / 'po_code.json'}",
        "events_emitted_total",
        "down",
        model="event_driven",
        base=(
            f"{INT}n8n_workflows=builtin",
            f"{INT}n8n_node_profiles={{code: {{failure_rate: 0.5}}}}",
        ),
        why="an export whose PO flow has a failing Code node: fewer orders reach suppliers",
    ),
    L(
        "orchestration.integration.n8n_node_profiles.*.empty_rate",
        f"{INT}n8n_node_profiles.code.empty_rate=0.5",
        "events_emitted_total",
        "down",
        model="event_driven",
        base=PO_CODE,
        why="a Code node that outputs nothing ends the PO flow: the order is never sent",
    ),
    L(
        "orchestration.integration.n8n_node_profiles.*.failure_rate",
        f"{INT}n8n_node_profiles.code.failure_rate=0.5",
        "events_emitted_total",
        "down",
        model="event_driven",
        base=PO_CODE,
    ),
    L(
        "orchestration.integration.n8n_node_profiles.*.latency_s_median",
        f"{INT}n8n_node_profiles.httpRequest.latency_s_median=600.0",
        "exception_resolution_p95_h",
        "up",
        model="event_driven",
        base=HTTP,
    ),
    L(
        "orchestration.integration.n8n_node_profiles.*.latency_s_p95",
        f"{INT}n8n_node_profiles.httpRequest.latency_s_p95=6000.0",
        "exception_resolution_p95_h",
        "up",
        model="event_driven",
        base=SLOW_HTTP,
    ),
    L(
        "orchestration.integration.breakers.*.failure_rate_threshold",
        f"{INT}breakers.channel_sync.failure_rate_threshold=0.95",
        "circuit_breaker_opened_total",
        "down",
        model="event_driven",
        base=(SYNC_FLAKY, BREAKER),
    ),
    L(
        "orchestration.integration.breakers.*.window_size",
        f"{INT}breakers.channel_sync.window_size=50",
        "circuit_breaker_opened_total",
        "down",
        model="event_driven",
        base=(SYNC_FLAKY, BREAKER),
    ),
    L(
        "orchestration.integration.breakers.*.minimum_calls",
        f"{INT}breakers.channel_sync.minimum_calls=100",
        "circuit_breaker_opened_total",
        "down",
        model="event_driven",
        base=(
            "faults.outages=[{target: channel_sync, start_day: 0, duration_h: 72, intensity: 0.6}]",
            f"{INT}breakers={{channel_sync: {{window_size: 100, minimum_calls: 2}}}}",
        ),
    ),
    L(
        "orchestration.integration.breakers.*.open_duration_s",
        f"{INT}breakers.channel_sync.open_duration_s=3600.0",
        "circuit_breaker_rejected_calls_total",
        "up",
        model="event_driven",
        base=(SYNC_FLAKY, BREAKER),
    ),
    L(
        "orchestration.integration.breakers.*.half_open_probes",
        f"{INT}breakers.channel_sync.half_open_probes=1",
        "circuit_breaker_opened_total",
        "down",
        model="event_driven",
        base=(SYNC_FLAKY, BREAKER),
    ),
    L(
        "orchestration.integration.dead_letters.redrive_every_h",
        f"{INT}dead_letters.redrive_every_h=6.0",
        "dead_letter_queue_redriven_total",
        "up",
        model="event_driven",
        base=REFUND_OUTAGE,
    ),
    L(
        "orchestration.integration.dead_letters.max_redrives",
        f"{INT}dead_letters.max_redrives=1",
        "dead_letter_queue_expired_total",
        "up",
        model="event_driven",
        base=REDRIVE,
    ),
    L(
        "orchestration.plugins.*",
        "orchestration.plugins={procurement_first: {approval_pickup_h: {median: 20.0, p90: 60.0}}}",
        "pending_approvals_at_end",
        "up",
        model=PLUGIN,
        why="the plugin model of tests/models/procurement_first.py: buyers pick up POs later",
    ),
    # declared automation (hybrid: its POs wait for a buyer as drafts in the mocked Odoo)
    L(
        "automation.rules[].trigger",
        auto((rule(trigger="on_create"),)),
        "integration_calls_total",
        "down",
        model="hybrid",
        base=(auto((rule(),)),),
        why="a webhook rule on creation only, not on every write",
    ),
    L(
        "automation.rules[].trigger_fields",
        auto((rule(trigger="on_write", trigger_fields=["partner_ref"]),)),
        "integration_calls_total",
        "down",
        model="hybrid",
        base=(auto((rule(trigger="on_write"),)),),
        why="the write rule watches a field the twin never writes",
    ),
    L(
        "automation.rules[].trigger_value",
        auto((rule(trigger="on_state_set", trigger_value="cancel"),)),
        "integration_calls_total",
        "down",
        model="hybrid",
        base=(auto((rule(trigger="on_state_set", trigger_value="purchase"),)),),
        why='a webhook rule on "state set to cancel" instead of "... to purchase"',
    ),
    L(
        "automation.rules[].filter_domain",
        auto((rule(filter_domain=[["state", "=", "purchase"]]),)),
        "integration_calls_total",
        "down",
        model="hybrid",
        base=(auto((rule(),)),),
        why="the webhook rule only for confirmed POs",
    ),
    L(
        "automation.rules[].filter_pre_domain",
        auto((rule(trigger="on_write", filter_pre_domain=[["state", "=", "purchase"]]),)),
        "integration_calls_total",
        "down",
        model="hybrid",
        base=(auto((rule(trigger="on_write"),)),),
        why="the write rule only for POs confirmed before the write",
    ),
    L(
        "automation.rules[].model",
        auto((rule(model="stock.picking"),)),
        "integration_calls_total",
        "moves",
        model="hybrid",
        base=(auto((rule(),)),),
        why="the webhook rule on receipts instead of purchase orders (how often it fires depends "
        "on the receipts a run keeps in the mocked Odoo)",
    ),
    L(
        "automation.rules[].active",
        auto((rule(active=False),)),
        "integration_calls_total",
        "down",
        model="hybrid",
        base=(auto((rule(),)),),
        why="the webhook rule archived",
    ),
    L(
        "automation.rules[].actions[].state",
        auto((rule(actions=[{"state": "object_write", "values": {"partner_ref": "X"}}]),)),
        "integration_calls_total",
        "down",
        model="hybrid",
        base=(auto((rule(),)),),
        why="Update Record instead of Send Webhook Notification",
    ),
    L(
        "automation.rules[].actions[].url",
        auto((rule(trigger="on_create", actions=[PO_HOOK]),)),
        "events_emitted_total",
        "up",
        model="hybrid",
        base=(auto((rule(trigger="on_create"),)),),
        why="posted to n8n's PO webhook, a draft is sent to its supplier before approval",
    ),
    L(
        "automation.rules[].actions[].fields",
        auto((rule(trigger="on_create", actions=[{**PO_HOOK, "fields": []}]),)),
        "events_emitted_total",
        "down",
        model="hybrid",
        base=(auto((rule(trigger="on_create", actions=[PO_HOOK]),)),),
        why="without the PO's name in the payload the PO flow cannot send it",
    ),
    L(
        "automation.rules[].actions[].values",
        auto(
            (
                {**STALE, "actions": [{"state": "object_write", "values": {"partner_ref": "X"}}]},
                HEARS_STALE,
            )
        ),
        "integration_calls_total",
        "down",
        model="hybrid",
        base=(auto((STALE, HEARS_STALE)),),
        why="what Update Record writes decides whether the rule that hears it fires",
    ),
    L(
        "automation.rules[].actions[].model",
        auto((on_confirmed(create("stock.picking", PICKING)), HEARS_PICKING)),
        "integration_calls_total",
        "up",
        model="hybrid",
        base=(auto((on_confirmed(create("res.partner", {"name": "RULE"})), HEARS_PICKING)),),
        why="Create Record makes a receipt, which a rule on receipts hears",
    ),
    L(
        "automation.rules[].actions[].link_field",
        auto((on_confirmed(create("res.users", USER, "user_id")), HEARS_BUYER)),
        "integration_calls_total",
        "up",
        model="hybrid",
        base=(auto((on_confirmed(create("res.users", USER)), HEARS_BUYER)),),
        why="the created user is linked as the PO's buyer, which a rule on the PO hears",
    ),
    L(
        "automation.rules[].actions[].children[].state",
        auto((rule(actions=[multi({"state": "object_write", "values": {"partner_ref": "X"}})]),)),
        "integration_calls_total",
        "down",
        model="hybrid",
        base=(auto((rule(actions=[multi(HOOK)]),)),),
        why="as `actions[].state`, inside Execute Existing Actions",
    ),
    L(
        "automation.rules[].actions[].children[].url",
        auto((rule(trigger="on_create", actions=[multi(PO_HOOK)]),)),
        "events_emitted_total",
        "up",
        model="hybrid",
        base=(auto((rule(trigger="on_create", actions=[multi(HOOK)]),)),),
        why="as `actions[].url`, inside Execute Existing Actions",
    ),
    L(
        "automation.rules[].actions[].children[].fields",
        auto((rule(trigger="on_create", actions=[multi({**PO_HOOK, "fields": []})]),)),
        "events_emitted_total",
        "down",
        model="hybrid",
        base=(auto((rule(trigger="on_create", actions=[multi(PO_HOOK)]),)),),
        why="as `actions[].fields`, inside Execute Existing Actions",
    ),
    L(
        "automation.rules[].actions[].children[].values",
        auto(
            (
                {
                    **STALE,
                    "actions": [multi({"state": "object_write", "values": {"partner_ref": "X"}})],
                },
                HEARS_STALE,
            )
        ),
        "integration_calls_total",
        "down",
        model="hybrid",
        base=(auto(({**STALE, "actions": [multi(*STALE["actions"])]}, HEARS_STALE)),),
        why="as `actions[].values`, inside Execute Existing Actions",
    ),
    L(
        "automation.rules[].actions[].children[].model",
        auto((on_confirmed(multi(create("stock.picking", PICKING))), HEARS_PICKING)),
        "integration_calls_total",
        "up",
        model="hybrid",
        base=(auto((on_confirmed(multi(create("res.partner", {"name": "RULE"}))), HEARS_PICKING)),),
        why="as `actions[].model`, inside Execute Existing Actions",
    ),
    L(
        "automation.rules[].actions[].children[].link_field",
        auto((on_confirmed(multi(create("res.users", USER, "user_id"))), HEARS_BUYER)),
        "integration_calls_total",
        "up",
        model="hybrid",
        base=(auto((on_confirmed(multi(create("res.users", USER))), HEARS_BUYER)),),
        why="as `actions[].link_field`, inside Execute Existing Actions",
    ),
    L(
        "automation.rules[].delay.number",
        auto(({**STALE, "delay": {"number": 24, "unit": "hour"}},)),
        "odoo_time_rule_fires_total",
        "down",
        model="hybrid",
        base=(auto((STALE,)),),
        why="the stale-draft time rule after 24 h instead of 1 h",
    ),
    L(
        "automation.rules[].delay.unit",
        auto(({**STALE, "delay": {"number": 1, "unit": "day"}},)),
        "odoo_time_rule_fires_total",
        "down",
        model="hybrid",
        base=(auto((STALE,)),),
        why="the stale-draft time rule after 1 day instead of 1 hour",
    ),
    L(
        "automation.rules[].trg_date_field",
        auto(({**STALE, "trigger": "on_time", "trg_date_field": "date_planned"},)),
        "odoo_time_rule_fires_total",
        "down",
        model="hybrid",
        base=(auto(({**STALE, "trigger": "on_time", "trg_date_field": "date_order"},)),),
        why="no PO of the twin has a planned date: nothing is due",
    ),
    L(
        "automation.scheduled_actions[].callable",
        auto(jobs=(WATCHDOG,)),
        "po_watchdog_resends_total",
        "up",
        model="hybrid",
        base=LOSSY,
        why="po_watchdog, the server action the twin honours (others are rejected at load)",
    ),
    L(
        "automation.scheduled_actions[].priority",
        auto((CANCEL_CONFIRMED,), ({**WATCHDOG, "priority": 0},)),
        "po_watchdog_resends_total",
        "up",
        model="hybrid",
        base=(*LOSSY, auto((CANCEL_CONFIRMED,), (WATCHDOG,))),
        why="the PO watchdog due in the same cron poll as a time rule cancelling confirmed POs "
        "runs first (priority 0): it resends the lost confirmations before they are cancelled",
    ),
    L(
        "automation.scheduled_actions[].active",
        auto(jobs=({**WATCHDOG, "active": False},)),
        "odoo_scheduled_action_runs_total",
        "down",
        model="hybrid",
        base=(*LOSSY, auto(jobs=(WATCHDOG,))),
        why="the PO watchdog job archived",
    ),
    L(
        "automation.scheduled_actions[].interval_number",
        auto(jobs=({**WATCHDOG, "interval_number": 48},)),
        "odoo_scheduled_action_runs_total",
        "down",
        model="hybrid",
        base=(*LOSSY, auto(jobs=(WATCHDOG,))),
        why="the PO watchdog every 48 h instead of 4 h",
    ),
    L(
        "automation.scheduled_actions[].interval_type",
        auto(jobs=({**WATCHDOG, "interval_type": "days"},)),
        "odoo_scheduled_action_runs_total",
        "down",
        model="hybrid",
        base=(*LOSSY, auto(jobs=(WATCHDOG,))),
        why="the PO watchdog every 4 days instead of 4 hours",
    ),
    L(
        "automation.scheduled_actions[].first_call_after_minutes",
        auto(jobs=({**WATCHDOG, "first_call_after_minutes": 3000},)),
        "odoo_scheduled_action_runs_total",
        "down",
        model="hybrid",
        base=(*LOSSY, auto(jobs=(WATCHDOG,))),
        why="the PO watchdog's first run after 50 h",
    ),
    # --- i14 ---
    L(
        "orchestration.manual.till_pickup_h.median",
        "orchestration.manual.till_pickup_h={median: 2.0, p90: 6.0}",
        "approval_cycle_time_p50_h",
        "up",
    ),
    L(
        "orchestration.manual.till_pickup_h.p90",
        "orchestration.manual.till_pickup_h.p90=20.0",
        "approval_cycle_time_mean_h",
        "up",
        base=("orchestration.manual.till_pickup_h={median: 1.0, p90: 2.0}",),
    ),
    L(
        "orchestration.manual.email_pickup_by_pool.*.median",
        "orchestration.manual.email_pickup_by_pool={buyers: {median: 30.0, p90: 60.0}}",
        "pending_approvals_at_end",
        "up",
    ),
    L(
        "orchestration.manual.email_pickup_by_pool.*.p90",
        "orchestration.manual.email_pickup_by_pool.buyers.p90=200.0",
        "approval_cycle_time_mean_h",
        "up",
        base=("orchestration.manual.email_pickup_by_pool={buyers: {median: 8.0, p90: 30.0}}",),
    ),
    # --- a18 ---
    L(
        "governance.roles.*",
        ROLES_NO_STORE_DISCOUNTS,
        "approval_cycle_time_p95_h",
        "up",
        model="hybrid",
        why="store managers lose discount.approve: price overrides go up the line to the buyer",
    ),
    L(
        "governance.dual_approval_from",
        "governance.dual_approval_from=medium",
        "dual_approvals_total",
        "up",
        model="hybrid",
        why="medium-risk single-step requests get a second, distinct approver",
    ),
    L(
        "governance.escalation.reminders",
        "governance.escalation.reminders=0",
        "approval_cycle_time_mean_h",
        "up",
        model="hybrid",
        days=21,
        base=ESC,
        why="no reminder: an unread approval waits its whole pickup delay",
    ),
    L(
        "governance.escalation.reminder_every_h",
        "governance.escalation.reminder_every_h=1.0",
        "approval_reminders_total",
        "up",
        model="hybrid",
        days=21,
        base=ESC,
    ),
    L(
        "governance.matrix.*.*[].role",
        "governance.matrix={purchase: {low: [{role: buyers}], medium: [{role: buyers}]}}",
        "touchless_rate",
        "down",
        model="event_driven",
        why="the matrix puts a buyer on POs the model confirms by rule",
    ),
    L(
        "governance.matrix.*.*[].approvers",
        "governance.matrix={discount: {medium: [{role: store_managers, approvers: 2}]}}",
        "dual_approvals_total",
        "up",
        model="hybrid",
        base=("governance.matrix={discount: {medium: [{role: store_managers}]}}",),
    ),
    L(
        "governance.matrix.*.*[].deadline_h",
        "governance.matrix={purchase: {low: [{role: buyers, deadline_h: 1.0}]}}",
        "escalations_total",
        "up",
        model="hybrid",
        base=("governance.matrix={purchase: {low: [{role: buyers}]}}",),
        why="a step deadline escalates (buyers -> finance) even with escalation reminders off",
    ),
    # --- b18 ---
    # a phased rollout: each area automated alone against the all-manual table
    L(
        "orchestration.rollout.purchase",
        "orchestration.rollout.purchase=event",
        "touchless_rate",
        "up",
        model="rollout",
    ),
    L(
        "orchestration.rollout.discount",
        "orchestration.rollout.discount=event_driven",
        "margin_leakage",
        "up",
        model="rollout",
        why="no margin check up to auto_discount_limit",
    ),
    L(
        "orchestration.rollout.refund",
        "orchestration.rollout.refund=event",
        "refunds_paid",
        "up",
        model="rollout",
        days=21,
        why="paid at initiation, not after the parcel is back",
    ),
    L(
        "orchestration.rollout.inventory_adjustment",
        "orchestration.rollout.inventory_adjustment=event",
        "approval_cycle_time_p95_h",
        "down",
        model="rollout",
        days=14,
        base=("inventory.cycle_count_interval_days=3",),
    ),
    L(
        "orchestration.rollout.invoice",
        "orchestration.rollout.invoice=exception",
        "supplier_payments_total",
        "up",
        model="rollout",
        days=14,
        why="mismatches triaged at once instead of keyed by hand then reviewed daily",
    ),
    L(
        "orchestration.rollout.bank_change",
        "orchestration.rollout.bank_change=event",
        "bank_fraud_confirmed_total",
        "up",
        model="rollout",
        base=BANK,
    ),
    L(
        "orchestration.rollout.tickets",
        "orchestration.rollout.tickets=exception",
        "triage_tickets_total",
        "up",
        model="rollout",
    ),
    L(
        "orchestration.rollout.availability",
        "orchestration.rollout.availability=event",
        "integration_calls_total",
        "up",
        model="rollout",
        why="pushes instead of a nightly file",
    ),
    L(
        "orchestration.rollout.supplier_delay",
        "orchestration.rollout.supplier_delay=exception",
        "supplier_delays_detected_total",
        "up",
        model="rollout",
        days=14,
        base=(SUPPLIER_DELAY,),
    ),
    # --- c18 ---
    L(
        "policy.late_supplier.escalate_after_h",
        "policy.late_supplier.escalate_after_h=500.0",
        "supplier_delay_escalations_total",
        "down",
        model="approval_centric",
        days=21,
        base=(SUPPLIER_DELAY,),
        why="a deadline longer than the run: the buyers keep every exception",
    ),
    L(
        "policy.late_supplier.escalate_to",
        'policy.late_supplier.escalate_to=""',
        "supplier_delay_escalations_total",
        "down",
        model="approval_centric",
        days=21,
        base=(SUPPLIER_DELAY,),
    ),
]

INERT: dict[str, str] = {
    "name": "the scenario's label",
    "description": "free text",
    "seed": "picks the random draw, not the world (determinism is tested elsewhere)",
    "currency": "the label of money amounts; no conversion happens",
    "demand.promotions[].name": "a label",
    "demand.seasonality[].name": "a label",
    "network.carriers[].name": "a label",
    "network.suppliers[].name": "a label (fault windows name suppliers by it)",
    "network.warehouses[].name": "a label",
    "automation.rules[].name": "a label",
    "automation.rules[].actions[].name": "a label",
    "automation.rules[].actions[].children[].name": "a label",
    "automation.scheduled_actions[].name": "a label",
    "slo.replications": "service-level bounds are read by `retail-twin check` (tests/test_slo.py)",
    "slo.bounds[].description": "free text",
    "slo.bounds[].kpi": "read by `retail-twin check`, not by a run",
    "slo.bounds[].max": "read by `retail-twin check`, not by a run",
    "slo.bounds[].min": "read by `retail-twin check`, not by a run",
    "slo.bounds[].relative.delta_max": "read by `retail-twin check`, not by a run",
    "slo.bounds[].relative.delta_min": "read by `retail-twin check`, not by a run",
    "slo.bounds[].relative.ratio_max": "read by `retail-twin check`, not by a run",
    "slo.bounds[].relative.ratio_min": "read by `retail-twin check`, not by a run",
}

#: fields the schema describes but the twin rejects at load whatever their value, each with the
#: override (on ``tiny`` under ``model``) that must be reported with the field's path, and why
REJECTED: dict[str, tuple[str, str, str]] = {
    "automation.rules[].actions[].callable": (
        auto((rule(actions=[{"state": "code", "callable": "po_watchdog"}]),)),
        "hybrid",
        "no Python from a scenario; the server actions take no records (they crashed the run)",
    ),
    "automation.rules[].actions[].children[].callable": (
        auto((rule(actions=[multi({"state": "code", "callable": "po_watchdog"})]),)),
        "hybrid",
        "as above, inside Execute Existing Actions",
    ),
}


# --------------------------------------------------------------------------- the README table
README = ROOT / "README.md"
BEGIN = "<!-- levers:begin (generated by `python -m tests.levers`; do not edit) -->"
END = "<!-- levers:end -->"


def _shown(text: str) -> str:
    """An override as the README shows it: repository paths relative, pipes escaped."""
    return text.replace(f"{ROOT}/", "").replace("|", "\\|")


def table() -> str:
    """The lever table: one row per schema leaf, in path order."""
    rows: dict[str, str] = {}
    for c in CASES:
        what = c.why or " ".join(f"`{_shown(o)}`" for o in c.overrides)
        if c.why and not c.path.startswith("automation."):
            what = " ".join(f"`{_shown(o)}`" for o in c.overrides) + f": {c.why}"
        arrow = {"up": "up", "down": "down", "moves": "moves (sign depends on the draw)"}
        rows[c.path] = f"| {what} | `{c.kpi}` | {arrow[c.direction]} | {c.model}, {c.days} d |"
    for path, why in INERT.items():
        rows[path] = f"| inert by nature: {why} | | | |"
    for path, (_, _, why) in REJECTED.items():
        rows[path] = f"| rejected at load: {why} | | | |"
    head = [
        f"{len(rows)} leaves: {len(CASES)} sensitivity cases, "
        f"{len(INERT)} inert, {len(REJECTED)} rejected at load.",
        "",
        "| field | what the case changes | KPI the test shows moving | direction | model, days |",
        "|---|---|---|---|---|",
    ]
    return "\n".join(head + [f"| `{p}` {rows[p]}" for p in sorted(rows)])


def readme_with_table(text: str) -> str:
    """``text`` (the README) with the table between its markers regenerated."""
    start, end = text.index(BEGIN) + len(BEGIN), text.index(END)
    return text[:start] + "\n" + table() + "\n" + text[end:]


def main(argv: list[str] | None = None) -> int:
    import sys

    args = sys.argv[1:] if argv is None else argv
    text = README.read_text(encoding="utf-8")
    new = readme_with_table(text)
    if "--check" in args:
        if new != text:
            print("README lever table is stale: run `.venv/bin/python -m tests.levers`")
            return 1
        return 0
    README.write_text(new, encoding="utf-8")
    print(f"README lever table: {len(CASES)} cases written")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
