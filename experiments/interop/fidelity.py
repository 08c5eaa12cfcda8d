"""The fidelity scorecard: the twin against a retailer's history, row by row, with verdicts.

The twin runs the scenario ``R`` replications; each replication's event log is read back as a
:class:`~experiments.interop.history.History` through its OCEL 2.0 export, the very path a real
log takes, so both sides are measured by one piece of code.

**KPI rows** (history value, twin mean and 95% Student-t interval over replications): store
units per store and day, online units per day, approval cycle p50 and p95 (hours, all types;
when the history names approvers, only the approvals a person decided on both sides: a
retailer's approval log lists requests sent to someone, the twin's touchless ones have none),
payment decline rate, online return rate (delivered orders whose return would already show).
Verdict ``pass`` when the history value lies in the
twin's interval widened by the row's relative tolerance (:data:`KPI_TOLERANCE`, default 15%).

**Distribution rows** (the twin's replications pooled against the history; a distance and a
threshold): orders per hour of week (total variation distance between the 168-bin shares),
approval cycle times per type and supplier lead times (two-sample Kolmogorov-Smirnov
statistic), daily stockouts (Wasserstein distance between the daily counts, relative to the
twin's mean; OCEL histories only). A row's threshold is the declared one (:data:`THRESHOLDS`,
``--threshold``) or, when the samples are small, what chance alone reaches (the KS critical
value at 1%; twice the total variation expected between two samples of those sizes), whichever
is larger: a row fails only on a difference that is both material and real. A row without data
on one side is ``n/a`` and never fails. ``retail-twin fidelity`` exits 1 when a row fails.
"""

from __future__ import annotations

import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

from experiments.interop.history import History, from_ocel, returns_observable
from experiments.interop.ocel import build_ocel
from experiments.replicate import run_scenario
from experiments.stats import mean_ci
from scenarios.schema import Scenario

KPI_TOLERANCE = 0.15
THRESHOLDS = {
    "orders_per_hour_of_week": 0.15,
    "approval_cycle": 0.25,
    "lead_time": 0.25,
    "daily_stockouts": 0.5,
}
MIN_N = 5
KS_C01 = 1.628  # c(alpha) of the two-sample KS test at alpha = 0.01


@dataclass(frozen=True)
class Row:
    kind: str  # "kpi" or "distribution"
    name: str
    history: float | None
    twin: float | None  # the twin's mean (KPI) or None
    twin_ci: tuple[float, float] | None
    distance: float | None  # distributions: the distance; KPIs: relative error
    threshold: float | None
    verdict: str  # pass, fail, n/a
    n_history: int = 0
    n_twin: int = 0


def _cycle_h(h: History, human: bool = False) -> pd.DataFrame:
    """Decided approvals' type and cycle hours; ``human``: only those with an approver role."""
    a = h.approvals[h.approvals["decided"].notna() & h.approvals["created"].notna()]
    if human:
        a = a[a["role"].notna() & (a["role"].astype(str) != "")]
    return pd.DataFrame(
        {"type": a["type"], "h": (a["decided"] - a["created"]).dt.total_seconds() / 3600.0}
    )


def human_only(h: History) -> bool:
    """Whether the history names approvers: then only approvals a person decided compare (a
    log of approval requests lists those sent to someone; the twin's touchless ones have none)."""
    role = h.approvals["role"]
    return bool((role.notna() & (role.astype(str) != "")).any())


def kpis(h: History, human: bool = False) -> dict[str, float | None]:
    """The KPI rows' values for one history (``human``: approvals with an approver only)."""
    out: dict[str, float | None] = {}
    d = h.store_daily
    per_day = d.groupby("date")["units"].sum() if len(d) else pd.Series(dtype=float)
    n_stores = d["store"].nunique() if len(d) else 0
    out["store_units_per_store_day"] = float(per_day.mean()) / n_stores if n_stores else None
    out["online_units_per_day"] = (
        float(h.online_daily.sum()) / h.days if len(h.online_daily) else None
    )
    cyc = _cycle_h(h, human)["h"].to_numpy(dtype=float)
    out["approval_cycle_p50_h"] = float(np.percentile(cyc, 50)) if len(cyc) else None
    out["approval_cycle_p95_h"] = float(np.percentile(cyc, 95)) if len(cyc) else None
    o = h.orders
    out["payment_decline_rate"] = float(o["declined"].mean()) if len(o) else None
    dl = returns_observable(o)
    out["online_return_rate"] = float(dl["returned"].mean()) if len(dl) else None
    return out


def _hour_of_week(h: History) -> np.ndarray | None:
    t = h.orders.get("placed_t")
    if t is None or t.notna().sum() < MIN_N:
        return None
    t = pd.to_datetime(t.dropna())
    how = (t.dt.day_of_week * 24 + t.dt.hour).to_numpy()
    return np.bincount(how, minlength=168).astype(float)


def _verdict(distance: float | None, threshold: float) -> str:
    if distance is None:
        return "n/a"
    return "pass" if distance <= threshold else "fail"


def _ks(a: np.ndarray, b: np.ndarray) -> float | None:
    if len(a) < MIN_N or len(b) < MIN_N:
        return None
    return float(stats.ks_2samp(a, b).statistic)


