"""The KPI collector: the one implementation of the metric contract (``shared/KPIS.md``).

The world and the orchestration layer *report facts* here (units demanded and filled, an order
accepted while its stock was short, an approval decided, an exception resolved...); this module
alone turns them into KPIs. A KPI that does not apply to a run (no approvals happened) is
``None``, never 0 or NaN. Two kinds of statistics are kept apart: *tallies* (one value per
completed fact, e.g. an approval's cycle time) and *levels* (a daily observation of a state,
e.g. stock on hand). Tallies are stored as compact float arrays; memory grows with decided
requests, which are orders of magnitude fewer than events.
"""

from __future__ import annotations

from array import array
from collections import defaultdict
from dataclasses import dataclass, field

import numpy as np

APPROVAL_TYPES = ("purchase", "discount", "refund", "inventory_adjustment", "supplier_change")


def _ratio(num: float, den: float) -> float | None:
    return None if den <= 0 else float(num) / float(den)


def _pct(values: array, q: float) -> float | None:
    if len(values) == 0:
        return None
    return float(np.percentile(np.frombuffer(values, dtype=np.float64), q))


def _mean(values: array) -> float | None:
    if len(values) == 0:
        return None
    return float(np.frombuffer(values, dtype=np.float64).mean())


@dataclass
class _ApprovalTally:
    created: int = 0
    decided: int = 0
    touchless: int = 0
    breached: int = 0
    escalations: int = 0
    approved: int = 0
    cycle_h: array = field(default_factory=lambda: array("d"))


