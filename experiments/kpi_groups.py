"""KPI groups: the sections of ``KPIS.md`` by name, for choosing what a table shows.

``retail-twin run --kpi fill_rate --kpi approvals`` shows one KPI and one group. A group is a
set of name rules (an exact name or a prefix); a selector is a KPI name, a group name or a
shell pattern (``approval_*``). :func:`select` keeps the order of the run's KPIs and raises
:class:`ValueError` naming every selector that matches nothing, with the groups available.
"""

from __future__ import annotations

from collections.abc import Sequence
from fnmatch import fnmatchcase

#: group -> names (exact) and prefixes (ending in ``_``)
GROUPS: dict[str, tuple[str, ...]] = {
    "headline": (
        "fill_rate",
        "oversell_rate",
        "otif_rate",
        "approval_cycle_time_p95_h",
        "touchless_rate",
        "revenue",
    ),
    "fulfilment": (
        "orders_total",
        "fill_rate",
        "lost_sales_units",
        "lost_revenue",
        "stockout_rate",
        "oversell_rate",
        "otif_rate",
        "online_orders_",
        "payment_failures_total",
    ),
    "approvals": (
        "approvals_total",
        "approval_",
        "touchless_rate",
        "escalations_total",
        "dual_approvals_total",
        "pending_approvals_at_end",
        "sod_violations_total",
        "discount_requests_timed_out_total",
    ),
    "exceptions": ("exceptions_", "exception_"),
    "integration": (
        "integration_",
        "dead_letters_total",
        "duplicate_",
        "lost_events_total",
        "rate_limit",
        "webhook_latency_p95_s",
        "queue_depth_max",
    ),
    "events": ("events_",),
    "triage": ("triage_", "manual_review_rate"),
    "tickets": ("tickets_", "ticket_"),
    "money": (
        "revenue",
        "margin_leakage",
        "expedite_cost",
        "refunds_paid",
        "refund_losses",
        "refund_turnaround_mean_days",
        "invoice_overpaid",
    ),
    "security": ("security_", "bank_fraud_", "supplier_bank_changes_", "supplier_payment"),
    "labour": ("labour_", "team_"),
}


def _in_group(name: str, rules: tuple[str, ...]) -> bool:
    return any(name == r or (r.endswith(("_", "limit", "payment")) and name.startswith(r))
               for r in rules)  # fmt: skip


def select(available: Sequence[str], wanted: Sequence[str]) -> list[str]:
    """The KPIs of ``available`` that ``wanted`` (names, groups, patterns) picks, in order."""
    if not wanted:
        return list(available)
    picked: set[str] = set()
    unknown = []
    for w in wanted:
        if w in GROUPS:
            hit = {n for n in available if _in_group(n, GROUPS[w])}
        elif any(c in w for c in "*?["):
            hit = {n for n in available if fnmatchcase(n, w)}
        else:
            hit = {w} if w in available else set()
        if not hit:
            unknown.append(w)
        picked |= hit
    if unknown:
        raise ValueError(
            f"--kpi: expected a KPI name, a group ({', '.join(GROUPS)}) or a pattern such as "
            f"'approval_*'; found {', '.join(repr(u) for u in unknown)}"
        )
    return [n for n in available if n in picked]
