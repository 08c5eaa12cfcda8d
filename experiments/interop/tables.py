"""A retailer's own tables: their formats (``docs/import.md``), reading and validation.

A history directory holds CSV (``NAME.csv``, a header row, UTF-8) or Parquet (``NAME.parquet``)
tables named ``locations``, ``skus``, ``suppliers``, ``sales`` and optionally
``supplier_lead_times``, ``approvals`` and ``purchase_orders``; :data:`SPECS` lists each one's
columns, their kind and rules. Validation lists *every* problem as a :class:`Problem` naming the
file, the row (the line of a CSV file, header = line 1; the 1-based row of a Parquet file) and
the column; a rule broken by many rows is reported for its first :data:`ROWS_PER_RULE` rows and
counted for the rest, so a systematic error does not print a million lines.

``sales`` can be large (one row per day x location x SKU): it is read in batches
(:func:`iter_table`) and never held whole; its checks are the same, batch by batch. It may also
be partitioned: a directory ``sales/`` of Parquet files (:func:`table_parts`), read file by file.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pcsv
import pyarrow.parquet as pq

ROWS_PER_RULE = 5
BATCH_ROWS = 1 << 20
APPROVAL_TYPES = ("purchase", "discount", "refund", "inventory_adjustment", "supplier_change")
_HHMM = re.compile(r"^([01]?\d|2[0-4]):([0-5]\d)$")


@dataclass(frozen=True)
class Column:
    """One column: ``kind`` is id, str, float, int, date, datetime, hhmm or enum."""

    name: str
    kind: str
    required: bool = True
    min: float | None = None  # inclusive
    gt: float | None = None  # exclusive lower bound
    max: float | None = None
    values: tuple[str, ...] = ()
    optional_values: bool = False  # an empty cell is allowed
    doc: str = ""


@dataclass(frozen=True)
class TableSpec:
    name: str
    columns: tuple[Column, ...]
    required: bool = True
    unique: str | None = None  # a column whose values must be unique
    doc: str = ""

    def column(self, name: str) -> Column:
        return next(c for c in self.columns if c.name == name)


SPECS = {
    t.name: t
    for t in (
        TableSpec(
            "locations",
            (
                Column("location_id", "id", doc="unique id"),
                Column("kind", "enum", values=("store", "warehouse", "fc"), doc="fc = online"),
                Column("opens", "hhmm", required=False, optional_values=True, doc="store opening"),
                Column("closes", "hhmm", required=False, optional_values=True, doc="closing"),
                Column("dc", "str", required=False, optional_values=True, doc="store's warehouse"),
            ),
            unique="location_id",
            doc="stores, warehouses and exactly one online fulfilment centre",
        ),
        TableSpec(
            "skus",
            (
                Column("sku_id", "id"),
                Column("category", "id"),
                Column("price", "float", gt=0),
                Column("cost", "float", min=0),
                Column("supplier_id", "id"),
                Column("case_pack", "int", required=False, min=1, max=1000),
            ),
            unique="sku_id",
        ),
        TableSpec(
            "suppliers",
            (
                Column("supplier_id", "id"),
                Column(
                    "lead_time_median_days", "float", required=False, gt=0, optional_values=True
                ),
                Column("lead_time_p90_days", "float", required=False, gt=0, optional_values=True),
                Column("fill_rate", "float", min=0, max=1),
                Column("on_time_rate", "float", required=False, min=0, max=1),
            ),
            unique="supplier_id",
        ),
        TableSpec(
            "supplier_lead_times",
            (Column("supplier_id", "id"), Column("lead_time_days", "float", gt=0)),
            required=False,
        ),
        TableSpec(
            "sales",
            (
                Column("date", "date"),
                Column("location_id", "id"),
                Column("sku_id", "id", required=False),
                Column("category", "id", required=False),
                Column("units", "int", min=0),
                Column("promo", "int", required=False, min=0, max=1),
            ),
            doc="daily units per location x SKU (or per location x category)",
        ),
        TableSpec(
            "approvals",
            (
                Column("request_id", "id"),
                Column("type", "enum", values=APPROVAL_TYPES),
                Column("amount", "float", min=0),
                Column("created", "datetime"),
                Column("started", "datetime", required=False, optional_values=True),
                Column("decided", "datetime", optional_values=True),
                Column("outcome", "enum", values=("approved", "refused", "pending")),
                Column("approver_role", "str", optional_values=True),
            ),
            required=False,
            unique="request_id",
        ),
        TableSpec(
            "purchase_orders",
            (
                Column("po_id", "id"),
                Column("supplier_id", "id"),
                Column("ordered", "datetime"),
                Column("confirmed", "datetime", optional_values=True),
                Column("received", "datetime", optional_values=True),
                Column("lines", "int", min=1),
                Column("units_ordered", "int", required=False, min=0),
                Column("units_received", "int", required=False, min=0),
            ),
            required=False,
            unique="po_id",
        ),
        TableSpec(
            "orders",
            (
                Column("order_id", "id"),
                Column("placed", "datetime"),
                Column("channel", "enum", values=("ecommerce", "marketplace")),
                Column("payment", "enum", values=("captured", "declined")),
                Column("returned", "int", min=0, max=1),
            ),
            required=False,
            unique="order_id",
        ),
    )
}


@dataclass(frozen=True)
class Problem:
    file: str
    row: int | None  # None: the whole file or column
    column: str
    message: str

    def __str__(self) -> str:
        where = f"row {self.row}" if self.row is not None else "all rows"
        col = f", column {self.column}" if self.column else ""
        return f"{self.file}: {where}{col}: {self.message}"


class TableError(Exception):
    """Tables that cannot be imported, with every problem found in them."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        lines = [f"{len(problems)} problem(s) in the tables:"] + [f"  - {p}" for p in problems]
        super().__init__("\n".join(lines))


