"""The sales history in one pass: units per location x SKU, per location x day, per promotion.

``sales`` is the large table (one row per day x location x SKU, or per category): it is read in
batches (:func:`experiments.interop.tables.iter_table`), every row checked like any table's, and
only aggregates are kept: a dense (locations x SKUs) array of units, one row per location and
day, and per SKU the units and rows on and off promotion. Memory is that of the aggregates plus
one batch, whatever the number of rows. Per-category sales are spread evenly over the category's
SKUs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa

from experiments.interop.tables import (
    SPECS,
    Problem,
    Problems,
    check_batch,
    find_table,
    index_of,
    iter_table,
    missing_columns,
)


@dataclass
class SalesSummary:
    """One pass over the sales table: what the importer and the calibration need."""

    units: np.ndarray  # (n_locations, n_skus) units sold over the history
    daily: pd.DataFrame  # location (index), date, units: one row per location x day
    promo: pd.DataFrame  # sku (index), promo (0/1), units, rows
    first: dt.date
    last: dt.date
    rows: int
    by_category: bool

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1


def summarise_sales(
    directory: Path, locations: pd.DataFrame, skus: pd.DataFrame, problems: Problems
) -> SalesSummary | None:
    """Read the sales table in batches, check every row, and aggregate it."""
    spec = SPECS["sales"]
    path = find_table(directory, "sales")
    if path is None:
        problems.add(f"{directory / 'sales'}.csv", None, "", "required table not found")
        return None
    file = str(path)
    loc_ids = pd.Index(locations["location_id"])
    sellers = pd.Index(locations.loc[locations["kind"] != "warehouse", "location_id"])
    sku_ids = pd.Index(skus["sku_id"])
    categories = pd.Index(sorted(skus["category"].unique()))
    units = np.zeros((len(loc_ids), len(sku_ids)))
    cat_units = np.zeros((len(loc_ids), len(categories)))
    daily, promo = [], []
    rows = 0
    by_category = None
    first_day = last_day = None
    try:
        for first, df in iter_table(path):
            if by_category is None:
                miss = missing_columns(spec, list(df.columns), file)
                if "sku_id" not in df.columns and "category" not in df.columns:
                    miss.append(
                        Problem(file, None, "sku_id", "a required column is missing (or category)")
                    )
                if miss:
                    problems.items.extend(miss)
                    return None
                by_category = "sku_id" not in df.columns
            rows += len(df)
            c = check_batch(spec, df, first, file, problems)
            row_no = np.arange(first, first + len(df))
            loc_i = index_of(loc_ids, c["location_id"])
            bad_loc = index_of(sellers, c["location_id"]) < 0
            if bad_loc.any():
                problems.rows(
                    file, row_no[bad_loc], "location_id", "expected a store's or the fc's id"
                )
            key = "category" if by_category else "sku_id"
            idx = index_of(categories if by_category else sku_ids, c[key])
            if (idx < 0).any():
                problems.rows(file, row_no[idx < 0], key, f"expected a {key} of skus")
            u = c["units"].to_numpy()
            ok = ~bad_loc & (idx >= 0) & ~np.isnan(u) & c["date"].notna().to_numpy()
            if not ok.any():
                continue
            li, si, uu = loc_i[ok], idx[ok], u[ok]
            acc = cat_units if by_category else units
            flat = li.astype(np.int64) * acc.shape[1] + si
            acc += np.bincount(flat, weights=uu, minlength=acc.size).reshape(acc.shape)
            dates = c["date"][ok]
            lo, hi = dates.min().date(), dates.max().date()
            first_day = lo if first_day is None else min(first_day, lo)
            last_day = hi if last_day is None else max(last_day, hi)
            daily.append(
                pd.DataFrame({"location": li, "date": dates.to_numpy(), "units": uu})
                .groupby(["location", "date"], sort=False)["units"]
                .sum()
            )
            if "promo" in c and not by_category:
                p = c["promo"].to_numpy()[ok]
                promo.append(
                    pd.DataFrame({"sku": si, "promo": p, "units": uu, "rows": 1.0})
                    .groupby(["sku", "promo"])[["units", "rows"]]
                    .sum()
                )
    except (pa.ArrowInvalid, OSError) as exc:
        problems.add(file, None, "", f"not a readable table ({exc})")
        return None
    if rows == 0 or first_day is None:
        problems.add(file, None, "", "no valid rows")
        return None
    if by_category:
        # spread a category's units evenly over its SKUs
        cat_of = categories.get_indexer(skus["category"])
        n_in = np.bincount(cat_of, minlength=len(categories))
        units = cat_units[:, cat_of] / n_in[cat_of][None, :]
    d = pd.concat(daily).groupby(level=[0, 1]).sum().reset_index()
    pr = (
        pd.concat(promo).groupby(level=[0, 1]).sum().reset_index()
        if promo
        else pd.DataFrame(columns=["sku", "promo", "units", "rows"])
    )
    return SalesSummary(units, d, pr, first_day, last_day, rows, bool(by_category))
