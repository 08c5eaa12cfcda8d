"""The automated models' mocked Odoo is set up with the catalogue and the sites' locations in
one create each (issue 17, s20): the same records, ids and values as one create per record."""

from __future__ import annotations

import datetime as dt

import numpy as np

from orchestration.integration.erp import OdooErp
from orchestration.odoo import Env, SimClock
from scenarios.loader import load_scenario
from sim.world import World


def _one_by_one(world: World) -> Env:
    """The set-up as it was: vendors, then each product and each location created alone."""
    env = Env(clock=SimClock(world.env, dt.datetime.combine(world.s.start_date, dt.time())))
    net = world.net
    for name in net.supplier_names:
        env["res.partner"].create({"name": name, "supplier_rank": 1})
    for i in range(net.n_skus):
        env["product.product"].create(
            {
                "name": f"SKU {i:05d}",
                "list_price": float(net.price[i]),
                "standard_price": float(net.cost[i]),
            }
        )
    locations = env["stock.location"]
    root = locations.create({"name": "Twin", "usage": "view"})
    for loc in range(net.n_locations):
        locations.create(
            {"name": f"{net.location_name(loc)}/Stock", "usage": "internal", "location_id": root.id}
        )
    return env


def test_the_catalogue_and_sites_created_at_once_are_the_records_created_one_by_one():
    world = World(load_scenario("tiny"))
    erp = OdooErp(
        world, lambda _url, _payload: None, np.random.default_rng(0), double_validation_amount=None
    )
    reference = _one_by_one(world)
    for model in ("product.product", "stock.location"):
        assert erp.env._tables[model] == reference._tables[model], model
    assert erp.product_ids == sorted(reference._tables["product.product"])
    assert len(erp.product_ids) == world.net.n_skus
    assert erp.location_ids == sorted(reference._tables["stock.location"])[-world.net.n_locations :]
    names = {row["name"] for row in erp.env._tables["stock.location"].values()}
    assert f"{world.net.location_name(0)}/Stock" in names