@dataclass
class Problems:
    """Collects problems; counts the rows of a rule beyond :data:`ROWS_PER_RULE`."""

    items: list[Problem] = field(default_factory=list)
    _extra: dict[tuple[str, str, str], int] = field(default_factory=dict)
    _seen: dict[tuple[str, str, str], int] = field(default_factory=dict)

    def add(self, file: str, row: int | None, column: str, message: str) -> None:
        self.items.append(Problem(file, row, column, message))

    def rows(self, file: str, rows: np.ndarray, column: str, message: str) -> None:
        key = (file, column, message)
        seen = self._seen.get(key, 0)
        take = max(ROWS_PER_RULE - seen, 0)
        for r in rows[:take].tolist():
            self.add(file, int(r), column, message)
        self._seen[key] = seen + len(rows)
        if len(rows) > take:
            self._extra[key] = self._extra.get(key, 0) + len(rows) - take

    def finish(self) -> list[Problem]:
        for (file, column, message), n in self._extra.items():
            self.add(file, None, column, f"{message} (and {n:,} more rows)")
        self._extra.clear()
        return self.items


def find_table(directory: Path, name: str) -> Path | None:
    for suffix in (".parquet", ".csv"):
        p = directory / f"{name}{suffix}"
        if p.is_file():
            return p
    p = directory / name
    if p.is_dir() and any(p.rglob("*.parquet")):
        return p  # a partitioned table: a directory of Parquet files
    return None


def table_parts(path: Path) -> list[Path]:
    """The files of a table: itself, or a partitioned table's Parquet files in path order
    (``sales/2025-03.parquet``, ``sales/month=2025-03/part-0.parquet``...). Each part holds
    every column; rows are numbered within their own file."""
    if path.is_dir():
        return sorted(path.rglob("*.parquet"))
    return [path]


