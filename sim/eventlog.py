"""The event log: every event and command of a run, streamed to Parquet in batches.

One row per record with scalar columns only (``seq``, ``t_h``, ``record`` = event / command /
trace / fault, ``kind``, ``id`` (event id, -1 for commands and traces), ``key`` (correlation or
command key), ``location``, ``sku`` (-1 when a record spans several SKUs), ``qty``, ``value``,
``detail`` (free text of a trace: the decision, the rule that applied, the attempt; empty for
events and commands)). Traces are what the orchestration layer decided about an event or a
request (:meth:`sim.world.World.trace`); faults are the start and end of a fault window.

**Buffered in columns.** A row is appended into typed buffers that the garbage collector never
scans: its six numbers packed as their columns' C types onto one ``bytearray`` (one ``struct``
call: 0.18 us, where ``array('d').extend`` of the six took 0.53; a number of the wrong type fails
there), its ``(record, kind)`` pair as a code into an ``array('i')`` (a handful of distinct
pairs), its key and detail onto two lists of strings. Every ``batch_rows`` rows the
columns are handed to Arrow in C (numpy views, a dictionary take, two string lists) and written
as one row group, so memory stays bounded whatever the horizon. The earlier design kept a tuple
per row and transposed them with ``zip(*rows)`` at the flush: at ``peak_season_xl`` (27.6 M rows)
that transposition alone was 11% of the run, and the tuples were most of what each young-
generation collection had to traverse. Written with the same options, the file is the same byte
for byte (``tests/test_eventlog.py`` compares it with the row-tuple path).

**Writers of the commonest rows.** ``append`` takes all ten fields and codes the
``(record, kind)`` pair from a tuple per row. The rows that make most of a run have their own
writers with the same result: :meth:`EventLog.event` and :meth:`EventLog.command` (the pair coded
once per class, the fields from the object's ``log_fields``), :meth:`EventLog.trace` (coded once
per kind) and :meth:`EventLog.delivery`, the trace of an event's first delivery attempt (37% of
the rows of ``peak_season_xl``). Codes last for the whole log. ``World`` binds the first three
once; the happy path of the inbound connector calls ``delivery`` straight. Measured
(``tests/benchmarks/test_bench_eventlog.py``, flush included): 1.10-1.14 against 1.23-1.26 us per
order-path row through ``append``; ``tests/test_eventlog.py`` checks the files are the same bytes.

The file is written to a temporary name and renamed when closed, so an interrupted run never
leaves a half-written log under the final name. With no path the log is disabled (``enabled`` is
False) and callers skip building rows at all.
"""

from __future__ import annotations

import os
import struct
from array import array
from pathlib import Path

import numpy as np
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


#: Parquet writer options: zstd, and dictionary pages for the two low-cardinality string columns
#: only. ``key`` and ``detail`` are nearly unique per row (``order:2720082``, ``event=9671708
#: attempt=1``): a dictionary for them filled up and fell back on every row group, which cost
#: more time (0.40 against 0.29 us per row) and bytes (1.14 against 0.67 MB per 65,536 rows of
#: ``peak_season_xl``) than plain pages.
WRITER_OPTIONS = {"compression": "zstd", "use_dictionary": ["record", "kind"]}

#: one row's numbers as packed on the buffer, and the same layout read back by numpy
_PACK = struct.Struct("<dqiiqd").pack  # t_h, id, location, sku, qty, value
_NUMBERS = np.dtype(
    [("t_h", "<f8"), ("id", "<i8"), ("location", "<i4"), ("sku", "<i4"), ("qty", "<i8"),
     ("value", "<f8")]
)  # fmt: skip


