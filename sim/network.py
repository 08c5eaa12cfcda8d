"""The static network: locations, SKUs, suppliers and carriers as arrays.

Locations are indexed ``0 .. n_stores-1`` for stores, then the warehouses in scenario order.
Exactly one warehouse is the online fulfilment centre (``fc``); stores are served by the other
warehouses, assigned round-robin (``store_dc``). SKUs are generated from the catalogue: a
lognormal price, a normal gross margin (cost = price x (1 - margin)), a Zipf-like popularity
(shares summing to 1) and a supplier drawn by the suppliers' ``sku_share``.

Everything here is drawn once from the ``network`` stream, so a scenario and seed always build
the same retailer, whatever the replication or the orchestration model.

An imported retailer (``network.stores.file``, ``catalogue.file``: see
:mod:`scenarios.datafiles`) is taken as given instead: its stores' sizes and warehouses, its
SKUs' prices, costs, suppliers and popularity (shares of units, normalised to sum 1), and their
names. The generator is still drawn in the same order, so a scenario without files builds the
very same network as before.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow.parquet as pq

from scenarios.schema import Scenario
from sim.rng import Streams, lognormal


@dataclass(frozen=True)
class Network:
    n_stores: int
    n_locations: int
    n_skus: int
    warehouse_names: tuple[str, ...]
    fc: int  # location index of the online fulfilment centre
    store_dc: np.ndarray  # (n_stores,) location index of each store's warehouse
    store_size: np.ndarray  # (n_stores,) relative size, mean 1
    price: np.ndarray  # (n_skus,)
    cost: np.ndarray  # (n_skus,)
    popularity: np.ndarray  # (n_skus,) shares summing to 1
    sku_supplier: np.ndarray  # (n_skus,) supplier index
    supplier_names: tuple[str, ...]
    carrier_names: tuple[str, ...]
    carrier_share: np.ndarray  # (n_carriers,) summing to 1
    store_names: tuple[str, ...] = ()  # imported stores' names (generated: store_NNN)
    sku_names: tuple[str, ...] = ()  # imported SKUs' ids (generated: their index)
    sku_category: tuple[str, ...] = ()  # imported SKUs' categories

    @property
    def warehouses(self) -> np.ndarray:
        return np.arange(self.n_stores, self.n_locations)

    def is_store(self, loc: int) -> bool:
        return loc < self.n_stores

    def location_name(self, loc: int) -> str:
        if loc < self.n_stores:
            return self.store_names[loc] if self.store_names else f"store_{loc:03d}"
        return self.warehouse_names[loc - self.n_stores]


def build_network(s: Scenario, streams: Streams) -> Network:
    # The network is part of the scenario, not of the replication: always replication 0.
    gen = Streams(streams.seed, 0).get("network")
    n_stores = s.network.stores.count
    whs = s.network.warehouses
    n_loc = n_stores + len(whs)
    fc = n_stores + next(i for i, w in enumerate(whs) if w.serves_online)
    store_dcs = [n_stores + i for i, w in enumerate(whs) if not w.serves_online]
    store_dc = np.array([store_dcs[i % len(store_dcs)] for i in range(n_stores)], dtype=np.int64)

    sig = s.network.stores.size_sigma
    size = lognormal(gen, -0.5 * sig * sig, sig, n_stores) if sig > 0 else np.ones(n_stores)
    size = np.asarray(size, dtype=float)
    size /= size.mean()

    cat = s.catalogue
    n = cat.skus
    price = np.round(np.asarray(lognormal(gen, cat.price.mu, cat.price.sigma, n), dtype=float), 2)
    price = np.maximum(price, 0.5)
    margin = np.clip(gen.normal(cat.gross_margin, cat.gross_margin_sd, n), 0.02, 0.9)
    cost = np.round(price * (1.0 - margin), 2)
    rank = gen.permutation(n) + 1
    pop = 1.0 / rank.astype(float) ** cat.popularity_exponent
    pop /= pop.sum()

    shares = np.array([x.sku_share for x in s.network.suppliers], dtype=float)
    sku_supplier = gen.choice(len(shares), size=n, p=shares / shares.sum())

    names: dict[str, tuple[str, ...]] = {}
    if s.network.stores.file is not None:
        t = pq.read_table(s.network.stores.file).to_pydict()
        wh_index = {w.name: n_stores + i for i, w in enumerate(whs)}
        store_dc = np.array([wh_index[d] for d in t["dc"]], dtype=np.int64)
        size = np.asarray(t["size"], dtype=float)
        size /= size.mean()
        names["store_names"] = tuple(t["name"])
    if cat.file is not None:
        t = pq.read_table(cat.file).to_pydict()
        price = np.asarray(t["price"], dtype=float)
        cost = np.asarray(t["cost"], dtype=float)
        pop = np.asarray(t["popularity"], dtype=float)
        pop = pop / pop.sum()
        sup_index = {x.name: i for i, x in enumerate(s.network.suppliers)}
        sku_supplier = np.array([sup_index[x] for x in t["supplier"]], dtype=np.int64)
        names["sku_names"] = tuple(t["sku"])
        names["sku_category"] = tuple(t["category"])

    cshare = np.array([c.share for c in s.network.carriers], dtype=float)
    return Network(
        n_stores=n_stores,
        n_locations=n_loc,
        n_skus=n,
        warehouse_names=tuple(w.name for w in whs),
        fc=fc,
        store_dc=store_dc,
        store_size=size,
        price=price,
        cost=cost,
        popularity=pop,
        sku_supplier=sku_supplier.astype(np.int64),
        supplier_names=tuple(x.name for x in s.network.suppliers),
        carrier_names=tuple(c.name for c in s.network.carriers),
        carrier_share=cshare / cshare.sum(),
        **names,
    )
