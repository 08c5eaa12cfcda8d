"""Import and calibration of a retailer's tables at size (issue 14).

``pytest tests/benchmarks/test_bench_import.py --benchmark-enable`` measures them; in the
default run (``--benchmark-disable``) each body runs once, as a smoke test. The committed size
is small (20 stores x 1,000 SKUs x 28 days = 588,000 sales rows per SKU, and a year per
category) so CI stays fast; the issue's target size (500 stores x 5,000 SKUs x 365 days) is
measured by hand, with ``/usr/bin/time -v``, in docs/benchmarks.md.
"""

from __future__ import annotations

import pytest

from experiments.interop.calibrate import calibrate
from experiments.interop.history import from_tables
from experiments.interop.importer import import_tables
from experiments.interop.synthetic import generate


@pytest.fixture(scope="module", params=["sku", "category"])
def tables(request, tmp_path_factory):
    root = tmp_path_factory.mktemp(f"bench_{request.param}")
    days = 28 if request.param == "sku" else 365
    rows = generate(root / "tables", stores=20, skus=1000, days=days, sales_by=request.param)
    return root, rows


def test_import_then_calibrate(benchmark, tables):
    root, rows = tables
    counter = iter(range(1000))

    def work():
        k = next(counter)
        report = import_tables(root / "tables", root / f"imported{k}")
        history = from_tables(root / "tables")
        cal = calibrate(str(root / f"imported{k}" / "scenario.yaml"), history, root / f"cal{k}")
        return report, cal

    report, cal = benchmark.pedantic(work, rounds=1, iterations=1)
    benchmark.extra_info["sales_rows"] = rows["sales"]
    assert report["sales_rows"] == rows["sales"]
    assert any(f["parameter"] == "demand.store_units_per_day" for f in cal["fits"])
