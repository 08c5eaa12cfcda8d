"""The ERP's stock records: what the systems *believe* is on hand and on order.

Records change only when events reach the ERP: POS uploads, receipts as counted, transfers as
shipped, online orders as imported, approved inventory adjustments. Shrink is never reported and
receipts can be miscounted, so records drift from the shelf until a count is reconciled. The
forecast is an exponentially weighted average of recorded sales (censored by stockouts, as real
sales histories are), started from the scenario's demand plan.

Units: quantities in units, forecast in units per day. Arrays are (n_locations, n_skus).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from orchestration.port import WorldPort

FORECAST_ALPHA = 0.1


@dataclass(slots=True)
class OpenDocument:
    location: int
    skus: np.ndarray
    qty: np.ndarray


class StockRecords:
    def __init__(self, world: WorldPort):
        net = world.net
        self.net = net
        self.on_hand = world.initial_stock()  # records start exact
        self.on_order = np.zeros_like(self.on_hand)
        self.forecast = world.expected_daily_units()
        self.open: dict[str, OpenDocument] = {}
        self._store_sales_today = np.zeros((net.n_stores, net.n_skus))
        #: units of online orders booked today, per SKU (the forecast's input; written in place)
        self.online_today = np.zeros(net.n_skus)

    # ------------------------------------------------------------------ documents
    def expect(self, key: str, location: int, skus: np.ndarray, qty: np.ndarray) -> None:
        """A PO, RFQ or transfer for ``location`` is open: count it in the stock position."""
        np.add.at(self.on_order[location], skus, qty)
        self.open[key] = OpenDocument(location, skus, qty)

    def drop(self, key: str) -> None:
        """An open document is cancelled or refused: take it out of the position."""
        doc = self.open.pop(key, None)
        if doc is not None:
            np.subtract.at(self.on_order[doc.location], doc.skus, doc.qty)

    def received(self, key: str, location: int, skus: np.ndarray, qty: np.ndarray) -> None:
        self.drop(key)
        np.add.at(self.on_hand[location], skus, qty)

    def shipped_out(self, location: int, skus: np.ndarray, qty: np.ndarray) -> None:
        np.subtract.at(self.on_hand[location], skus, qty)

    # ------------------------------------------------------------------ sales
    def pos_posted(self, store: int, skus: np.ndarray, sold: np.ndarray, returned: np.ndarray):
        self.on_hand[store, skus] += returned - sold
        self._store_sales_today[store, skus] += sold

    def online_order(self, location: int, skus: np.ndarray, qty: np.ndarray) -> None:
        self.online_order_lines(location, skus.tolist(), qty.tolist())

    def online_order_lines(self, location: int, skus: list[int], qty: list[int]) -> None:
        """:meth:`online_order` of lines already read into lists (1-3 lines: no ufunc.at)."""
        row, today = self.on_hand[location], self.online_today
        for sku, q in zip(skus, qty, strict=True):
            row[sku] -= q
            today[sku] += q

    def close_day(self) -> None:
        """Roll the day's recorded sales into the forecast (stores and the online FC)."""
        ns, a = self.net.n_stores, FORECAST_ALPHA
        self.forecast[:ns] += a * (self._store_sales_today - self.forecast[:ns])
        fc = self.net.fc
        self.forecast[fc] += a * (self.online_today - self.forecast[fc])
        for dc in np.unique(self.net.store_dc).tolist():
            self.forecast[dc] = self.forecast[:ns][self.net.store_dc == dc].sum(axis=0)
        self._store_sales_today[:] = 0
        self.online_today[:] = 0

    # ------------------------------------------------------------------ queries
    def position(self) -> np.ndarray:
        return self.on_hand + self.on_order

    def position_at(self, location: int, skus: np.ndarray) -> np.ndarray:
        """On hand + on order of some SKUs of one location (without the whole matrix)."""
        return self.on_hand[location, skus] + self.on_order[location, skus]

    def variance(self, location: int, skus: np.ndarray, counted: np.ndarray) -> np.ndarray:
        return counted - self.on_hand[location, skus]

    def adjust(self, location: int, skus: np.ndarray, delta: np.ndarray) -> None:
        np.add.at(self.on_hand[location], skus, delta)

    def available(self, location: int) -> np.ndarray:
        return np.maximum(self.on_hand[location], 0)
