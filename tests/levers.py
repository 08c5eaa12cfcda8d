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
- ``DEAD``: levers whose case is declared and does NOT hold today (the issue's known dead
  levers); they run as strict expected failures, so fixing one turns the suite red until it is
  moved to ``CASES``;
- ``UNCOVERED``: leaves without a case yet. The test only lets this list shrink: a new field
  must come with its case. (Issue 18 asks for none; what is left is listed in the report.)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

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

#: every known dead lever of issue 18 was fixed by a18 (the approval matrix as data): none left
DEAD: list[Lever] = []

N8N = "n8n workflow import and node profiles (main, merged at the end of issue 18): case to write"
BREAKERS = "circuit breakers and DLQ re-drive, reported in runs since 0b17bd4: case to write"
#: leaves without a passing case yet, with what the probes (tiny, 7 and 21 days) showed
UNCOVERED: dict[str, str] = {
    "catalogue.file": "a real catalogue from a file (interop, merged at the end of issue 18)",
    "network.stores.file": "real stores from a file (interop, merged at the end of issue 18)",
    "orchestration.integration.n8n_node_profiles.*.empty_rate": N8N,
    "orchestration.integration.n8n_node_profiles.*.failure_rate": N8N,
    "orchestration.integration.n8n_node_profiles.*.latency_s_median": N8N,
    "orchestration.integration.n8n_node_profiles.*.latency_s_p95": N8N,
    "orchestration.integration.n8n_workflows": N8N,
    # added by the House commit: circuit breakers and DLQ re-drive on the outbound n8n path
    "orchestration.integration.breakers.*.failure_rate_threshold": BREAKERS,
    "orchestration.integration.breakers.*.half_open_probes": BREAKERS,
    "orchestration.integration.breakers.*.minimum_calls": BREAKERS,
    "orchestration.integration.breakers.*.open_duration_s": BREAKERS,
    "orchestration.integration.breakers.*.window_size": BREAKERS,
    "orchestration.integration.dead_letters.max_redrives": BREAKERS,
    "orchestration.integration.dead_letters.redrive_every_h": BREAKERS,
    "orchestration.plugins.*": "a plugin model's parameters, validated by its own class",
    "channels.marketplace.feed_latency_min": "no KPI moved under event_driven in 21 days",
    "channels.mix.*": "shares must sum to 1: a case needs the whole mapping",
    "inventory.receipt_count_error_units.p90": "no KPI moved in 21 days",
    "network.bank_changes.discovery_days": "no KPI moved (event_driven, 7 days): needs payments",
    "network.carriers[].share": "tiny has one carrier",
    "orchestration.manual.invoice_entry_h.median": "no KPI moved in 7 days",
    "orchestration.manual.invoice_entry_h.p90": "no KPI moved in 7 days",
    "orchestration.manual.channel_sync_hour": "no KPI moved in 7 days (suspect)",
    "orchestration.manual.backorder_cancel_after_days": "no KPI moved in 7 days",
    "orchestration.integration.backorder_cancel_after_days": "no KPI moved in 7 days",
    "orchestration.integration.n8n_workers": "only queue_depth_max moved, with concurrency",
    "orchestration.integration.n8n_concurrency": "only queue_depth_max moved, with workers",
    "orchestration.integration.retry_max_tries": "needs failing n8n nodes",
    "orchestration.integration.retry_wait_ms": "needs failing n8n nodes",
    "policy.purchase.high_from": "no KPI moved under manual (manual has its own limits)",
    "policy.refund.high_from": "no KPI moved under hybrid in 21 days (suspect)",
    "policy.inventory_variance_value.high_from": "no KPI moved under hybrid in 21 days (suspect)",
    "governance.escalation.deadline_h.*": "no KPI moved under hybrid in 7 days",
    "governance.escalation.escalate_to.*": "no KPI moved (hybrid, buyers to finance, 7 days)",
    "governance.vacations.*[].absent_share": "no KPI moved with one buyer (suspect)",
    "governance.vacations.*[].start_day": "no KPI moved with one buyer (suspect)",
    "governance.bank_change_checks.review_detection": "no KPI moved (approval_centric, hybrid)",
    "security.tolerance_s": "case to write (replayed_webhook attacks; at most 3600 s)",
    "faults.supplier_delays[].end": "case to write",
    "faults.supplier_delays[].start": "case to write",
    "faults.supplier_delays[].suppliers": "case to write",
    "faults.rate_limits[].channel": "no KPI moved moving the window to marketplace (suspect)",
    "faults.integration.reorder_hold_s.p90": "no KPI moved (event_driven, 7 days)",
}
#: the declared automation (rules, server actions, scheduled actions): installed and run by the
#: mock, tested in tests/test_scheduled_automation.py; one case per field is still to write
AUTOMATION_PREFIX = "automation."
