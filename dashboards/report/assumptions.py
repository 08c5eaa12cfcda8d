"""The assumptions behind a scenario's numbers, with where each one comes from.

A curated list of the parameters that drive the KPIs an executive reads: the value is read from
the resolved scenario (a dotted path; a list is indexed by position), the source is the section
and reference of ``RETAIL_PARAMS.md`` (the research behind every default) or says plainly that
the figure is a modelling assumption. A parameter absent from a scenario is left out.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Assumption:
    label: str
    path: str
    source: str
    show: Callable[[Any], str] = str


def _pct(v: Any) -> str:
    return f"{float(v) * 100:.1f}%"


def _dist(unit: str) -> Callable[[Any], str]:
    def show(v: Any) -> str:
        if isinstance(v, dict) and "median" in v:
            return f"median {v['median']} {unit}, p90 {v.get('p90')} {unit}"
        return f"{v} {unit}"

    return show


def _mix(v: Any) -> str:
    return ", ".join(f"{k} {float(x) * 100:.0f}%" for k, x in v.items())


PARAMS = "RETAIL_PARAMS.md"
ASSUMPTIONS: tuple[Assumption, ...] = (
    Assumption(
        "Channel mix (share of demand)",
        "channels.mix",
        f"{PARAMS} §2: US e-commerce 15.9% of retail, Census Q1 2024 [27]; marketplace share "
        "has no benchmark (assumption)",
        _mix,
    ),
    Assumption(
        "Walk-in demand per store and day (units)",
        "demand.store_units_per_day",
        "modelling assumption: sized for a mid-size store of the catalogue",
    ),
    Assumption(
        "Promotion uplift",
        "demand.promo_uplift",
        f"{PARAMS} §2: price elasticity -2.62 (Bijmolt et al. 2005 [32]): 20% off -> 1.79x",
        lambda v: f"{v}x",
    ),
    Assumption(
        "Shrink (share of sales)",
        "inventory.shrink_share_of_sales",
        f"{PARAMS} §3: 1.6% of sales, NRF National Retail Security Survey FY2022 [5]",
        _pct,
    ),
    Assumption(
        "Receipt miscount probability",
        "inventory.receipt_count_error_prob",
        f"{PARAMS} §3: inventory record accuracy (ECR shrink group); the rate is an assumption",
        _pct,
    ),
    Assumption(
        "Supplier on time (first supplier)",
        "network.suppliers.0.on_time_prob",
        f"{PARAMS} §6: CPG suppliers 84% on time (FourKites 2023), 90.6% (Gartner 2018) [14]",
        _pct,
    ),
    Assumption(
        "Supplier lead time (first supplier)",
        "network.suppliers.0.lead_time_days",
        f"{PARAMS} §6: APQC median 6 days (category management) to 28 days [16c]",
        _dist("days"),
    ),
    Assumption(
        "Carrier on time (first carrier)",
        "network.carriers.0.on_time_prob",
        f"{PARAMS} §9: peak on-time 90-98% by carrier, ShipMatrix 2023-2025 [22]",
        _pct,
    ),
    Assumption(
        "Manual approvals: email unread (working hours)",
        "orchestration.manual.email_pickup_h",
        f"{PARAMS} §7-8: retail email answers 12-36 h [21]; PO approval p50 60 h [16b][16c][17]",
        _dist("h"),
    ),
    Assumption(
        "Purchase approval tiers (order value)",
        "policy.purchase",
        f"{PARAMS} §7: approval thresholds by value (assumption within the AP surveys [18])",
        lambda v: f"low below {v.get('low_below'):,}, high from {v.get('high_from'):,}",
    ),
    Assumption(
        "Approval deadlines by risk tier (hours)",
        "policy.deadline_h",
        "modelling assumption (policy of the simulated retailer)",
        lambda v: ", ".join(f"{k} {x} h" for k, x in v.items()),
    ),
    Assumption(
        "Margin floor for discounts",
        "policy.margin_floor",
        f"{PARAMS} §7: price-override limits, manager approval above ~10% [41]; floor assumed",
        _pct,
    ),
)


def lookup(doc: Any, path: str) -> Any:
    """The value at a dotted path of a document, or None."""
    for part in path.split("."):
        if isinstance(doc, list) and part.isdigit() and int(part) < len(doc):
            doc = doc[int(part)]
        elif isinstance(doc, dict) and part in doc:
            doc = doc[part]
        else:
            return None
    return doc


def assumption_rows(scenario: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(label, dotted path, value as read, source) for every assumption the scenario sets."""
    rows = []
    for a in ASSUMPTIONS:
        v = lookup(scenario, a.path)
        if v is None:
            continue
        try:
            text = a.show(v)
        except (TypeError, ValueError, AttributeError):
            text = str(v)
        rows.append((a.label, a.path, text, a.source))
    return rows
