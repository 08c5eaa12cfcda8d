"""Regenerate the example retailer's tables (SYNTHETIC data, no real retailer's):

    .venv/bin/python examples/retailer/make_example.py

writes ``examples/retailer/tables/`` from :func:`experiments.interop.synthetic.generate` with
its default size and seed (6 stores, 2 DCs + an online FC, 4 suppliers, 48 SKUs, 84 days from
3 March 2025); the parameters that generated it are ``synthetic.TRUTH``. The same seed writes
the same tables.
"""

from pathlib import Path

from experiments.interop.synthetic import generate

if __name__ == "__main__":
    out = Path(__file__).resolve().parent / "tables"
    for table, rows in generate(out).items():
        print(f"{table}: {rows:,} rows")
