"""The scenario: everything that defines one simulated retailer, as pure validated data.

Why one long module: it is the reference of every scenario field, read top to bottom in the
order of a scenario file; splitting it would scatter that reference (its parts that stand alone,
``governance``, ``automation`` and ``slo``, have their own modules).

A scenario is a tree of strict pydantic v2 models. Strict means: unknown keys are rejected
(``extra="forbid"``), and no silent coercion happens (the string ``"12"`` is not an integer; an
integer is accepted where a float is expected, as JSON does). Models are frozen, so a resolved
scenario can be hashed, shipped to a worker and recorded beside its results unchanged.

Units, everywhere in this module:
- calendar positions are ``datetime.date`` (YAML ``2025-11-28``) or whole days since ``start_date``;
- durations carry their unit in the field name (``_h`` hours, ``_min`` minutes, ``_s`` seconds,
  ``_days`` days); rates are fractions in [0, 1] unless the name says ``per_``;
- money is in the scenario's ``currency``.

Cross-field rules (names that must exist, shares that must sum to 1, ...) are not raised one at
a time from validators: :func:`semantic_problems` lists every one of them, so a bad file gets a
complete report. This package imports nothing else of RetailTwin.
"""

from __future__ import annotations

import datetime as dt
import math
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from scenarios.automation import AutomationConfig
from scenarios.bounds import (
    MAX_ATTACKS_PER_DAY,
    MAX_BANK_CHANGES_PER_MONTH,
    MAX_DISCOUNT_REQUESTS_PER_STORE_DAY,
    MAX_STORE_UNITS_PER_DAY,
    Count,
    NonNegative,
    Positive,
    rate,
)
from scenarios.governance import Governance
from scenarios.slo import Slo

Fraction = Annotated[float, Field(ge=0.0, le=1.0)]
Weekday = Annotated[int, Field(ge=0, le=6, description="0 = Monday ... 6 = Sunday")]
Name = Annotated[str, Field(min_length=1, max_length=64, pattern=r"^[A-Za-z0-9_.\-]+$")]

#: z-score of the 90th and 95th percentiles of a standard normal, used to turn (median, pXX)
#: into a lognormal sigma.
Z90 = 1.2815515655446004
Z95 = 1.6448536269514722


class Strict(BaseModel):
    """Base of every scenario model: unknown keys rejected, no coercion, immutable."""

    model_config = ConfigDict(extra="forbid", strict=True, frozen=True, allow_inf_nan=False)


class LogNormal(Strict):
    """A right-skewed positive quantity given by its median and 90th percentile."""

    median: Positive
    p90: Positive

    @property
    def mu(self) -> float:
        return math.log(self.median)

    @property
    def sigma(self) -> float:
        return max(math.log(self.p90 / self.median), 0.0) / Z90


# --------------------------------------------------------------------------- network
class StoresConfig(Strict):
    """Stores are generated, not listed: ``count`` stores whose sizes are lognormal.

    With ``file`` (a Parquet table written by ``retail-twin import``, relative to the scenario
    file: columns ``name``, ``size`` (relative walk-in demand, mean 1) and ``dc`` (the warehouse
    serving the store)) the stores are as given instead: ``count`` must equal its rows and
    ``size_sigma`` must not be set.
    """

    count: Annotated[int, Field(ge=1, le=5000)]
    size_sigma: Annotated[float, Field(ge=0.0, le=2.0)] = 0.45
    file: Annotated[str, Field(min_length=1)] | None = None
    open_h: Annotated[float, Field(ge=0, le=24)] = 9.0
    close_h: Annotated[float, Field(ge=0, le=24)] = 21.0


class Warehouse(Strict):
    """A distribution centre. Exactly one warehouse is the online fulfilment centre."""

    name: Name
    serves_online: bool = False
    handling_h: LogNormal = LogNormal(median=6.0, p90=20.0)


class Supplier(Strict):
    """A vendor: lead time, punctuality, completeness and invoicing behaviour."""

    name: Name
    sku_share: Positive = 1.0
    preferred: bool = True
    lead_time_days: LogNormal
    on_time_prob: Fraction = 0.86
    late_extra_days: LogNormal = LogNormal(median=3.0, p90=8.0)
    in_full_prob: Fraction = 0.94
    short_fill_min: Fraction = 0.6
    confirmation_h: LogNormal = LogNormal(median=20.0, p90=60.0)
    invoice_price_mismatch_prob: Fraction = 0.08
    invoice_delay_days: LogNormal = LogNormal(median=2.0, p90=7.0)


class Carrier(Strict):
    """A parcel carrier for online orders."""

    name: Name
    share: Positive
    transit_days: LogNormal = LogNormal(median=2.0, p90=4.0)
    on_time_prob: Fraction = 0.97
    late_extra_days: LogNormal = LogNormal(median=1.0, p90=3.0)


