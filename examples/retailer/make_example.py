"""Regenerate the example retailer's tables (SYNTHETIC data, no real retailer's):

    .venv/bin/python examples/retailer/make_example.py

writes ``examples/retailer/tables/`` from :func:`experiments.interop.synthetic.generate` with
its default size and seed (6 stores, 2 DCs + an online FC, 4 suppliers, 48 SKUs, 84 days from
3 March 2025); the parameters that generated it are ``synthetic.TRUTH``. The same seed writes
the same tables. Any other size, e.g. the issue-14 benchmark's full year (912 M sales rows,
about 6 GB of Parquet partitioned by month; docs/benchmarks.md):

    .venv/bin/python examples/retailer/make_example.py --out /tmp/rt/full \
        --stores 500 --skus 5000 --days 365 --partition month
"""

import argparse
from pathlib import Path

from experiments.interop.synthetic import generate

if __name__ == "__main__":
    here = Path(__file__).resolve().parent / "tables"
    p = argparse.ArgumentParser(description="Write a synthetic retailer's tables.")
    p.add_argument("--out", type=Path, default=here, help="directory (default: the example's)")
    p.add_argument("--stores", type=int, default=6)
    p.add_argument("--skus", type=int, default=48)
    p.add_argument("--days", type=int, default=84)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--sales-by", choices=("sku", "category"), default="sku")
    p.add_argument("--partition", choices=("month",), default=None)
    a = p.parse_args()
    rows = generate(a.out, a.stores, a.skus, a.days, a.seed, a.sales_by, a.partition)
    for table, n in rows.items():
        print(f"{table}: {n:,} rows")
