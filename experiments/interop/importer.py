"""``retail-twin import``: a retailer's tables (:mod:`.tables`) as a scenario directory.

The scenario directory holds ``scenario.yaml`` (validated by the schema, nothing else needed),
``stores.parquet`` and ``skus.parquet`` (the tables it names: :mod:`scenarios.datafiles`) and
``import_report.json`` (what was read and every approximation made). What the world then uses
as given: the stores (names, their warehouse, relative size = their share of store sales), the
warehouses and the online fulfilment centre, the suppliers (lead-time median and p90 from
their parameters or samples, fill rate as in-full probability, on-time rate), the catalogue
(ids, categories, prices, costs, suppliers, popularity = share of units sold). From the sales
history: ``start_date`` (its first day), ``horizon_days`` (its length, at most 1,000),
``demand.store_units_per_day`` (mean units per store and day) and ``channels.mix`` (units at
stores vs the fulfilment centre). Everything else keeps the schema's defaults until
``retail-twin calibrate`` fits it.

Approximations, each stated in the report when it applies: the twin has one store calendar and
one case pack, so stores' hours and SKUs' case packs become their most common values; sales are
demand censored by stockouts; sales given per category spread evenly over the category's SKUs.

Nothing is written unless every table is valid: the directory is built under a temporary name
beside ``--out`` and renamed when complete.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import yaml

from experiments.interop.sales import SalesSummary, summarise_sales
from experiments.interop.tables import (
    Problem,
    Problems,
    TableError,
    find_table,
    read_small,
)
from scenarios.loader import load_scenario

NAME = re.compile(r"^[A-Za-z0-9_.\-]{1,64}$")
MAX_HORIZON = 1000


@dataclass
class Retailer:
    """The validated tables (small ones whole, sales summarised)."""

    directory: Path
    locations: pd.DataFrame
    skus: pd.DataFrame
    suppliers: pd.DataFrame
    lead_times: pd.DataFrame | None
    sales: SalesSummary
    approvals: pd.DataFrame | None = None
    purchase_orders: pd.DataFrame | None = None
    orders: pd.DataFrame | None = None
    files: dict[str, str] = field(default_factory=dict)


def _name_problems(table: pd.DataFrame, col: str, file: str, problems: Problems) -> None:
    bad = ~table[col].str.match(NAME)
    if bad.any():
        problems.rows(
            file,
            table.loc[bad, "_row"].to_numpy(),
            col,
            "expected letters, digits, '_', '.' or '-' (at most 64): it becomes a scenario name",
        )


def _check_locations(loc: pd.DataFrame, file: str, problems: Problems) -> None:
    kinds = loc["kind"]
    if (kinds == "fc").sum() != 1:
        problems.add(file, None, "kind", f"expected exactly one fc; found {(kinds == 'fc').sum()}")
    if (kinds == "warehouse").sum() < 1:
        problems.add(file, None, "kind", "expected at least one warehouse serving stores")
    if (kinds == "store").sum() < 1:
        problems.add(file, None, "kind", "expected at least one store")
    _name_problems(loc[kinds != "store"], "location_id", file, problems)
    if "dc" in loc:
        whs = set(loc.loc[kinds == "warehouse", "location_id"])
        stores = loc[kinds == "store"]
        bad = (stores["dc"] != "") & ~stores["dc"].isin(whs)
        if bad.any():
            problems.rows(
                file, stores.loc[bad, "_row"].to_numpy(), "dc", "expected a warehouse's location_id"
            )
    if "opens" in loc and "closes" in loc:
        both = (loc["opens"] != "") & (loc["closes"] != "")
        late = both & (_hours(loc["closes"]) <= _hours(loc["opens"]))
        if late.any():
            problems.rows(file, loc.loc[late, "_row"].to_numpy(), "closes", "expected after opens")


def _hours(hhmm: pd.Series) -> pd.Series:
    parts = hhmm.str.split(":", expand=True)
    return pd.to_numeric(parts[0], errors="coerce") + pd.to_numeric(parts[1], errors="coerce") / 60


def _check_refs(
    table: pd.DataFrame, col: str, known: set, file: str, what: str, problems: Problems
) -> None:
    bad = ~table[col].isin(known) & (table[col] != "")
    if bad.any():
        problems.rows(file, table.loc[bad, "_row"].to_numpy(), col, f"expected {what}")


def _check_suppliers(
    sup: pd.DataFrame, lt: pd.DataFrame | None, file: str, problems: Problems
) -> None:
    _name_problems(sup, "supplier_id", file, problems)
    med = sup.get("lead_time_median_days", pd.Series(np.nan, index=sup.index))
    p90 = sup.get("lead_time_p90_days", pd.Series(np.nan, index=sup.index))
    samples = (
        set() if lt is None else set(lt.groupby("supplier_id").size().loc[lambda n: n >= 2].index)
    )
    has_params = med.notna() & p90.notna()
    neither = ~has_params & ~sup["supplier_id"].isin(samples)
    if neither.any():
        problems.rows(
            file,
            sup.loc[neither, "_row"].to_numpy(),
            "lead_time_median_days",
            "expected lead_time_median_days and lead_time_p90_days, or >= 2 samples in "
            "supplier_lead_times",
        )
    low = has_params & (p90 < med)
    if low.any():
        problems.rows(
            file, sup.loc[low, "_row"].to_numpy(), "lead_time_p90_days", "expected >= the median"
        )


def read_retailer(directory: Path) -> Retailer:
    """Read and check every table of ``directory``; raise :class:`TableError` listing all."""
    directory = Path(directory)
    problems = Problems()
    if not directory.is_dir():
        problems.add(str(directory), None, "", "not a directory")
        raise TableError(problems.finish())
    loc, loc_file = read_small(directory, "locations", problems)
    skus, sku_file = read_small(directory, "skus", problems)
    sup, sup_file = read_small(directory, "suppliers", problems)
    lt, lt_file = read_small(directory, "supplier_lead_times", problems)
    approvals, _ = read_small(directory, "approvals", problems)
    pos, po_file = read_small(directory, "purchase_orders", problems)
    orders, _ = read_small(directory, "orders", problems)
    if loc is not None:
        _check_locations(loc, loc_file, problems)
    if sup is not None:
        _check_suppliers(sup, lt, sup_file, problems)
        known = set(sup["supplier_id"])
        if skus is not None:
            _check_refs(
                skus, "supplier_id", known, sku_file, "a supplier_id of suppliers", problems
            )
        if lt is not None:
            _check_refs(lt, "supplier_id", known, lt_file, "a supplier_id of suppliers", problems)
        if pos is not None:
            _check_refs(pos, "supplier_id", known, po_file, "a supplier_id of suppliers", problems)
    if approvals is not None:
        _check_order(approvals, "created", "decided", "approvals", directory, problems)
    if pos is not None:
        _check_order(pos, "ordered", "received", "purchase_orders", directory, problems)
    sales = None
    if loc is not None and skus is not None:
        sales = summarise_sales(directory, loc, skus, problems)
    found = problems.finish()
    if found:
        raise TableError(found)
    return Retailer(directory, loc, skus, sup, lt, sales, approvals, pos, orders)


def _check_order(t: pd.DataFrame, a: str, b: str, name: str, directory: Path, problems) -> None:
    bad = t[b].notna() & t[a].notna() & (t[b] < t[a])
    if bad.any():
        file = str(find_table(directory, name))
        problems.rows(file, t.loc[bad, "_row"].to_numpy(), b, f"expected on or after {a}")


# --------------------------------------------------------------------------- the scenario
def _mode(values: pd.Series, weights: pd.Series | None = None):
    if weights is None:
        return values.value_counts().idxmax()
    return weights.groupby(values).sum().idxmax()


def _lead_times(r: Retailer) -> dict[str, tuple[float, float, int]]:
    """supplier -> (median, p90, n samples or 0 for given parameters)."""
    out = {}
    samples = {} if r.lead_times is None else dict(list(r.lead_times.groupby("supplier_id")))
    for row in r.suppliers.itertuples():
        s = samples.get(row.supplier_id)
        if s is not None and len(s) >= 2:
            v = s["lead_time_days"].to_numpy(dtype=float)
            out[row.supplier_id] = (float(np.median(v)), float(np.percentile(v, 90)), len(v))
        else:
            med = float(row.lead_time_median_days)
            out[row.supplier_id] = (med, max(float(row.lead_time_p90_days), med), 0)
    return out


def build_scenario(r: Retailer, name: str, seed: int = 42) -> tuple[dict, dict, list[str]]:
    """(scenario document, tables to write {file: DataFrame}, notes on approximations)."""
    notes: list[str] = []
    loc = r.locations
    stores = loc[loc["kind"] == "store"].reset_index(drop=True)
    whs = loc[loc["kind"] != "store"]
    store_whs = loc.loc[loc["kind"] == "warehouse", "location_id"].tolist()
    loc_index = {x: i for i, x in enumerate(loc["location_id"])}
    sales = r.sales
    units = sales.units
    store_rows = np.array([loc_index[x] for x in stores["location_id"]])
    fc_row = loc_index[loc.loc[loc["kind"] == "fc", "location_id"].iloc[0]]
    store_units = units[store_rows].sum(axis=1)
    if (store_units <= 0).any():
        zero = stores.loc[store_units <= 0, "location_id"].tolist()
        notes.append(f"stores without sales get the smallest seen size: {', '.join(zero[:10])}")
        floor = store_units[store_units > 0].min() if (store_units > 0).any() else 1.0
        store_units = np.where(store_units > 0, store_units, floor)
    dc = stores["dc"] if "dc" in stores else pd.Series("", index=stores.index)
    if (dc == "").any():
        rr = [store_whs[i % len(store_whs)] for i in range(len(stores))]
        dc = dc.where(dc != "", pd.Series(rr, index=stores.index))
        notes.append("stores without a dc are assigned to warehouses round-robin")
    stores_table = pd.DataFrame(
        {"name": stores["location_id"], "size": store_units / store_units.mean(), "dc": dc}
    )
    sku_units = units.sum(axis=0)
    if (sku_units <= 0).any():
        notes.append(
            f"{int((sku_units <= 0).sum())} SKUs never sold: popularity 0 (never demanded)"
        )
    skus = r.skus
    sku_supplier = skus["supplier_id"]
    skus_table = pd.DataFrame(
        {
            "sku": skus["sku_id"],
            "category": skus["category"],
            "price": skus["price"].astype(float),
            "cost": skus["cost"].astype(float),
            "supplier": sku_supplier,
            "popularity": sku_units / sku_units.sum() if sku_units.sum() > 0 else 1.0 / len(skus),
        }
    )
    lt = _lead_times(r)
    suppliers = []
    for row in r.suppliers.itertuples():
        med, p90, _ = lt[row.supplier_id]
        entry = {
            "name": row.supplier_id,
            "lead_time_days": {"median": round(med, 4), "p90": round(max(p90, med), 4)},
            "in_full_prob": float(row.fill_rate),
        }
        if "on_time_rate" in r.suppliers and not pd.isna(row.on_time_rate):
            entry["on_time_prob"] = float(row.on_time_rate)
        suppliers.append(entry)
    base = load_scenario("baseline")
    doc: dict = {
        "name": name,
        "description": f"imported from {r.directory.name}: {len(stores)} stores, "
        f"{len(skus)} SKUs, {len(suppliers)} suppliers, {sales.days} days of sales",
        "seed": seed,
        "horizon_days": min(sales.days, MAX_HORIZON),
        "start_date": sales.first,
        "network": {
            "stores": {"count": len(stores), "file": "stores.parquet"},
            "warehouses": [
                {"name": w.location_id, "serves_online": w.kind == "fc"} for w in whs.itertuples()
            ],
            "suppliers": suppliers,
            "carriers": [c.model_dump(mode="python") for c in base.network.carriers],
        },
        "catalogue": {"skus": len(skus), "file": "skus.parquet"},
        "demand": {
            "store_units_per_day": round(float(store_units.sum()) / len(stores) / sales.days, 4)
        },
    }
    if sales.days > MAX_HORIZON:
        notes.append(f"history of {sales.days} days: the horizon is capped at {MAX_HORIZON}")
    has_hours = "opens" in stores and "closes" in stores
    if has_hours and ((stores["opens"] != "") & (stores["closes"] != "")).any():
        opens = stores.loc[stores["opens"] != "", "opens"]
        closes = stores.loc[stores["closes"] != "", "closes"]
        o, c = _mode(opens), _mode(closes)
        doc["network"]["stores"]["open_h"] = round(float(_hours(pd.Series([o])).iloc[0]), 4)
        doc["network"]["stores"]["close_h"] = round(float(_hours(pd.Series([c])).iloc[0]), 4)
        if opens.nunique() > 1 or closes.nunique() > 1:
            notes.append(
                f"store hours vary; the twin has one store calendar: {o}-{c} (most common)"
            )
    if "case_pack" in skus:
        packs = skus["case_pack"].astype(int)
        pack = int(_mode(packs, pd.Series(sku_units + 1e-9, index=packs.index)))
        doc["catalogue"]["case_pack"] = pack
        if packs.nunique() > 1:
            notes.append(f"case packs vary ({packs.min()}-{packs.max()}); the twin uses {pack}")
    online = float(units[fc_row].sum())
    total = float(store_units.sum()) + online
    if online > 0:
        doc["channels"] = {
            "mix": {
                "pos": round(1 - online / total, 6),
                "ecommerce": round(online / total, 6),
                "marketplace": 0.0,
            }
        }
    else:
        notes.append("no sales at the fc: no online demand")
        doc["channels"] = {"mix": {"pos": 1.0, "ecommerce": 0.0, "marketplace": 0.0}}
    if sales.by_category:
        notes.append("sales per category: units spread evenly over each category's SKUs")
    notes.append("sales are demand censored by stockouts: the demand level is a lower bound")
    return doc, {"stores.parquet": stores_table, "skus.parquet": skus_table}, notes


def write_scenario_dir(out: Path, doc: dict, tables: dict[str, pd.DataFrame], report: dict) -> None:
    """Build the directory under a temporary name, validate the scenario, then rename."""
    out = Path(out)
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise TableError([Problem(str(out), None, "", "exists and is not empty")])
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        for name, table in tables.items():
            pq.write_table(pa.Table.from_pandas(table, preserve_index=False), tmp / name)
        (tmp / "scenario.yaml").write_text(
            yaml.safe_dump(doc, sort_keys=False, allow_unicode=True), encoding="utf-8"
        )
        load_scenario(tmp / "scenario.yaml")  # the schema validates what was written
        (tmp / "import_report.json").write_text(json.dumps(report, indent=2, default=str) + "\n")
        if out.exists():
            out.rmdir()
        os.replace(tmp, out)
    finally:
        with contextlib.suppress(FileNotFoundError):
            shutil.rmtree(tmp)


def import_tables(directory: Path, out: Path, name: str | None = None, seed: int = 42) -> dict:
    """Read, check and convert ``directory`` into the scenario directory ``out``; the report."""
    import time

    started = time.perf_counter()
    r = read_retailer(Path(directory))
    out = Path(out)
    scen_name = name or re.sub(r"[^A-Za-z0-9_.\-]", "_", out.name)[:64] or "imported"
    doc, tables, notes = build_scenario(r, scen_name, seed)
    report = {
        "source": str(Path(directory).resolve()),
        "scenario": scen_name,
        "stores": int(doc["network"]["stores"]["count"]),
        "warehouses": len(doc["network"]["warehouses"]),
        "suppliers": len(doc["network"]["suppliers"]),
        "skus": int(doc["catalogue"]["skus"]),
        "sales_rows": r.sales.rows,
        "sales_days": r.sales.days,
        "first_day": r.sales.first.isoformat(),
        "last_day": r.sales.last.isoformat(),
        "optional_tables": {
            t: (getattr(r, t) is not None and len(getattr(r, t)))
            for t in ("approvals", "purchase_orders", "orders")
        },
        "notes": notes,
    }
    write_scenario_dir(out, doc, tables, report)
    report["wall_s"] = round(time.perf_counter() - started, 3)
    return report
