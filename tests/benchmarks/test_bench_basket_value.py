"""What valuing a basket costs at the checkout (issue 17, ``sim.orders.basket_value``), beside
the ``np.dot`` of two arrays it replaced below 16 lines.

Measured: ``pytest tests/benchmarks/test_bench_basket_value.py --benchmark-enable -s``: 2,000
baskets each of 2, 3 and 8 lines valued by :func:`basket_value` (quantities and unit prices as
the checkout holds them: tuples of Python numbers) and, beside it, by
``float(np.dot(qty, unit_price))`` on int64 and float64 array slices built before the clock
starts, as the checkout did before; each reports its microseconds per basket in ``extra_info``
(``us_per_basket_<n>``, ``us_per_basket_np_dot_<n>``). Measured here (3 Dec 2026, two runs):
2 lines 0.17-0.31 against 1.42-2.87 µs, 3 lines 0.56-0.98 against 1.55-2.97, 8 lines 0.93-1.61
against 1.50-2.12. The default run (``--benchmark-disable``) uses 200 baskets and asserts only
that both give the same floats, bit for bit.
"""

from __future__ import annotations

import time

import numpy as np

from sim.orders import basket_value

LINES = (2, 3, 8)


def _baskets(n: int, lines: int) -> tuple[list[tuple], list[tuple]]:
    """``n`` baskets of ``lines`` lines: as tuples of Python numbers, and as array slices."""
    rng = np.random.default_rng(21)
    qty = (1 + rng.poisson(0.6, (n, lines))).astype(np.int64)
    price = np.round(rng.lognormal(3.2, 0.9, (n, lines)), 2)
    as_tuples = [(tuple(q), tuple(p)) for q, p in zip(qty.tolist(), price.tolist(), strict=True)]
    return as_tuples, [(qty[i], price[i]) for i in range(n)]


def _us_per_basket(value, baskets, repeat: int) -> float:
    t0 = time.process_time()
    for _ in range(repeat):
        for ql, ul in baskets:
            value(ql, ul)
    return 1e6 * (time.process_time() - t0) / (repeat * len(baskets))


def _np_dot(qty: np.ndarray, unit_price: np.ndarray) -> float:
    return float(np.dot(qty, unit_price))


def test_basket_value_cost(benchmark):
    n = 200 if benchmark.disabled else 2_000
    by_size = {lines: _baskets(n, lines) for lines in LINES}
    for tuples, arrays in by_size.values():
        assert [basket_value(q, u) for q, u in tuples] == [_np_dot(q, u) for q, u in arrays]

    def measure() -> dict[int, float]:
        return {lines: _us_per_basket(basket_value, t, 20) for lines, (t, _) in by_size.items()}

    us = benchmark.pedantic(measure, rounds=1, iterations=1)
    for lines, (_, arrays) in by_size.items():
        benchmark.extra_info[f"us_per_basket_{lines}"] = us[lines]
        benchmark.extra_info[f"us_per_basket_np_dot_{lines}"] = _us_per_basket(_np_dot, arrays, 20)
