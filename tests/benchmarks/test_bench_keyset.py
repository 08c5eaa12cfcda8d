"""What one probe of the world's command-key memory costs (issue 17, ``sim/keyset.py``).

Measured: ``pytest tests/benchmarks/test_bench_keyset.py --benchmark-enable -s``: probes of a
``KeySet`` holding a million merged digests, half present and half absent, by
:meth:`KeySet.has` (a ``np.uint64`` bisection) and, beside it, the same bisection with a Python
``int`` probe, which numpy 2 compares with every entry in an exact mode (what ``has`` did
until 3 Dec 2026: 577 µs against 0.65 µs per probe at this size, on this machine). Each case
reports its microseconds per probe in ``extra_info``. The default run (``--benchmark-disable``)
uses 100,000 keys and asserts only the answers.
"""

from __future__ import annotations

import time

import numpy as np

from sim.keyset import KeySet


def _filled(n: int) -> tuple[KeySet, list[int]]:
    """A key set of ``n`` merged digests, and 200 probes (every other one present)."""
    rng = np.random.default_rng(17)
    keys = rng.integers(0, 2**63, n, dtype=np.uint64)
    ks = KeySet(flush_at=n)
    for h in keys.tolist():
        ks.insert(h)
    probes = [int(k) if i % 2 == 0 else int(k) + 1 for i, k in enumerate(keys[:200])]
    return ks, probes


def _us_per_probe(probe, probes: list[int], repeat: int) -> float:
    t0 = time.process_time()
    for _ in range(repeat):
        for h in probes:
            probe(h)
    return 1e6 * (time.process_time() - t0) / (repeat * len(probes))


def test_keyset_probe_cost(benchmark):
    n = 100_000 if benchmark.disabled else 1_000_000
    ks, probes = _filled(n)
    found = [ks.has(h) for h in probes]
    assert found == [i % 2 == 0 for i in range(len(probes))]
    merged = ks._sorted
    us = benchmark.pedantic(lambda: _us_per_probe(ks.has, probes, 50), rounds=1, iterations=1)
    benchmark.extra_info["us_per_probe"] = us
    benchmark.extra_info["us_per_probe_python_int"] = _us_per_probe(
        lambda h: merged.searchsorted(h), probes, 1
    )
    benchmark.extra_info["keys"] = n
