"""Store transfers computed on the cells below their reorder point against
:func:`order_quantities` over the whole (stores x SKUs) matrix: the same lines."""

from types import SimpleNamespace

import numpy as np

from orchestration.backoffice.replenishment import order_quantities, store_transfers
from scenarios.loader import load_scenario


def _dense(rec, s, net):
    """The whole-matrix computation ``store_transfers`` made before (the reference)."""
    ns, inv = net.n_stores, s.inventory
    qty = order_quantities(
        (rec.on_hand + rec.on_order)[:ns],
        rec.forecast[:ns],
        inv.store_policy,
        float(inv.store_min_presentation_units),
    )
    out = []
    for store in np.flatnonzero(qty.any(axis=1)).tolist():
        skus = np.flatnonzero(qty[store])
        out.append((int(net.store_dc[store]), store, skus, qty[store, skus]))
    return out


def test_sparse_store_transfers_equal_the_dense_ones():
    s = load_scenario("baseline")
    g = np.random.default_rng(3)
    ns, n_skus = 40, 300
    n_loc = ns + 3
    net = SimpleNamespace(n_stores=ns, n_skus=n_skus, store_dc=g.integers(ns, ns + 2, ns))
    for trial in range(5):
        rec = SimpleNamespace(
            on_hand=g.integers(-3, 12, (n_loc, n_skus)),
            on_order=g.integers(0, 6, (n_loc, n_skus)) * (g.random((n_loc, n_skus)) < 0.2),
            forecast=g.gamma(0.5, 1.5, (n_loc, n_skus)) * (g.random((n_loc, n_skus)) < 0.7),
        )
        rec.on_hand[:, : trial * 10] = 100  # whole SKUs and some stores with nothing to order
        rec.on_hand[trial] = 1000
        got, ref = store_transfers(rec, s, net), _dense(rec, s, net)
        assert len(got) == len(ref)
        assert len(ref) < ns
        assert sum(len(r[2]) for r in ref) > 100
        for a, b in zip(got, ref, strict=True):
            assert a[:2] == b[:2]
            for x, y in zip(a[2:], b[2:], strict=True):
                assert x.dtype == y.dtype
                assert x.tolist() == y.tolist()
