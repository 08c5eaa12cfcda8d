"""Replenishment from the records: (s, S) in days of forecast cover, as an ERP computes it.

Decisions are pure functions of the ERP's records (never of the physical stock, which no system
sees): a location whose stock *position* (on hand + on order, as recorded) is below
``s = reorder_point_days x forecast`` is ordered up to ``S = order_up_to_days x forecast``.
Stores are replenished from their warehouse, on the nights before a delivery day; warehouses
and the online fulfilment centre from suppliers, rounded up to the case pack, one requisition
per (supplier, location) per review — Odoo's "draft RFQ merged per vendor".
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orchestration.backoffice.records import StockRecords
from scenarios.schema import ReorderPolicy, Scenario
from sim.network import Network


@dataclass(frozen=True, slots=True)
class Requisition:
    supplier: int
    location: int
    skus: np.ndarray
    qty: np.ndarray
    unit_cost: np.ndarray

    @property
    def value(self) -> float:
        return float(np.dot(self.qty, self.unit_cost))


def order_quantities(
    position: np.ndarray, forecast: np.ndarray, policy: ReorderPolicy, min_level: float = 0.0
) -> np.ndarray:
    """Units to order per SKU (0 where the position is not below the reorder point).

    ``min_level`` is a floor on the reorder point (a shelf's presentation minimum), so a slow
    mover is re-ordered before it is empty rather than after.
    """
    s = np.maximum(policy.reorder_point_days * forecast, min_level)
    big_s = np.maximum(np.ceil(policy.order_up_to_days * forecast), min_level + 1)
    qty = np.where(position < s, big_s - position, 0)
    return np.maximum(qty, 0).astype(np.int64)


def delivery_tomorrow(s: Scenario, day: int) -> bool:
    """True when goods dispatched on ``day`` arrive on a store delivery weekday."""
    arrival = s.start_date.weekday() + day + s.network.dc_to_store_transit_days
    return arrival % 7 in s.network.store_delivery_weekdays


def store_transfers(
    rec: StockRecords, s: Scenario, net: Network
) -> list[tuple[int, int, np.ndarray, np.ndarray]]:
    """(source warehouse, store, skus, qty) for every store that needs goods.

    :func:`order_quantities` over the stores' rows, computed on the cells below their reorder
    point only (a few percent of stores x SKUs at size): the same quantities, without a full
    matrix per step (``tests/test_replenishment_sparse.py`` compares the two)."""
    ns = net.n_stores
    inv = s.inventory
    pol, min_level = inv.store_policy, float(inv.store_min_presentation_units)
    forecast = rec.forecast[:ns]
    position = rec.on_hand[:ns] + rec.on_order[:ns]
    reorder = pol.reorder_point_days * forecast
    np.maximum(reorder, min_level, out=reorder)
    cells = np.flatnonzero(position < reorder)
    f, p = forecast.reshape(-1)[cells], position.reshape(-1)[cells]
    qty = np.maximum(np.maximum(np.ceil(pol.order_up_to_days * f), min_level + 1) - p, 0)
    qty = qty.astype(np.int64)
    keep = qty > 0
    cells, qty = cells[keep], qty[keep]
    n_skus = net.n_skus
    store = cells // n_skus
    bounds = np.searchsorted(store, np.arange(ns + 1)).tolist()
    skus = cells % n_skus
    out = []
    for st in np.unique(store).tolist():
        a, b = bounds[st], bounds[st + 1]
        out.append((int(net.store_dc[st]), st, skus[a:b].copy(), qty[a:b].copy()))
    return out


def supplier_requisitions(rec: StockRecords, s: Scenario, net: Network) -> list[Requisition]:
    """One requisition per (supplier, warehouse) with every SKU below its reorder point."""
    pack = s.catalogue.case_pack
    out = []
    whs = net.warehouses
    qty = order_quantities(rec.position()[whs], rec.forecast[whs], s.inventory.dc_policy, 0.0)
    qty = -(-qty // pack) * pack  # round up to whole cases
    for row, loc in enumerate(whs.tolist()):
        need = np.flatnonzero(qty[row])
        if len(need) == 0:
            continue
        sup = net.sku_supplier[need]
        for supplier in np.unique(sup).tolist():
            skus = need[sup == supplier]
            out.append(Requisition(supplier, loc, skus, qty[row, skus], net.cost[skus]))
    return out
