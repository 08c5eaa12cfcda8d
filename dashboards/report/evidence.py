"""The evidence of a decision: which model leads on which KPI, and which differences are noise.

A comparison of orchestration models on one scenario is read KPI by KPI. On each *decision KPI*
(grouped as service, speed, risk and cost) the **best** model is the one with the best mean
(direction-aware: a higher fill rate, a lower oversell rate); the **leaders** are the best model
and every model whose paired difference to it (replication ``r`` of both shares its random
streams) has a 95% interval holding 0 — they are not distinguishable from the best. When every
model leads, the KPI does not separate the models ("no significant difference").

The **recommendation** is the model that is significantly behind the best on the fewest
decision KPIs (ties: the one that leads alone most often, then the order the models were
listed in). Intervals come from :func:`experiments.intervals.kpi_interval`; with one
replication there is no interval, and nothing is called significant.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from dashboards.kpis import fmt_delta, fmt_interval, kpi
from experiments.intervals import Interval, kpi_interval

#: the KPIs a recommendation weighs, by the question they answer
GROUPS: dict[str, tuple[str, ...]] = {
    "Service": ("fill_rate", "otif_rate", "oversell_rate", "stockout_rate", "lost_revenue"),
    "Speed": ("approval_cycle_time_p95_h", "approval_sla_breach_rate", "ticket_resolution_p95_h"),
    "Risk": (
        "sod_violations_total",
        "margin_leakage",
        "refund_losses",
        "bank_fraud_losses",
        "security_losses",
        "duplicate_effects_total",
        "dead_letters_total",
        "events_in_flight_at_end",
    ),
    "Cost": ("expedite_cost", "invoice_overpaid"),
}
#: KPIs better when higher (everything else the report weighs is better when lower)
HIGHER = frozenset({"fill_rate", "otif_rate", "touchless_rate", "revenue"})
#: words in a KPI name that make it a cost (workload and labour KPIs, when a run has them)
COST_WORDS = ("_cost", "labour", "labor", "workload", "_fte")


def higher_is_better(name: str) -> bool:
    return name in HIGHER or kpi(name).better == "higher"


def decision_kpis(available: Sequence[str]) -> dict[str, list[str]]:
    """The decision KPIs present in a run, by group; every cost-like KPI joins "Cost"."""
    have = list(available)
    groups = {g: [k for k in names if k in have] for g, names in GROUPS.items()}
    listed = {k for names in GROUPS.values() for k in names}
    groups["Cost"] += [k for k in have if k not in listed and any(w in k for w in COST_WORDS)]
    return {g: names for g, names in groups.items() if names}


@dataclass(frozen=True)
class KpiVerdict:
    """One decision KPI across the models."""

    name: str
    group: str
    means: dict[str, float | None]
    best: str | None
    leaders: tuple[str, ...]
    #: paired difference of each other model against the best
    gaps: dict[str, Interval | None]

    @property
    def separates(self) -> bool:
        """Whether the KPI tells the models apart (not every model leads)."""
        return self.best is not None and len(self.leaders) < len(self.means)

    def sentence(self, currency: str = "USD") -> str:
        label = kpi(self.name).label
        if self.best is None:
            return f"{label}: not measured by every model."
        if not self.separates:
            return f"{label}: no significant difference between the models."
        parts = []
        for m, gap in self.gaps.items():
            if m in self.leaders or gap is None:
                continue
            ci = fmt_interval(self.name, gap.low, gap.high, delta=True, currency=currency)
            parts.append(f"{m} {fmt_delta(self.name, gap.mean, currency)} {ci}")
        lead = " and ".join(self.leaders)
        return f"{label}: {lead} lead; behind the best: " + "; ".join(parts) + "."


@dataclass(frozen=True)
class Recommendation:
    model: str | None
    verdicts: tuple[KpiVerdict, ...]
    replications: int

    def behind(self, model: str) -> list[KpiVerdict]:
        return [v for v in self.verdicts if v.separates and model not in v.leaders]

    def sole_leads(self, model: str) -> list[KpiVerdict]:
        return [v for v in self.verdicts if v.separates and v.leaders == (model,)]

    def ties(self) -> list[KpiVerdict]:
        return [v for v in self.verdicts if v.best is not None and not v.separates]


def _per_replication(results: pd.DataFrame, model: str, name: str) -> dict[int, float | None]:
    rows = results[(results["model"] == model) & (results["status"] == "ok")]
    if name not in rows:
        return {}
    return {
        int(r): (None if pd.isna(v) else float(v))
        for r, v in zip(rows["replication"], rows[name], strict=True)
    }


def kpi_verdict(results: pd.DataFrame, models: Sequence[str], name: str, group: str) -> KpiVerdict:
    """The best model on ``name``, the leaders, and each model's paired gap to the best."""
    samples = {m: _per_replication(results, m, name) for m in models}
    means: dict[str, float | None] = {}
    for m, s in samples.items():
        vals = list(s.values())
        means[m] = None if not vals or None in vals else sum(vals) / len(vals)
    if any(v is None for v in means.values()):
        return KpiVerdict(name, group, means, None, (), {})
    sign = 1.0 if higher_is_better(name) else -1.0
    best = max(models, key=lambda m: (sign * means[m], -list(models).index(m)))
    leaders, gaps = [best], {}
    for m in models:
        if m == best:
            continue
        reps = sorted(set(samples[m]) & set(samples[best]))
        gap = kpi_interval(
            name, [samples[m][r] for r in reps], [samples[best][r] for r in reps], paired=True
        )
        gaps[m] = gap
        if gap is None or len(reps) < 2 or gap.low <= 0.0 <= gap.high:
            leaders.append(m)
    order = {m: i for i, m in enumerate(models)}
    return KpiVerdict(name, group, means, best, tuple(sorted(leaders, key=order.get)), gaps)


def recommend(results: pd.DataFrame, models: Sequence[str]) -> Recommendation:
    """Weigh every decision KPI present in ``results`` (one row per model x replication)."""
    models = list(models)
    groups = decision_kpis(list(results.columns))
    verdicts = tuple(
        kpi_verdict(results, models, name, group)
        for group, names in groups.items()
        for name in names
    )
    ok = results[results["status"] == "ok"] if "status" in results else results
    n = int(ok.groupby("model").size().min()) if not ok.empty else 0
    rec = Recommendation(None, verdicts, n)
    if len(models) < 2:
        return Recommendation(models[0] if models else None, verdicts, n)
    model = min(
        models,
        key=lambda m: (len(rec.behind(m)), -len(rec.sole_leads(m)), models.index(m)),
    )
    return Recommendation(model, verdicts, n)