class BankChanges(Strict):
    """Requests to change a supplier's bank account for payments (supplier master data).

    ``per_month`` requests arrive across all suppliers (Poisson, 30-day months; stream
    ``supplier.bank_changes``); ``fraud_share`` of them are vendor impersonation (business email
    compromise) — ground truth the twin keeps, never on the request. A fraudulent account that
    gets confirmed receives the supplier's payments until the genuine supplier chases its unpaid
    bills, ``discovery_days`` after the first diverted payment. Rates are ASSUMPTIONS
    (RETAIL_PARAMS has no source): one change a month across a few dozen vendors, one in ten a
    fraud attempt, discovered at the next dunning cycle (30 days).
    """

    per_month: rate(MAX_BANK_CHANGES_PER_MONTH) = 1.0
    fraud_share: Fraction = 0.1
    discovery_days: Positive = 30.0


class Network(Strict):
    stores: StoresConfig
    warehouses: Annotated[list[Warehouse], Field(min_length=2)]
    suppliers: Annotated[list[Supplier], Field(min_length=1)]
    carriers: Annotated[list[Carrier], Field(min_length=1)]
    bank_changes: BankChanges = BankChanges()
    dc_to_store_transit_days: Annotated[int, Field(ge=0, le=30)] = 1
    store_delivery_weekdays: Annotated[list[Weekday], Field(min_length=1)] = [0, 2, 4]


# --------------------------------------------------------------------------- channels
class OnlineChannel(Strict):
    """An online storefront selling from its own, possibly stale, availability feed."""

    feed_latency_min: NonNegative = 5.0
    safety_stock_units: Count = 0
    promise_days: Annotated[int, Field(ge=1, le=30)] = 5


class Channels(Strict):
    """Channel mix of unit demand (sums to 1) and the online channels' behaviour."""

    mix: dict[Literal["pos", "ecommerce", "marketplace"], Fraction] = {
        "pos": 0.82,
        "ecommerce": 0.16,
        "marketplace": 0.02,
    }
    ecommerce: OnlineChannel = OnlineChannel()
    marketplace: OnlineChannel = OnlineChannel(feed_latency_min=20.0, safety_stock_units=1)


# --------------------------------------------------------------------------- catalogue
class Catalogue(Strict):
    """The assortment: generated SKUs with lognormal prices and a Zipf-like popularity.

    With ``file`` (a Parquet table written by ``retail-twin import``, relative to the scenario
    file: columns ``sku``, ``category``, ``price``, ``cost``, ``supplier`` (a supplier's name)
    and ``popularity`` (share of units)) the catalogue is as given instead: ``skus`` must equal
    its rows, and ``price``, ``gross_margin``, ``gross_margin_sd``, ``popularity_exponent`` and
    the suppliers' ``sku_share`` must not be set.
    """

    skus: Annotated[int, Field(ge=1, le=100_000)]
    price: LogNormal = LogNormal(median=25.0, p90=90.0)
    gross_margin: Fraction = 0.36
    gross_margin_sd: Annotated[float, Field(ge=0.0, le=0.3)] = 0.08
    popularity_exponent: Annotated[float, Field(ge=0.0, le=2.0)] = 0.8
    case_pack: Annotated[int, Field(ge=1, le=1000)] = 6
    file: Annotated[str, Field(min_length=1)] | None = None


# --------------------------------------------------------------------------- demand
class SeasonWindow(Strict):
    """A multiplier on demand between two dates (inclusive), optionally for some channels."""

    name: Name
    start: dt.date
    end: dt.date
    multiplier: Positive
    channels: list[Literal["pos", "ecommerce", "marketplace"]] | None = None


class Promotion(Strict):
    """A price promotion on a share of the catalogue; uplift defaults to demand.promo_uplift."""

    name: Name
    start: dt.date
    end: dt.date
    sku_share: Fraction
    discount: Fraction
    uplift: Positive | None = None


class Returns(Strict):
    online_rate: Fraction = 0.18
    store_rate: Fraction = 0.10
    fraud_share: Fraction = 0.137
    online_return_days: LogNormal = LogNormal(median=12.0, p90=25.0)
    inspection_days: LogNormal = LogNormal(median=2.0, p90=6.0)


class Payments(Strict):
    """Card-not-present authorisation and what customers do after a decline."""

    decline_rate: Fraction = 0.035
    retry_other_card: Fraction = 0.25
    abandon: Fraction = 0.39
    retry_after_notice: Fraction = 0.36
    retry_success_prob: Fraction = 0.8
    notice_patience_h: Positive = 48.0


class Tickets(Strict):
    """Customer-service tickets, opened from what happens to online orders (stream ``tickets``).

    Volume follows the world: a late, backordered or label-delayed order brings a "where is my
    order" ticket with probability ``wismo_if_late``; a delivered order a damaged-item claim
    with ``damaged_per_delivery``; a return a return query with ``return_query``; a declined
    payment a payment ticket with ``payment_issue``; any accepted order a general question with
    ``other_per_order``. Calibrated to ~67 tickets per 1,000 online orders with WISMO ~18% of
    them (RETAIL_PARAMS section 8, Gorgias [20]); the split by situation is an ASSUMPTION.
    """

    wismo_if_late: Fraction = 0.15
    damaged_per_delivery: Fraction = 0.008
    return_query: Fraction = 0.1
    payment_issue: Fraction = 0.15
    other_per_order: Fraction = 0.023