@dataclass
class KpiCollector:
    # fulfilment and stock
    pos_units_demanded: int = 0
    pos_units_filled: int = 0
    pos_baskets: int = 0
    online_units_demanded: int = 0
    online_units_filled_first: int = 0
    online_orders_placed: int = 0
    online_orders_accepted: int = 0
    online_orders_oversold: int = 0
    online_orders_cancelled: int = 0
    online_orders_delivered: int = 0
    otif_eligible: int = 0
    otif_ok: int = 0
    payment_failures: int = 0
    payment_abandoned_orders: int = 0
    lost_units: int = 0
    lost_revenue: float = 0.0
    stockout_obs: int = 0
    stock_obs: int = 0
    # money
    revenue: float = 0.0
    margin_leakage: float = 0.0
    expedite_cost: float = 0.0
    refunds_paid: float = 0.0
    refund_losses: float = 0.0
    refund_turnaround_h: array = field(default_factory=lambda: array("d"))
    discounts_timed_out: int = 0
    # integration and effects
    integration_calls: int = 0
    integration_retries: int = 0
    dead_letters: int = 0
    duplicate_effects: int = 0
    duplicate_commands_suppressed: int = 0
    queue_depth_max: int = 0
    webhook_latency_s: array = field(default_factory=lambda: array("d"))
    # approvals and exceptions
    approvals: dict[str, _ApprovalTally] = field(
        default_factory=lambda: defaultdict(_ApprovalTally)
    )
    sod_violations: int = 0
    exceptions_created: int = 0
    exceptions_resolved: int = 0
    exceptions_auto: int = 0
    exception_resolution_h: array = field(default_factory=lambda: array("d"))
    # security
    security_attempts: int = 0
    security_blocked: int = 0
    security_losses: float = 0.0
    # triage
    triage_total: int = 0
    triage_auto: int = 0
    triage_misrouted: int = 0
    triage_manual: int = 0

    # ------------------------------------------------------------------ reporting API
    def approval_requested(self, kind: str) -> None:
        if kind not in APPROVAL_TYPES:
            raise ValueError(f"unknown approval type {kind!r}; expected one of {APPROVAL_TYPES}")
        self.approvals[kind].created += 1

    def approval_decided(
        self,
        kind: str,
        created_h: float,
        decided_h: float,
        *,
        approved: bool,
        touchless: bool,
        deadline_h: float,
        requester: str | None,
        approvers: tuple[str, ...],
        escalations: int = 0,
    ) -> None:
        """A request reached its final decision. SoD is checked here, for every model alike."""
        tally = self.approvals[kind]
        tally.decided += 1
        tally.approved += int(approved)
        tally.touchless += int(touchless)
        tally.escalations += escalations
        cycle = decided_h - created_h
        tally.cycle_h.append(cycle)
        if cycle > deadline_h:
            tally.breached += 1
        if (requester is not None and requester in approvers) or len(set(approvers)) != len(
            approvers
        ):
            self.sod_violations += 1

    def exception_raised(self) -> None:
        self.exceptions_created += 1

    def exception_resolved(self, created_h: float, resolved_h: float, *, auto: bool) -> None:
        self.exceptions_resolved += 1
        self.exceptions_auto += int(auto)
        self.exception_resolution_h.append(resolved_h - created_h)

    def integration_call(
        self,
        *,
        retries: int = 0,
        latency_s: float | None = None,
        dead_lettered: bool = False,
        webhook: bool = False,
    ) -> None:
        self.integration_calls += 1
        self.integration_retries += retries
        self.dead_letters += int(dead_lettered)
        if webhook and latency_s is not None:
            self.webhook_latency_s.append(latency_s)

    def queue_depth(self, depth: int) -> None:
        if depth > self.queue_depth_max:
            self.queue_depth_max = depth

    # ------------------------------------------------------------------ KPIs
    def kpis(self, ledger: dict[str, int]) -> dict[str, float | int | None]:
        units = self.pos_units_demanded + self.online_units_demanded
        filled = self.pos_units_filled + self.online_units_filled_first
        all_cycles = array("d")
        created = decided = touchless = breached = escalations = 0
        for t in self.approvals.values():
            all_cycles.extend(t.cycle_h)
            created += t.created
            decided += t.decided
            touchless += t.touchless
            breached += t.breached
            escalations += t.escalations
        return {
            "orders_total": self.pos_baskets + self.online_orders_placed,
            "fill_rate": _ratio(filled, units),
            "lost_sales_units": self.lost_units,
            "lost_revenue": round(self.lost_revenue, 2),
            "stockout_rate": _ratio(self.stockout_obs, self.stock_obs),
            "oversell_rate": _ratio(self.online_orders_oversold, self.online_orders_accepted),
            "otif_rate": _ratio(self.otif_ok, self.otif_eligible),
            "approvals_total": created,
            "approval_cycle_time_mean_h": _mean(all_cycles),
            "approval_cycle_time_p50_h": _pct(all_cycles, 50),
            "approval_cycle_time_p95_h": _pct(all_cycles, 95),
            "touchless_rate": _ratio(touchless, created),
            "approval_sla_breach_rate": _ratio(breached, decided),
            "escalations_total": escalations,
            "pending_approvals_at_end": created - decided,
            "sod_violations_total": self.sod_violations,
            "exceptions_total": self.exceptions_created,
            "exceptions_auto_resolved_rate": _ratio(self.exceptions_auto, self.exceptions_resolved),
            "exception_resolution_p95_h": _pct(self.exception_resolution_h, 95),
            "integration_calls_total": self.integration_calls,
            "integration_retries_total": self.integration_retries,
            "dead_letters_total": self.dead_letters,
            "duplicate_effects_total": self.duplicate_effects,
            "events_emitted_total": ledger["emitted"],
            "events_processed_total": ledger["processed"],
            "events_dead_lettered_total": ledger["dead_lettered"],
            "events_in_flight_at_end": ledger["in_flight"],
            "webhook_latency_p95_s": _pct(self.webhook_latency_s, 95),
            "queue_depth_max": self.queue_depth_max,
            "triage_auto_routed_rate": _ratio(self.triage_auto, self.triage_total),
            "triage_misroute_rate": _ratio(self.triage_misrouted, self.triage_auto),
            "manual_review_rate": _ratio(self.triage_manual, self.triage_total),
            "revenue": round(self.revenue, 2),
            "margin_leakage": round(self.margin_leakage, 2),
            "expedite_cost": round(self.expedite_cost, 2),
            # supplementary KPIs (not in the contract's required list)
            "online_orders_total": self.online_orders_placed,
            "online_orders_cancelled_total": self.online_orders_cancelled,
            "payment_failures_total": self.payment_failures,
            "refunds_paid": round(self.refunds_paid, 2),
            "refund_losses": round(self.refund_losses, 2),
            "refund_turnaround_mean_days": None
            if _mean(self.refund_turnaround_h) is None
            else _mean(self.refund_turnaround_h) / 24.0,
            "discount_requests_timed_out_total": self.discounts_timed_out,
            "security_attempts_total": self.security_attempts,
            "security_blocked_total": self.security_blocked,
            "security_losses": round(self.security_losses, 2),
        }

    def by_approval_type(self) -> dict[str, dict[str, float | int | None]]:
        out = {}
        for kind in APPROVAL_TYPES:
            t = self.approvals.get(kind)
            if t is None or t.created == 0:
                continue
            out[kind] = {
                "requests_total": t.created,
                "decided_total": t.decided,
                "approved_rate": _ratio(t.approved, t.decided),
                "cycle_time_mean_h": _mean(t.cycle_h),
                "cycle_time_p50_h": _pct(t.cycle_h, 50),
                "cycle_time_p95_h": _pct(t.cycle_h, 95),
                "touchless_rate": _ratio(t.touchless, t.created),
                "sla_breach_rate": _ratio(t.breached, t.decided),
                "escalations_total": t.escalations,
                "pending_at_end": t.created - t.decided,
            }
        return out

    def approval_cycle_samples(self) -> dict[str, np.ndarray]:
        return {
            k: np.frombuffer(t.cycle_h, dtype=np.float64).copy() for k, t in self.approvals.items()
        }
