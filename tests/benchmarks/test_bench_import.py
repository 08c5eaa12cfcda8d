"""Import and calibration of a retailer's tables at size (issue 14).

Default run (CI, ``--benchmark-disable``): the *quick* sizes, each body once as a smoke test,
in this process: 20 stores x 1,000 SKUs x 28 days per SKU as a month-partitioned ``sales/``
directory (588,000 rows), and a year per store x category.

``RETAIL_TWIN_BENCH=full pytest tests/benchmarks/test_bench_import.py --benchmark-enable``
measures the issue's size: 500 stores x 5,000 SKUs x 365 days per SKU (914 M sales rows, about
1.2 GB of Parquet, one file per month), generated once into ``$RETAIL_TWIN_BENCH_DATA``
(default: a temporary directory; reused when it already holds the tables, since generating takes
about 2 CPU-minutes). ``retail-twin import`` and ``retail-twin calibrate`` then each run as a
child process whose wall time, CPU time and peak RSS are recorded in ``benchmark.extra_info``
(``getrusage`` of the children, the figures ``/usr/bin/time -v`` prints). The one assertion on
a measured figure is the issue's memory bound (peak RSS < 6 GiB), never a time. Measured
numbers: docs/benchmarks.md.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from experiments.bench import config_from_env
from experiments.interop.calibrate import calibrate
from experiments.interop.history import from_tables
from experiments.interop.importer import import_tables
from experiments.interop.synthetic import generate

MODE = config_from_env().mode
FULL = {"stores": 500, "skus": 5000, "days": 365, "partition": "month"}
RSS_LIMIT_GIB = 6.0
#: runs argv as a child and prints its rusage (what /usr/bin/time -v reports) as JSON
_RUSAGE = (
    "import json, resource, subprocess, sys, time; t = time.perf_counter(); "
    "rc = subprocess.run(sys.argv[1:]).returncode; "
    "r = resource.getrusage(resource.RUSAGE_CHILDREN); "
    "print(json.dumps({'rc': rc, 'wall_s': time.perf_counter() - t, "
    "'cpu_s': r.ru_utime + r.ru_stime, 'max_rss_gib': r.ru_maxrss / 2**20}))"
)


def _retail_twin() -> list[str]:
    script = Path(sys.executable).with_name("retail-twin")
    if script.exists():
        return [str(script)]
    return [sys.executable, "-c", "from cli.main import app; app()"]


def measured(*args: str) -> dict:
    """Run ``retail-twin ARGS`` in a child process: rc, wall_s, cpu_s, max_rss_gib."""
    out = subprocess.run(
        [sys.executable, "-c", _RUSAGE, *_retail_twin(), *args],
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module", params=["sku", "category"])
def tables(request, tmp_path_factory):
    if MODE == "full" and request.param == "category":
        pytest.skip("full mode measures the per-SKU year only")
    root = tmp_path_factory.mktemp(f"bench_{request.param}")
    if MODE == "full":
        data = Path(os.environ.get("RETAIL_TWIN_BENCH_DATA") or tempfile.mkdtemp(prefix="rt-"))
        if not (data / "tables" / "skus.csv").exists():
            generate(data / "tables", **FULL)
        # one row per day x SKU at every store and the fc
        return data, {"sales": (FULL["stores"] + 1) * FULL["skus"] * FULL["days"]}, root
    days = 28 if request.param == "sku" else 365
    part = "month" if request.param == "sku" else None
    rows = generate(
        root / "tables", stores=20, skus=1000, days=days, sales_by=request.param, partition=part
    )
    return root, rows, root


def test_import_then_calibrate(benchmark, tables):
    data, rows, work_dir = tables
    counter = iter(range(1000))
    info = benchmark.extra_info
    info["mode"] = MODE
    info["sales_rows"] = rows["sales"]

    def in_process():
        k = next(counter)
        report = import_tables(data / "tables", work_dir / f"imported{k}")
        history = from_tables(data / "tables")
        scenario = str(work_dir / f"imported{k}" / "scenario.yaml")
        return report, calibrate(scenario, history, work_dir / f"cal{k}")

    def children():
        k = next(counter)
        imported, cal = work_dir / f"imported{k}", work_dir / f"cal{k}"
        info["import"] = measured("import", str(data / "tables"), "--out", str(imported))
        info["calibrate"] = measured(
            "calibrate",
            str(imported / "scenario.yaml"),
            "--history",
            str(data / "tables"),
            "--out",
            str(cal),
        )
        report = json.loads((imported / "import_report.json").read_text())
        return report, json.loads((cal / "calibration.json").read_text())

    work = children if MODE == "full" else in_process
    report, cal = benchmark.pedantic(work, rounds=1, iterations=1)
    assert report["sales_rows"] == rows["sales"]
    assert any(f["parameter"] == "demand.store_units_per_day" for f in cal["fits"])
    if MODE == "full":
        for step in ("import", "calibrate"):
            assert info[step]["rc"] == 0, info[step]
            assert info[step]["max_rss_gib"] < RSS_LIMIT_GIB, info[step]
