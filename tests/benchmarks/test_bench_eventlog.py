"""What a row of the event log costs (issue 17, ``sim/eventlog.py``), beside the row-tuple
design it replaced.

Measured: ``pytest tests/benchmarks/test_bench_eventlog.py --benchmark-enable -s``: 65,536 rows
shaped like a ``peak_season_xl`` log (delivery traces, order events) appended and flushed to
Parquet, by :class:`EventLog` and, beside it, by the former design (a tuple per row, transposed
with ``zip(*rows)`` at the flush, every string column dictionary-encoded). Each reports its
microseconds per row in ``extra_info`` (``us_per_row``, ``us_per_row_row_tuples``), and the
file sizes. Measured here (3 Dec 2026, warm): 1.07-2.5 against 2.0-2.9 µs per row over five
rounds (one round a tie), 0.29 against 0.82 MB; in a whole ``peak_season_xl`` run the old flush
cost far more per row (its 65,536 scattered tuples and the GC work they made). The default run
(``--benchmark-disable``) uses 2,000 rows and asserts only that the two files hold the same table.
"""

from __future__ import annotations

import time

import pyarrow as pa
import pyarrow.parquet as pq

from sim.eventlog import SCHEMA, EventLog


def _rows(n: int) -> list[tuple]:
    rows = []
    for i in range(n):
        t = 2700.0 + i * 0.01
        if i % 3 == 0:
            rows.append((t, "event", "OrderShipped", 9_600_000 + i, f"order:{i}", 503, -1, 4, 0.0))
        else:
            rows.append(
                (t, "trace", "delivery", -1, f"order:{i}", -1, -1, 0, 0.0, f"event={i} attempt=1")
            )
    return rows


def _new(path, rows) -> float:
    t0 = time.process_time()
    log = EventLog(path, batch_rows=len(rows))
    for row in rows:
        log.append(*row)
    log.close()
    return time.process_time() - t0


def _row_tuples(path, rows) -> float:
    t0 = time.process_time()
    buffered = []
    for row in rows:
        buffered.append(row if len(row) == 10 else (*row, ""))
    cols = [range(len(buffered)), *zip(*buffered, strict=True)]
    table = pa.Table.from_arrays(
        [pa.array(c, type=f.type) for c, f in zip(cols, SCHEMA, strict=True)], schema=SCHEMA
    )
    with pq.ParquetWriter(path, SCHEMA, compression="zstd") as w:
        w.write_table(table)
    return time.process_time() - t0


def test_event_log_row_cost(benchmark, tmp_path):
    n = 2_000 if benchmark.disabled else 65_536
    rows = _rows(n)
    new, old = tmp_path / "new.parquet", tmp_path / "old.parquet"
    _new(new, rows[:100])  # warm-up: Arrow's first conversions and writer cost ~8 us a row
    _row_tuples(old, rows[:100])
    seconds = benchmark.pedantic(lambda: _new(new, rows), rounds=1, iterations=1)
    old_seconds = _row_tuples(old, rows)
    assert pq.read_table(new).equals(pq.read_table(old))
    benchmark.extra_info["us_per_row"] = 1e6 * seconds / n
    benchmark.extra_info["us_per_row_row_tuples"] = 1e6 * old_seconds / n
    benchmark.extra_info["bytes"] = new.stat().st_size
    benchmark.extra_info["bytes_row_tuples"] = old.stat().st_size
