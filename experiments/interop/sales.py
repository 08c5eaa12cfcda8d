"""The sales history in one pass: units per location x SKU, per location x day, per promotion.

``sales`` is the large table (one row per day x location x SKU, or per category; one file or a
directory of Parquet files, :func:`experiments.interop.tables.table_parts`): it is read in
batches of about a million rows (:func:`experiments.interop.tables.iter_table`), every row
checked like any table's, and only running sums are kept (:class:`SalesSums`): a dense
(locations x SKUs) array of units, a dense (locations x days) array of units and of rows, and
per SKU the units and rows on and off promotion, each added by one ``numpy.bincount`` per
batch (no per-row Python, no group-by). Memory is that of the sums (about 20 MB at 500 stores x
5,000 SKUs x a year) plus one batch, whatever the number of rows. Per-category sales are spread
evenly over the category's SKUs.
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
    table_parts,
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


class SalesSums:
    """Running sums of the sales rows seen so far; :meth:`add` takes one batch's valid rows."""

    def __init__(self, n_locations: int, n_keys: int):
        self.units = np.zeros((n_locations, n_keys))
        self.day0: int | None = None  # day number (days since 1970-01-01) of column 0
        self.day_units = np.zeros((n_locations, 0))
        self.day_rows = np.zeros((n_locations, 0), dtype=np.int64)
        self.promo_units = np.zeros((n_keys, 2))
        self.promo_rows = np.zeros((n_keys, 2), dtype=np.int64)
        self.has_promo = False

    def _cover(self, lo: int, hi: int) -> None:
        """Widen the per-day arrays to hold days ``lo..hi``."""
        if self.day0 is None:
            self.day0 = lo
        width = self.day_units.shape[1]
        left = max(self.day0 - lo, 0)
        right = max(hi - (self.day0 + width - 1), 0)
        if left or right:
            pad = ((0, 0), (left, right))
            self.day_units = np.pad(self.day_units, pad)
            self.day_rows = np.pad(self.day_rows, pad)
            self.day0 -= left

    def add(
        self,
        loc: np.ndarray,
        key: np.ndarray,
        day: np.ndarray,
        units: np.ndarray,
        promo: np.ndarray | None,
    ) -> None:
        """Add rows: location and SKU (or category) positions, day numbers, units, promo 0/1
        (NaN: unknown, left out of the promotion sums)."""
        n_loc, n_keys = self.units.shape
        cell = loc.astype(np.int64) * n_keys + key
        self.units += np.bincount(cell, weights=units, minlength=self.units.size).reshape(
            self.units.shape
        )
        lo, hi = int(day.min()), int(day.max())
        self._cover(lo, hi)
        width = hi - lo + 1
        cell = loc.astype(np.int64) * width + (day - lo)
        at = slice(lo - self.day0, hi - self.day0 + 1)
        self.day_units[:, at] += np.bincount(cell, weights=units, minlength=n_loc * width).reshape(
            n_loc, width
        )
        self.day_rows[:, at] += np.bincount(cell, minlength=n_loc * width).reshape(n_loc, width)
        if promo is not None:
            known = ~np.isnan(promo)
            if known.any():
                self.has_promo = True
                cell = key[known].astype(np.int64) * 2 + promo[known].astype(np.int64)
                self.promo_units += np.bincount(
                    cell, weights=units[known], minlength=2 * n_keys
                ).reshape(n_keys, 2)
                self.promo_rows += np.bincount(cell, minlength=2 * n_keys).reshape(n_keys, 2)

    def daily(self) -> pd.DataFrame:
        """location (position), date, units: one row per location and day with rows."""
        loc, col = np.nonzero(self.day_rows)
        dates = (np.int64(self.day0) + col).astype("datetime64[D]").astype("datetime64[ns]")
        return pd.DataFrame({"location": loc, "date": dates, "units": self.day_units[loc, col]})

    def promo(self) -> pd.DataFrame:
        """sku (position), promo (0/1), units, rows: one row per SKU and flag with rows."""
        if not self.has_promo:
            return pd.DataFrame(columns=["sku", "promo", "units", "rows"])
        sku, flag = np.nonzero(self.promo_rows)
        return pd.DataFrame(
            {
                "sku": sku,
                "promo": flag.astype(float),
                "units": self.promo_units[sku, flag],
                "rows": self.promo_rows[sku, flag].astype(float),
            }
        )

    def span(self) -> tuple[dt.date, dt.date] | None:
        seen = np.flatnonzero(self.day_rows.sum(axis=0))
        if self.day0 is None or len(seen) == 0:
            return None
        epoch = dt.date(1970, 1, 1)
        return (
            epoch + dt.timedelta(days=int(self.day0 + seen[0])),
            epoch + dt.timedelta(days=int(self.day0 + seen[-1])),
        )