class Demand(Strict):
    """Customers' demand: volume, weekly and seasonal shape, promotions, orders, returns."""

    store_units_per_day: Annotated[float, Field(gt=0.0, le=MAX_STORE_UNITS_PER_DAY)]
    weekly_profile: Annotated[list[Positive], Field(min_length=7, max_length=7)] = [
        0.85,
        0.85,
        0.9,
        0.95,
        1.1,
        1.35,
        1.0,
    ]
    day_noise_cv: Annotated[float, Field(ge=0.0, le=2.0)] = 0.15
    seasonality: list[SeasonWindow] = []
    promotions: list[Promotion] = []
    promo_uplift: Positive = 1.8
    lines_per_online_order_mean: Annotated[float, Field(ge=1.0, le=20.0)] = 1.8
    units_per_line_mean: Annotated[float, Field(ge=1.0, le=20.0)] = 1.3
    pos_units_per_basket: Annotated[float, Field(ge=1.0, le=50.0)] = 2.4
    discount_requests_per_store_day: rate(MAX_DISCOUNT_REQUESTS_PER_STORE_DAY) = 3.0
    discount_depth: LogNormal = LogNormal(median=0.12, p90=0.3)
    returns: Returns = Returns()
    payments: Payments = Payments()
    tickets: Tickets = Tickets()


# --------------------------------------------------------------------------- inventory
class ReorderPolicy(Strict):
    """(s, S) in days of forecast cover: order up to S when position falls below s."""

    reorder_point_days: Positive
    order_up_to_days: Positive


class Inventory(Strict):
    """Starting stock, replenishment policy and what makes records drift from the shelf."""

    initial_cover_days_store: Positive = 10.0
    initial_cover_days_dc: Positive = 21.0
    store_policy: ReorderPolicy = ReorderPolicy(reorder_point_days=5.0, order_up_to_days=10.0)
    dc_policy: ReorderPolicy = ReorderPolicy(reorder_point_days=18.0, order_up_to_days=35.0)
    store_min_presentation_units: Annotated[int, Field(ge=0, le=1000)] = 2
    shrink_share_of_sales: Fraction = 0.016
    receipt_count_error_prob: Fraction = 0.03
    receipt_count_error_units: LogNormal = LogNormal(median=1.0, p90=4.0)
    cycle_count_interval_days: Annotated[int, Field(ge=1, le=3650)] = 90


# --------------------------------------------------------------------------- policy
class TierBounds(Strict):
    """A request below ``low_below`` is low risk; at or above ``high_from`` high risk."""

    low_below: NonNegative
    high_from: NonNegative


class LateSupplierResponse(Strict):
    """What an expedite buys and costs when a model expedites a late PO (assumptions: premium
    freight for a few days' gain at about a tenth of the goods' value; RETAIL_PARAMS has none),
    and when a late-supplier exception nobody in procurement has picked up escalates to
    procurement leadership (elapsed hours; assumption: one day, the buyers' exception target)."""

    expedite_days: Annotated[float, Field(gt=0, le=60)] = 3.0
    expedite_cost_share: Fraction = 0.10
    #: elapsed hours a late-supplier exception may wait for a buyer before it goes to
    #: procurement leadership (and finance is told); one day, the buyers' exception target
    escalate_after_h: Positive = 24.0
    #: the approver pool of procurement leadership ("" = no escalation)
    escalate_to: Annotated[str, Field(max_length=64, pattern=r"^[A-Za-z0-9_.\-]*$")] = (
        "procurement_leads"
    )


class Policy(Strict):
    """Approval thresholds and risk tiers (money in currency; discount depth as fraction)."""

    purchase: TierBounds = TierBounds(low_below=5_000.0, high_from=50_000.0)
    refund: TierBounds = TierBounds(low_below=100.0, high_from=500.0)
    discount_depth: TierBounds = TierBounds(low_below=0.10, high_from=0.25)
    inventory_variance_value: TierBounds = TierBounds(low_below=50.0, high_from=1_000.0)
    margin_floor: Fraction = 0.15
    late_supplier: LateSupplierResponse = LateSupplierResponse()
    deadline_h: dict[Literal["low", "medium", "high"], Positive] = {
        "low": 4.0,
        "medium": 48.0,
        "high": 120.0,
    }


class Calendar(Strict):
    """Working days and hours of a team (hours of day in [0, 24])."""

    weekdays: Annotated[list[Weekday], Field(min_length=1)] = [0, 1, 2, 3, 4]
    open_h: Annotated[float, Field(ge=0, le=24)] = 9.0
    close_h: Annotated[float, Field(ge=0, le=24)] = 17.0


