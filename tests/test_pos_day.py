"""The sparse walk-in day (:class:`sim.pos.PosDay`) against the dense matrices it replaced:
the same draws, stock, sums and upload lines, bit for bit."""

import numpy as np
import pytest

from sim.pos import PosDay


def _dense(demand, shelf, gen, rate, price):
    """The dense computation ``World._pos_day``/``_day_end`` made before (the reference)."""
    sold = np.minimum(demand, shelf)
    shelf -= sold
    lost = demand - sold
    returned = gen.binomial(sold, rate)
    shelf += returned
    lines = []
    for store in range(shelf.shape[0]):
        idx = np.flatnonzero(sold[store] | returned[store])
        lines.append((idx, sold[store][idx], returned[store][idx]))
    return {
        "demand": int(demand.sum()),
        "sold": int(sold.sum()),
        "lost": int(lost.sum()),
        "lost_value": float(lost.sum(axis=0) @ price),
        "revenue": float((sold - returned).sum(axis=0) @ price),
        "value": (sold - returned) @ price,
        "lines": lines,
    }


@pytest.mark.parametrize(
    ("stores", "skus", "rate", "density"),
    [(40, 800, 0.05, 0.3), (120, 1500, 0.3, 0.03), (3, 7, 0.0, 1.0)],
)
def test_sparse_day_equals_the_dense_one(stores, skus, rate, density):
    setup = np.random.default_rng(stores)
    lam = setup.gamma(0.3, 1.0, (stores, skus)) * (setup.random((stores, skus)) < density)
    demand = setup.poisson(lam)
    shelf = setup.integers(0, 4, (stores, skus))
    price = setup.lognormal(2.0, 1.0, skus)
    ref_shelf, new_shelf = shelf.copy(), np.vstack([shelf, shelf])  # rows of a larger matrix
    ref = _dense(demand, ref_shelf, np.random.default_rng(9), rate, price)
    gen = np.random.default_rng(9)
    scratch = np.zeros((stores, skus))
    day = PosDay(demand, new_shelf[:stores], gen, rate, price, scratch)
    assert not scratch.any()  # left zero for the next day
    assert (new_shelf[:stores] == ref_shelf).all()
    assert (new_shelf[stores:] == shelf).all()
    assert (day.demand_total, day.sold_total, day.lost_total) == (
        ref["demand"],
        ref["sold"],
        ref["lost"],
    )
    assert day.lost_value == ref["lost_value"]
    assert day.revenue == ref["revenue"]
    assert day.value.tolist() == ref["value"].tolist()
    fresh = PosDay(demand, shelf.copy(), np.random.default_rng(9), rate, price)  # no scratch
    assert fresh.value.tolist() == ref["value"].tolist()
    for store, (idx, sold, ret) in enumerate(ref["lines"]):
        got = day.store_lines(store)
        for a, b in zip(got, (idx, sold, ret), strict=True):
            assert a.dtype == b.dtype
            assert a.tolist() == b.tolist()
    # the stream was left where the dense draw left it
    ref_gen = np.random.default_rng(9)
    _dense(demand, shelf.copy(), ref_gen, rate, price)
    assert gen.random() == ref_gen.random()
    if rate > 0 and density > 0.1:
        assert day.revenue != float(demand.sum(axis=0) @ price)  # returns and stockouts moved it
