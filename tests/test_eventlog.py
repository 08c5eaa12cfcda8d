"""The event log (``sim/eventlog.py``): rows buffered in typed columns, written in batches."""

from __future__ import annotations

import random
import struct

import pyarrow as pa
import pyarrow.compute as pc
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


class _GenericLog(EventLog):
    """The writers of the commonest rows as they were before they had their own path: every
    row through :meth:`EventLog.append`, with the fields the world and the connector passed."""

    def event(self, event) -> None:
        loc, sku, qty, value = event.log_fields()
        self.append(event.t, "event", event.kind, event.id, event.correlation, loc, sku, qty, value)

    def command(self, t, cmd) -> None:
        loc, sku, qty, value = cmd.log_fields()
        self.append(t, "command", cmd.kind, -1, cmd.key, loc, sku, qty, value)

    def trace(self, t, kind, key, detail, location, sku, qty, value) -> None:
        self.append(t, "trace", kind, -1, key, location, sku, qty, value, detail)

    def delivery(self, t, key, event_id) -> None:
        self.append(t, "trace", "delivery", -1, key, -1, -1, 0, 0.0, f"event={event_id} attempt=1")


def _mixed(log: EventLog) -> None:
    """Rows of every writer, interleaved, with single- and multi-line events and commands."""
    import numpy as np

    from sim import events as ev

    one, two = np.array([7], dtype=np.int64), np.array([3, 9], dtype=np.int64)
    for i in range(1, 700):
        t = i * 0.25
        skus, qty = (one, np.array([i % 5 + 1])) if i % 2 else (two, np.array([2, i]))
        log.event(ev.OrderPlaced(i, t, f"order:{i}", i, "web", 500, skus, qty, 12.5 * i))
        log.delivery(t, f"order:{i}", i)
        log.event(ev.OrderShipped(i + 10**6, t, f"order:{i}", i, 2, 500, skus, qty))
        log.event(ev.OrderDelivered(i + 2 * 10**6, t, f"order:{i}", i, bool(i % 3)))
        if i % 7 == 0:
            log.trace(t, "link", f"order:{i}", f"ticket:{i}", -1, -1, 0, 0.0)
            log.trace(t, "approval.decision", f"discount:{i}", "approved «x»", 3, 4, 5, 1.5)
            log.command(t, ev.TransferStock(f"tr-{i}", f"need-{i}", 1, 2, skus, qty))
            log.command(t, ev.PayInvoice(f"pay-{i}", f"inv-{i}", i, 4, 99.5))
        if i % 50 == 0:
            log.append(t, "fault", "carrier", -1, "carrier:1", -1, -1, 0, 0.0, "start")


def test_the_row_writers_write_what_append_writes_byte_for_byte(tmp_path):
    """``event``, ``command``, ``trace`` and ``delivery`` give the rows ``append`` gives from
    the fields callers passed it before (one file, byte for byte, over several row groups)."""
    fast, generic = (
        EventLog(tmp_path / "fast.parquet", 1_000),
        _GenericLog(tmp_path / "g.parquet", 1_000),
    )
    _mixed(fast)
    _mixed(generic)
    assert fast.rows == generic.rows > 2_000
    fast.close()
    generic.close()
    assert (tmp_path / "fast.parquet").read_bytes() == (tmp_path / "g.parquet").read_bytes()
    table = pq.read_table(tmp_path / "fast.parquet")
    deliveries = table.filter(pc.equal(table["kind"], "delivery"))
    assert deliveries["detail"][0].as_py() == "event=1 attempt=1"
    assert set(deliveries["id"].to_pylist()) == {-1}


def test_a_run_writes_the_same_log_through_the_row_writers(tmp_path, monkeypatch):
    """A traced run of ``peak_season`` (hybrid, its happy path) writes the same events file
    with the log's own row writers as with every row through ``append``."""
    import experiments.runner as runner
    from scenarios.loader import load_scenario

    s = load_scenario("peak_season", ["orchestration.model=hybrid", "horizon_days=2"])
    runner.run_replication(s, out_dir=tmp_path / "fast")
    monkeypatch.setattr(runner, "EventLog", _GenericLog)
    runner.run_replication(s, out_dir=tmp_path / "generic")
    fast = (tmp_path / "fast" / "events.parquet").read_bytes()
    assert fast == (tmp_path / "generic" / "events.parquet").read_bytes()
    assert pq.ParquetFile(tmp_path / "fast" / "events.parquet").metadata.num_rows > 10_000