class Pool(Strict):
    """A pool of interchangeable people working one FIFO queue in their calendar."""

    size: Annotated[int, Field(ge=1, le=10_000)]
    calendar: Calendar = Calendar()
    handling_min: LogNormal = LogNormal(median=10.0, p90=30.0)
    #: fully loaded cost of one hour of this team's work (assumption: RETAIL_PARAMS has no
    #: wages); prices the hours worked into ``labour_cost``
    hourly_cost: Annotated[float, Field(ge=0, le=10_000)] = 35.0


class Approvals(Strict):
    pools: dict[Name, Pool] = {
        "store_managers": Pool(
            size=40,
            calendar=Calendar(weekdays=[0, 1, 2, 3, 4, 5, 6], open_h=9, close_h=21),
            handling_min=LogNormal(median=3.0, p90=8.0),
        ),
        "buyers": Pool(size=3),
        "finance": Pool(size=2),
        "customer_service": Pool(size=16, calendar=Calendar(weekdays=[0, 1, 2, 3, 4, 5])),
        "inventory_control": Pool(size=2),
        # procurement leadership: late-supplier exceptions escalate here
        # (policy.late_supplier.escalate_to)
        "procurement_leads": Pool(size=1),
        # first-line agents answering customer tickets, 7 days 08-20 (assumption: sized for
        # ~67 tickets per 1,000 online orders at ~40% utilisation; RETAIL_PARAMS section 8)
        "contact_centre": Pool(
            size=6,
            calendar=Calendar(weekdays=[0, 1, 2, 3, 4, 5, 6], open_h=8, close_h=20),
            handling_min=LogNormal(median=8.0, p90=20.0),
        ),
    }


# --------------------------------------------------------------------------- faults
#: integration hops a fault window can hit (docs/faults.md says what each one breaks)
FaultTarget = Literal[
    "carrier_api",
    "erp_webhook",
    "erp_api",
    "channel_sync",
    "payment_gateway",
    "middleware",
    "pos_upload",
]
#: inbound-webhook delivery faults a window can switch on (see :class:`DeliveryFault`)
DeliveryFaultKind = Literal["drop", "duplicate", "reorder", "crash_after_effect"]
#: the online channels whose availability API can answer 429 Too Many Requests
RateLimitedChannel = Literal["ecommerce", "marketplace"]
#: scheduled jobs a cron lag can hold back; ``all`` = every one of them
CronJob = Literal["all", "replenishment", "channel_sync", "po_watchdog", "odoo_cron"]


class FaultWindow(Strict):
    """A window of ``duration_h`` hours from ``start_day`` (days since start_date, fractional)."""

    start_day: NonNegative
    duration_h: Positive


class Outage(FaultWindow):
    """A window in which calls to ``target`` fail with probability ``intensity``."""

    target: FaultTarget
    intensity: Fraction = 1.0


class SupplierDelay(Strict):
    """Extra lead time for deliveries due in the window (``suppliers`` empty = all)."""

    suppliers: list[Name] = []
    start: dt.date
    end: dt.date
    extra_days: Positive


class DeliveryFault(FaultWindow):
    """Inbound webhooks misbehave inside the window, on top of the background ``integration``.

    ``intensity`` is the probability per delivery: ``drop`` (no 2xx, the sender re-sends),
    ``duplicate`` (delivered twice), ``reorder`` (held back ``hold_s`` so later events overtake
    it), ``crash_after_effect`` (the worker applies the effect and dies before acknowledging, so
    the sender re-delivers).
    """

    kind: DeliveryFaultKind
    intensity: Fraction


class RateLimit(FaultWindow):
    """The channel's availability API answers a share ``intensity`` of calls with 429 and a
    ``Retry-After`` of ``retry_after_s``; a call before that time is refused again."""

    channel: RateLimitedChannel = "marketplace"
    intensity: Fraction = 1.0
    retry_after_s: Annotated[float, Field(gt=0.0, le=86_400.0)] = 60.0


class ApproverAbsence(FaultWindow):
    """A share ``intensity`` of the approval pool ``pool`` is away (sickness wave, offsite)."""

    pool: Name
    intensity: Fraction


class CronLag(FaultWindow):
    """Scheduled jobs due inside the window start ``lag_h`` hours late (an overloaded worker)."""

    job: CronJob = "all"
    lag_h: Annotated[float, Field(gt=0.0, le=240.0)]


class IntegrationFaults(Strict):
    """Background behaviour of every inbound integration hop, for the whole run."""

    drop_rate: Fraction = 0.0
    duplicate_rate: Fraction = 0.0
    reorder_rate: Fraction = 0.0
    crash_after_effect_rate: Fraction = 0.0
    #: how long a reordered delivery is held back (seconds)
    reorder_hold_s: LogNormal = LogNormal(median=120.0, p90=900.0)
    latency_s: LogNormal = LogNormal(median=0.3, p90=1.5)