def iter_table(path: Path, batch_rows: int = BATCH_ROWS) -> Iterator[tuple[int, pd.DataFrame]]:
    """(first row number, batch as strings or native types) over a CSV or Parquet table."""
    if path.suffix == ".parquet":
        first = 1
        pending: list[pa.RecordBatch] = []
        rows = 0
        batches = pq.ParquetFile(path).iter_batches(batch_size=batch_rows)
        # small row groups (a day each, say) are gathered: the checks cost per batch
        for batch in _with_end(batches):
            if batch is not None:
                pending.append(batch)
                rows += batch.num_rows
                if rows < batch_rows:
                    continue
            if not pending:
                return
            df = pa.Table.from_batches(pending).to_pandas(date_as_object=False)
            pending, rows = [], 0
            yield first, df
            first += len(df)
        return
    opts = pcsv.ConvertOptions(strings_can_be_null=False)
    read = pcsv.ReadOptions(block_size=1 << 24)
    reader = pcsv.open_csv(path, read_options=read, convert_options=opts)
    # every column as text: the checks below parse and report, never pyarrow's own inference
    names = reader.schema.names
    reader.close()
    opts = pcsv.ConvertOptions(
        column_types={n: pa.string() for n in names}, strings_can_be_null=False
    )
    reader = pcsv.open_csv(path, read_options=read, convert_options=opts)
    first = 2  # line 1 is the header
    for batch in reader:
        df = batch.to_pandas()
        yield first, df
        first += len(df)


def _with_end(items):
    yield from items
    yield None


def _text(s: pd.Series) -> pd.Series:
    return s.astype("string").fillna("").str.strip()