def summarise_sales(
    directory: Path, locations: pd.DataFrame, skus: pd.DataFrame, problems: Problems
) -> SalesSummary | None:
    """Read the sales table (a file or a directory of Parquet files) in batches, check every
    row, and sum it up."""
    spec = SPECS["sales"]
    path = find_table(directory, "sales")
    if path is None:
        problems.add(f"{directory / 'sales'}.csv", None, "", "required table not found")
        return None
    loc_ids = pd.Index(locations["location_id"])
    sellers = pd.Index(locations.loc[locations["kind"] != "warehouse", "location_id"])
    sku_ids = pd.Index(skus["sku_id"])
    categories = pd.Index(sorted(skus["category"].unique()))
    sums: SalesSums | None = None
    rows = 0
    by_category = None
    for part in table_parts(path):
        file = str(part)
        try:
            for first, df in iter_table(part):
                if by_category is None:
                    miss = missing_columns(spec, list(df.columns), file)
                    if "sku_id" not in df.columns and "category" not in df.columns:
                        miss.append(
                            Problem(
                                file, None, "sku_id", "a required column is missing (or category)"
                            )
                        )
                    if miss:
                        problems.items.extend(miss)
                        return None
                    by_category = "sku_id" not in df.columns
                    keys = categories if by_category else sku_ids
                    sums = SalesSums(len(loc_ids), len(keys))
                key = "category" if by_category else "sku_id"
                if key not in df.columns:
                    problems.add(
                        file, None, key, "a required column is missing (as in the first file)"
                    )
                    continue
                rows += len(df)
                c = check_batch(spec, df, first, file, problems)
                row_no = np.arange(first, first + len(df))
                loc_i = index_of(loc_ids, c["location_id"])
                bad_loc = index_of(sellers, c["location_id"]) < 0
                if bad_loc.any():
                    problems.rows(
                        file, row_no[bad_loc], "location_id", "expected a store's or the fc's id"
                    )
                idx = index_of(keys, c[key])
                if (idx < 0).any():
                    problems.rows(file, row_no[idx < 0], key, f"expected a {key} of skus")
                u = c["units"].to_numpy(dtype=float)
                date = c["date"].to_numpy()
                ok = ~bad_loc & (idx >= 0) & ~np.isnan(u) & ~np.isnat(date)
                if not ok.any():
                    continue
                day = date[ok].astype("datetime64[D]").astype(np.int64)
                promo = None
                if "promo" in c and not by_category:
                    promo = c["promo"].to_numpy(dtype=float)[ok]
                sums.add(loc_i[ok], idx[ok], day, u[ok], promo)
        except (pa.ArrowInvalid, OSError) as exc:
            problems.add(file, None, "", f"not a readable table ({exc})")
            return None
    span = sums.span() if sums is not None else None
    if rows == 0 or span is None:
        problems.add(str(path), None, "", "no valid rows")
        return None
    units = sums.units
    if by_category:
        # spread a category's units evenly over its SKUs
        cat_of = categories.get_indexer(skus["category"])
        n_in = np.bincount(cat_of, minlength=len(categories))
        units = units[:, cat_of] / n_in[cat_of][None, :]
    return SalesSummary(
        units, sums.daily(), sums.promo(), span[0], span[1], rows, bool(by_category)
    )
