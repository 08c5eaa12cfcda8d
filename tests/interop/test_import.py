"""retail-twin import: a retailer's tables become a scenario the world uses as given; bad tables
exit 2 naming file, row and column, every problem listed, nothing written."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.parquet as pq
import pytest
import yaml
from typer.testing import CliRunner

from cli.main import app
from experiments.interop.synthetic import generate
from experiments.runner import run_replication
from scenarios.loader import ScenarioError, load_scenario
from sim.network import build_network
from sim.rng import Streams


@pytest.fixture(scope="module")
def tables(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("retailer") / "tables"
    generate(d, stores=4, skus=24, days=28)
    return d


@pytest.fixture(scope="module")
def imported(tables, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("imported") / "scenario"
    res = CliRunner().invoke(app, ["import", str(tables), "--out", str(out)])
    assert res.exit_code == 0, res.output
    return out


def _invoke_import(src: Path, out: Path):
    return CliRunner().invoke(app, ["import", str(src), "--out", str(out)])


def test_the_world_uses_the_imported_network_and_catalogue_as_given(tables, imported):
    s = load_scenario(imported / "scenario.yaml")
    net = build_network(s, Streams(s.seed, 0))
    skus = pd.read_csv(tables / "skus.csv")
    locations = pd.read_csv(tables / "locations.csv")
    sales = pd.read_parquet(tables / "sales.parquet")
    assert net.n_skus == len(skus)
    assert list(net.sku_names) == skus["sku_id"].tolist()
    np.testing.assert_array_equal(net.price, skus["price"].to_numpy())
    np.testing.assert_array_equal(net.cost, skus["cost"].to_numpy())
    assert [net.supplier_names[i] for i in net.sku_supplier] == skus["supplier_id"].tolist()
    # popularity is each SKU's share of units sold, not a Zipf stand-in
    share = sales.groupby("sku_id")["units"].sum().reindex(skus["sku_id"]).to_numpy(dtype=float)
    np.testing.assert_allclose(net.popularity, share / share.sum())
    stores = locations[locations["kind"] == "store"]
    assert [net.location_name(i) for i in range(net.n_stores)] == stores["location_id"].tolist()
    dc = [net.location_name(int(i)) for i in net.store_dc]
    assert dc == stores["dc"].tolist()
    store_units = (
        sales[sales["location_id"].isin(stores["location_id"])]
        .groupby("location_id")["units"]
        .sum()
    )
    size = store_units.reindex(stores["location_id"]).to_numpy(dtype=float)
    np.testing.assert_allclose(net.store_size, size / size.mean())
    assert s.start_date.isoformat() == str(sales["date"].min())
    assert s.horizon_days == 28
    days = sales["date"].nunique()
    store_total = store_units.sum()
    assert s.demand.store_units_per_day == pytest.approx(store_total / len(stores) / days, 1e-4)


def test_an_imported_scenario_runs_deterministically_and_its_prices_are_a_live_lever(
    imported, tmp_path
):
    s = load_scenario(imported / "scenario.yaml", ["horizon_days=5"])
    a = run_replication(s, 0).kpis
    assert a == run_replication(s, 0).kpis
    # the catalogue file is what the world sells at: doubled prices double the revenue per unit
    copy = tmp_path / "scenario"
    shutil.copytree(imported, copy)
    table = pq.read_table(copy / "skus.parquet").to_pandas()
    table["price"] *= 2
    table["cost"] *= 2
    table.to_parquet(copy / "skus.parquet", index=False)
    b = run_replication(load_scenario(copy / "scenario.yaml", ["horizon_days=5"]), 0).kpis
    assert a["revenue"] > 0
    assert b["revenue"] > 1.5 * a["revenue"]


def test_a_scenario_extending_the_import_from_elsewhere_finds_its_tables(imported, tmp_path):
    top = tmp_path / "other" / "calibrated.yaml"
    top.parent.mkdir()
    rel = Path("..") / ".." / imported.relative_to(imported.parents[1]) / "scenario.yaml"
    shutil.copytree(imported, tmp_path / imported.relative_to(imported.parents[1]))
    top.write_text(yaml.safe_dump({"extends": str(rel), "demand": {"store_units_per_day": 50.0}}))
    s = load_scenario(top)
    assert Path(s.catalogue.file).is_file()
    assert s.demand.store_units_per_day == 50.0


def test_generator_fields_beside_an_imported_table_are_rejected_not_ignored(imported):
    with pytest.raises(ScenarioError) as exc:
        load_scenario(
            imported / "scenario.yaml",
            ["catalogue.popularity_exponent=1.2", "network.stores.size_sigma=0.3"],
        )
    text = str(exc.value)
    assert "catalogue.popularity_exponent" in text
    assert "network.stores.size_sigma" in text
    with pytest.raises(ScenarioError, match=r"catalogue.file: expected 25 rows"):
        load_scenario(imported / "scenario.yaml", ["catalogue.skus=25"])
    with pytest.raises(ScenarioError, match=r"catalogue.file: expected an existing Parquet"):
        load_scenario(imported / "scenario.yaml", ["catalogue.file=nope.parquet"])


def test_bad_tables_exit_2_listing_every_problem_by_file_row_and_column(tables, tmp_path):
    bad = tmp_path / "bad"
    shutil.copytree(tables, bad)
    skus = pd.read_csv(bad / "skus.csv")
    skus.loc[2, "price"] = -1.0  # line 4 of the file
    skus.loc[5, "supplier_id"] = "V-Nobody"  # line 7
    skus.to_csv(bad / "skus.csv", index=False)
    loc = pd.read_csv(bad / "locations.csv", keep_default_na=False)
    loc.loc[0, "kind"] = "shop"  # line 2
    loc.to_csv(bad / "locations.csv", index=False)
    sales = pd.read_parquet(bad / "sales.parquet")
    sales.loc[10, "units"] = -3  # row 11 of the Parquet file
    sales.to_parquet(bad / "sales.parquet", index=False)
    out = tmp_path / "out"
    res = _invoke_import(bad, out)
    assert res.exit_code == 2, res.output
    text = res.output
    assert "Traceback" not in text
    assert f"{bad / 'skus.csv'}: row 4, column price: expected a number > 0" in text
    assert f"{bad / 'skus.csv'}: row 7, column supplier_id: expected a supplier_id" in text
    assert f"{bad / 'locations.csv'}: row 2, column kind: expected one of store" in text
    assert f"{bad / 'sales.parquet'}: row 11, column units: expected a whole number >= 0" in text
    assert not out.exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out")]


def test_a_missing_table_or_column_and_an_existing_output_are_reported(tables, tmp_path):
    bad = tmp_path / "bad"
    shutil.copytree(tables, bad)
    (bad / "suppliers.csv").unlink()
    pd.read_csv(bad / "skus.csv").drop(columns=["price"]).to_csv(bad / "skus.csv", index=False)
    res = _invoke_import(bad, tmp_path / "out")
    assert res.exit_code == 2
    assert "suppliers.csv: all rows: required table not found" in res.output
    assert "skus.csv: all rows, column price: a required column is missing" in res.output
    busy = tmp_path / "busy"
    busy.mkdir()
    (busy / "keep.txt").write_text("mine")
    res = _invoke_import(tables, busy)
    assert res.exit_code == 2
    assert "exists and is not empty" in res.output
    assert (busy / "keep.txt").read_text() == "mine"
