"""The KPI collector: the one implementation of the metric contract (``shared/KPIS.md``).

Why one long module: the contract says every KPI has one definition, so every counter, every
reporting method and every formula live side by side, where a reviewer checks them together.

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

from sim.workload import Workload

APPROVAL_TYPES = ("purchase", "discount", "refund", "inventory_adjustment", "supplier_change")
#: item types a model may triage with the AI classifier (per-type triage KPIs)
TRIAGE_TYPES = ("tickets", "refunds", "invoices")


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
    dual: int = 0  # decided by two or more distinct people (dual control)
    reminders: int = 0
    cycle_h: array = field(default_factory=lambda: array("d"))


@dataclass
class _TeamTally:
    """Exceptions of one team queue against its resolution target (``sla_h``, elapsed hours)."""

    sla_h: float | None = None
    opened: int = 0
    resolved: int = 0
    breached: int = 0  # resolved late, plus (at close) still open past the target
    escalated: int = 0  # moved to another team's queue before anyone picked it up
    overdue_at_end: int = 0
    open: dict[int, float] = field(default_factory=dict)  # token -> raised at
    resolution_h: array = field(default_factory=lambda: array("d"))


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
    duplicate_effects_by_kind: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    rate_limited_calls: int = 0
    rate_limit_violations: int = 0
    #: acknowledged to their sender but neither processed, dead-lettered nor visibly pending
    #: (set by the inbound connector's Jepsen-style accounting at the end of a run)
    lost_events: int = 0
    queue_depth_max: int = 0
    breaker_opened: int = 0
    breaker_rejected_calls: int = 0
    dlq_parked: int = 0
    dlq_redriven: int = 0
    dlq_expired: int = 0
    dlq_depth_at_end: int = 0
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
    triage_by_type: dict[str, dict[str, int]] = field(default_factory=dict)
    # exceptions per team queue, with their SLA
    exception_teams: dict[str, _TeamTally] = field(default_factory=dict)
    _exception_token: int = 0
    # customer-service tickets
    tickets_opened: int = 0
    tickets_resolved: int = 0
    tickets_auto_resolved: int = 0
    ticket_touches: int = 0  # pieces of human work spent on tickets (routing, answering)
    invoice_overpaid: float = 0.0  # mismatched bills posted as billed (misread as clean)
    ticket_resolution_h: array = field(default_factory=lambda: array("d"))
    # supplier bank-detail changes and payments
    bank_changes_requested: int = 0
    bank_changes_approved: int = 0
    bank_changes_rejected: int = 0
    bank_fraud_attempts: int = 0
    bank_fraud_confirmed: int = 0
    bank_fraud_blocked: int = 0
    bank_fraud_payments: int = 0
    bank_fraud_losses: float = 0.0
    supplier_payments: int = 0
    supplier_payments_value: float = 0.0
    supplier_payments_held: int = 0
    supplier_payments_held_open: int = 0
    supplier_payment_hold_h: array = field(default_factory=lambda: array("d"))
    # late suppliers: ground truth from the world, detection reported by the orchestration layer
    supplier_delays: int = 0
    supplier_delays_detected: int = 0
    supplier_delay_false_alarms: int = 0
    supplier_delay_detection_h: array = field(default_factory=lambda: array("d"))
    _delay_detected_at: dict[str, float] = field(default_factory=dict)
    expedites: int = 0
    proactive_delay_notices: int = 0
    supplier_delay_escalations: int = 0
    supplier_delay_finance_notices: int = 0
    reconciliation_findings: int = 0
    invoice_overpaid_recovered: float = 0.0
    orders_late: int = 0
    orders_late_without_notice: int = 0
    # supplier invoices through the 3-way match
    invoices_checked: int = 0
    invoice_exceptions: int = 0
    invoices_touchless: int = 0
    # the mocked Odoo's scheduled actions and time rules declared by the scenario
    odoo_time_rule_fires: int = 0
    odoo_scheduled_action_runs: int = 0
    po_watchdog_resends: int = 0
    # work desks: hours worked, utilisation, queues, labour cost (sim/workload.py)
    workload: Workload = field(default_factory=Workload)

    # ------------------------------------------------------------------ reporting API
    # Every fact reaches the collector through one of these methods (never a field write from
    # another module), so each KPI has one place where its inputs are counted.
    def sale(self, value: float) -> None:
        """Revenue taken (a basket paid at the till, an online order delivered)."""
        self.revenue += value

    def lost_sale(self, value: float) -> None:
        """Revenue of demand that was not filled and not backordered."""
        self.lost_revenue += value

    def margin_leaked(self, amount: float) -> None:
        """An approved price override below the margin floor of policy, by ``amount``."""
        self.margin_leakage += amount

    def discount_timed_out(self) -> None:
        """A customer at the till walked away before a price override was answered."""
        self.discounts_timed_out += 1

    def pos_day(
        self,
        *,
        demanded: int,
        filled: int,
        lost_units: int,
        lost_revenue: float,
        revenue: float,
        baskets: int,
    ) -> None:
        """A day of walk-in demand at the stores, resolved at close."""
        self.pos_units_demanded += demanded
        self.pos_units_filled += filled
        self.lost_units += lost_units
        self.lost_revenue += lost_revenue
        self.revenue += revenue
        self.pos_baskets += baskets

    # online orders (sim/orders.py), one method per fact of an order's life
    def online_checkout(self, units: int) -> None:
        """An online customer wanted ``units`` at the checkout and ordered nothing: every line
        was shown unavailable (reported by :meth:`online_lines_unavailable`)."""
        self.online_units_demanded += units

    def online_lines_unavailable(self, units: int, value: float) -> None:
        """Lines shown unavailable on the channel: demand lost at the checkout."""
        self.lost_units += units
        self.lost_revenue += value

    def online_order_placed(self, demanded: int) -> None:
        """An online customer placed an order, having wanted ``demanded`` units at the checkout
        (before availability was shown: the lines shown unavailable are reported apart)."""
        self.online_orders_placed += 1
        self.online_units_demanded += demanded

    def payment_failed(self) -> None:
        self.payment_failures += 1

    def payment_abandoned(self, units: int) -> None:
        """The customer gave up after a declined payment: the demand is withdrawn."""
        self.payment_abandoned_orders += 1
        self.online_units_demanded -= units

    def online_order_accepted(self, filled_first: int) -> None:
        """Payment went through; ``filled_first`` units were allocated from physical stock."""
        self.online_orders_accepted += 1
        self.online_units_filled_first += filled_first

    def online_order_oversold(self) -> None:
        self.online_orders_oversold += 1

    def ticket_opened(self) -> None:
        self.tickets_opened += 1

    def online_order_cancelled(self, lost_units: int, lost_value: float, due: bool) -> None:
        """A backordered order cancelled; ``due``: its promise fell inside the horizon."""
        self.lost_units += lost_units
        self.lost_revenue += lost_value
        self.online_orders_cancelled += 1
        self.otif_eligible += int(due)

    def online_order_delivered(self, on_time: bool, due: bool) -> None:
        """Delivered; ``due``: its promise fell inside the horizon (OTIF counts it). Positional:
        called once per online order (a keyword call costs more)."""
        self.online_orders_delivered += 1
        if due:
            self.otif_eligible += 1
            self.otif_ok += int(on_time)

    def online_order_open_past_promise(self) -> None:
        """At the horizon: an open order whose promise has passed (not OTIF)."""
        self.otif_eligible += 1

    def refund_paid(self, amount: float, turnaround_h: float, *, fraud: bool) -> None:
        self.refunds_paid += amount
        self.refund_turnaround_h.append(turnaround_h)
        self.revenue -= amount
        if fraud:
            self.refund_losses += amount

    def stock_observed(self, empty: int, observations: int) -> None:
        """The day's location x SKU observations, ``empty`` of them with on-hand <= 0."""
        self.stockout_obs += empty
        self.stock_obs += observations

    def command_duplicate_suppressed(self, n: int = 1) -> None:
        """A command (or an inbound delivery) recognised as already applied: no second effect."""
        self.duplicate_commands_suppressed += n

    def duplicate_effect(self, kind: str) -> None:
        """A business effect applied a second time for one need (``kind``: the command)."""
        self.duplicate_effects += 1
        self.duplicate_effects_by_kind[kind] += 1

    def rate_limited(self, *, violation: bool) -> None:
        """A call answered 429; ``violation``: made before the Retry-After it had been given."""
        self.rate_limited_calls += 1
        self.rate_limit_violations += int(violation)

    def expedited(self, cost: float) -> None:
        """A supplier shipment expedited at ``cost``."""
        self.expedites += 1
        self.expedite_cost += cost

    def delay_notice(self) -> None:
        """A customer was told of a delay before the order's promise."""
        self.proactive_delay_notices += 1

    def supplier_delay_escalated(self) -> None:
        """A late-supplier exception went to procurement leadership (its deadline passed)."""
        self.supplier_delay_escalations += 1

    def supplier_delay_finance_notice(self) -> None:
        """Finance was told that a late PO's receipt and payable move."""
        self.supplier_delay_finance_notices += 1

    def reconciliation_finding(self) -> None:
        """The reconciliation scan raised a bill paid above what was received."""
        self.reconciliation_findings += 1

    def overpayment_recovered(self, amount: float) -> None:
        """Finance claimed back ``amount`` paid over a bill's receipt (a debit note)."""
        self.invoice_overpaid_recovered += amount

    def invoice_checked(self, *, matched: bool) -> None:
        """A supplier bill went through the 3-way match (PO price, receipt quantity)."""
        self.invoices_checked += 1
        self.invoice_exceptions += int(not matched)

    def invoice_touchless(self) -> None:
        """A bill was approved for payment by rule, with no human step."""
        self.invoices_touchless += 1

    def odoo_time_rules_fired(self, records: int) -> None:
        """The automation cron ran time-based rules on ``records`` records."""
        self.odoo_time_rule_fires += records

    def odoo_scheduled_action_ran(self) -> None:
        self.odoo_scheduled_action_runs += 1

    def po_watchdog_resent(self) -> None:
        self.po_watchdog_resends += 1

    def bank_change_requested(self, *, fraud: bool) -> None:
        self.bank_changes_requested += 1
        self.bank_fraud_attempts += int(fraud)

    def bank_change_decided(self, *, approved: bool, fraud: bool) -> None:
        if not approved:
            self.bank_changes_rejected += 1
            self.bank_fraud_blocked += int(fraud)
            return
        self.bank_changes_approved += 1
        self.bank_fraud_confirmed += int(fraud)

    def supplier_paid(self, amount: float, *, diverted: bool) -> None:
        """A supplier payment; ``diverted``: into a fraudster's account (lost)."""
        self.supplier_payments += 1
        self.supplier_payments_value += amount
        if diverted:
            self.bank_fraud_losses += amount
            self.bank_fraud_payments += 1

    def security_attempt(self, *, blocked: bool, loss: float) -> None:
        """An attack attempt screened by the controls: blocked, or ``loss`` got through."""
        self.security_attempts += 1
        if blocked:
            self.security_blocked += 1
        else:
            self.security_losses += loss

    def invoice_overpaid_by(self, amount: float) -> None:
        """A mismatched bill posted and paid as billed, ``amount`` over what was payable."""
        self.invoice_overpaid += amount

    def events_lost(self, n: int) -> None:
        """Events acknowledged to their sender that the ERP never owned (Jepsen accounting)."""
        self.lost_events += n

    def breakers_reported(self, opened: int, rejected: int) -> None:
        """The integration circuit breakers' trips and the calls they rejected (at the end)."""
        self.breaker_opened += opened
        self.breaker_rejected_calls += rejected

    def dead_letter_queue_reported(self, parked: int, redriven: int, expired: int, depth: int):
        """The dead-letter queue of failed outbound work: letters parked, delivered by a
        redrive, given up on, and still waiting at the end."""
        self.dlq_parked += parked
        self.dlq_redriven += redriven
        self.dlq_expired += expired
        self.dlq_depth_at_end += depth

    def ticket_work(self, tasks: int) -> None:
        """Pieces of human work spent on a customer ticket (routing, answering)."""
        self.ticket_touches += tasks

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
        tally.dual += int(len(set(approvers)) >= 2)
        cycle = decided_h - created_h
        tally.cycle_h.append(cycle)
        if cycle > deadline_h:
            tally.breached += 1
        if (requester is not None and requester in approvers) or len(set(approvers)) != len(
            approvers
        ):
            self.sod_violations += 1

    def approval_reminded(self, kind: str) -> None:
        """A reminder was sent to the approver of a waiting ``kind`` request step."""
        self.approvals[kind].reminders += 1

    def exception_slas(self, sla_h: dict[str, float]) -> None:
        """Declare the team queues and their resolution targets (their KPIs exist, even at 0)."""
        for team, hours in sla_h.items():
            self.exception_teams.setdefault(team, _TeamTally()).sla_h = hours

    def exception_team(self, team: str) -> None:
        """Declare a team queue with no resolution target (its KPIs exist, even at 0)."""
        self.exception_teams.setdefault(team, _TeamTally())

    def _team(self, team: str) -> _TeamTally:
        """``team``'s tally, made on first use (``setdefault`` would build a throwaway tally,
        with its dict and array, on every exception)."""
        tally = self.exception_teams.get(team)
        if tally is None:
            tally = self.exception_teams[team] = _TeamTally()
        return tally

    def exception_raised(self, team: str | None = None, created_h: float = 0.0) -> int:
        """An exception was raised; for a team queue, returns the token to resolve it with."""
        self.exceptions_created += 1
        if team is None:
            return -1
        tally = self._team(team)
        tally.opened += 1
        self._exception_token += 1
        tally.open[self._exception_token] = created_h
        return self._exception_token

    def exception_escalated(self, src: str, token: int, dst: str) -> int:
        """An open exception of team ``src`` moved to team ``dst`` (same creation time); the
        token to resolve it with there. ``src`` no longer counts it as open."""
        created_h = self.exception_teams[src].open.pop(token)
        self.exception_teams[src].escalated += 1
        tally = self._team(dst)
        tally.opened += 1
        self._exception_token += 1
        tally.open[self._exception_token] = created_h
        return self._exception_token

    def exception_resolved(
        self,
        created_h: float,
        resolved_h: float,
        *,
        auto: bool,
        team: str | None = None,
        token: int = -1,
    ) -> None:
        self.exceptions_resolved += 1
        self.exceptions_auto += int(auto)
        self.exception_resolution_h.append(resolved_h - created_h)
        if team is None:
            return
        tally = self.exception_teams[team]
        tally.open.pop(token, None)
        tally.resolved += 1
        tally.resolution_h.append(resolved_h - created_h)
        if tally.sla_h is not None and resolved_h - created_h > tally.sla_h:
            tally.breached += 1

    def triage_reported(self, item_type: str, counts: dict[str, int]) -> None:
        """A model's triage counters for one item type (``TriageRouter.counts()``)."""
        if item_type not in TRIAGE_TYPES:
            raise ValueError(f"unknown triage item type {item_type!r}; expected {TRIAGE_TYPES}")
        mine = self.triage_by_type.setdefault(
            item_type, {"total": 0, "auto_routed": 0, "misrouted": 0, "manual_review": 0}
        )
        for key in mine:
            mine[key] += counts[key]
        self.triage_total += counts["total"]
        self.triage_auto += counts["auto_routed"]
        self.triage_misrouted += counts["misrouted"]
        self.triage_manual += counts["manual_review"]

    def ticket_resolved(self, created_h: float, resolved_h: float, *, auto: bool) -> None:
        self.tickets_resolved += 1
        self.tickets_auto_resolved += int(auto)
        self.ticket_resolution_h.append(resolved_h - created_h)

    def payment_held(self) -> None:
        self.supplier_payments_held += 1
        self.supplier_payments_held_open += 1

    def payment_released(self, held_h: float) -> None:
        self.supplier_payments_held_open -= 1
        self.supplier_payment_hold_h.append(held_h)

    def supplier_delay_detected(self, po_key: str, at_h: float) -> None:
        """The orchestration layer flagged ``po_key`` as delayed at ``at_h`` (first flag counts)."""
        self._delay_detected_at.setdefault(po_key, at_h)

    def supplier_delay_settled(self, po_key: str, promised_h: float, *, late: bool) -> None:
        """The world's ground truth for one PO, at its receipt (or open at the horizon):
        ``late`` if it came after ``promised_h``. A flag on a PO that was on time is a false
        alarm; detection time is measured from the promise (negative: flagged before it)."""
        detected = self._delay_detected_at.pop(po_key, None)
        if not late:
            self.supplier_delay_false_alarms += int(detected is not None)
            return
        self.supplier_delays += 1
        if detected is not None:
            self.supplier_delays_detected += 1
            self.supplier_delay_detection_h.append(detected - promised_h)

    def order_late(self, noticed: bool) -> None:
        """An online order missed its promise (delivered late, cancelled after it or still
        open at the horizon); ``noticed``: the customer was told of a delay before the promise."""
        self.orders_late += 1
        self.orders_late_without_notice += int(not noticed)

    def close(self, now_h: float) -> None:
        """At the horizon: team exceptions still open past their target count as breached."""
        for tally in self.exception_teams.values():
            if tally.sla_h is None:
                continue
            late = sum(1 for t in tally.open.values() if now_h - t > tally.sla_h)
            tally.breached += late - tally.overdue_at_end  # idempotent if closed twice
            tally.overdue_at_end = late
        self.workload.close(now_h)

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

    def webhook_calls(self, latencies_s: list[float]) -> None:
        """Webhook calls of one attempt each, reported in bulk (the inbound connector's happy
        path folds its deliveries at the end of the run)."""
        self.integration_calls += len(latencies_s)
        self.webhook_latency_s.extend(latencies_s)

    def queue_depth(self, depth: int) -> None:
        if depth > self.queue_depth_max:
            self.queue_depth_max = depth

    # ------------------------------------------------------------------ KPIs
    def kpis(self, ledger: dict[str, int]) -> dict[str, float | int | None]:
        units = self.pos_units_demanded + self.online_units_demanded
        filled = self.pos_units_filled + self.online_units_filled_first
        all_cycles = array("d")
        created = decided = approved = touchless = breached = escalations = dual = reminders = 0
        for t in self.approvals.values():
            dual += t.dual
            reminders += t.reminders
            all_cycles.extend(t.cycle_h)
            created += t.created
            decided += t.decided
            approved += t.approved
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
            "dual_approvals_total": dual,
            "approval_reminders_total": reminders,
            "pending_approvals_at_end": created - decided,
            "approvals_refused_total": decided - approved,
            "sod_violations_total": self.sod_violations,
            "exceptions_total": self.exceptions_created,
            "exceptions_auto_resolved_rate": _ratio(self.exceptions_auto, self.exceptions_resolved),
            "exception_resolution_p95_h": _pct(self.exception_resolution_h, 95),
            "integration_calls_total": self.integration_calls,
            "integration_retries_total": self.integration_retries,
            "dead_letters_total": self.dead_letters,
            "duplicate_effects_total": self.duplicate_effects,
            "duplicate_purchase_orders_total": self.duplicate_effects_by_kind.get(
                "CreatePurchaseOrder", 0
            ),
            "duplicate_refunds_total": self.duplicate_effects_by_kind.get("IssueRefund", 0),
            "lost_events_total": self.lost_events,
            "rate_limited_calls_total": self.rate_limited_calls,
            "rate_limit_violations_total": self.rate_limit_violations,
            "events_emitted_total": ledger["emitted"],
            "events_processed_total": ledger["processed"],
            "events_dead_lettered_total": ledger["dead_lettered"],
            "events_in_flight_at_end": ledger["in_flight"],
            "circuit_breaker_opened_total": self.breaker_opened,
            "circuit_breaker_rejected_calls_total": self.breaker_rejected_calls,
            "dead_letter_queue_parked_total": self.dlq_parked,
            "dead_letter_queue_redriven_total": self.dlq_redriven,
            "dead_letter_queue_expired_total": self.dlq_expired,
            "dead_letter_queue_depth_at_end": self.dlq_depth_at_end,
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
            **self._governance_kpis(),
            **self._late_supplier_kpis(),
            "invoices_total": self.invoices_checked,
            "invoice_touchless_rate": _ratio(self.invoices_touchless, self.invoices_checked),
            "invoice_exception_rate": _ratio(self.invoice_exceptions, self.invoices_checked),
            "odoo_time_rule_fires_total": self.odoo_time_rule_fires,
            "odoo_scheduled_action_runs_total": self.odoo_scheduled_action_runs,
            "po_watchdog_resends_total": self.po_watchdog_resends,
            **self.workload.kpis(self.pos_baskets + self.online_orders_placed, created),
        }

    def _late_supplier_kpis(self) -> dict[str, float | int | None]:
        """Late suppliers and what customers were told (docs/kpis.md)."""
        return {
            "supplier_delays_total": self.supplier_delays,
            "supplier_delays_detected_total": self.supplier_delays_detected,
            "supplier_delay_false_alarms_total": self.supplier_delay_false_alarms,
            "supplier_delay_detection_h_p50": _pct(self.supplier_delay_detection_h, 50),
            "expedites_total": self.expedites,
            "proactive_delay_notices_total": self.proactive_delay_notices,
            "supplier_delay_escalations_total": self.supplier_delay_escalations,
            "supplier_delay_finance_notices_total": self.supplier_delay_finance_notices,
            "orders_late_total": self.orders_late,
            "orders_late_without_notice_total": self.orders_late_without_notice,
        }

    def _governance_kpis(self) -> dict[str, float | int | None]:
        """Supplier bank changes, tickets, per-type triage and per-team exception SLAs."""
        out: dict[str, float | int | None] = {
            "supplier_bank_changes_total": self.bank_changes_requested,
            "supplier_bank_changes_approved_total": self.bank_changes_approved,
            "supplier_bank_changes_rejected_total": self.bank_changes_rejected,
            "supplier_bank_changes_pending_at_end": self.bank_changes_requested
            - self.bank_changes_approved
            - self.bank_changes_rejected,
            "bank_fraud_attempts_total": self.bank_fraud_attempts,
            "bank_fraud_confirmed_total": self.bank_fraud_confirmed,
            "bank_fraud_blocked_total": self.bank_fraud_blocked,
            "bank_fraud_losses": round(self.bank_fraud_losses, 2),
            "supplier_payments_total": self.supplier_payments,
            "supplier_payments_held_total": self.supplier_payments_held,
            "supplier_payments_held_at_end": self.supplier_payments_held_open,
            "supplier_payment_hold_mean_h": _mean(self.supplier_payment_hold_h),
            "supplier_payment_hold_p95_h": _pct(self.supplier_payment_hold_h, 95),
            "tickets_total": self.tickets_opened,
            "tickets_resolved_total": self.tickets_resolved,
            "tickets_pending_at_end": self.tickets_opened - self.tickets_resolved,
            "tickets_auto_resolved_rate": _ratio(self.tickets_auto_resolved, self.tickets_resolved),
            "ticket_touches_total": self.ticket_touches,
            "invoice_overpaid": round(self.invoice_overpaid, 2),
            "invoice_overpaid_recovered": round(self.invoice_overpaid_recovered, 2),
            "reconciliation_findings_total": self.reconciliation_findings,
            "ticket_resolution_p50_h": _pct(self.ticket_resolution_h, 50),
            "ticket_resolution_p95_h": _pct(self.ticket_resolution_h, 95),
        }
        for kind in TRIAGE_TYPES:
            c = self.triage_by_type.get(kind, {})
            total, auto = c.get("total", 0), c.get("auto_routed", 0)
            out[f"triage_{kind}_total"] = total
            out[f"triage_{kind}_auto_routed_rate"] = _ratio(auto, total)
            out[f"triage_{kind}_misroute_rate"] = _ratio(c.get("misrouted", 0), auto)
            out[f"triage_{kind}_manual_review_rate"] = _ratio(c.get("manual_review", 0), total)
        for team in sorted(self.exception_teams):
            t = self.exception_teams[team]
            known = t.resolved + t.overdue_at_end  # outcome against the SLA known at the end
            out[f"exceptions_{team}_opened_total"] = t.opened
            out[f"exceptions_{team}_resolved_total"] = t.resolved
            out[f"exceptions_{team}_pending_at_end"] = t.opened - t.resolved - t.escalated
            out[f"exceptions_{team}_escalated_total"] = t.escalated
            out[f"exceptions_{team}_sla_breached_total"] = t.breached
            out[f"exceptions_{team}_sla_breach_rate"] = _ratio(t.breached, known)
            out[f"exceptions_{team}_resolution_p95_h"] = _pct(t.resolution_h, 95)
        return out

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