class EventLog:
    """The run's event log (see the module docstring): ``append`` one row at a time, or the
    cheaper writers of the commonest rows (:meth:`event`, :meth:`command`, :meth:`trace`,
    :meth:`delivery`), which give the same rows."""

    def __init__(self, path: Path | None, batch_rows: int = 65_536):
        self.path = path
        self.enabled = path is not None
        self.batch_rows = batch_rows
        self._flushed = 0  # rows written to the file so far
        self._tmp = path.with_name(path.name + ".partial") if path else None
        self._writer: pq.ParquetWriter | None = None
        #: (record, kind) -> its code, for the whole log (a handful of pairs)
        self._pairs: dict[tuple[str, str], int] = {}
        #: the same codes looked up by one key per writer: an event or command class, a kind
        self._event_codes: dict[type, int] = {}
        self._command_codes: dict[type, int] = {}
        self._trace_codes: dict[str, int] = {}
        self._delivery = self.code("trace", "delivery")
        self._start_batch()

    def _start_batch(self) -> None:
        self._numbers = bytearray()  # per row: t_h, id, location, sku, qty, value (_PACK)
        self._pair_codes = array("i")  # per row: the code of its (record, kind)
        self._keys: list[str] = []
        self._details: list[str] = []
        # bound once per batch: one attribute look-up fewer per row
        self._add_pair = self._pair_codes.append
        self._add_key = self._keys.append
        self._add_detail = self._details.append

    def code(self, record: str, kind: str) -> int:
        """The code of the pair ``(record, kind)`` (assigned at its first row, kept)."""
        pair = (record, kind)
        code = self._pairs.get(pair)
        if code is None:
            code = self._pairs[pair] = len(self._pairs)
        return code

    def append(self, t, record, kind, ident, key, location, sku, qty, value, detail="") -> None:
        """Buffer one row (see the module docstring for the columns)."""
        numbers = self._numbers
        numbers += _PACK(t, ident, location, sku, qty, value)  # in place: the same bytearray
        pair = (record, kind)
        code = self._pairs.get(pair)
        if code is None:
            code = self._pairs[pair] = len(self._pairs)
        self._add_pair(code)
        self._add_key(key)
        self._add_detail(detail)
        if len(self._keys) >= self.batch_rows:
            self._flush()

    def event(self, event) -> None:
        """The row of an event of :mod:`sim.events` (``append`` with its ``t``, ``kind``,
        ``id``, ``correlation`` and ``log_fields()``; its kind coded once per class)."""
        code = self._event_codes.get(type(event))
        if code is None:
            code = self._event_codes[type(event)] = self.code("event", event.kind)
        location, sku, qty, value = event.log_fields()
        numbers = self._numbers
        numbers += _PACK(event.t, event.id, location, sku, qty, value)
        self._add_pair(code)
        self._add_key(event.correlation)
        self._add_detail("")
        if len(self._keys) >= self.batch_rows:
            self._flush()

    def command(self, t: float, cmd) -> None:
        """The row of a command of :mod:`sim.events` submitted at ``t``."""
        code = self._command_codes.get(type(cmd))
        if code is None:
            code = self._command_codes[type(cmd)] = self.code("command", cmd.kind)
        location, sku, qty, value = cmd.log_fields()
        numbers = self._numbers
        numbers += _PACK(t, -1, location, sku, qty, value)
        self._add_pair(code)
        self._add_key(cmd.key)
        self._add_detail("")
        if len(self._keys) >= self.batch_rows:
            self._flush()

    def trace(self, t, kind, key, detail, location, sku, qty, value) -> None:
        """A ``trace`` row (``append`` with the record and the id -1 implied)."""
        code = self._trace_codes.get(kind)
        if code is None:
            code = self._trace_codes[kind] = self.code("trace", kind)
        numbers = self._numbers
        numbers += _PACK(t, -1, location, sku, qty, value)
        self._add_pair(code)
        self._add_key(key)
        self._add_detail(detail)
        if len(self._keys) >= self.batch_rows:
            self._flush()

    def delivery(self, t: float, key: str, event_id: int) -> None:
        """The trace of an event's first delivery attempt: ``trace`` ``delivery``, detail
        ``event=<id> attempt=1`` (a third of a run's rows: the cheapest path)."""
        numbers = self._numbers
        numbers += _PACK(t, -1, -1, -1, 0, 0.0)
        self._add_pair(self._delivery)
        self._add_key(key)
        self._add_detail(f"event={event_id} attempt=1")
        if len(self._keys) >= self.batch_rows:
            self._flush()

    @property
    def rows(self) -> int:
        """Rows appended so far (written or buffered)."""
        return self._flushed + len(self._keys)

    def _table(self) -> pa.Table:
        """The buffered rows as an Arrow table of :data:`SCHEMA` (numbers cast in C)."""
        n, start = len(self._keys), self._flushed
        nums = np.frombuffer(self._numbers, dtype=_NUMBERS)
        pairs = list(self._pairs)  # insertion order: position = code
        codes = pa.array(np.frombuffer(self._pair_codes, dtype=np.int32))
        records = pa.array([r for r, _ in pairs], pa.string()).take(codes)
        kinds = pa.array([k for _, k in pairs], pa.string()).take(codes)
        columns = [
            pa.array(np.arange(start, start + n, dtype=np.int64)),
            pa.array(np.ascontiguousarray(nums["t_h"])),
            records,
            kinds,
            pa.array(np.ascontiguousarray(nums["id"])),
            pa.array(self._keys, pa.string()),
            pa.array(np.ascontiguousarray(nums["location"])),
            pa.array(np.ascontiguousarray(nums["sku"])),
            pa.array(np.ascontiguousarray(nums["qty"])),
            pa.array(np.ascontiguousarray(nums["value"])),
            pa.array(self._details, pa.string()),
        ]
        return pa.Table.from_arrays(columns, schema=SCHEMA)

    def _flush(self) -> None:
        n = len(self._keys)
        if not n:
            return
        table = self._table()
        if self._writer is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._writer = pq.ParquetWriter(self._tmp, SCHEMA, **WRITER_OPTIONS)
        self._writer.write_table(table)
        self._flushed += n
        self._start_batch()

    def close(self) -> None:
        if self.path is None:
            return
        if self._writer is None:
            self._writer = pq.ParquetWriter(self._tmp, SCHEMA, **WRITER_OPTIONS)
        self._flush()
        self._writer.close()
        os.replace(self._tmp, self.path)

    def abort(self) -> None:
        """Drop a partial log (the run failed or was interrupted)."""
        if self._writer is not None:
            self._writer.close()
        if self._tmp is not None and self._tmp.exists():
            self._tmp.unlink()