class Faults(Strict):
    outages: list[Outage] = []
    supplier_delays: list[SupplierDelay] = []
    integration: IntegrationFaults = IntegrationFaults()
    deliveries: list[DeliveryFault] = []
    rate_limits: list[RateLimit] = []
    approver_absences: list[ApproverAbsence] = []
    cron_lags: list[CronLag] = []

    def problems(self, pools: list[str], horizon_days: int) -> list[tuple[str, str, str]]:
        """Pool names that do not exist and windows that start after the horizon."""
        out: list[tuple[str, str, str]] = []
        for i, a in enumerate(self.approver_absences):
            if a.pool not in pools:
                out.append(
                    (f"faults.approver_absences[{i}].pool", f"one of {sorted(pools)}", a.pool)
                )
        for name in ("deliveries", "rate_limits", "approver_absences", "cron_lags"):
            for i, w in enumerate(getattr(self, name)):
                if w.start_day >= horizon_days:
                    out.append(
                        (
                            f"faults.{name}[{i}].start_day",
                            f"< horizon_days ({horizon_days})",
                            str(w.start_day),
                        )
                    )
        return out


# --------------------------------------------------------------------------- security
ControlName = Literal[
    "signature_check", "replay_protection", "scope_check", "sod_check", "bank_change_dual_control"
]
AttackName = Literal[
    "forged_refund",
    "replayed_webhook",
    "tampered_payload",
    "self_approval",
    "bank_change_fraud",
    "scope_misuse",
]


class Security(Strict):
    """Security controls (on/off) and the attack attempts a run is exposed to (per day)."""

    controls: dict[ControlName, bool] = {
        "signature_check": True,
        "replay_protection": True,
        "scope_check": True,
        "sod_check": True,
        "bank_change_dual_control": True,
    }
    attacks_per_day: dict[AttackName, rate(MAX_ATTACKS_PER_DAY)] = {}
    tolerance_s: Annotated[float, Field(gt=0, le=3600)] = 300.0


# --------------------------------------------------------------------------- orchestration
class ManualParams(Strict):
    """Today's retailer: email approvals, a spreadsheet of exceptions, nightly batch syncs."""

    channel_sync_hour: Annotated[float, Field(ge=0, lt=24)] = 2.0
    channel_sync_interval_h: Annotated[float, Field(ge=1.0, le=168.0)] = 24.0
    replenishment_hour: Annotated[float, Field(ge=0, lt=24)] = 1.0
    email_pickup_h: LogNormal = LogNormal(median=8.0, p90=30.0)
    po_auto_approve_below: NonNegative = 1_000.0
    exception_review_hour: Annotated[float, Field(ge=0, lt=24)] = 10.0
    backorder_cancel_after_days: Positive = 7.0
    store_manager_discount_limit: Fraction = 0.20
    invoice_entry_h: LogNormal = LogNormal(median=12.0, p90=40.0)
    #: working hours before a store manager reaches the till for a price override (issue 14:
    #: calibrated from a retailer's approval log); unset, the manager is at hand at once
    till_pickup_h: LogNormal | None = None
    #: the email pickup of one approver pool (its requests' first step), where it differs from
    #: ``email_pickup_h`` (issue 14: calibrated per role from a retailer's approval log)
    email_pickup_by_pool: dict[Name, LogNormal] = {}


class ConnectorRetry(Strict):
    """How a sender re-delivers a webhook the receiver did not acknowledge (Shopify: 8 over 4 h)."""

    initial_interval_s: Positive = 60.0
    backoff_coefficient: Annotated[float, Field(ge=1.0, le=10.0)] = 2.0
    maximum_interval_s: Positive = 3_600.0
    maximum_attempts: Annotated[int, Field(ge=1, le=100)] = 8


#: outbound integration targets of the automated models' n8n work, by the command they carry
BreakerTarget = Literal["payment_gateway", "channel_sync", "customer_messages", "supplier_edi"]


class BreakerParams(Strict):
    """A circuit breaker in front of one integration target (count-based sliding window).

    Defaults are resilience4j's (failure rate 50%, window and minimum 100 calls, 60 s open, 10
    half-open probes); smaller windows trip sooner on the twin's lower call volumes.
    """

    failure_rate_threshold: Annotated[float, Field(gt=0, le=1)] = 0.5
    window_size: Annotated[int, Field(ge=1, le=10_000)] = 100
    minimum_calls: Annotated[int, Field(ge=1, le=10_000)] = 100
    open_duration_s: Annotated[float, Field(gt=0, le=86_400)] = 60.0
    half_open_probes: Annotated[int, Field(ge=1, le=1_000)] = 10


class DeadLetterParams(Strict):
    """What happens to n8n work (a refund payment, a customer message) that still failed after
    Retry On Fail: parked in the dead-letter queue; with ``redrive_every_h`` re-driven to its
    target that often, up to ``max_redrives`` times, its event in flight meanwhile (settled when
    a redrive delivers it, dead-lettered when they run out). Without it (the default) the event
    is dead-lettered at once and the letter waits for a person."""

    redrive_every_h: Annotated[float, Field(gt=0, le=720)] | None = None
    max_redrives: Annotated[int, Field(ge=1, le=1_000)] = 3


