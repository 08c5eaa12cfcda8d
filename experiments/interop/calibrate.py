"""``retail-twin calibrate``: fit a scenario's parameters to a retailer's history.

Why one long module: every fitted parameter is one short, documented fit beside the others, so
the report and the YAML it writes are read in one place.

Input: a base scenario and a :class:`~experiments.interop.history.History` (tables or OCEL 2.0).
Output: a scenario directory with ``scenario.yaml`` that ``extends:`` the base and sets only
fitted fields, by the schema's own paths, and ``calibration.json`` / ``calibration.txt``: one
row per fitted parameter with its value, sample size ``n`` and a goodness-of-fit figure (the
Kolmogorov-Smirnov statistic of a fitted lognormal, or for a profile the largest relative error
of the fitted vs the observed means). Fits (scipy where a fit is needed):

- ``demand.store_units_per_day``: mean units per store and day; ``demand.weekly_profile``: mean
  per weekday over the overall mean (a full week at least); ``demand.seasonality``: one window
  per whole week of the history whose weekday-adjusted mean is 5% or more off the overall mean;
  ``demand.promo_uplift``: units per row on promotion over off promotion, SKUs on promotion
  only; ``channels.mix``: online (fc) units over all units; ``catalogue.file``: a copy of the
  base's catalogue table with popularity = each SKU's share of units sold (an imported base),
  or ``catalogue.popularity_exponent`` (a generated base: log share on log rank; from OCEL,
  the SKUs of one-line online orders).
- per supplier: ``lead_time_days`` (lognormal MLE of order-to-receipt days, location fixed at
  0; ``on_time_prob`` becomes 1: lateness is part of the fitted spread, not added on top),
  ``in_full_prob`` (share of receipts in full), ``confirmation_h`` (lognormal MLE).
- approvals, respecting each role's working calendar (the base scenario's pool of that name):
  pickup = working hours from creation to the first step's start, handling = working minutes from
  start to decision. Handling becomes ``approvals.pools.ROLE.handling_min``. Under ``manual``
  the pickup of the role deciding mostly discount requests (the till's store manager) becomes
  ``orchestration.manual.till_pickup_h``, and each role that waits in an inbox (median >= 0.5
  working h) gets its own ``orchestration.manual.email_pickup_by_pool.ROLE``. Those roles'
  pickups pooled become the base model's ``email_pickup_h`` (manual: for pools the log does
  not show) or ``approval_pickup_h`` (approval_centric, hybrid: one inbox pickup per model).
  Without start times the pickup cannot be told from the handling: the whole cycle is fitted
  as pickup.
- ``demand.discount_requests_per_store_day``: discount approval requests per store and day.
- ``demand.payments.decline_rate``: declined / online orders; ``demand.returns.online_rate``:
  returned / delivered online orders. When delivery and return times are known (OCEL), only
  orders delivered at least the longest observed delivery-to-return delay before the end of the
  history count: a later one's return may not have started yet (right censoring).

A fit needs enough data (:data:`MIN_N`); with less, the parameter keeps the base's value and
the report says so. Nothing is written unless the calibrated scenario validates.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import tempfile
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import yaml
from scipy import stats

from experiments.interop.history import History, returns_observable, working_hours_between
from scenarios.loader import load_scenario, resolve_path
from scenarios.schema import Z90, Scenario

MIN_N = 5
PICKUP_MIN_H = 0.5
SEASON_MIN_DEVIATION = 0.05
PICKUP_FIELDS = {
    "manual": "email_pickup_h",
    "approval_centric": "approval_pickup_h",
    "hybrid": "approval_pickup_h",
}


class CalibrationError(Exception):
    """A base scenario or history that cannot be calibrated (the CLI exits with 2)."""


@dataclass(frozen=True)
class Fit:
    parameter: str  # the schema path (or a description for a reported-only row)
    value: object
    n: int
    statistic: str  # "ks", "max_rel_error", "" (a count or a share)
    gof: float | None
    note: str = ""


def lognormal_fit(x: np.ndarray) -> tuple[float, float, float]:
    """(median, p90, KS statistic) of a lognormal fitted by maximum likelihood (loc 0)."""
    x = np.asarray(x, dtype=float)
    x = x[x > 0]
    s, _, scale = stats.lognorm.fit(x, floc=0)
    ks = stats.kstest(x, "lognorm", args=(s, 0, scale)).statistic
    return float(scale), float(scale * math.exp(Z90 * s)), float(ks)


def _ln(median: float, p90: float) -> dict:
    return {"median": round(median, 6), "p90": round(max(p90, median), 6)}


def _set(doc: dict, path: str, value) -> None:
    *parents, leaf = path.split(".")
    node = doc
    for key in parents:
        node = node.setdefault(key, {})
    node[leaf] = value


# --------------------------------------------------------------------------- demand
def _demand(h: History, base: Scenario, doc: dict, fits: list[Fit]) -> None:
    daily = h.store_daily
    if len(daily) == 0 or daily["date"].nunique() < 7:
        fits.append(Fit("demand", None, len(daily), "", None, "fewer than 7 days of store sales"))
        return
    per_day = daily.groupby("date")["units"].sum()
    n_stores = daily["store"].nunique()
    level = float(per_day.mean()) / n_stores
    _set(doc, "demand.store_units_per_day", round(level, 4))
    fits.append(Fit("demand.store_units_per_day", round(level, 4), len(per_day), "", None))
    dates = pd.to_datetime(pd.Series(per_day.index))
    wd = dates.dt.day_of_week.to_numpy()
    vals = per_day.to_numpy(dtype=float)
    means = np.array([vals[wd == d].mean() for d in range(7)])
    profile = means / means.mean()
    _set(doc, "demand.weekly_profile", [round(float(x), 4) for x in profile])
    err = float(np.max(np.abs(means / means.mean() - profile)))  # 0 by construction per weekday
    fits.append(
        Fit(
            "demand.weekly_profile",
            [round(float(x), 3) for x in profile],
            len(vals),
            "max_rel_error",
            err,
            "mean per weekday / overall mean",
        )
    )
    adjusted = vals / profile[wd]
    windows = []
    day0 = dates.iloc[0]
    week = ((dates - day0).dt.days // 7).to_numpy()
    overall = adjusted.mean()
    for k in range(int(week.max()) + 1):
        sel = week == k
        if sel.sum() < 7:
            continue
        m = adjusted[sel].mean() / overall
        if abs(m - 1.0) >= SEASON_MIN_DEVIATION:
            first = (day0 + pd.Timedelta(days=7 * k)).date()
            windows.append(
                {
                    "name": f"week_{first.isoformat()}",
                    "start": first,
                    "end": first + pd.Timedelta(days=6).to_pytimedelta(),
                    "multiplier": round(float(m), 4),
                }
            )
    _set(doc, "demand.seasonality", windows)
    resid = vals / (profile[wd] * overall)
    for w in windows:
        sel = (dates.dt.date >= w["start"]).to_numpy() & (dates.dt.date <= w["end"]).to_numpy()
        resid[sel] /= w["multiplier"]
    fits.append(
        Fit(
            "demand.seasonality",
            f"{len(windows)} weekly window(s)",
            len(vals),
            "max_rel_error",
            float(np.max(np.abs(resid - 1.0))),
            "daily store units vs level x weekday x season",
        )
    )
    if len(h.promo) and (h.promo["promo"] == 1).any():
        p = h.promo.pivot_table(
            index="sku", columns="promo", values=["units", "rows"], aggfunc="sum"
        )
        p = p.dropna()
        if len(p):
            on = p[("units", 1)] / p[("rows", 1)]
            off = p[("units", 0)] / p[("rows", 0)]
            ok = off > 0
            uplift = float((on[ok] * off[ok]).sum() / (off[ok] ** 2).sum()) if ok.any() else None
            if uplift:
                _set(doc, "demand.promo_uplift", round(uplift, 4))
                fits.append(
                    Fit(
                        "demand.promo_uplift",
                        round(uplift, 4),
                        int(ok.sum()),
                        "",
                        None,
                        "SKUs with rows on and off promotion",
                    )
                )
    online = float(h.online_daily.sum())
    stores_total = float(per_day.sum())
    if online > 0:
        share = online / (online + stores_total)
        mix = dict(base.channels.mix)
        rest = mix["ecommerce"] + mix["marketplace"]
        eco = mix["ecommerce"] / rest if rest > 0 else 1.0
        _set(
            doc,
            "channels.mix",
            {
                "pos": round(1 - share, 6),
                "ecommerce": round(share * eco, 6),
                "marketplace": round(1 - round(1 - share, 6) - round(share * eco, 6), 6),
            },
        )
        fits.append(
            Fit("channels.mix (online share)", round(share, 4), len(h.online_daily), "", None)
        )


def _zipf(h: History, base: Scenario, doc: dict, fits: list[Fit]) -> None:
    """A generated catalogue's popularity exponent: least squares of log share on log rank
    over the SKUs sold at least :data:`MIN_N` units (the noisy tail left out)."""
    units = np.sort(h.sku_units.to_numpy(dtype=float))[::-1]
    n_skus = base.catalogue.skus
    keep = units >= MIN_N
    if keep.sum() < MIN_N:
        return
    rank = np.arange(1, len(units) + 1)
    slope = np.polyfit(np.log(rank[keep]), np.log(units[keep] / units.sum()), 1)[0]
    exponent = float(np.clip(-slope, 0.0, 2.0))
    fitted = 1.0 / np.arange(1, n_skus + 1) ** exponent
    fitted /= fitted.sum()
    observed = np.zeros(n_skus)
    observed[: min(len(units), n_skus)] = units[:n_skus] / units.sum()
    tv = 0.5 * float(np.abs(observed - fitted).sum())
    _set(doc, "catalogue.popularity_exponent", round(exponent, 4))
    fits.append(
        Fit(
            "catalogue.popularity_exponent",
            round(exponent, 4),
            int(units.sum()),
            "total_variation",
            tv,
            f"{int(keep.sum())} SKUs with >= {MIN_N} units, log-log",
        )
    )


def _catalogue(h: History, base: Scenario, doc: dict, fits: list[Fit], tmp: Path) -> None:
    if len(h.sku_units) == 0:
        return
    if base.catalogue.file is None:
        _zipf(h, base, doc, fits)
        return
    table = pd.read_parquet(base.catalogue.file)
    units = h.sku_units.reindex(table["sku"]).fillna(0.0).to_numpy(dtype=float)
    if units.sum() <= 0:
        return
    new = units / units.sum()
    old = table["popularity"].to_numpy(dtype=float)
    old = old / old.sum()
    table["popularity"] = new
    table.to_parquet(tmp / "skus.parquet", index=False)
    _set(doc, "catalogue.file", "skus.parquet")
    tv = 0.5 * float(np.abs(new - old).sum())
    fits.append(
        Fit(
            "catalogue.file (popularity)",
            "skus.parquet",
            int(units.sum()),
            "total_variation",
            tv,
            "vs the base's popularity",
        )
    )


# --------------------------------------------------------------------------- suppliers
def _suppliers(h: History, base: Scenario, doc: dict, fits: list[Fit]) -> None:
    sups = [x.model_dump(mode="python") for x in base.network.suppliers]
    changed = False
    for entry in sups:
        name = entry["name"]
        lt = h.lead_times.loc[h.lead_times["supplier"] == name, "days"].to_numpy(dtype=float)
        if len(lt) >= MIN_N:
            med, p90, ks = lognormal_fit(lt)
            entry["lead_time_days"] = _ln(med, p90)
            entry["on_time_prob"] = 1.0
            changed = True
            fits.append(
                Fit(
                    f"network.suppliers[{name}].lead_time_days",
                    _ln(med, p90),
                    len(lt),
                    "ks",
                    ks,
                    "on_time_prob := 1 (lateness is in the fitted spread)",
                )
            )
        full = h.in_full.loc[h.in_full["supplier"] == name, "in_full"].to_numpy(dtype=bool)
        if len(full) >= MIN_N:
            entry["in_full_prob"] = round(float(full.mean()), 4)
            changed = True
            fits.append(
                Fit(
                    f"network.suppliers[{name}].in_full_prob",
                    entry["in_full_prob"],
                    len(full),
                    "",
                    None,
                )
            )
        conf = h.confirmations.loc[h.confirmations["supplier"] == name, "hours"].to_numpy(float)
        if len(conf) >= MIN_N:
            med, p90, ks = lognormal_fit(conf)
            entry["confirmation_h"] = _ln(med, p90)
            changed = True
            fits.append(
                Fit(f"network.suppliers[{name}].confirmation_h", _ln(med, p90), len(conf), "ks", ks)
            )
    unknown = sorted(set(h.lead_times["supplier"]) - {x["name"] for x in sups})
    if unknown:
        fits.append(
            Fit("suppliers not in the scenario", unknown, len(unknown), "", None, "skipped")
        )
    if changed:
        _set(doc, "network.suppliers", sups)


# --------------------------------------------------------------------------- approvals
def _approvals(h: History, base: Scenario, doc: dict, fits: list[Fit]) -> None:
    a = h.approvals
    a = a[a["created"].notna() & a["decided"].notna() & a["role"].notna()]
    if len(a) == 0:
        return
    has_start = a["started"].notna().any()
    pickups = []
    for role, group in a.groupby("role"):
        pool = base.approvals.pools.get(role)
        if pool is None:
            fits.append(
                Fit(
                    f"approvals: role {role}",
                    None,
                    len(group),
                    "",
                    None,
                    "no pool of this name in the scenario: skipped",
                )
            )
            continue
        cal = pool.calendar
        g = group[group["started"].notna()] if has_start else group
        if len(g) < MIN_N:
            continue
        if has_start:
            pick = working_hours_between(
                g["created"], g["started"], cal.weekdays, cal.open_h, cal.close_h
            )
            handle = 60.0 * working_hours_between(
                g["started"], g["decided"], cal.weekdays, cal.open_h, cal.close_h
            )
            handle = handle[handle > 0]
            if len(handle) >= MIN_N:
                med, p90, ks = lognormal_fit(handle)
                # every pool, whole: pools the base leaves at their defaults are not in its
                # YAML, and a partial mapping would replace them
                pools = doc.setdefault("approvals", {}).setdefault(
                    "pools",
                    {k: v.model_dump(mode="python") for k, v in base.approvals.pools.items()},
                )
                pools[role]["handling_min"] = _ln(med, p90)
                fits.append(
                    Fit(
                        f"approvals.pools.{role}.handling_min",
                        _ln(med, p90),
                        len(handle),
                        "ks",
                        ks,
                        "working minutes, start to decision",
                    )
                )
        else:
            pick = working_hours_between(
                g["created"], g["decided"], cal.weekdays, cal.open_h, cal.close_h
            )
        pick = pick[pick > 0]
        if len(pick) < MIN_N:
            continue
        med, p90, ks = lognormal_fit(pick)
        fits.append(
            Fit(
                f"pickup of {role} (working h)",
                _ln(med, p90),
                len(pick),
                "ks",
                ks,
                "reported per role" + ("" if has_start else "; no start times: cycle"),
            )
        )
        till = (group["type"] == "discount").mean() > 0.5  # a till's price overrides
        if till and base.orchestration.model == "manual":
            _set(doc, "orchestration.manual.till_pickup_h", _ln(med, p90))
            fits.append(
                Fit(
                    "orchestration.manual.till_pickup_h",
                    _ln(med, p90),
                    len(pick),
                    "ks",
                    ks,
                    f"{role}: discount requests at the till",
                )
            )
        elif med >= PICKUP_MIN_H:
            pickups.append(pick)
            if base.orchestration.model == "manual":
                _set(doc, f"orchestration.manual.email_pickup_by_pool.{role}", _ln(med, p90))
                fits.append(
                    Fit(
                        f"orchestration.manual.email_pickup_by_pool.{role}",
                        _ln(med, p90),
                        len(pick),
                        "ks",
                        ks,
                        "requests whose first step is this pool's",
                    )
                )
    model = base.orchestration.model
    field = PICKUP_FIELDS.get(model)
    if pickups and field is not None:
        pooled = np.concatenate(pickups)
        med, p90, ks = lognormal_fit(pooled)
        _set(doc, f"orchestration.{model}.{field}", _ln(med, p90))
        fits.append(
            Fit(
                f"orchestration.{model}.{field}",
                _ln(med, p90),
                len(pooled),
                "ks",
                ks,
                f"roles waiting >= {PICKUP_MIN_H} working h, pooled",
            )
        )


def _discount_requests(h: History, doc: dict, fits: list[Fit]) -> None:
    """Price-override requests per store and day, from the discount approvals."""
    n_stores = h.store_daily["store"].nunique() if len(h.store_daily) else 0
    n = int((h.approvals["type"] == "discount").sum())
    if n_stores == 0 or n < MIN_N:
        return
    rate = n / n_stores / h.days
    _set(doc, "demand.discount_requests_per_store_day", round(rate, 4))
    fits.append(
        Fit(
            "demand.discount_requests_per_store_day",
            round(rate, 4),
            n,
            "",
            None,
            "discount approval requests / stores / days",
        )
    )


def _customers(h: History, doc: dict, fits: list[Fit]) -> None:
    o = h.orders
    if len(o) >= MIN_N:
        rate = float(o["declined"].mean())
        _set(doc, "demand.payments.decline_rate", round(rate, 6))
        fits.append(Fit("demand.payments.decline_rate", round(rate, 6), len(o), "", None))
    delivered = returns_observable(o)
    if len(delivered) >= MIN_N:
        rate = float(delivered["returned"].mean())
        _set(doc, "demand.returns.online_rate", round(rate, 6))
        fits.append(Fit("demand.returns.online_rate", round(rate, 6), len(delivered), "", None))


# --------------------------------------------------------------------------- the scenario
def calibrate_doc(base: Scenario, h: History, tmp: Path) -> tuple[dict, list[Fit]]:
    doc: dict = {}
    fits: list[Fit] = []
    _demand(h, base, doc, fits)
    _catalogue(h, base, doc, fits, tmp)
    _suppliers(h, base, doc, fits)
    _approvals(h, base, doc, fits)
    _discount_requests(h, doc, fits)
    _customers(h, doc, fits)
    return doc, fits


def report_table(fits: list[Fit]) -> str:
    rows = [("parameter", "value", "n", "goodness of fit", "note")]
    for f in fits:
        gof = "" if f.gof is None else f"{f.statistic} {f.gof:.4f}"
        rows.append((f.parameter, _fmt(f.value), f"{f.n:,}", gof, f.note))
    widths = [min(max(len(r[i]) for r in rows), 60) for i in range(5)]
    lines = [
        "  ".join(c.ljust(w)[: max(w, len(c))] for c, w in zip(r, widths, strict=True))
        for r in rows
    ]
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _fmt(v) -> str:
    if isinstance(v, dict) and set(v) == {"median", "p90"}:
        return f"median {v['median']:.4g}, p90 {v['p90']:.4g}"
    if isinstance(v, float):
        return f"{v:.6g}"
    return str(v)


def calibrate(scenario: str, history: History, out: Path) -> dict:
    """Write the calibrated scenario directory ``out``; returns the report."""
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise CalibrationError(f"{out}: exists and is not empty")
    base = load_scenario(scenario)
    base_path = resolve_path(scenario)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        fitted, fits = calibrate_doc(base, history, tmp)
        is_file = Path(scenario).suffix in {".yaml", ".yml"} or Path(scenario).exists()
        extends = os.path.relpath(base_path.resolve(), out.resolve()) if is_file else scenario
        doc = {
            "extends": extends,
            "name": f"{base.name}_calibrated"[:64],
            "description": f"{base.name} calibrated to {history.source}",
            **fitted,
        }
        (tmp / "scenario.yaml").write_text(
            yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8"
        )
        load_scenario(tmp / "scenario.yaml")  # the schema validates what was written
        report = {
            "base": str(base_path),
            "history": history.source,
            "history_days": history.days,
            "fits": [asdict(f) for f in fits],
        }
        (tmp / "calibration.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
        (tmp / "calibration.txt").write_text(report_table(fits))
        if out.exists():
            out.rmdir()
        os.replace(tmp, out)
    finally:
        with contextlib.suppress(FileNotFoundError):
            shutil.rmtree(tmp)
    return report
