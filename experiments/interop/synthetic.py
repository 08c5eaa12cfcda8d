"""A synthetic retailer's tables, for the example dataset, the tests and the benchmark.

SYNTHETIC: no real retailer's data. Drawn from one numpy generator (``seed``) with known
parameters (:data:`TRUTH`), so an import and calibration of these tables can be checked against
what generated them. Tables (formats in ``docs/import.md``): ``locations`` (stores ``S001``...,
warehouses ``DC-North``/``DC-South``, the fc ``FC-Web``; every fifth store opens 10:00-20:00,
the rest 09:00-21:00), ``skus`` (categories, lognormal prices, margin 35%, suppliers
round-robin, case packs 6 or 12), ``suppliers`` (two with lead-time parameters, two with
samples in ``supplier_lead_times``), ``sales`` (day x location x SKU units: Poisson around level x
store size x SKU popularity x weekday x season x promotion uplift; the fc sells the online
share; written as Parquet), ``approvals`` (created round the clock, discounts at a till while
the stores are open; pickup after lognormal *working* hours of the approver role's calendar,
then lognormal handling minutes), ``purchase_orders`` and
``orders`` (online orders placed by an evening-heavy hour-of-day profile, their payment and
whether they were returned).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

TRUTH = {
    "start_date": dt.date(2025, 3, 3),
    "store_units_per_day": 180.0,
    "weekly_profile": [0.8, 0.85, 0.9, 0.95, 1.15, 1.45, 0.9],
    "season": {"name": "spring", "from_day": 56, "to_day": 69, "multiplier": 1.3},
    "promo_uplift": 2.0,
    "online_share": 0.15,
    "popularity_exponent": 0.9,
    "suppliers": {
        "V-Alpha": {"median": 6.0, "p90": 10.0, "fill": 0.95, "samples": False},
        "V-Beta": {"median": 9.0, "p90": 15.0, "fill": 0.90, "samples": True},
        "V-Gamma": {"median": 4.0, "p90": 6.0, "fill": 0.97, "samples": True},
        "V-Delta": {"median": 12.0, "p90": 20.0, "fill": 0.85, "samples": False},
    },
    # role: (weekdays, open_h, close_h, pickup median working h, p90, handling median min, p90)
    "approvals": {
        "purchase": ("buyers", [0, 1, 2, 3, 4], 9.0, 17.0, 8.0, 24.0, 10.0, 30.0),
        "discount": ("store_managers", [0, 1, 2, 3, 4, 5, 6], 9.0, 21.0, 0.1, 0.5, 3.0, 8.0),
        "refund": ("customer_service", [0, 1, 2, 3, 4, 5], 9.0, 17.0, 4.0, 12.0, 10.0, 30.0),
    },
    "decline_rate": 0.035,
    "return_rate": 0.18,
}
Z90 = 1.2815515655446004
#: hours of day when every store is open: discount (price override) requests are made at a till
TILL_HOURS = (10.0, 20.0)
#: online orders per hour of day, relative (evening-heavy, like most web shops)
HOURLY = [0.3, 0.2, 0.15, 0.1, 0.1, 0.2, 0.5, 0.8, 1.0, 1.1, 1.2, 1.3]
HOURLY += [1.4, 1.3, 1.2, 1.2, 1.3, 1.5, 1.7, 1.9, 2.0, 1.8, 1.2, 0.6]


def _lognormal(g: np.random.Generator, median: float, p90: float, n: int) -> np.ndarray:
    return g.lognormal(np.log(median), max(np.log(p90 / median), 0.0) / Z90, n)


def add_working_hours(
    t: float, hours: float, weekdays: list[int], open_h: float, close_h: float, wd0: int
) -> float:
    """``t`` (hours since day 0 00:00, day 0 a ``wd0`` weekday) plus ``hours`` of work."""
    while True:
        day = int(t // 24)
        if (wd0 + day) % 7 in weekdays:
            start = max(t, day * 24 + open_h)
            end = day * 24 + close_h
            if start < end:
                if start + hours <= end:
                    return start + hours
                hours -= end - start
        t = (day + 1) * 24.0


def generate(
    out: Path,
    stores: int = 6,
    skus: int = 48,
    days: int = 84,
    seed: int = 7,
    sales_by: str = "sku",
    partition: str | None = None,
) -> dict[str, int]:
    """Write the tables into ``out`` (created); returns rows per table. ``sales_by="category"``
    writes sales per location x category instead of per location x SKU; ``partition="month"``
    writes ``sales/YYYY-MM.parquet`` (one file per calendar month) instead of one
    ``sales.parquet``. Either way one row group per day, so memory is that of a day."""
    if partition not in (None, "month"):
        raise ValueError(f"partition: expected None or 'month', got {partition!r}")
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    g = np.random.default_rng(seed)
    start = TRUTH["start_date"]
    wd0 = start.weekday()
    names = [f"S{i + 1:03d}" for i in range(stores)]
    odd = np.arange(stores) % 5 == 4
    locations = pd.DataFrame(
        {
            "location_id": [*names, "DC-North", "DC-South", "FC-Web"],
            "kind": ["store"] * stores + ["warehouse", "warehouse", "fc"],
            "opens": [*np.where(odd, "10:00", "09:00"), "", "", ""],
            "closes": [*np.where(odd, "20:00", "21:00"), "", "", ""],
            "dc": [*(("DC-North", "DC-South")[i % 2] for i in range(stores)), "", "", ""],
        }
    )
    sup = TRUTH["suppliers"]
    sup_names = list(sup)
    price = np.round(np.maximum(_lognormal(g, 20.0, 55.0, skus), 0.5), 2)
    sku_table = pd.DataFrame(
        {
            "sku_id": [f"SKU-{i + 1:05d}" for i in range(skus)],
            "category": [f"C{i % max(5, skus // 150) + 1:02d}" for i in range(skus)],
            "price": price,
            "cost": np.round(price * 0.65, 2),
            "supplier_id": [sup_names[i % len(sup_names)] for i in range(skus)],
            "case_pack": np.where(np.arange(skus) % 4 == 3, 12, 6),
        }
    )
    suppliers = pd.DataFrame(
        {
            "supplier_id": sup_names,
            "lead_time_median_days": ["" if v["samples"] else v["median"] for v in sup.values()],
            "lead_time_p90_days": ["" if v["samples"] else v["p90"] for v in sup.values()],
            "fill_rate": [v["fill"] for v in sup.values()],
        }
    )
    lt = [
        pd.DataFrame(
            {
                "supplier_id": n,
                "lead_time_days": np.round(_lognormal(g, v["median"], v["p90"], 40), 2),
            }
        )
        for n, v in sup.items()
        if v["samples"]
    ]
    # sales: day x location x SKU
    size = _lognormal(g, 1.0, np.exp(0.4 * Z90), stores)
    size /= size.mean()
    rank = g.permutation(skus) + 1
    pop = 1.0 / rank ** TRUTH["popularity_exponent"]
    pop /= pop.sum()
    weekday = np.array(TRUTH["weekly_profile"])
    weekday /= weekday.mean()
    day_idx = np.arange(days)
    season = TRUTH["season"]
    day_f = weekday[(wd0 + day_idx) % 7] * np.where(
        (day_idx >= season["from_day"]) & (day_idx <= season["to_day"]), season["multiplier"], 1.0
    )
    promo = np.zeros((days, skus), dtype=np.int8)
    promo_skus = g.choice(skus, max(skus // 10, 1), replace=False)
    promo[28:35, promo_skus] = 1  # one promotion week
    uplift = np.where(promo == 1, TRUTH["promo_uplift"], 1.0)
    level = TRUTH["store_units_per_day"]
    online_level = level * stores * TRUTH["online_share"] / (1 - TRUTH["online_share"])
    loc_ids = pa.array([*names, "FC-Web"]).dictionary_encode()
    n_loc = stores + 1
    cat_codes, cat_names = pd.factorize(sku_table["category"], sort=True)
    onehot = np.zeros((skus, len(cat_names)))
    onehot[np.arange(skus), cat_codes] = 1.0
    sku_ids = pa.array(sku_table["sku_id"]).dictionary_encode()
    n_sales = fc_units = 0
    # one day at a time, one row group per day: memory stays that of a day at any size
    with _SalesWriter(out, _sales_schema(sales_by), partition) as writer:
        for d in range(days):
            lam = np.vstack(
                [
                    level * size[:, None] * pop[None, :] * (day_f[d] * uplift[d])[None, :],
                    (online_level * pop * day_f[d] * uplift[d])[None, :],
                ]
            )
            u = g.poisson(lam)  # (locations, SKUs)
            fc_units += int(u[-1].sum())
            if sales_by == "category":
                u = np.rint(u @ onehot).astype(np.int64)  # (locations, categories)
                cols = {"category": pa.array(np.tile(np.asarray(cat_names), n_loc))}
                width = len(cat_names)
            else:
                sku_col = pa.DictionaryArray.from_arrays(
                    pa.array(np.tile(np.arange(skus, dtype=np.int32), n_loc)), sku_ids.dictionary
                )
                cols = {"sku_id": sku_col}
                width = skus
            n = n_loc * width
            loc_col = pa.DictionaryArray.from_arrays(
                pa.array(np.repeat(np.arange(n_loc, dtype=np.int32), width)), loc_ids.dictionary
            )
            date = np.datetime64(start + dt.timedelta(days=d), "D")
            table = {
                "date": pa.array(np.full(n, date), pa.date32()),
                "location_id": loc_col,
                **cols,
                "units": pa.array(u.reshape(-1).astype(np.int64)),
            }
            if sales_by == "sku":
                table["promo"] = pa.array(np.tile(promo[d], n_loc).astype(np.int64))
            writer.write(start + dt.timedelta(days=d), pa.table(table, schema=writer.schema))
            n_sales += n
    # approvals
    rows = []
    # one refund approval per returned online order (the orders below draw the same rates)
    returns = int(fc_units / 2.3) * (1 - TRUTH["decline_rate"]) * TRUTH["return_rate"]
    per_day = {"purchase": 1.5, "discount": 2.0 * stores / 6, "refund": returns / days}
    rid = 0
    for kind, (role, wds, o, c, pm, pp, hm, hp) in TRUTH["approvals"].items():
        n = g.poisson(per_day[kind] * days)
        u = g.random(n) * days
        if kind == "discount":  # asked at a till: while every store is open (10:00-20:00)
            created = np.sort(
                np.floor(u) * 24 + TILL_HOURS[0] + (u % 1) * (TILL_HOURS[1] - TILL_HOURS[0])
            )
        else:
            created = np.sort(u * 24)
        pickup = _lognormal(g, pm, pp, n)
        handle = _lognormal(g, hm, hp, n) / 60.0
        for t, p, h in zip(created, pickup, handle, strict=True):
            rid += 1
            began = add_working_hours(t, p, wds, o, c, wd0)
            done = add_working_hours(began, h, wds, o, c, wd0)
            decided = done if done < days * 24 else None
            rows.append(
                {
                    "request_id": f"R{rid:06d}",
                    "type": kind,
                    "amount": round(float(_lognormal(g, 200.0, 2000.0, 1)[0]), 2),
                    "created": _ts(start, t),
                    "started": _ts(start, began) if began < days * 24 else "",
                    "decided": "" if decided is None else _ts(start, decided),
                    "outcome": "pending"
                    if decided is None
                    else ("approved" if g.random() < 0.9 else "refused"),
                    "approver_role": role,
                }
            )
    approvals = pd.DataFrame(rows).sort_values("created", kind="stable")
    # purchase orders: each supplier, weekly, to each DC
    po_rows = []
    for n, v in sup.items():
        for week in range(days // 7):
            for _dc in ("DC-North", "DC-South"):
                t = week * 168 + 10.0 + g.random() * 8
                lead = float(_lognormal(g, v["median"], v["p90"], 1)[0]) * 24
                ordered = int(g.integers(50, 400))
                full = g.random() < v["fill"]
                got = ordered if full else int(ordered * g.uniform(0.6, 0.99))
                recv = t + lead
                po_rows.append(
                    {
                        "po_id": f"PO-{len(po_rows) + 1:05d}",
                        "supplier_id": n,
                        "ordered": _ts(start, t),
                        "confirmed": _ts(start, t + float(_lognormal(g, 20, 60, 1)[0])),
                        "received": _ts(start, recv) if recv < days * 24 else "",
                        "lines": int(g.integers(1, 8)),
                        "units_ordered": ordered,
                        "units_received": got if recv < days * 24 else 0,
                    }
                )
    pos = pd.DataFrame(po_rows)
    # online orders
    n_orders = int(fc_units / 2.3)
    hour_cdf = np.cumsum(HOURLY) / np.sum(HOURLY)
    day = g.integers(0, days, n_orders)
    hour = np.minimum(np.searchsorted(hour_cdf, g.random(n_orders), side="right"), 23)
    placed = np.sort(day * 24.0 + hour + g.random(n_orders))
    declined = g.random(n_orders) < TRUTH["decline_rate"]
    returned = (~declined) & (g.random(n_orders) < TRUTH["return_rate"])
    orders = pd.DataFrame(
        {
            "order_id": [f"O{i + 1:07d}" for i in range(n_orders)],
            "placed": (
                pd.Timestamp(start) + pd.to_timedelta(placed * 3600.0, unit="s").floor("s")
            ).strftime("%Y-%m-%dT%H:%M:%S"),
            "channel": "ecommerce",
            "payment": np.where(declined, "declined", "captured"),
            "returned": returned.astype(int),
        }
    )
    locations.to_csv(out / "locations.csv", index=False)
    sku_table.to_csv(out / "skus.csv", index=False)
    suppliers.to_csv(out / "suppliers.csv", index=False)
    pd.concat(lt).to_csv(out / "supplier_lead_times.csv", index=False)
    approvals.to_csv(out / "approvals.csv", index=False)
    pos.to_csv(out / "purchase_orders.csv", index=False)
    orders.to_csv(out / "orders.csv", index=False)
    return {
        "locations": len(locations),
        "skus": len(sku_table),
        "suppliers": len(suppliers),
        "sales": n_sales,
        "approvals": len(approvals),
        "purchase_orders": len(pos),
        "orders": len(orders),
    }


class _SalesWriter:
    """``sales.parquet``, or ``sales/YYYY-MM.parquet`` with ``partition="month"``."""

    def __init__(self, out: Path, schema: pa.Schema, partition: str | None):
        self.out, self.schema, self.partition = out, schema, partition
        self.month: str | None = None
        self.writer: pq.ParquetWriter | None = None

    def write(self, day: dt.date, table: pa.Table) -> None:
        month = day.strftime("%Y-%m") if self.partition else ""
        if self.writer is None or month != self.month:
            self.close()
            if self.partition:
                (self.out / "sales").mkdir(exist_ok=True)
                path = self.out / "sales" / f"{month}.parquet"
            else:
                path = self.out / "sales.parquet"
            self.writer, self.month = pq.ParquetWriter(path, self.schema), month
        self.writer.write_table(table)

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
            self.writer = None

    def __enter__(self) -> _SalesWriter:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def _sales_schema(sales_by: str) -> pa.Schema:
    key = (
        ("category", pa.string())
        if sales_by == "category"
        else ("sku_id", pa.dictionary(pa.int32(), pa.string()))
    )
    fields = [
        ("date", pa.date32()),
        ("location_id", pa.dictionary(pa.int32(), pa.string())),
        key,
        ("units", pa.int64()),
    ]
    if sales_by == "sku":
        fields.append(("promo", pa.int64()))
    return pa.schema(fields)


def _ts(start: dt.date, hours: float) -> str:
    t = dt.datetime.combine(start, dt.time()) + dt.timedelta(hours=float(hours))
    return t.strftime("%Y-%m-%dT%H:%M:%S")