class N8nNodeProfile(Strict):
    """How an imported n8n node behaves in the twin: call latency (s, lognormal by median and
    95th percentile), the share of runs that fail, and (Code nodes) that output no items."""

    latency_s_median: NonNegative = 0.0
    latency_s_p95: NonNegative = 0.0
    failure_rate: Fraction = 0.0
    empty_rate: Fraction = 0.0


class IntegrationParams(Strict):
    """How the automated models wire Odoo, n8n and the channels (shared by all four)."""

    availability_push_interval_min: Positive = 5.0
    rfq_merge_window_h: Positive = 1.0
    backorder_cancel_after_days: Positive = 3.0
    idempotency: bool = True
    n8n_workers: Annotated[int, Field(ge=1, le=64)] = 2
    n8n_concurrency: Annotated[int, Field(ge=1, le=100)] = 10
    retry_max_tries: Annotated[int, Field(ge=1, le=10)] = 3
    #: n8n's Wait Between Tries, capped at 5,000 ms by n8n itself (a longer wait would be
    #: accepted and run as 5 s, so it is rejected here)
    retry_wait_ms: Annotated[float, Field(ge=0.0, le=5_000.0)] = 1_000.0
    connector_retry: ConnectorRetry = ConnectorRetry()
    #: circuit breakers by outbound target (none by default: every call reaches its target)
    breakers: dict[BreakerTarget, BreakerParams] = {}
    dead_letters: DeadLetterParams = DeadLetterParams()
    #: n8n export (JSON file) whose workflows replace the built-in wiring; ``builtin`` is the
    #: shipped export of the built-in flows (orchestration/integration/flows/builtin.json).
    #: Its nodes' own Retry On Fail settings apply (retry_max_tries/_wait_ms must stay default).
    n8n_workflows: str | None = None
    #: profiles of the export's nodes, by node name or node type (``httpRequest``, ``code``,
    #: ``odoo``...); a Code node needs one. Only with ``n8n_workflows``.
    n8n_node_profiles: dict[str, N8nNodeProfile] = {}


class EventDrivenParams(Strict):
    """Straight-through: price overrides approved by rule up to a depth, with no margin check."""

    auto_discount_limit: Fraction = 0.30


class ApprovalCentricParams(Strict):
    """Governance first: every policy-relevant action waits for a person in the approval app."""

    approval_pickup_h: LogNormal = LogNormal(median=2.0, p90=8.0)


class ExceptionDrivenParams(Strict):
    """Straight-through by default; anomalies (by these thresholds) go to people."""

    fraud_signal_threshold: Fraction = 0.6
    refund_triage_threshold: Fraction = 0.75
    ticket_triage_threshold: Fraction = 0.7
    invoice_triage_threshold: Fraction = 0.7
    invoice_price_tolerance: Fraction = 0.03
    po_watchdog_h: Positive = 36.0


class HybridParams(ExceptionDrivenParams):
    """Event-driven for routine, approvals where risk is high, exception handling for resilience."""

    approval_pickup_h: LogNormal = LogNormal(median=2.0, p90=8.0)


#: the process areas a phased rollout automates one by one (``orchestration.rollout``)
ROLLOUT_AREAS = (
    "purchase",
    "discount",
    "refund",
    "inventory_adjustment",
    "invoice",
    "bank_change",
    "tickets",
    "availability",
    "supplier_delay",
)
#: a rollout area's mode: ``manual`` or the preset whose policy the area takes
RolloutMode = Literal["manual", "event_driven", "approval_centric", "exception_driven", "hybrid"]
#: the short names of the presets a rollout table may use (``purchase: approval``)
ROLLOUT_ALIASES = {
    "event": "event_driven",
    "approval": "approval_centric",
    "exception": "exception_driven",
}


def _rollout_mode(value: Any) -> Any:
    return ROLLOUT_ALIASES.get(value, value) if isinstance(value, str) else value


Mode = Annotated[RolloutMode, BeforeValidator(_rollout_mode)]


class Rollout(Strict):
    """A phased rollout: per process area, ``manual`` or the preset whose policy it takes.

    Read by the ``rollout`` model (``orchestration.model: rollout``, or ``model:`` given as this
    table). Areas left out stay ``manual``: the manual model's decision and its human channel
    (e-mail pickup, the daily exceptions spreadsheet, nightly files) inside the automated
    wiring — see :mod:`orchestration.models.rollout` for what that means and its limits.
    """

    purchase: Mode = "manual"
    discount: Mode = "manual"
    refund: Mode = "manual"
    inventory_adjustment: Mode = "manual"
    invoice: Mode = "manual"
    bank_change: Mode = "manual"
    tickets: Mode = "manual"
    availability: Mode = "manual"
    supplier_delay: Mode = "manual"

    def automated(self) -> dict[str, str]:
        """The areas not left manual, and their preset."""
        return {a: m for a in ROLLOUT_AREAS if (m := getattr(self, a)) != "manual"}


