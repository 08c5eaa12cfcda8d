"""The event log: every event and command of a run, streamed to Parquet in batches.

One row per record with scalar columns only (``seq``, ``t_h``, ``record`` = event / command /
trace / fault, ``kind``, ``id`` (event id, -1 for commands and traces), ``key`` (correlation or
command key), ``location``, ``sku`` (-1 when a record spans several SKUs), ``qty``, ``value``,
``detail`` (free text of a trace: the decision, the rule that applied, the attempt; empty for
events and commands)). Traces are what the orchestration layer decided about an event or a
request (:meth:`sim.world.World.trace`); faults are the start and end of a fault window. Rows
are buffered as tuples (one append a row; the columns are formed in C at the flush) and written
every ``batch_rows`` rows, so memory stays bounded
whatever the horizon; the file is written to a temporary name and renamed when closed, so an
interrupted run never leaves a half-written log under the final name. With no path the log is
disabled (``enabled`` is False) and callers skip building rows at all.
"""

from __future__ import annotations

import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

SCHEMA = pa.schema(
    [
        ("seq", pa.int64()),
        ("t_h", pa.float64()),
        ("record", pa.string()),
        ("kind", pa.string()),
        ("id", pa.int64()),
        ("key", pa.string()),
        ("location", pa.int32()),
        ("sku", pa.int32()),
        ("qty", pa.int64()),
        ("value", pa.float64()),
        ("detail", pa.string()),
    ]
)


class EventLog:
    def __init__(self, path: Path | None, batch_rows: int = 65_536):
        self.path = path
        self.enabled = path is not None
        self.batch_rows = batch_rows
        self._flushed = 0  # rows written to the file so far
        self._rows: list[tuple] = []  # buffered rows, every column but ``seq`` (their position)
        self._writer: pq.ParquetWriter | None = None
        self._tmp = path.with_name(path.name + ".partial") if path else None

    def append(self, t, record, kind, ident, key, location, sku, qty, value, detail="") -> None:
        """Buffer one row: one tuple appended (the columns are formed at the flush, in C)."""
        rows = self._rows
        rows.append((t, record, kind, ident, key, location, sku, qty, value, detail))
        if len(rows) >= self.batch_rows:
            self._flush()

    @property
    def rows(self) -> int:
        """Rows appended so far (written or buffered)."""
        return self._flushed + len(self._rows)

    def _flush(self) -> None:
        rows = self._rows
        if not rows:
            return
        n, start = len(rows), self._flushed
        cols = [range(start, start + n), *zip(*rows, strict=True)]
        table = pa.Table.from_arrays(
            [pa.array(col, type=f.type) for col, f in zip(cols, SCHEMA, strict=True)],
            schema=SCHEMA,
        )
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._writer = pq.ParquetWriter(self._tmp, SCHEMA, compression="zstd")
        self._writer.write_table(table)
        self._flushed += n
        self._rows = []

    def close(self) -> None:
        if self.path is None:
            return
        if self._writer is None:
            self._writer = pq.ParquetWriter(self._tmp, SCHEMA, compression="zstd")
        self._flush()
        self._writer.close()
        os.replace(self._tmp, self.path)

    def abort(self) -> None:
        """Drop a partial log (the run failed or was interrupted)."""
        if self._writer is not None:
            self._writer.close()
        if self._tmp is not None and self._tmp.exists():
            self._tmp.unlink()
