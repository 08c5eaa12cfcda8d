"""What going through the mocked Odoo costs per RFQ, per receipt, per bill and per ticket.

Measured: ``pytest tests/benchmarks/test_bench_odoo_paths.py --benchmark-enable -s`` prices 300
documents of each kind on one mocked Odoo that keeps its records (as a run's does); the default
run (``--benchmark-disable``) prices 30, as a smoke test. The figures are in ``extra_info`` and
printed; what they mean is in :mod:`experiments.bench.odoo_paths`.
"""

from __future__ import annotations

from experiments.bench.odoo_paths import odoo_path_costs


def test_odoo_path_costs_per_document(benchmark):
    n = 30 if benchmark.disabled else 300
    costs = benchmark.pedantic(lambda: odoo_path_costs(n=n), rounds=1, iterations=1)
    benchmark.extra_info.update(costs)
    print(f"\nmocked Odoo, per document: {costs}")
    assert costs["documents"] == n
    for key in ("rfq_ms", "orderpoint_rfq_ms", "receipt_ms", "bill_ms", "ticket_ms"):
        assert costs[key] > 0
    # one line in ten is received short and billed in full: those bills are not released
    assert 0 < costs["bills_released"] < n