class Orchestration(Strict):
    """Which orchestration model runs, and each model's parameters.

    ``model`` names a registered model, or is a per-area table (a phased rollout), which is
    read as ``model: rollout`` with that table as the whole ``rollout`` block.
    """

    @model_validator(mode="before")
    @classmethod
    def _table_as_rollout(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("model"), dict):
            # the table is the whole statement: it replaces any ``rollout`` block (a resolved
            # scenario spells one out), areas it leaves out are manual
            data = {**data, "model": "rollout", "rollout": data["model"]}
        return data

    model: Name = "manual"
    rollout: Rollout = Rollout()
    manual: ManualParams = ManualParams()
    integration: IntegrationParams = IntegrationParams()
    event_driven: EventDrivenParams = EventDrivenParams()
    approval_centric: ApprovalCentricParams = ApprovalCentricParams()
    exception_driven: ExceptionDrivenParams = ExceptionDrivenParams()
    hybrid: HybridParams = HybridParams()
    #: parameters of models registered by plugins, by model name: validated by the model's own
    #: parameters class when the scenario is run (an unknown model or field is an error)
    plugins: dict[Name, dict[str, Any]] = {}


# --------------------------------------------------------------------------- scenario
#: the simulated classifier's classes per item type, in the order of a confusion matrix's rows
#: and columns (the same as ``orchestration.triage.presets``; a test keeps them equal)
TRIAGE_CLASSES: dict[str, tuple[str, ...]] = {
    "tickets": ("wismo", "return_request", "damaged_item", "payment_issue", "other"),
    "refunds": ("standard", "policy_exception", "suspected_fraud"),
    "invoices": ("clean_match", "price_mismatch", "quantity_mismatch", "duplicate_invoice"),
}


class TriageAccuracy(Strict):
    """The accuracy a pilot measured: ``confusion[i][j]`` = P(predicted class j | true class i),
    rows and columns in the order of ``TRIAGE_CLASSES``; each row sums to 1."""

    confusion: list[list[Fraction]]


class Triage(Strict):
    """Per item type, the classifier's measured accuracy (none: the preset's assumptions)."""

    tickets: TriageAccuracy | None = None
    refunds: TriageAccuracy | None = None
    invoices: TriageAccuracy | None = None


class Scenario(Strict):
    """One simulated retailer, one horizon, one seed: everything a run depends on."""

    name: Name
    description: str = ""
    seed: Annotated[int, Field(ge=0, lt=2**63)]
    horizon_days: Annotated[int, Field(ge=1, le=1_000)]
    start_date: dt.date = dt.date(2025, 9, 1)
    currency: Annotated[str, Field(min_length=3, max_length=3)] = "USD"
    network: Network
    channels: Channels = Channels()
    catalogue: Catalogue
    demand: Demand
    inventory: Inventory = Inventory()
    policy: Policy = Policy()
    approvals: Approvals = Approvals()
    faults: Faults = Faults()
    orchestration: Orchestration = Orchestration()
    automation: AutomationConfig = AutomationConfig()
    governance: Governance = Governance()
    security: Security = Security()
    triage: Triage = Triage()
    slo: Slo | None = None


# --------------------------------------------------------------------------- cross-field rules
Problem = tuple[str, str, str]  # (dotted path, expected, found)


def _date_window_problems(path: str, start: dt.date, end: dt.date) -> list[Problem]:
    if end < start:
        return [(f"{path}.end", f"a date on or after start {start}", str(end))]
    return []


