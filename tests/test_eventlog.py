"""The event log (``sim/eventlog.py``): rows buffered in typed columns, written in batches."""

from __future__ import annotations

import random
import struct

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from sim.eventlog import SCHEMA, WRITER_OPTIONS, EventLog


def _rows(n: int, seed: int = 3) -> list[tuple]:
    """Rows as callers append them: events, commands, traces and faults, with the values the
    columns may hold (negative locations, ids near 2**40, unicode keys, long details)."""
    rng = random.Random(seed)
    kinds = ["OrderPlaced", "OrderShipped", "delivery", "set_price", "payment_gateway", "ü-kind"]
    out = []
    t = 0.0
    for i in range(n):
        t += rng.random() * 0.1
        record = rng.choice(["event", "command", "trace", "fault"])
        out.append(
            (
                t,
                record,
                rng.choice(kinds),
                rng.choice([-1, i, 2**40 + i]),
                rng.choice([f"order:{i}", f"PO-{i % 7}", "ticket:é", ""]),
                rng.choice([-1, 0, 503]),
                rng.choice([-1, 4999]),
                rng.choice([0, 3, -2, 10**12]),
                rng.choice([0.0, 0.1 + 0.2, 1e-300, -45.5, 3]),
                rng.choice(["", f"event={i} attempt=1", "rule «x»"]),
            )
        )
    return out


def _row_tuple_table(rows: list[tuple], start: int) -> pa.Table:
    """The earlier design's flush: the row tuples transposed, each column converted by Arrow."""
    cols = [range(start, start + len(rows)), *zip(*rows, strict=True)]
    return pa.Table.from_arrays(
        [pa.array(col, type=f.type) for col, f in zip(cols, SCHEMA, strict=True)], schema=SCHEMA
    )


def test_the_log_is_the_row_tuple_log_byte_for_byte(tmp_path):
    rows = _rows(2_500)
    log = EventLog(tmp_path / "events.parquet", batch_rows=1_000)
    for row in rows:
        log.append(*row)
    assert log.rows == 2_500
    log.close()
    # the earlier design, written the same way: one row group per 1,000 rows
    ref = tmp_path / "ref.parquet"
    with pq.ParquetWriter(ref, SCHEMA, **WRITER_OPTIONS) as w:
        for a in range(0, len(rows), 1_000):
            w.write_table(_row_tuple_table(rows[a : a + 1_000], a))
    assert (tmp_path / "events.parquet").read_bytes() == ref.read_bytes()
    f = pq.ParquetFile(tmp_path / "events.parquet")
    assert f.metadata.num_row_groups == 3
    group = f.metadata.row_group(0)
    encodings = {group.column(i).path_in_schema: group.column(i).encodings for i in range(11)}
    assert "RLE_DICTIONARY" in encodings["kind"]  # a handful of values: dictionary pages
    assert "RLE_DICTIONARY" not in encodings["key"]  # nearly unique: plain pages
    table = f.read()
    assert table.column("seq").to_pylist() == list(range(2_500))
    back = [tuple(r.values())[1:] for r in table.to_pylist()]
    assert back == [tuple(float(v) if j == 8 else v for j, v in enumerate(r)) for r in rows]


def test_rows_counts_written_and_buffered_rows_and_abort_leaves_nothing(tmp_path):
    path = tmp_path / "events.parquet"
    log = EventLog(path, batch_rows=10)
    for row in _rows(25):
        log.append(*row)
    assert log.rows == 25
    assert (tmp_path / "events.parquet.partial").exists()  # two batches written so far
    log.abort()
    assert not path.exists()
    assert not (tmp_path / "events.parquet.partial").exists()


def test_a_value_of_the_wrong_type_fails_at_append(tmp_path):
    log = EventLog(tmp_path / "events.parquet")
    with pytest.raises(struct.error, match="not an integer"):
        log.append(1.0, "event", "OrderPlaced", "not-an-id", "order:1", -1, -1, 0, 0.0)