def index_of(index: pd.Index, s: pd.Series) -> np.ndarray:
    """Positions of ``s``'s values in ``index`` (-1 when absent); a categorical (a Parquet
    dictionary column) is looked up once per distinct value."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        pos = index.get_indexer(s.cat.categories)
        codes = s.cat.codes.to_numpy()
        return np.where(codes >= 0, pos[codes], -1)
    return index.get_indexer(s)


def parse_column(s: pd.Series, col: Column) -> tuple[pd.Series, np.ndarray, str]:
    """(parsed values, mask of bad cells, what was expected) for one column of a batch."""
    if isinstance(s.dtype, pd.CategoricalDtype) and col.kind in ("id", "str", "enum", "hhmm"):
        # check each distinct value once, then spread the verdict by the codes
        cats, bad_cats, what = parse_column(pd.Series(s.cat.categories, dtype=object), col)
        codes = s.cat.codes.to_numpy()
        missing = not col.optional_values and col.kind in ("id", "enum", "hhmm")
        bad = np.where(codes >= 0, bad_cats[np.maximum(codes, 0)], missing)
        if cats.is_unique:
            return s.cat.rename_categories(cats.to_numpy()), bad, what
        return pd.Series(cats.to_numpy()[codes], index=s.index).where(codes >= 0, ""), bad, what
    if pd.api.types.is_numeric_dtype(s) or pd.api.types.is_datetime64_any_dtype(s):
        empty = s.isna()  # typed (Parquet) columns: no text to format
    else:
        empty = _text(s) == ""
    k = col.kind
    if k in ("id", "str", "enum", "hhmm"):
        v = _text(s)
        bad = np.zeros(len(v), dtype=bool)
        what = "a value"
        if k == "id":
            bad = (v == "").to_numpy().copy()
            what = "a non-empty id"
        elif k == "enum":
            bad = ~v.isin(col.values).to_numpy()  # a new array
            what = f"one of {', '.join(col.values)}"
        elif k == "hhmm":
            bad = ~v.str.match(_HHMM).fillna(False).to_numpy()
            what = "a time of day HH:MM"
        if col.optional_values:
            bad &= ~empty.to_numpy()
        return v, bad, what
    if k in ("float", "int"):
        v = pd.to_numeric(s, errors="coerce").astype(float)
        bad = v.isna().to_numpy().copy()
        what = "a number" if k == "float" else "a whole number"
        if k == "int":
            bad |= ~np.isnan(v.to_numpy()) & (v.to_numpy() % 1 != 0)
        vals = v.to_numpy()
        with np.errstate(invalid="ignore"):
            if col.min is not None:
                bad |= vals < col.min
                what += f" >= {col.min:g}"
            if col.gt is not None:
                bad |= vals <= col.gt
                what += f" > {col.gt:g}"
            if col.max is not None:
                bad |= vals > col.max
                what += f" <= {col.max:g}"
        if col.optional_values:
            bad &= ~empty.to_numpy()
        return v, bad, what
    if k in ("date", "datetime"):
        if pd.api.types.is_datetime64_any_dtype(s):
            v = s.dt.tz_localize(None) if getattr(s.dt, "tz", None) is not None else s
        elif len(s) and isinstance(s.iloc[0], dt.date):
            v = pd.to_datetime(s, errors="coerce")
        else:
            fmt = "%Y-%m-%d" if k == "date" else "ISO8601"
            v = pd.to_datetime(_text(s), errors="coerce", format=fmt)
            if getattr(v.dt, "tz", None) is not None:
                v = v.dt.tz_convert(None)
        bad = v.isna().to_numpy().copy()
        if col.optional_values:
            bad &= ~empty.to_numpy()
        what = "a date YYYY-MM-DD" if k == "date" else "a date-time (ISO 8601)"
        return v, bad, what
    raise ValueError(f"unknown column kind {k!r}")


def check_batch(
    spec: TableSpec, df: pd.DataFrame, first: int, file: str, problems: Problems
) -> dict[str, pd.Series]:
    """Parse and check one batch; returns the parsed columns (bad cells as NaN / NaT / '')."""
    out: dict[str, pd.Series] = {}
    for col in spec.columns:
        if col.name not in df.columns:
            continue
        v, bad, what = parse_column(df[col.name], col)
        if bad.any():
            problems.rows(file, np.flatnonzero(bad) + first, col.name, f"expected {what}")
        out[col.name] = v
    return out


def missing_columns(spec: TableSpec, columns: list[str], file: str) -> list[Problem]:
    return [
        Problem(file, None, c.name, f"a required column is missing (columns: {', '.join(columns)})")
        for c in spec.columns
        if c.required and c.name not in columns
    ]


def read_small(directory: Path, name: str, problems: Problems) -> tuple[pd.DataFrame | None, str]:
    """A small table read whole and checked: (parsed frame or None when absent, file name)."""
    spec = SPECS[name]
    path = find_table(directory, name)
    if path is None:
        if spec.required:
            problems.add(f"{directory / name}.csv", None, "", "required table not found")
        return None, f"{name}.csv"
    file = str(path)
    if path.is_dir():
        problems.add(
            file, None, "", f"a directory: only sales may be partitioned, {name} is one file"
        )
        return None, file
    parts: list[pd.DataFrame] = []
    try:
        for first, df in iter_table(path):
            miss = missing_columns(spec, list(df.columns), file)
            if miss:
                problems.items.extend(miss)
                return None, file
            cols = check_batch(spec, df, first, file, problems)
            frame = pd.DataFrame(cols)
            frame["_row"] = np.arange(first, first + len(df))
            parts.append(frame)
    except (pa.ArrowInvalid, OSError) as exc:
        problems.add(file, None, "", f"not a readable table ({exc})")
        return None, file
    if not parts:
        problems.add(file, None, "", "no rows")
        return None, file
    table = pd.concat(parts, ignore_index=True)
    if spec.unique:
        dup = table[spec.unique].duplicated(keep="first") & (table[spec.unique] != "")
        if dup.any():
            problems.rows(file, table.loc[dup, "_row"].to_numpy(), spec.unique, "a duplicate id")
    return table, file
