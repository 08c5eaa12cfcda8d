"""The sales history in one streaming pass (issue 14 at full size): the running sums equal a
whole-table group-by whatever the order and batching of the rows, and a partitioned ``sales/``
directory reads as the single file it splits, its problems named by part file and row."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from cli.main import app
from experiments.interop.importer import read_retailer
from experiments.interop.sales import SalesSums
from experiments.interop.synthetic import generate

SIZE = {"stores": 3, "skus": 12, "days": 70, "seed": 11}  # March to mid-May: three months


@pytest.fixture(scope="module")
def both(tmp_path_factory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("stream")
    generate(root / "single", **SIZE)
    generate(root / "parts", **SIZE, partition="month")
    return root / "single", root / "parts"


def test_running_sums_equal_a_group_by_in_any_row_order_and_batching():
    g = np.random.default_rng(3)
    n, n_loc, n_sku = 5000, 4, 7
    rows = pd.DataFrame(
        {
            "loc": g.integers(0, n_loc, n),
            "sku": g.integers(0, n_sku, n),
            "day": 20_000 + g.integers(0, 30, n),  # days since 1970: dates in Oct-Nov 2024
            "units": g.poisson(3.0, n).astype(float),
            "promo": g.choice([0.0, 1.0, np.nan], n, p=[0.6, 0.3, 0.1]),
        }
    )
    sums = SalesSums(n_loc, n_sku)
    # batches out of date order: the per-day arrays widen to the left and to the right
    by_day = rows.sort_values("day", kind="stable")
    bounds = np.linspace(0, n, 10).astype(int)
    for k in (4, 0, 8, 2, 6, 1, 7, 3, 5):
        c = by_day.iloc[bounds[k] : bounds[k + 1]].sample(frac=1.0, random_state=k)
        sums.add(
            c["loc"].to_numpy(),
            c["sku"].to_numpy(),
            c["day"].to_numpy(),
            c["units"].to_numpy(),
            c["promo"].to_numpy(),
        )
    want = rows.pivot_table(index="loc", columns="sku", values="units", aggfunc="sum")
    np.testing.assert_allclose(sums.units, want.reindex(columns=range(n_sku)).fillna(0).to_numpy())
    daily = sums.daily()
    ref = rows.groupby(["loc", "day"], as_index=False)["units"].sum()
    assert len(daily) == len(ref)
    np.testing.assert_array_equal(daily["location"], ref["loc"])
    days = daily["date"].to_numpy().astype("datetime64[D]").astype(np.int64)
    np.testing.assert_array_equal(days, ref["day"])
    np.testing.assert_allclose(daily["units"], ref["units"])
    promo = sums.promo()
    known = rows.dropna(subset=["promo"])
    ref = known.groupby(["sku", "promo"], as_index=False).agg(
        units=("units", "sum"), rows=("units", "size")
    )
    np.testing.assert_array_equal(promo["sku"], ref["sku"])
    np.testing.assert_array_equal(promo["promo"], ref["promo"])
    np.testing.assert_allclose(promo["units"], ref["units"])
    np.testing.assert_allclose(promo["rows"], ref["rows"])
    first, last = sums.span()
    assert (first.toordinal(), last.toordinal()) == (
        719163 + rows["day"].min(),  # 719163: the ordinal of 1970-01-01
        719163 + rows["day"].max(),
    )


def test_a_partitioned_sales_directory_reads_as_the_single_file(both):
    single, parts = both
    assert sorted(p.name for p in (parts / "sales").iterdir()) == [
        "2025-03.parquet",
        "2025-04.parquet",
        "2025-05.parquet",
    ]
    a, b = read_retailer(single).sales, read_retailer(parts).sales
    assert a.rows == b.rows == 4 * 12 * 70  # 3 stores and the fc
    np.testing.assert_array_equal(a.units, b.units)
    pd.testing.assert_frame_equal(a.daily, b.daily)
    pd.testing.assert_frame_equal(a.promo, b.promo)
    assert (a.first, a.last) == (b.first, b.last)
    # the one-pass sums are those of the whole table
    whole = pd.read_parquet(single / "sales.parquet")
    per_day = whole.groupby(["location_id", "date"], observed=True)["units"].sum()
    assert a.daily["units"].sum() == per_day.sum() == a.units.sum()
    assert len(a.daily) == len(per_day)


def test_a_bad_row_in_a_partition_is_named_by_its_file_and_row(both, tmp_path):
    _, parts = both
    bad = tmp_path / "bad"
    shutil.copytree(parts, bad)
    april = bad / "sales" / "2025-04.parquet"
    t = pd.read_parquet(april)
    t.loc[6, "units"] = -1  # row 7 of that file
    t.to_parquet(april, index=False)
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["import", str(bad), "--out", str(out)])
    assert res.exit_code == 2, res.output
    assert f"{april}: row 7, column units: expected a whole number >= 0" in res.output
    assert "Traceback" not in res.output
    assert not out.exists()


def test_only_sales_may_be_a_directory(both, tmp_path):
    single, _ = both
    bad = tmp_path / "bad"
    shutil.copytree(single, bad)
    (bad / "skus.csv").rename(tmp_path / "skus.csv")
    (bad / "skus").mkdir()
    pd.read_csv(tmp_path / "skus.csv").to_parquet(bad / "skus" / "part-0.parquet")
    res = CliRunner().invoke(app, ["import", str(bad), "--out", str(tmp_path / "out")])
    assert res.exit_code == 2, res.output
    assert "only sales may be partitioned" in res.output
