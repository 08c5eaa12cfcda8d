"""The stores' walk-in day, resolved over the cells that sold: a sparse (store x SKU) day.

A day of walk-in demand is a (stores x SKUs) matrix of units, mostly zeros at size (500 stores
x 5,000 SKUs sell about 3% of their cells a day). Units sold are ``min(demand, shelf)``, the
rest is lost; a share of the units sold comes back (binomial, stream ``stores``). Everything
after the demand is computed on the flat indices of the non-zero demand cells only:

- the binomial draws are the same numbers: numpy's binomial returns 0 for ``n = 0`` without
  drawing, so drawing for the sold cells in C order takes the stream exactly as the whole
  matrix did (``tests/test_pos_day.py`` compares with the dense computation);
- the money sums are the same floats: per-SKU unit sums are integers (exact), dotted with the
  prices as before; each store's upload value is the same matrix-vector product, on a matrix
  built from the sold cells.

Units: units of stock, money in the scenario's currency.
"""

from __future__ import annotations

import numpy as np


class PosDay:
    """One day's walk-in sales at every store, as flat cell indices (C order) and their units.

    ``demand_total``, ``sold_total``, ``lost_total``: units; ``lost_value``, ``revenue``: money
    (``revenue`` net of returns); ``value[store]``: each store's upload value (net of returns).
    :meth:`store_lines` gives a store's upload lines (SKUs sold or returned, units)."""

    __slots__ = (
        "_bounds",
        "_ret",
        "_skus",
        "_sold",
        "demand_total",
        "lost_total",
        "lost_value",
        "revenue",
        "sold_total",
        "value",
    )

    def __init__(
        self,
        demand: np.ndarray,
        shelf: np.ndarray,
        gen: np.random.Generator,
        return_rate: float,
        unit_price: np.ndarray,
        scratch: np.ndarray | None = None,
    ):
        """Resolve ``demand`` (stores x SKUs) against ``shelf`` (the stores' rows of the
        physical stock, written in place: sold out, returns back), drawing returns from ``gen``.
        ``scratch``: a float (stores x SKUs) matrix of zeros to build the stores' values in
        (left zero again): a caller that resolves a day after day keeps one, since a fresh
        matrix of that size a day cost 0.25-0.37 s at 500 x 5,000 inside a run (page faults,
        not arithmetic: 0.03 s for the whole day in a fresh process)."""
        ns, n_skus = shelf.shape
        if not shelf.flags.c_contiguous:
            raise ValueError("the shelf must be C-contiguous rows (written through a flat view)")
        flat = shelf.reshape(-1)  # a view of the same memory
        cells = np.flatnonzero(demand)
        want = demand.reshape(-1)[cells]
        have = flat[cells]
        sold = np.minimum(want, have)
        lost = want - sold
        returned = gen.binomial(sold, return_rate)  # n = 0 draws nothing: same stream use
        flat[cells] = have - sold + returned
        sku = cells % n_skus
        net = sold - returned
        self.demand_total = int(want.sum())
        self.sold_total = int(sold.sum())
        self.lost_total = int(lost.sum())
        self.lost_value = float(_per_sku(sku, lost, n_skus) @ unit_price)
        self.revenue = float(_per_sku(sku, net, n_skus) @ unit_price)
        dense = np.zeros((ns, n_skus)) if scratch is None else scratch
        cell_view = dense.reshape(-1)
        cell_view[cells] = net
        self.value = dense @ unit_price  # the (stores x SKUs) product, as the dense day had it
        cell_view[cells] = 0.0
        # upload lines: the cells that sold (a return needs a sale: returned <= sold)
        keep = sold > 0
        store = cells[keep] // n_skus
        self._skus, self._sold, self._ret = sku[keep], sold[keep], returned[keep]
        self._bounds = np.searchsorted(store, np.arange(ns + 1)).tolist()

    def store_lines(self, store: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """(SKUs, units sold, units returned) of ``store``'s upload, SKUs ascending."""
        a, b = self._bounds[store], self._bounds[store + 1]
        return self._skus[a:b].copy(), self._sold[a:b].copy(), self._ret[a:b].copy()


def _per_sku(sku: np.ndarray, units: np.ndarray, n_skus: int) -> np.ndarray:
    """Units summed per SKU over the cells (int64; the float sums of integers are exact)."""
    return np.bincount(sku, weights=units, minlength=n_skus).astype(np.int64)