def semantic_problems(s: Scenario) -> list[Problem]:
    """Every cross-field inconsistency of a schema-valid scenario, as (path, expected, found)."""
    problems: list[Problem] = []
    names = [w.name for w in s.network.warehouses]
    if len(set(names)) != len(names):
        problems.append(("network.warehouses", "unique warehouse names", str(names)))
    online = [w.name for w in s.network.warehouses if w.serves_online]
    if len(online) != 1:
        problems.append(
            ("network.warehouses", "exactly one warehouse with serves_online: true", str(online))
        )
    if len(online) == len(names):
        problems.append(("network.warehouses", "at least one warehouse serving stores", "none"))
    sup = [x.name for x in s.network.suppliers]
    if len(set(sup)) != len(sup):
        problems.append(("network.suppliers", "unique supplier names", str(sup)))
    car = [c.name for c in s.network.carriers]
    if len(set(car)) != len(car):
        problems.append(("network.carriers", "unique carrier names", str(car)))
    if s.network.stores.close_h <= s.network.stores.open_h:
        problems.append(
            (
                "network.stores.close_h",
                f"> open_h ({s.network.stores.open_h})",
                str(s.network.stores.close_h),
            )
        )
    for kind, classes in TRIAGE_CLASSES.items():
        acc = getattr(s.triage, kind)
        if acc is None:
            continue
        n = len(classes)
        if len(acc.confusion) != n or any(len(row) != n for row in acc.confusion):
            problems.append(
                (f"triage.{kind}.confusion", f"a {n}x{n} matrix over {list(classes)}", "")
            )
            continue
        for i, row in enumerate(acc.confusion):
            if abs(sum(row) - 1.0) > 1e-6:
                problems.append(
                    (f"triage.{kind}.confusion[{i}]", "shares summing to 1", str(sum(row)))
                )
    mix = s.channels.mix
    if set(mix) != {"pos", "ecommerce", "marketplace"}:
        problems.append(("channels.mix", "keys pos, ecommerce and marketplace", str(sorted(mix))))
    elif abs(sum(mix.values()) - 1.0) > 1e-6:
        problems.append(("channels.mix", "shares summing to 1", f"{sum(mix.values()):.6g}"))
    pay = s.demand.payments
    total = pay.retry_other_card + pay.abandon + pay.retry_after_notice
    if abs(total - 1.0) > 1e-6:
        problems.append(
            (
                "demand.payments",
                "retry_other_card + abandon + retry_after_notice == 1",
                f"{total:.6g}",
            )
        )
    for i, w in enumerate(s.demand.seasonality):
        problems += _date_window_problems(f"demand.seasonality[{i}]", w.start, w.end)
    for i, p in enumerate(s.demand.promotions):
        problems += _date_window_problems(f"demand.promotions[{i}]", p.start, p.end)
    for i, d in enumerate(s.faults.supplier_delays):
        problems += _date_window_problems(f"faults.supplier_delays[{i}]", d.start, d.end)
        for j, n in enumerate(d.suppliers):
            if n not in sup:
                problems.append((f"faults.supplier_delays[{i}].suppliers[{j}]", f"one of {sup}", n))
    for key in ("purchase", "refund", "discount_depth", "inventory_variance_value"):
        tb: TierBounds = getattr(s.policy, key)
        if tb.high_from < tb.low_below:
            problems.append(
                (f"policy.{key}.high_from", f">= low_below ({tb.low_below})", str(tb.high_from))
            )
    for name, pool in s.approvals.pools.items():
        if pool.calendar.close_h <= pool.calendar.open_h:
            problems.append(
                (
                    f"approvals.pools.{name}.calendar.close_h",
                    f"> open_h ({pool.calendar.open_h})",
                    str(pool.calendar.close_h),
                )
            )
    for target, br in s.orchestration.integration.breakers.items():
        if br.minimum_calls > br.window_size:
            problems.append(
                (
                    f"orchestration.integration.breakers.{target}.minimum_calls",
                    f"<= window_size ({br.window_size})",
                    str(br.minimum_calls),
                )
            )
    lead = s.policy.late_supplier.escalate_to
    if lead and lead not in s.approvals.pools:
        problems.append(
            (
                "policy.late_supplier.escalate_to",
                f'a pool of approvals.pools {sorted(s.approvals.pools)} (or "" for no escalation)',
                lead,
            )
        )
    for name in s.orchestration.manual.email_pickup_by_pool:
        if name not in s.approvals.pools:  # a pickup for nobody would be ignored: refused
            problems.append(
                (
                    f"orchestration.manual.email_pickup_by_pool.{name}",
                    f"a pool of approvals.pools {sorted(s.approvals.pools)}",
                    name,
                )
            )
    problems += s.governance.problems({n: p.size for n, p in s.approvals.pools.items()})
    problems += s.faults.problems(list(s.approvals.pools), s.horizon_days)
    problems += _imported_problems(s)
    inv = s.inventory
    for key in ("store_policy", "dc_policy"):
        rp: ReorderPolicy = getattr(inv, key)
        if rp.order_up_to_days <= rp.reorder_point_days:
            problems.append(
                (
                    f"inventory.{key}.order_up_to_days",
                    f"> reorder_point_days ({rp.reorder_point_days})",
                    str(rp.order_up_to_days),
                )
            )
    return problems


#: generator fields that an imported table replaces (changing them beside ``file`` is an error)
CATALOGUE_GENERATORS = ("price", "gross_margin", "gross_margin_sd", "popularity_exponent")


def _changed(model: Strict, key: str) -> bool:
    return getattr(model, key) != type(model).model_fields[key].default


def _found(model: Strict, key: str) -> str:
    value = getattr(model, key)
    return str(value.model_dump() if isinstance(value, BaseModel) else value)


def _imported_problems(s: Scenario) -> list[Problem]:
    """A generator field changed beside the imported table that replaces it would be ignored.

    Compared with the field's default rather than "was it written", so a resolved scenario (a
    run directory's ``scenario.yaml``, which spells every default out) still loads."""
    problems: list[Problem] = []
    stores = s.network.stores
    if stores.file is not None and _changed(stores, "size_sigma"):
        problems.append(
            (
                "network.stores.size_sigma",
                "its default when network.stores.file is given",
                str(stores.size_sigma),
            )
        )
    cat = s.catalogue
    if cat.file is None:
        return problems
    for key in CATALOGUE_GENERATORS:
        if _changed(cat, key):
            problems.append(
                (f"catalogue.{key}", "its default when catalogue.file is given", _found(cat, key))
            )
    for i, sup in enumerate(s.network.suppliers):
        if _changed(sup, "sku_share"):
            problems.append(
                (
                    f"network.suppliers[{i}].sku_share",
                    "its default when catalogue.file is given (each SKU names its supplier)",
                    str(sup.sku_share),
                )
            )
    return problems
