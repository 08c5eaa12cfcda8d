"""An online basket's value in Python is ``np.dot``'s, bit for bit (``sim.orders.basket_value``).

The checkout values a basket of several lines by a loop over its quantities and unit prices
instead of ``float(np.dot(qty, unit_price))``: the same float only while the loop adds the
products in the order BLAS's ``ddot`` does. These baskets are drawn like the world's (a few
lines, small quantities, prices with cents, promotions) and at every length up to well past
where ``ddot`` switches to its vector kernel, with long ones included so the fallback is pinned.
"""

from __future__ import annotations

import numpy as np
import pytest

from sim.orders import DOT_SEQUENTIAL_BELOW, basket_value


@pytest.mark.parametrize("lines", range(1, 2 * DOT_SEQUENTIAL_BELOW + 3))
def test_basket_value_is_np_dot(lines):
    rng = np.random.default_rng(lines)
    for _ in range(2_000):
        qty = 1 + rng.poisson(rng.choice([0.3, 1.0, 5.0]), lines).astype(np.int64)
        unit = np.round(rng.lognormal(3.0, 1.0, lines), 2) * rng.choice([1.0, 0.85, 0.7], lines)
        want = float(np.dot(qty, unit))
        got = basket_value(tuple(qty.tolist()), tuple(unit.tolist()))
        assert type(got) is float
        assert got == want, (qty, unit)


def test_a_loop_past_the_threshold_would_not_be_np_dot():
    """Why long baskets go to ``np.dot``: its vector kernel sums in another order, and some
    long baskets' loop value differs in the last bit (the test above would catch a wrong
    threshold only if these differ at all)."""
    rng = np.random.default_rng(0)
    differ = 0
    for _ in range(2_000):
        qty = 1 + rng.poisson(1.0, DOT_SEQUENTIAL_BELOW).astype(np.int64)
        unit = np.round(rng.lognormal(3.0, 1.0, DOT_SEQUENTIAL_BELOW), 2) * 0.85
        loop = 0.0
        for q, u in zip(qty.tolist(), unit.tolist(), strict=True):
            loop += q * u
        differ += loop != float(np.dot(qty, unit))
    assert differ > 0