def _dist(name: str, d: float | None, limit: float, n: int, m: int) -> Row:
    shown = None if d is None else round(limit, 4)
    return Row("distribution", name, None, None, None, d, shown, _verdict(d, limit), n, m)


def ks_noise(n: int, m: int) -> float:
    """The two-sample KS statistic that chance alone exceeds 1% of the time (asymptotic)."""
    return KS_C01 * float(np.sqrt((n + m) / (n * m))) if n and m else float("inf")


def tv_noise(p: np.ndarray, n: float, m: float) -> float:
    """Twice the total variation distance expected by chance between two multinomial samples
    of sizes ``n`` and ``m`` from the shares ``p`` (normal approximation per bin)."""
    sd = np.sqrt(p * (1 - p) * (1 / n + 1 / m))
    return 2.0 * 0.5 * float(np.sum(sd)) * float(np.sqrt(2 / np.pi))


def score(history: History, twins: list[History], thresholds=None, tol=KPI_TOLERANCE) -> list[Row]:
    th = {**THRESHOLDS, **(thresholds or {})}
    rows: list[Row] = []
    human = human_only(history)
    hk = kpis(history, human)
    tk = [kpis(t, human) for t in twins]
    for name, hv in hk.items():
        vals = [k[name] for k in tk if k[name] is not None]
        if hv is None or not vals:
            rows.append(Row("kpi", name, hv, None, None, None, tol, "n/a"))
            continue
        m = float(np.mean(vals))
        ci = mean_ci(vals)
        lo, hi = (ci[1], ci[2]) if ci is not None and len(vals) > 1 else (m, m)
        lo, hi = lo - tol * abs(m), hi + tol * abs(m)
        rel = abs(hv - m) / abs(m) if m else None
        ok = lo <= hv <= hi
        interval = None if ci is None or len(vals) < 2 else (float(ci[1]), float(ci[2]))
        rows.append(
            Row("kpi", name, hv, m, interval, rel, tol, "pass" if ok else "fail", 1, len(vals))
        )
    # orders per hour of week
    hh = _hour_of_week(history)
    th_bins = [x for x in (_hour_of_week(t) for t in twins) if x is not None]
    if hh is not None and th_bins:
        tw = np.sum(th_bins, axis=0)
        tv = 0.5 * float(np.abs(hh / hh.sum() - tw / tw.sum()).sum())
        n = "orders_per_hour_of_week"
        limit = max(th[n], tv_noise((hh + tw) / (hh.sum() + tw.sum()), hh.sum(), tw.sum()))
        rows.append(_dist(n, tv, limit, int(hh.sum()), int(tw.sum())))
    else:
        rows.append(
            Row(
                "distribution",
                "orders_per_hour_of_week",
                None,
                None,
                None,
                None,
                th["orders_per_hour_of_week"],
                "n/a",
            )
        )
    # approval cycle times per type
    hc = _cycle_h(history, human)
    tc = pd.concat([_cycle_h(t, human) for t in twins], ignore_index=True)
    for kind in sorted(set(hc["type"].dropna()) | set(tc["type"].dropna())):
        a = hc.loc[hc["type"] == kind, "h"].to_numpy(float)
        b = tc.loc[tc["type"] == kind, "h"].to_numpy(float)
        d = _ks(a, b)
        limit = max(th["approval_cycle"], ks_noise(len(a), len(b)))
        rows.append(_dist(f"approval_cycle[{kind}]", d, limit, len(a), len(b)))
    # lead times per supplier
    tl = pd.concat([t.lead_times for t in twins], ignore_index=True)
    for sup in sorted(set(history.lead_times["supplier"]) | set(tl["supplier"])):
        a = history.lead_times.loc[history.lead_times["supplier"] == sup, "days"].to_numpy(float)
        b = tl.loc[tl["supplier"] == sup, "days"].to_numpy(float)
        d = _ks(a, b)
        limit = max(th["lead_time"], ks_noise(len(a), len(b)))
        rows.append(_dist(f"lead_time[{sup}]", d, limit, len(a), len(b)))
    # daily stockouts
    hs = history.stockouts_daily
    ts = [t.stockouts_daily for t in twins if t.stockouts_daily is not None]
    if hs is not None and len(hs) and ts:
        b = np.concatenate([x.to_numpy(float) for x in ts])
        scale = max(float(b.mean()), 1.0)
        d = float(stats.wasserstein_distance(hs.to_numpy(float), b)) / scale
        rows.append(
            Row(
                "distribution",
                "daily_stockouts",
                None,
                None,
                None,
                d,
                th["daily_stockouts"],
                _verdict(d, th["daily_stockouts"]),
                len(hs),
                len(b),
            )
        )
    else:
        rows.append(
            Row(
                "distribution",
                "daily_stockouts",
                None,
                None,
                None,
                None,
                th["daily_stockouts"],
                "n/a",
            )
        )
    return rows


def twin_histories(s: Scenario, replications: int, plugins=()) -> list[History]:
    """Run ``s`` and read each replication back through its OCEL export."""
    with tempfile.TemporaryDirectory(prefix="fidelity-") as tmp:
        run_scenario(s, replications, Path(tmp))
        return [
            from_ocel(build_ocel(Path(tmp), r), f"twin replication {r}")
            for r in range(replications)
        ]


def as_dicts(rows: list[Row]) -> list[dict]:
    return [asdict(r) for r in rows]
